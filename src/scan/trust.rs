//! Reviewed exceptions: `.rulesmith/trust.yaml` records agent files a person has reviewed, by
//! path and SHA-256 of their bytes, with the reason. A trusted file is quiet until one byte
//! changes. There are deliberately no inline suppressions: an "ignore" comment inside an agent
//! file would itself be an instruction an attacker could plant.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diagnostic::{Diagnostic, InputCode, SourceFile};
pub use crate::model::trust::TrustRecord;
use crate::syntax::yaml;

/// Where the trust file lives, relative to the repository root (the manifest's directory).
pub const TRUST_FILE: &str = ".rulesmith/trust.yaml";

/// The trust file: every reviewed agent file.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TrustFile {
    /// Reviewed files, sorted by path.
    #[serde(default)]
    pub trusted: Vec<TrustRecord>,
}

/// The lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    to_hex(&Sha256::digest(bytes))
}

/// `bytes` as lowercase hex.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl TrustFile {
    /// Parses the trust file.
    pub fn parse(source: &SourceFile) -> Result<TrustFile, Diagnostic> {
        let node = yaml::parse(&source.text).map_err(|err| {
            Diagnostic::error(
                InputCode::YamlSyntax,
                format!("invalid YAML: {}", err.message),
            )
            .at(source.span(err.position, 1))
            .hint("fix the YAML, or delete the file and trust the files again")
        })?;
        if matches!(node.kind, yaml::NodeKind::Null) {
            return Ok(TrustFile::default());
        }
        let file: TrustFile = serde_json::from_value(node.to_json()).map_err(|err| {
            Diagnostic::error(InputCode::InvalidValue, format!("invalid trust file: {err}"))
                .at(source.whole())
                .hint("each entry needs `path`, `sha256` and `reason`; re-create it with `rulesmith scan --trust PATH --reason TEXT`")
        })?;
        if let Some(bad) = file
            .trusted
            .iter()
            .find(|r| r.sha256.len() != 64 || !r.sha256.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err(Diagnostic::error(
                InputCode::InvalidValue,
                format!("trust entry for `{}` has an invalid sha256", bad.path),
            )
            .at(source.whole())
            .hint("re-create the entry with `rulesmith scan --trust PATH --reason TEXT`"));
        }
        Ok(file)
    }

    /// Whether `path` is trusted with exactly these bytes.
    pub fn is_trusted(&self, path: &str, bytes: &[u8]) -> bool {
        self.trusted.iter().any(|r| r.path == path)
            && self.is_trusted_hash(path, &sha256_hex(bytes))
    }

    /// Whether `path` is trusted with content of this SHA-256.
    pub fn is_trusted_hash(&self, path: &str, sha256: &str) -> bool {
        self.trusted.iter().any(|r| r.covers(path, sha256))
    }

    /// Records `path` with these bytes as reviewed, replacing any earlier record for it.
    pub fn trust(&mut self, path: &str, bytes: &[u8], reason: &str) {
        self.trusted.retain(|r| r.path != path);
        self.trusted.push(TrustRecord {
            path: path.to_owned(),
            sha256: sha256_hex(bytes),
            reason: reason.trim().to_owned(),
        });
        self.trusted.sort_by(|a, b| a.path.cmp(&b.path));
    }

    /// The file's text: deterministic, one entry per file, strings JSON-quoted (valid YAML).
    pub fn render(&self) -> String {
        let mut out = String::from(
            "# Agent files reviewed with `rulesmith scan --trust`; each is quiet until its bytes change.\n",
        );
        if self.trusted.is_empty() {
            out.push_str("trusted: []\n");
            return out;
        }
        out.push_str("trusted:\n");
        for record in &self.trusted {
            out.push_str(&record.yaml_item());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_holds_until_one_byte_changes() {
        let mut file = TrustFile::default();
        file.trust(".codex/config.toml", b"sandbox_mode = 1\n", "reviewed");
        assert!(file.is_trusted(".codex/config.toml", b"sandbox_mode = 1\n"));
        assert!(!file.is_trusted(".codex/config.toml", b"sandbox_mode = 2\n"));
        assert!(!file.is_trusted("other", b"sandbox_mode = 1\n"));
    }

    #[test]
    fn render_and_parse_round_trip() {
        let mut file = TrustFile::default();
        file.trust("b.md", b"b", "needs \"quotes\": and colons");
        file.trust("a.md", b"a", "first");
        file.trust("b.md", b"b2", "replaced");
        let text = file.render();
        assert!(text.find("a.md").unwrap() < text.find("b.md").unwrap());
        let parsed = TrustFile::parse(&SourceFile::new(TRUST_FILE, text)).unwrap();
        assert_eq!(parsed, file);
        assert_eq!(parsed.trusted.len(), 2);
    }

    #[test]
    fn rejects_malformed_entries() {
        let bad = "trusted:\n  - path: a\n    sha256: xyz\n    reason: r\n";
        assert_eq!(
            TrustFile::parse(&SourceFile::new(TRUST_FILE, bad))
                .unwrap_err()
                .code,
            InputCode::InvalidValue
        );
        let unknown = "trusted: []\nextra: 1\n";
        assert!(TrustFile::parse(&SourceFile::new(TRUST_FILE, unknown)).is_err());
    }
}
