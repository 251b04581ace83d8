//! Human-readable diagnostics in the style of rustc: header, location, snippet, help.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use crate::diagnostic::{Diagnostic, Severity};
use crate::report::excerpt::Excerpt;
use crate::syntax::safe;

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();
const ACCENT: Style = AnsiColor::Blue.on_default().bold();
const VERB: Style = AnsiColor::Green.on_default().bold();
const BOLD: Style = Style::new().bold();

/// `text` in the error style.
pub(super) fn paint_error(text: &str) -> String {
    format!("{ERROR}{text}{ERROR:#}")
}

/// `text` in the progress-verb style.
pub(super) fn paint_verb(text: &str) -> String {
    format!("{VERB}{text}{VERB:#}")
}

/// Renders one diagnostic with its location, source line and hint.
pub fn render_diagnostic(diagnostic: &Diagnostic) -> String {
    let (label, style) = match diagnostic.severity {
        Severity::Error => ("error", ERROR),
        Severity::Warning => ("warning", WARNING),
    };
    let mut out = format!(
        "{style}{label}[{}]{style:#}{BOLD}: {}{BOLD:#}\n",
        diagnostic.code,
        safe::one_line(&diagnostic.message)
    );
    let mut gutter = 1;
    if let Some(span) = &diagnostic.span {
        let line = span.position.line;
        gutter = line.to_string().len().max(1);
        let pad = " ".repeat(gutter);
        let file = safe::one_line(&span.file);
        if line > 0 {
            let _ = writeln!(
                out,
                "{pad}{ACCENT}-->{ACCENT:#} {file}:{}:{}",
                line, span.position.column
            );
        } else {
            let _ = writeln!(out, "{pad}{ACCENT}-->{ACCENT:#} {file}");
        }
        if let Some(text) = &span.line_text {
            let excerpt = Excerpt::new(text, span.position.column);
            let room = excerpt.text.chars().count().saturating_sub(excerpt.caret);
            let marker = format!(
                "{}{}",
                " ".repeat(excerpt.caret),
                "^".repeat(span.width.min(room).max(1))
            );
            let _ = writeln!(out, "{pad} {ACCENT}|{ACCENT:#}");
            let _ = writeln!(
                out,
                "{ACCENT}{line}{ACCENT:#} {ACCENT}|{ACCENT:#} {}",
                excerpt.text
            );
            let _ = writeln!(out, "{pad} {ACCENT}|{ACCENT:#} {style}{marker}{style:#}");
        }
    }
    if let Some(hint) = &diagnostic.hint {
        let _ = writeln!(
            out,
            "{} {ACCENT}={ACCENT:#} {BOLD}help{BOLD:#}: {}",
            " ".repeat(gutter),
            safe::one_line(hint)
        );
    }
    out
}
