//! The source line quoted under a diagnostic: one line, cut to a readable length around the
//! column, with secrets masked and every control or hidden character replaced.

use crate::scan;
use crate::syntax::unicode;

/// Lines longer than this many characters are cut around the column.
const MAX_CHARS: usize = 160;
/// How many characters a cut line keeps before the column.
const LEAD: usize = 40;

/// A quoted source line and where in it the caret goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Excerpt {
    /// The line as printed: safe, masked and at most about [`MAX_CHARS`] characters.
    pub(crate) text: String,
    /// The zero-based character index in `text` the column points at.
    pub(crate) caret: usize,
}

impl Excerpt {
    /// Quotes `line` for a diagnostic at the one-based character `column`.
    pub(crate) fn new(line: &str, column: u32) -> Self {
        let target = line
            .char_indices()
            .nth(column.max(1) as usize - 1)
            .map_or(line.len(), |(i, _)| i);
        let mut masks = scan::secret_masks(line);
        masks.sort_by_key(|(range, _)| range.start);
        let mut masks = masks.into_iter().peekable();
        let mut shown: Vec<char> = Vec::new();
        let mut caret = None;
        let mut i = 0;
        while i < line.len() {
            if let Some((range, replacement)) = masks.next_if(|(range, _)| range.start <= i) {
                if caret.is_none() && target < range.end {
                    caret = Some(shown.len());
                }
                shown.extend(replacement.chars());
                i = i.max(range.end);
                continue;
            }
            let c = line[i..].chars().next().expect("i is a char boundary");
            if caret.is_none() && i >= target {
                caret = Some(shown.len());
            }
            // One placeholder per hidden or control character keeps the caret aligned.
            let hidden = c.is_control() || unicode::classify(c).is_some();
            shown.push(if hidden { '\u{FFFD}' } else { c });
            i += c.len_utf8();
        }
        cut(&shown, caret.unwrap_or(shown.len()))
    }
}

/// `shown` cut to [`MAX_CHARS`] characters around `caret`, an ellipsis marking each cut.
fn cut(shown: &[char], caret: usize) -> Excerpt {
    if shown.len() <= MAX_CHARS {
        return Excerpt {
            text: shown.iter().collect(),
            caret,
        };
    }
    let start = caret.saturating_sub(LEAD).min(shown.len() - MAX_CHARS);
    let end = start + MAX_CHARS;
    let mut text = String::new();
    if start > 0 {
        text.push('…');
    }
    text.extend(&shown[start..end]);
    if end < shown.len() {
        text.push('…');
    }
    Excerpt {
        text,
        caret: caret - start + usize::from(start > 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_quoted_whole_with_the_caret_at_the_column() {
        let excerpt = Excerpt::new("    levle: must", 5);
        assert_eq!(excerpt.text, "    levle: must");
        assert_eq!(excerpt.caret, 4);
    }

    #[test]
    fn excerpt_is_one_line_of_bounded_length() {
        let line = format!("    text: {}", "a".repeat(1_000_000));
        let excerpt = Excerpt::new(&line, 500_000);
        assert!(excerpt.text.chars().count() <= MAX_CHARS + 2);
        assert_eq!(excerpt.text.chars().nth(excerpt.caret), Some('a'));
        assert!(excerpt.text.starts_with('…') && excerpt.text.ends_with('…'));
    }

    #[test]
    fn excerpt_never_prints_a_secret() {
        let token = "ghp_8fK2pQ9xLmN4vR7tY1wZ3bC6dE0gH5jS2aU9";
        let excerpt = Excerpt::new(&format!("    text: use {token} here"), 15);
        assert!(!excerpt.text.contains(token), "{}", excerpt.text);
        assert!(excerpt.text.contains("chars)"), "{}", excerpt.text);
        assert_eq!(&excerpt.text[..14], "    text: use ");
        assert_eq!(excerpt.caret, 14);
    }

    #[test]
    fn excerpt_never_prints_control_characters() {
        let excerpt = Excerpt::new("a\x1b[2Jb\u{202E}c\r", 1);
        assert_eq!(excerpt.text, "a\u{FFFD}[2Jb\u{FFFD}c\u{FFFD}");
    }
}
