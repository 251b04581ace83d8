//! The integration tests: one binary, one module per command or concern.
#![allow(clippy::disallowed_methods)] // tests set up and inspect repositories on disk

mod agent_formats;
mod agents;
mod budgets;
mod build;
mod check;
mod common;
mod completions;
mod error_formats;
mod errors;
mod examples;
mod fuzz;
mod import;
mod init;
mod inputs;
mod install;
mod interrupted;
mod languages;
mod layering;
mod overlap;
mod overrides_cli;
mod pack;
mod properties;
mod safety;
mod scan;
mod scan_corpus;
mod schema;
mod targets;
mod up_to_date;
mod walk;
