//! Findings as one versioned JSON document.

use schemars::JsonSchema;
use serde::Serialize;

use crate::diagnostic::finding::Finding;
use crate::report::findings::FindingsView;
use crate::syntax::safe;

/// The JSON report's format version; bumped only on incompatible changes.
pub const REPORT_VERSION: u32 = 1;

/// The document `--format json` prints.
#[derive(Debug, Serialize, JsonSchema)]
pub struct JsonReport {
    /// Format version of this document.
    pub version: u32,
    /// The rulesmith version that wrote it.
    pub tool_version: String,
    /// `check` or `scan`.
    pub command: String,
    /// `clean` or `findings`.
    pub status: Status,
    /// Counts.
    pub summary: Summary,
    /// Every finding, sorted by path, line, column and code.
    pub findings: Vec<Finding>,
}

/// Whether the run found anything.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// No findings.
    Clean,
    /// At least one finding.
    Findings,
}

/// Counts of a run.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Summary {
    /// Files examined.
    pub files_checked: usize,
    /// Findings reported.
    pub findings: usize,
}

/// The finding as printed: every string made safe to show.
fn printable(f: &Finding) -> Finding {
    Finding {
        path: safe::one_line(&f.path),
        message: safe::one_line(&f.message),
        fix: safe::one_line(&f.fix),
        excerpt: f.excerpt.as_deref().map(safe::one_line),
        diff: f.diff.as_deref().map(safe::multi_line),
        ..f.clone()
    }
}

/// Renders the report document, pretty-printed, ending in a newline.
pub(super) fn render(view: &FindingsView<'_>, findings: &[&Finding]) -> String {
    let report = JsonReport {
        version: REPORT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        command: view.command.to_owned(),
        status: if findings.is_empty() {
            Status::Clean
        } else {
            Status::Findings
        },
        summary: Summary {
            files_checked: view.files_checked,
            findings: findings.len(),
        },
        findings: findings.iter().copied().map(printable).collect(),
    };
    let mut text = serde_json::to_string_pretty(&report).expect("reports serialize");
    text.push('\n');
    text
}

/// The JSON Schema of the report, as `docs/report.schema.json` publishes it.
pub fn schema() -> serde_json::Value {
    crate::validate::schema::generate::<JsonReport>()
}

#[cfg(test)]
mod tests {
    use super::super::tests::{sample, view};
    use super::*;

    #[test]
    fn the_report_matches_its_published_schema() {
        let findings = sample();
        let refs: Vec<&Finding> = findings.iter().collect();
        let text = render(&view(&findings), &refs);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let validator = jsonschema::validator_for(&schema()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(value["version"], 1);
        assert_eq!(value["findings"][1]["code"], "RS1002");
    }
}
