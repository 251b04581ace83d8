//! Findings and diagnostics as one versioned JSON document.

use schemars::JsonSchema;
use serde::Serialize;

use crate::diagnostic::finding::{Finding as Found, Severity};
use crate::diagnostic::{self, Diagnostic as Problem};
use crate::report::excerpt::Excerpt;
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
    /// `clean`, `findings` or `error`.
    pub status: Status,
    /// Counts.
    pub summary: Summary,
    /// Every finding, sorted by path, line, column and code.
    pub findings: Vec<Finding>,
    /// Errors and warnings about rulesmith's input, in the order they were found.
    pub diagnostics: Vec<Diagnostic>,
}

/// Whether the run found anything.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// No findings.
    Clean,
    /// At least one finding.
    Findings,
    /// The input had errors, so nothing was checked.
    Error,
}

/// Counts of a run.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Summary {
    /// Files examined.
    pub files_checked: usize,
    /// Findings reported.
    pub findings: usize,
    /// Input errors reported.
    pub errors: usize,
}

/// One finding about one file, every string made safe to show.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Finding {
    /// Stable code, e.g. `RS1002`. Codes are unique across input errors, check and scan.
    pub code: String,
    /// Short kebab-case name of the finding kind, e.g. `changed` or `unicode-tags`.
    pub kind: String,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    /// A unified diff from the file on disk to what rulesmith would write.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// One error or warning about rulesmith's input, every string made safe to show.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Diagnostic {
    /// Stable code, e.g. `RS0102`.
    pub code: String,
    /// `error` (the command stops, exit status 2) or `warning`.
    pub severity: DiagnosticSeverity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The file it is about, when it is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// One-based line; zero when unknown or about the whole file.
    pub line: u32,
    /// One-based column; zero when unknown.
    pub column: u32,
    /// The source line, cut to one readable line, secrets masked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// How serious an input problem is.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DiagnosticSeverity {
    /// Stops the command.
    Error,
    /// Reported, but the command goes on.
    Warning,
}

fn finding(f: &Found) -> Finding {
    Finding {
        code: f.code.to_string(),
        kind: f.kind().to_owned(),
        severity: f.severity,
        path: safe::one_line(&f.path),
        line: f.line,
        column: f.column,
        message: safe::one_line(&f.message),
        fix: safe::one_line(&f.fix),
        excerpt: f.excerpt.as_deref().map(safe::one_line),
        diff: f.diff.as_deref().map(safe::multi_line),
    }
}

fn diagnostic(d: &Problem) -> Diagnostic {
    let span = d.span.as_ref();
    Diagnostic {
        code: d.code.to_string(),
        severity: match d.severity {
            diagnostic::Severity::Error => DiagnosticSeverity::Error,
            diagnostic::Severity::Warning => DiagnosticSeverity::Warning,
        },
        message: safe::one_line(&d.message),
        path: span.map(|s| safe::one_line(&s.file)),
        line: span.map_or(0, |s| s.position.line),
        column: span.map_or(0, |s| s.position.column),
        excerpt: span.and_then(|s| {
            let line = s.line_text.as_deref()?;
            Some(Excerpt::new(line, s.position.column).text)
        }),
        hint: d.hint.as_deref().map(safe::one_line),
    }
}

/// Renders the report document, pretty-printed, ending in a newline.
pub(super) fn render(view: &FindingsView<'_>, findings: &[&Found]) -> String {
    let errors = view.errors();
    let report = JsonReport {
        version: REPORT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        command: view.command.to_owned(),
        status: if errors > 0 {
            Status::Error
        } else if findings.is_empty() {
            Status::Clean
        } else {
            Status::Findings
        },
        summary: Summary {
            files_checked: view.files_checked,
            findings: findings.len(),
            errors,
        },
        findings: findings.iter().copied().map(finding).collect(),
        diagnostics: view.diagnostics.iter().map(diagnostic).collect(),
    };
    let mut text = serde_json::to_string_pretty(&report).expect("reports serialize");
    text.push('\n');
    text
}

/// The JSON Schema of the report, as `docs/report.schema.json` publishes it.
pub fn schema() -> serde_json::Value {
    crate::validate::schema::generate::<JsonReport>("docs/report.schema.json")
}

#[cfg(test)]
mod tests {
    use super::super::tests::{sample, view};
    use super::*;

    #[test]
    fn the_report_matches_its_published_schema() {
        let findings = sample();
        let refs: Vec<&Found> = findings.iter().collect();
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
