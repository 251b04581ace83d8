//! rulesmith: a secure-by-default compiler for AI coding-agent context files.
//!
//! Data flows one way: load → validate → resolve → render → write | check → report. The modules
//! are layered in that order and imports only point down (the `layering` test keeps it so):
//!
//! - commands: [`cli`] (flags as parsed) and [`commands`] (one file per subcommand, a workspace
//!   loaded once);
//! - stages with effects or output: [`load`] and [`write`] (the only code that touches the disk),
//!   [`report`] (the only code that prints);
//! - the pure pipeline: [`compile`], [`reconcile`], [`check`], [`scaffold`], [`explain`];
//! - the pure stages below it: [`validate`], [`resolve`], [`render`], [`scan`], [`agents`];
//! - foundations: [`model`], [`syntax`], [`diagnostic`], [`embedded`].
pub mod agents;
pub mod check;
pub mod cli;
pub mod commands;
pub mod compile;
pub mod diagnostic;
pub mod embedded;
pub mod explain;
pub mod import;
pub mod load;
pub mod model;
pub mod reconcile;
pub mod render;
pub mod report;
pub mod resolve;
pub mod scaffold;
pub mod scan;
pub mod syntax;
pub mod validate;
pub mod write;
