//! A reviewed file: its path, the SHA-256 of its bytes when a person reviewed it, and why it is
//! acceptable. `scan --trust` records them in `.rulesmith/trust.yaml` for scan findings; the
//! manifest's `shadow-rules` lists hand-written agent files accepted next to the generated ones.
//! Either way the file is quiet until one byte changes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One reviewed file.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TrustRecord {
    /// Repository-relative path with `/` separators.
    #[schemars(length(min = 1))]
    pub path: String,
    /// Lowercase hex SHA-256 of the file's bytes when it was reviewed.
    #[schemars(regex(pattern = r"^[0-9a-fA-F]{64}$"))]
    pub sha256: String,
    /// Why the file is acceptable.
    #[schemars(regex(pattern = r"\S"))]
    pub reason: String,
}

impl TrustRecord {
    /// Whether this record covers `path` with content of this SHA-256.
    pub fn covers(&self, path: &str, sha256: &str) -> bool {
        self.path == path && self.sha256.eq_ignore_ascii_case(sha256)
    }

    /// The record as one item of a YAML list indented by two spaces, its strings JSON-quoted
    /// (valid YAML whatever they hold).
    pub fn yaml_item(&self) -> String {
        let quote = |s: &str| serde_json::to_string(s).expect("strings serialize");
        format!(
            "  - path: {}\n    sha256: {}\n    reason: {}\n",
            quote(&self.path),
            quote(&self.sha256),
            quote(&self.reason)
        )
    }
}
