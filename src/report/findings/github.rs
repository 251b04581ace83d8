//! Findings and input errors as GitHub Actions workflow commands (`::error file=…::…`).

use std::fmt::Write as _;

use crate::diagnostic::finding::{Finding, Severity};
use crate::diagnostic::{self, Diagnostic};
use crate::syntax::safe;

/// Renders one annotation per diagnostic, then one per finding.
pub(super) fn render(diagnostics: &[Diagnostic], findings: &[&Finding]) -> String {
    let mut out = String::new();
    for problem in diagnostics {
        let command = match problem.severity {
            diagnostic::Severity::Error => "error",
            diagnostic::Severity::Warning => "warning",
        };
        let mut properties = String::new();
        if let Some(span) = &problem.span {
            let _ = write!(properties, "file={},", property(&span.file));
        }
        let _ = write!(
            properties,
            "title={}",
            property(&format!("rulesmith {}", problem.code))
        );
        if let Some(span) = problem.span.as_ref().filter(|s| s.position.line > 0) {
            let _ = write!(properties, ",line={}", span.position.line);
            if span.position.column > 0 {
                let _ = write!(properties, ",col={}", span.position.column);
            }
        }
        let message = match &problem.hint {
            Some(hint) => format!("{}. Fix: {hint}", problem.message.trim_end_matches('.')),
            None => problem.message.clone(),
        };
        let _ = writeln!(out, "::{command} {properties}::{}", data(&message));
    }
    for finding in findings {
        let command = match finding.severity {
            Severity::Critical | Severity::High => "error",
            Severity::Medium | Severity::Low => "warning",
            Severity::Info => "notice",
        };
        let mut properties = format!(
            "file={},title={}",
            property(&finding.path),
            property(&format!("rulesmith {} ({})", finding.code, finding.kind()))
        );
        if finding.line > 0 {
            let _ = write!(properties, ",line={}", finding.line);
            if finding.column > 0 {
                let _ = write!(properties, ",col={}", finding.column);
            }
        }
        let mut message = format!(
            "{}. Fix: {}",
            finding.message.trim_end_matches('.'),
            finding.fix
        );
        if let Some(diff) = &finding.diff {
            message.push('\n');
            message.push_str(diff);
        }
        let _ = writeln!(out, "::{command} {properties}::{}", data(&message));
    }
    out
}

/// Escapes a workflow-command message; newlines become `%0A` so diffs stay in one annotation.
fn data(text: &str) -> String {
    safe::multi_line(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::*;

    #[test]
    fn annotations_escape_separators_and_keep_diffs_on_one_line() {
        let findings = sample();
        let refs: Vec<&Finding> = findings.iter().collect();
        insta::assert_snapshot!(render(&[], &refs), @r"
        ::error file=.cursorrules,title=rulesmith RS2101 (invisible-character),line=3,col=7::zero-width space U+200B hides text. Fix: delete the character
        ::error file=CLAUDE.md,title=rulesmith RS1002 (changed)::CLAUDE.md differs from what the policies compile to. Fix: run `rulesmith build` and commit the result%0A--- a/CLAUDE.md%0A+++ b/CLAUDE.md%0A@@ -1 +1 @@%0A-old%0A+new%0A
        ");
    }
}
