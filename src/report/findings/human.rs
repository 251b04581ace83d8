//! Findings for people: grouped by file, each with its position, fix and diff.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use crate::diagnostic::finding::{Finding, Severity};
use crate::syntax::safe;

const PATH: Style = Style::new().bold().underline();
const DIM: Style = AnsiColor::BrightBlack.on_default();
const ADDED: Style = AnsiColor::Green.on_default();
const REMOVED: Style = AnsiColor::Red.on_default();
const HUNK: Style = AnsiColor::Cyan.on_default();

fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Critical | Severity::High => AnsiColor::Red.on_default().bold(),
        Severity::Medium => AnsiColor::Yellow.on_default().bold(),
        Severity::Low => AnsiColor::Blue.on_default().bold(),
        Severity::Info => DIM,
    }
}

/// Renders sorted findings grouped by file.
pub(super) fn render(findings: &[&Finding]) -> String {
    let mut out = String::new();
    let mut current: Option<&str> = None;
    for finding in findings {
        if current != Some(finding.path.as_str()) {
            if current.is_some() {
                out.push('\n');
            }
            let _ = writeln!(out, "{PATH}{}{PATH:#}", safe::one_line(&finding.path));
            current = Some(&finding.path);
        }
        let position = match (finding.line, finding.column) {
            (0, _) => String::from("-"),
            (line, 0) => line.to_string(),
            (line, column) => format!("{line}:{column}"),
        };
        let style = severity_style(finding.severity);
        let _ = writeln!(
            out,
            "  {DIM}{position:>7}{DIM:#}  {style}{:<8}{style:#} {} {}  {DIM}[{}]{DIM:#}",
            finding.severity.as_str(),
            finding.code,
            safe::one_line(&finding.message),
            finding.kind(),
        );
        if let Some(excerpt) = &finding.excerpt {
            let _ = writeln!(out, "{:11}{DIM}|{DIM:#} {}", "", safe::one_line(excerpt));
        }
        let _ = writeln!(
            out,
            "{:11}{DIM}= fix:{DIM:#} {}",
            "",
            safe::one_line(&finding.fix)
        );
        if let Some(diff) = &finding.diff {
            out.push_str(&paint_diff(diff));
        }
    }
    out
}

/// Colours a unified diff line by line; untrusted text in it is escaped first.
pub(crate) fn paint_diff(diff: &str) -> String {
    let mut out = String::new();
    for line in safe::multi_line(diff).lines() {
        let style = if line.starts_with("+++") || line.starts_with("---") {
            Style::new().bold()
        } else if line.starts_with('+') {
            ADDED
        } else if line.starts_with('-') {
            REMOVED
        } else if line.starts_with("@@") {
            HUNK
        } else {
            Style::new()
        };
        let _ = writeln!(out, "{style}{line}{style:#}");
    }
    out
}

/// Removes the styling this module adds, for tests that inspect the text.
#[cfg(test)]
pub(super) fn strip_styles(text: &str) -> String {
    anstream::adapter::strip_str(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::*;

    #[test]
    fn groups_by_file_with_fix_and_diff() {
        let findings = sample();
        let refs: Vec<&Finding> = findings.iter().collect();
        insta::assert_snapshot!(strip_styles(&render(&refs)), @r"
        .cursorrules
              3:7  high     RS2101 zero-width space U+200B hides text  [invisible-character]
                   | Be\u{200B}nice\u{001B}[2J
                   = fix: delete the character

        CLAUDE.md
                -  high     RS1002 CLAUDE.md differs from what the policies compile to  [changed]
                   = fix: run `rulesmith build` and commit the result
        --- a/CLAUDE.md
        +++ b/CLAUDE.md
        @@ -1 +1 @@
        -old
        +new
        ");
    }
}
