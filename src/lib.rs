//! rulesmith: a secure-by-default compiler for AI coding-agent context files.
pub mod diagnostic;
pub mod load;
pub mod manifest;
pub mod policy;
pub mod unicode;
