//! Findings: what `check` and `scan` report about files in the working tree.
//!
//! A finding is not an error in rulesmith's input: it is drift or risk in the repository.
//! Findings make a command exit 1; input errors ([`crate::diagnostic`]) make it exit 2.

use serde::Serialize;

use crate::diagnostic::Code;

/// How serious a finding is, lowest first.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Worth knowing; never fails a command by default.
    Info,
    /// Likely harmless, or a weak signal.
    Low,
    /// Needs a look before merging.
    Medium,
    /// Must be fixed.
    High,
    /// Must be fixed now: an active attack or a leaked secret.
    Critical,
}

impl Severity {
    /// The severity's name as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// One finding about one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Stable code, e.g. `RS1002`: a drift or a scan code.
    pub code: Code,
    /// How serious it is.
    pub severity: Severity,
    /// Repository-relative path with `/` separators.
    pub path: String,
    /// One-based line; zero when the finding is about the whole file.
    pub line: u32,
    /// One-based column; zero when unknown.
    pub column: u32,
    /// What is wrong, in one sentence. Never contains raw control characters.
    pub message: String,
    /// How to fix it, in one line.
    pub fix: String,
    /// The offending text, made safe to print (escapes shown, secrets masked).
    pub excerpt: Option<String>,
    /// A unified diff from the file on disk to what rulesmith would write.
    pub diff: Option<String>,
}

impl Finding {
    /// Short kebab-case name of the finding kind, e.g. `changed` or `unicode-tags`.
    pub fn kind(&self) -> &'static str {
        self.code.kind().unwrap_or_default()
    }
}
