//! Making untrusted text safe to print.
//!
//! Findings quote hostile files. Before anything reaches a terminal or a CI log, control
//! characters (ANSI escapes included), C1 controls and characters that hide or reorder text are
//! replaced by visible escapes, so a file can never recolour, erase or rewrite the report.

use crate::syntax::unicode;

/// `text` on one line, with every control or hidden character shown as `\u{…}` (`\n` as `\n`).
pub fn one_line(text: &str) -> String {
    escape(text, false)
}

/// `text` keeping line breaks and tabs, with every other control or hidden character escaped.
pub fn multi_line(text: &str) -> String {
    escape(text, true)
}

/// How many characters of user text a message quotes before it cuts the rest.
pub const QUOTE_CHARS: usize = 80;

/// User text as a message quotes it: whole when short, else its first [`QUOTE_CHARS`]
/// characters and how many there were, so a huge key or value cannot make a huge message.
pub fn quote(text: &str) -> String {
    let count = text.chars().count();
    if count <= QUOTE_CHARS {
        return text.to_owned();
    }
    let kept: String = text.chars().take(QUOTE_CHARS).collect();
    format!("{kept}…({count} characters)")
}

fn escape(text: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\t' => out.push('\t'),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || unicode::classify(c).is_some() => {
                out.push_str(&format!("\\u{{{:04X}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible_text() {
        let hostile = "ok\x1b[2J\x1b[31mred\u{9b}1m\u{202E}rev\u{200B}";
        let shown = one_line(hostile);
        assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
        assert_eq!(
            shown,
            "ok\\u{001B}[2J\\u{001B}[31mred\\u{009B}1m\\u{202E}rev\\u{200B}"
        );
    }

    #[test]
    fn quoted_user_text_is_bounded() {
        assert_eq!(quote("short"), "short");
        let quoted = quote(&"k".repeat(100_000));
        assert_eq!(
            quoted,
            format!("{}…(100000 characters)", "k".repeat(QUOTE_CHARS))
        );
    }

    #[test]
    fn multi_line_keeps_line_breaks_only() {
        assert_eq!(multi_line("a\nb\r\n\x07"), "a\nb\\r\n\\u{0007}");
    }
}
