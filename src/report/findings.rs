//! Printing findings of `check` and `scan`, and the input errors that stop them, in every
//! output format.
//!
//! Every format gets the same findings in the same order (by path, line, column, code), so a
//! run's human, JSON, GitHub and SARIF outputs always agree. Input errors and warnings are
//! part of the machine formats too; the human format prints them on stderr as always.

mod github;
mod human;
pub mod json;
mod sarif;

use std::collections::BTreeMap;

use clap::ValueEnum;

use crate::diagnostic::finding::{Finding, Severity};
use crate::diagnostic::{self, Diagnostic};

pub(crate) use human::paint_diff;
pub use json::JsonReport;

/// How findings are printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Grouped by file, with diffs, for people.
    #[default]
    Human,
    /// One versioned JSON document on stdout.
    Json,
    /// GitHub Actions workflow annotations.
    Github,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
}

/// How much to print.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Verbosity {
    /// Everything the format holds.
    #[default]
    Normal,
    /// Nothing; only the exit code tells.
    Quiet,
    /// Only the paths of files with findings, one per line.
    NameOnly,
}

/// The findings of one command run.
#[derive(Clone, Copy, Debug)]
pub struct FindingsView<'a> {
    /// `check` or `scan`.
    pub command: &'a str,
    /// The findings, in any order.
    pub findings: &'a [Finding],
    /// Errors and warnings about the input, in the order they were found.
    pub diagnostics: &'a [Diagnostic],
    /// How many files were examined.
    pub files_checked: usize,
}

impl FindingsView<'_> {
    /// How many of the diagnostics are errors.
    pub(crate) fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == diagnostic::Severity::Error)
            .count()
    }
}

/// What a format renders: text for stdout and a summary for stderr.
pub(crate) struct Rendered {
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// Renders `view` in `format`, sorting findings first.
pub(crate) fn render(format: Format, view: &FindingsView<'_>, verbosity: Verbosity) -> Rendered {
    let mut sorted: Vec<&Finding> = view.findings.iter().collect();
    sorted.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.code).cmp(&(&b.path, b.line, b.column, b.code))
    });
    // Diagnostics the chosen output does not carry go to stderr, for people.
    let carried = verbosity == Verbosity::Normal && format != Format::Human;
    let mut stderr: String = if carried {
        String::new()
    } else {
        view.diagnostics
            .iter()
            .map(super::render_diagnostic)
            .collect()
    };
    let stdout = match verbosity {
        Verbosity::Quiet => String::new(),
        Verbosity::NameOnly => {
            let mut paths: Vec<&str> = sorted.iter().map(|f| f.path.as_str()).collect();
            paths.dedup();
            paths
                .iter()
                .map(|p| format!("{}\n", super::safe::one_line(p)))
                .collect()
        }
        Verbosity::Normal => {
            stderr.push_str(&summary(view));
            match format {
                Format::Human => human::render(&sorted),
                Format::Json => json::render(view, &sorted),
                Format::Github => github::render(view.diagnostics, &sorted),
                Format::Sarif => sarif::render(view.diagnostics, &sorted),
            }
        }
    };
    Rendered { stdout, stderr }
}

/// The one-line summary printed on stderr, e.g. `check: 2 findings (1 high, 1 low) in 1 file`.
fn summary(view: &FindingsView<'_>) -> String {
    let errors = view.errors();
    if errors > 0 {
        let noun = plural(errors, "error", "errors");
        return format!("{}: {errors} {noun}\n", view.command);
    }
    if view.findings.is_empty() {
        let noun = plural(view.files_checked, "file", "files");
        return format!(
            "{}: clean ({} {noun} checked)\n",
            view.command, view.files_checked
        );
    }
    let mut by_severity: BTreeMap<std::cmp::Reverse<Severity>, usize> = BTreeMap::new();
    for finding in view.findings {
        *by_severity
            .entry(std::cmp::Reverse(finding.severity))
            .or_default() += 1;
    }
    let counts: Vec<String> = by_severity
        .iter()
        .map(|(severity, n)| format!("{n} {}", severity.0.as_str()))
        .collect();
    let mut files: Vec<&str> = view.findings.iter().map(|f| f.path.as_str()).collect();
    files.sort_unstable();
    files.dedup();
    format!(
        "{}: {} {} ({}) in {} {}\n",
        view.command,
        view.findings.len(),
        plural(view.findings.len(), "finding", "findings"),
        counts.join(", "),
        files.len(),
        plural(files.len(), "file", "files"),
    )
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::diagnostic::{DriftCode, ScanCode};

    /// Two findings in two files, one with a diff and a hostile excerpt.
    pub(crate) fn sample() -> Vec<Finding> {
        vec![
            Finding {
                code: ScanCode::InvisibleCharacter.into(),
                severity: Severity::High,
                path: ".cursorrules".into(),
                line: 3,
                column: 7,
                message: "zero-width space U+200B hides text".into(),
                fix: "delete the character".into(),
                excerpt: Some("Be\u{200B}nice\x1b[2J".into()),
                diff: None,
            },
            Finding {
                code: DriftCode::Changed.into(),
                severity: Severity::High,
                path: "CLAUDE.md".into(),
                line: 0,
                column: 0,
                message: "CLAUDE.md differs from what the policies compile to".into(),
                fix: "run `rulesmith build` and commit the result".into(),
                excerpt: None,
                diff: Some("--- a/CLAUDE.md\n+++ b/CLAUDE.md\n@@ -1 +1 @@\n-old\n+new\n".into()),
            },
        ]
    }

    pub(crate) fn view(findings: &[Finding]) -> FindingsView<'_> {
        FindingsView {
            command: "check",
            findings,
            diagnostics: &[],
            files_checked: 4,
        }
    }

    #[test]
    fn summary_counts_by_severity_and_file() {
        let findings = sample();
        assert_eq!(
            summary(&view(&findings)),
            "check: 2 findings (2 high) in 2 files\n"
        );
        assert_eq!(summary(&view(&[])), "check: clean (4 files checked)\n");
    }

    #[test]
    fn name_only_prints_each_path_once() {
        let mut findings = sample();
        findings.push(findings[1].clone());
        let out = render(Format::Human, &view(&findings), Verbosity::NameOnly);
        assert_eq!(out.stdout, ".cursorrules\nCLAUDE.md\n");
        assert_eq!(out.stderr, "");
    }

    #[test]
    fn quiet_prints_nothing() {
        let findings = sample();
        let out = render(Format::Json, &view(&findings), Verbosity::Quiet);
        assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", ""));
    }

    #[test]
    fn no_format_lets_control_characters_through() {
        let findings = sample();
        for format in [Format::Human, Format::Json, Format::Github, Format::Sarif] {
            let out = render(format, &view(&findings), Verbosity::Normal);
            let text = human::strip_styles(&out.stdout);
            assert!(
                !text.chars().any(|c| c.is_control() && c != '\n'),
                "{format:?}: {text:?}"
            );
        }
    }
}
