//! Text formats rulesmith reads and writes, parsed and printed in memory: YAML, JSON with
//! comments, TOML, rulesmith's own header and markers, relative paths, and the Unicode and
//! terminal-safety rules every layer above applies to text.
pub mod header;
pub mod jsonc;
pub mod path;
pub mod safe;
pub mod toml;
pub mod unicode;
pub mod yaml;
