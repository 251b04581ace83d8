//! rulesmith: a secure-by-default compiler for AI coding-agent context files.
//!
//! Data flows one way: load → validate → resolve → render → write | check → report.
pub mod agents;
pub mod agreement;
pub mod app;
pub mod check;
pub mod cli;
pub mod compile;
pub mod diagnostic;
pub mod embedded;
pub mod explain;
pub mod finding;
pub mod header;
pub mod init;
pub mod load;
pub mod lock;
pub mod manifest;
pub mod merge;
pub mod overrides;
pub mod ownership;
pub mod pack;
pub mod policy;
pub mod reconcile;
pub mod report;
pub mod resolve;
pub mod scan;
pub mod scan_command;
pub mod scope;
pub mod target;
pub mod unicode;
pub mod write;
