//! A scanned file's text with a line index, and how hits in it become safe excerpts.

use std::ops::Range;

use crate::syntax::safe;
use crate::syntax::unicode;
use crate::syntax::yaml::Position;

/// Excerpts longer than this many characters are cut around the finding.
const EXCERPT_CHARS: usize = 160;
/// How many characters of context an excerpt keeps before the finding when it is cut.
const EXCERPT_LEAD: usize = 40;
/// Runs of hidden characters longer than this are shortened in excerpts.
const HIDDEN_RUN_SHOWN: usize = 3;

/// A file's text with the byte offset where each line starts.
pub(super) struct Source<'a> {
    /// The whole text.
    pub text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Source<'a> {
    /// Indexes `text`.
    pub(super) fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(newline_offsets(text).map(|i| i + 1))
            .collect();
        Source { text, starts }
    }

    /// The one-based line and character column of a byte offset.
    pub(super) fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&start| start <= offset);
        let start = self.starts[line - 1];
        let column = self.text[start..offset].chars().count() + 1;
        Position {
            line: to_u32(line),
            column: to_u32(column),
        }
    }

    /// The byte offset of a one-based line and character column.
    pub(super) fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line.max(1) as usize - 1) else {
            return self.text.len();
        };
        let line = &self.text[self.line_range_from(start)];
        let column = position.column.max(1) as usize - 1;
        start
            + line
                .char_indices()
                .nth(column)
                .map_or(line.len(), |(i, _)| i)
    }

    /// The byte range of the line starting at `start`, without its line break.
    fn line_range_from(&self, start: usize) -> Range<usize> {
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        let end = if self.text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        start..end
    }

    /// The byte range of the one-based `line`, without its line break.
    pub(super) fn line_range(&self, line: u32) -> Range<usize> {
        match self.starts.get(line.max(1) as usize - 1) {
            Some(&start) => self.line_range_from(start),
            None => self.text.len()..self.text.len(),
        }
    }

    /// The byte range of the line containing `offset`.
    pub(super) fn line_range_at(&self, offset: usize) -> Range<usize> {
        self.line_range(self.position(offset).line)
    }

    /// How many lines the text has.
    pub(super) fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The line containing `offset`, cut to a readable length around it, with `masks` (byte
    /// ranges of secrets, with their replacements) applied and every unsafe character escaped.
    pub(super) fn excerpt(&self, offset: usize, masks: &[(Range<usize>, String)]) -> String {
        let line = self.line_range_at(offset);
        let mut shown = String::new();
        let mut focus = 0;
        let mut cursor = line.start;
        let mut masked = masks
            .iter()
            .filter(|(range, _)| range.start < line.end && range.end > line.start)
            .collect::<Vec<_>>();
        masked.sort_by_key(|(range, _)| range.start);
        for (range, replacement) in masked {
            let start = range.start.max(cursor);
            if start > cursor {
                shown.push_str(&self.text[cursor..start]);
            }
            if offset >= start && offset < range.end {
                focus = shown.chars().count();
            }
            shown.push_str(replacement);
            cursor = range.end.min(line.end).max(cursor);
        }
        if offset >= cursor && offset <= line.end {
            focus = shown.chars().count() + self.text[cursor..offset].chars().count();
        }
        shown.push_str(&self.text[cursor.min(line.end)..line.end]);
        cut(shown.trim_end(), focus)
    }
}

/// `text` cut to about [`EXCERPT_CHARS`] characters around the character index `focus`,
/// trimmed of leading indentation, and escaped for printing.
fn cut(text: &str, focus: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let indent = chars.iter().take_while(|c| c.is_whitespace()).count();
    let (start, end) = if chars.len() <= EXCERPT_CHARS {
        (indent, chars.len())
    } else {
        let start = focus.saturating_sub(EXCERPT_LEAD).max(indent);
        let end = (start + EXCERPT_CHARS).min(chars.len());
        (start, end)
    };
    let body = &chars[start.min(end)..end];
    let mut out = String::new();
    if start > indent {
        out.push('…');
    }
    out.push_str(&escape_compact(body));
    if end < chars.len() {
        out.push('…');
    }
    out
}

/// Escapes `chars` for printing, shortening each run of hidden characters longer than
/// [`HIDDEN_RUN_SHOWN`] to its first escape and a count.
fn escape_compact(chars: &[char]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..]
            .iter()
            .take_while(|&&c| unicode::classify(c).is_some())
            .count();
        if run > HIDDEN_RUN_SHOWN {
            out.push_str(&safe::one_line(&chars[i].to_string()));
            out.push_str(&format!("…({run} hidden characters)"));
            i += run;
        } else {
            let end = i + run.max(1);
            out.push_str(&safe::one_line(&chars[i..end].iter().collect::<String>()));
            i = end;
        }
    }
    out
}

fn newline_offsets(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter_map(|(i, b)| (b == b'\n').then_some(i))
}

/// The largest char boundary at or before `offset`.
pub(super) fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Converts a count to `u32`, saturating.
pub(super) fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// `text` shortened to at most `max` characters, with an ellipsis when cut, and escaped.
pub(super) fn quote(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    let ellipsis = if chars.next().is_some() { "…" } else { "" };
    format!("{}{ellipsis}", safe::one_line(&head))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_from_one() {
        let source = Source::new("ab\nçd\r\nef");
        assert_eq!(source.position(0), Position { line: 1, column: 1 });
        assert_eq!(source.position(6), Position { line: 2, column: 3 });
        assert_eq!(source.position(8), Position { line: 3, column: 1 });
        assert_eq!(source.offset(Position { line: 2, column: 2 }), 5);
        assert_eq!(&source.text[source.line_range(2)], "çd");
        assert_eq!(source.line_count(), 3);
    }

    #[test]
    fn excerpts_escape_controls_and_mask_secrets() {
        let text = "  key = \"ghp_abcdefghijklmnop\" \u{1b}[2K\n";
        let source = Source::new(text);
        let start = text.find("ghp_").unwrap();
        let masks = vec![(start..start + 20, "ghp_…(20 chars)".to_owned())];
        assert_eq!(
            source.excerpt(start, &masks),
            "key = \"ghp_…(20 chars)\" \\u{001B}[2K"
        );
    }

    #[test]
    fn long_runs_of_hidden_characters_are_counted_not_listed() {
        let tags: String = "hidden"
            .chars()
            .map(|c| char::from_u32(0xE0000 + c as u32).unwrap())
            .collect();
        let text = format!("ok{tags} \u{200B}\u{200B}\n");
        assert_eq!(
            Source::new(&text).excerpt(0, &[]),
            "ok\\u{E0068}…(6 hidden characters) \\u{200B}\\u{200B}"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_focus() {
        let text = format!("{}TARGET{}", "a".repeat(300), "b".repeat(300));
        let source = Source::new(&text);
        let excerpt = source.excerpt(300, &[]);
        assert!(excerpt.starts_with('…') && excerpt.ends_with('…'));
        assert!(excerpt.contains("TARGET"));
        assert_eq!(excerpt.chars().count(), EXCERPT_CHARS + 2);
    }

    #[test]
    fn quotes_are_short_and_safe() {
        assert_eq!(quote("abc\u{7}def", 4), "abc\\u{0007}…");
    }
}
