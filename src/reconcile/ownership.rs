//! Which bytes of an output file rulesmith owns: the pure rules shared by `build` and `check`.
//!
//! A text output is either a whole file that starts with rulesmith's header, or a *managed block*
//! between a begin and an end marker inside a file someone wrote by hand. [`finalize`] turns the
//! rendered text, the output's [`OutputMode`] and the file's current text into the exact bytes a
//! build writes (for a JSON settings file it shares with the user, rulesmith merges its entries
//! in, see [`crate::reconcile::merge`]); [`release`] computes what remains of a file once no target produces it. Text
//! outside a managed block is never changed, so it survives every build byte for byte.

use std::ops::Range;

use crate::diagnostic::Diagnostic;
use crate::model::lock::Entries;
use crate::model::target::OutputMode;
use crate::reconcile::merge;
use crate::syntax::header::{self, BEGIN, CommentStyle, END};

/// Which part of a file a build replaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ownership {
    /// The whole file.
    Whole,
    /// The text between the markers of a managed block.
    Block,
    /// rulesmith's entries in a settings file shared with the user.
    Entries,
}

/// The bytes a build writes for one output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Final {
    /// The whole file as it will be on disk.
    pub contents: String,
    /// What part of it rulesmith owns.
    pub ownership: Ownership,
    /// The byte range of the owned text inside `contents`.
    pub owned: Range<usize>,
    /// The byte range of the existing file's text that `owned` replaces (empty when there is
    /// no file).
    pub replaced: Range<usize>,
}

/// Why rulesmith cannot produce the final bytes of an output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The file exists, has neither a rulesmith header nor managed-block markers: it was written
    /// by someone else and replacing it would lose their text.
    NotGenerated,
    /// The file carries rulesmith's header, but its text no longer matches the header's digest:
    /// someone edited it, and replacing it would lose the edit.
    Edited,
    /// The file's managed-block markers are broken.
    Markers(MarkerError),
    /// The rendered text itself contains a marker line, which would break the file's next build.
    MarkerInOutput {
        /// One-based line of the marker in the rendered text.
        line: usize,
    },
    /// A settings file cannot take rulesmith's entries: it is not valid JSON, or a key on the
    /// way to a list holds something else.
    Settings(Box<Diagnostic>),
}

/// A managed block whose markers do not pair up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerError {
    /// A begin marker without an end marker after it.
    Unclosed {
        /// One-based line of the begin marker.
        line: usize,
    },
    /// An end marker without a begin marker before it.
    Unopened {
        /// One-based line of the end marker.
        line: usize,
    },
    /// A begin marker inside an open block.
    Nested {
        /// One-based line of the inner begin marker.
        line: usize,
        /// One-based line of the outer begin marker.
        outer: usize,
    },
    /// A second block; a file holds at most one.
    Duplicate {
        /// One-based line of the second begin marker.
        line: usize,
        /// One-based line of the first begin marker.
        first: usize,
    },
}

impl MarkerError {
    /// The one-based line the problem is on.
    pub fn line(self) -> usize {
        match self {
            MarkerError::Unclosed { line }
            | MarkerError::Unopened { line }
            | MarkerError::Nested { line, .. }
            | MarkerError::Duplicate { line, .. } => line,
        }
    }

    /// What is wrong, in words, for a file with comment syntax `style`.
    pub fn describe(self, style: CommentStyle) -> String {
        let (begin, end) = (marker(style, BEGIN), marker(style, END));
        match self {
            MarkerError::Unclosed { line } => {
                format!("the managed block opened at line {line} has no `{end}` after it")
            }
            MarkerError::Unopened { line } => {
                format!("`{end}` at line {line} has no `{begin}` before it")
            }
            MarkerError::Nested { line, outer } => format!(
                "`{begin}` at line {line} opens a block inside the block opened at line {outer}; blocks cannot nest"
            ),
            MarkerError::Duplicate { line, first } => format!(
                "a second managed block opens at line {line} (the first opens at line {first}); a file holds one block"
            ),
        }
    }
}

/// The marker comment line for `word` in comment syntax `style`, without a newline.
pub fn marker(style: CommentStyle, word: &str) -> String {
    match style {
        CommentStyle::Html => format!("<!-- {word} -->"),
        CommentStyle::Hash => format!("# {word}"),
    }
}

/// A managed block found in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    /// Byte offset where the begin marker line starts.
    pub outer_start: usize,
    /// Byte offset just after the begin marker line: where the owned text starts.
    pub start: usize,
    /// Byte offset where the end marker line starts: where the owned text ends.
    pub end: usize,
    /// Byte offset just after the end marker line.
    pub outer_end: usize,
    /// Whether the begin marker line ends in `\r\n`; the block is then written with CRLF.
    pub crlf: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Marker {
    Begin,
    End,
}

/// The byte order mark some editors put at the start of a file.
const BOM: char = '\u{feff}';

fn parse_marker(line: &str, style: CommentStyle) -> Option<Marker> {
    let line = line.trim_start_matches(BOM).trim();
    let inner = match style {
        CommentStyle::Html => line.strip_prefix("<!--")?.strip_suffix("-->")?,
        CommentStyle::Hash => line.strip_prefix('#')?,
    };
    match inner.trim() {
        BEGIN => Some(Marker::Begin),
        END => Some(Marker::End),
        _ => None,
    }
}

/// Finds the managed block of `text`, a file with comment syntax `style`.
///
/// Markers are whole lines (surrounding spaces allowed); a marker quoted inside other text is
/// not one.
pub fn find_block(text: &str, style: CommentStyle) -> Result<Option<Block>, MarkerError> {
    let mut open: Option<(usize, usize, usize, bool)> = None;
    let mut found: Option<(usize, Block)> = None;
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let number = index + 1;
        match parse_marker(line, style) {
            Some(Marker::Begin) => {
                if let Some((outer, ..)) = open {
                    return Err(MarkerError::Nested {
                        line: number,
                        outer,
                    });
                }
                if let Some((first, _)) = found {
                    return Err(MarkerError::Duplicate {
                        line: number,
                        first,
                    });
                }
                // A byte order mark before the marker stays outside the block.
                let bom = if line.starts_with(BOM) {
                    BOM.len_utf8()
                } else {
                    0
                };
                open = Some((
                    number,
                    offset + bom,
                    offset + line.len(),
                    line.ends_with("\r\n"),
                ));
            }
            Some(Marker::End) => {
                let Some((begin_line, outer_start, start, crlf)) = open.take() else {
                    return Err(MarkerError::Unopened { line: number });
                };
                let block = Block {
                    outer_start,
                    start,
                    end: offset,
                    outer_end: offset + line.len(),
                    crlf,
                };
                found = Some((begin_line, block));
            }
            None => {}
        }
        offset += line.len();
    }
    match open {
        Some((line, ..)) => Err(MarkerError::Unclosed { line }),
        None => Ok(found.map(|(_, block)| block)),
    }
}

/// The one-based line of the first marker line in `text`, if any.
fn first_marker_line(text: &str, style: CommentStyle) -> Option<usize> {
    text.lines()
        .position(|line| parse_marker(line, style).is_some())
        .map(|index| index + 1)
}

/// Computes the bytes a build writes for an output rendered as `rendered`, given the file's
/// current text (`None` when it does not exist).
///
/// `managed` is what the lock says the previous build managed in this file; only settings files
/// use it, so that a build removes the entries its policies dropped and no others.
pub fn finalize(
    path: &str,
    rendered: &str,
    mode: OutputMode,
    existing: Option<&str>,
    managed: &Entries,
) -> Result<Final, Refusal> {
    let whole = || Final {
        contents: rendered.to_owned(),
        ownership: Ownership::Whole,
        owned: 0..rendered.len(),
        replaced: 0..existing.map_or(0, str::len),
    };
    let style = match mode {
        OutputMode::Owned => return Ok(whole()),
        OutputMode::Settings => {
            return merge::finalize(path, rendered, existing, managed)
                .map_err(|problem| Refusal::Settings(Box::new(problem)));
        }
        OutputMode::Text(style) => style,
    };
    if let Some(line) = first_marker_line(rendered, style) {
        return Err(Refusal::MarkerInOutput { line });
    }
    let Some(existing) = existing else {
        return Ok(whole());
    };
    match find_block(existing, style).map_err(Refusal::Markers)? {
        Some(block) => {
            let owned = if block.crlf {
                rendered.replace('\n', "\r\n")
            } else {
                rendered.to_owned()
            };
            let mut contents = String::with_capacity(existing.len() + owned.len());
            contents.push_str(&existing[..block.start]);
            contents.push_str(&owned);
            let range = block.start..contents.len();
            contents.push_str(&existing[block.end..]);
            Ok(Final {
                contents,
                ownership: Ownership::Block,
                owned: range,
                replaced: block.start..block.end,
            })
        }
        // The file itself says whether it is rulesmith's, whatever the lock says: its header's
        // digest must still match its text, so a hand edit is never lost.
        None => match header::verify(existing) {
            Some(true) => Ok(whole()),
            Some(false) => Err(Refusal::Edited),
            None => Err(Refusal::NotGenerated),
        },
    }
}

/// Whether `text` is a whole file rulesmith generated: its header, with a digest, is at the top.
pub fn is_generated(text: &str) -> bool {
    header::find(text).is_some_and(|found| found.digest.is_some())
}

/// What becomes of a file that rulesmith generated earlier once no target produces it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Release {
    /// The whole file was rulesmith's: delete it.
    Delete,
    /// The file keeps its hand-written text: write it back without the managed block.
    Rewrite(String),
}

/// Decides how to release `existing`, or `None` when rulesmith owns no part of it (it has no
/// filled managed block and no header whose digest still matches, or its markers are broken),
/// so it must be left alone.
pub fn release(existing: &str) -> Option<Release> {
    for style in [CommentStyle::Html, CommentStyle::Hash] {
        match find_block(existing, style) {
            Ok(Some(block)) => {
                if !is_generated(&existing[block.start..block.end]) {
                    // An empty or hand-filled block was never written by a build.
                    return None;
                }
                let rest = format!(
                    "{}{}",
                    &existing[..block.outer_start],
                    &existing[block.outer_end..]
                );
                return Some(
                    if rest
                        .trim_matches(|c: char| c.is_whitespace() || c == BOM)
                        .is_empty()
                    {
                        Release::Delete
                    } else {
                        Release::Rewrite(rest)
                    },
                );
            }
            Ok(None) => {}
            Err(_) => return None,
        }
    }
    (header::verify(existing) == Some(true)).then_some(Release::Delete)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HTML: OutputMode = OutputMode::Text(CommentStyle::Html);

    fn generated(body: &str) -> String {
        format!(
            "{}{body}",
            header::render(CommentStyle::Html, "claude", body)
        )
    }

    fn rendered() -> String {
        generated("# Rules\n\n- be safe\n")
    }

    #[test]
    fn a_new_file_is_owned_whole() {
        let done = finalize("f", &rendered(), HTML, None, &Entries::new()).unwrap();
        assert_eq!(done.contents, rendered());
        assert_eq!(done.ownership, Ownership::Whole);
    }

    #[test]
    fn a_generated_file_is_replaced_whole() {
        let old = generated("# Rules\n\n- be quick\n");
        let done = finalize("f", &rendered(), HTML, Some(&old), &Entries::new()).unwrap();
        assert_eq!(done.contents, rendered());
    }

    #[test]
    fn an_edited_generated_file_is_refused() {
        let edited = rendered().replace("be safe", "be quick");
        assert_eq!(
            finalize("f", &rendered(), HTML, Some(&edited), &Entries::new()),
            Err(Refusal::Edited)
        );
        assert_eq!(release(&edited), None);
    }

    #[test]
    fn removing_markers_makes_the_file_the_users() {
        let with_block = format!(
            "My notes\n<!-- rulesmith:begin -->\n{}<!-- rulesmith:end -->\n",
            rendered()
        );
        let without = with_block
            .replace("<!-- rulesmith:begin -->\n", "")
            .replace("<!-- rulesmith:end -->\n", "");
        let notes = format!("{without}More notes\n");
        for text in [without, notes] {
            assert_eq!(
                finalize("f", &rendered(), HTML, Some(&text), &Entries::new()),
                Err(Refusal::Edited),
                "{text:?}"
            );
            assert_eq!(release(&text), None);
        }
    }

    #[test]
    fn a_block_after_a_byte_order_mark_is_found_and_the_mark_kept() {
        for newline in ["\n", "\r\n"] {
            let existing = format!(
                "\u{feff}<!-- rulesmith:begin -->{newline}<!-- rulesmith:end -->{newline}Notes{newline}"
            );
            let done = finalize("f", &rendered(), HTML, Some(&existing), &Entries::new()).unwrap();
            assert_eq!(done.ownership, Ownership::Block);
            assert!(done.contents.starts_with('\u{feff}'));
            assert!(done.contents.ends_with(&format!("Notes{newline}")));
            let again = finalize(
                "f",
                &rendered(),
                HTML,
                Some(&done.contents),
                &Entries::new(),
            )
            .unwrap();
            assert_eq!(again.contents, done.contents);
            assert_eq!(
                release(&done.contents),
                Some(Release::Rewrite(format!("\u{feff}Notes{newline}")))
            );
        }
        let only = format!(
            "\u{feff}<!-- rulesmith:begin -->\n{}<!-- rulesmith:end -->\n",
            rendered()
        );
        assert_eq!(release(&only), Some(Release::Delete));
    }

    #[test]
    fn a_hand_written_file_is_refused() {
        assert_eq!(
            finalize("f", &rendered(), HTML, Some("# Mine\n"), &Entries::new()),
            Err(Refusal::NotGenerated)
        );
    }

    #[test]
    fn text_around_a_block_survives_byte_for_byte() {
        let before = "# My notes\n\nKeep this.  \n\n";
        let after = "\n## Later\ntrailing text without newline";
        let existing =
            format!("{before}<!-- rulesmith:begin -->\nold\n<!-- rulesmith:end -->\n{after}");
        let done = finalize("f", &rendered(), HTML, Some(&existing), &Entries::new()).unwrap();
        assert_eq!(done.ownership, Ownership::Block);
        assert_eq!(
            done.contents,
            format!(
                "{before}<!-- rulesmith:begin -->\n{}<!-- rulesmith:end -->\n{after}",
                rendered()
            )
        );
        assert_eq!(&done.contents[done.owned.clone()], rendered());
        // A second build over the result changes nothing.
        let again = finalize(
            "f",
            &rendered(),
            HTML,
            Some(&done.contents),
            &Entries::new(),
        )
        .unwrap();
        assert_eq!(again.contents, done.contents);
    }

    #[test]
    fn a_crlf_file_gets_a_crlf_block() {
        let existing = "Intro\r\n<!-- rulesmith:begin -->\r\n<!-- rulesmith:end -->\r\nOutro\r\n";
        let done = finalize("f", &rendered(), HTML, Some(existing), &Entries::new()).unwrap();
        let block = rendered().replace('\n', "\r\n");
        assert_eq!(
            done.contents,
            format!(
                "Intro\r\n<!-- rulesmith:begin -->\r\n{block}<!-- rulesmith:end -->\r\nOutro\r\n"
            )
        );
        assert!(!done.contents.replace("\r\n", "").contains('\n'));
    }

    #[test]
    fn markers_tolerate_spacing_but_not_prose() {
        let spaced = "  <!--rulesmith:begin   -->  \n<!--  rulesmith:end-->\n";
        assert!(find_block(spaced, CommentStyle::Html).unwrap().is_some());
        let quoted = "Add `<!-- rulesmith:begin -->` to your file.\n";
        assert_eq!(find_block(quoted, CommentStyle::Html), Ok(None));
        let heading = "# rulesmith:begin\n";
        assert_eq!(find_block(heading, CommentStyle::Html), Ok(None));
        assert!(
            find_block("# rulesmith:begin\n# rulesmith:end\n", CommentStyle::Hash)
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn broken_markers_are_errors_with_lines() {
        let cases = [
            (
                "a\n<!-- rulesmith:begin -->\nb\n",
                MarkerError::Unclosed { line: 2 },
            ),
            (
                "<!-- rulesmith:end -->\n",
                MarkerError::Unopened { line: 1 },
            ),
            (
                "<!-- rulesmith:begin -->\n<!-- rulesmith:begin -->\n<!-- rulesmith:end -->\n",
                MarkerError::Nested { line: 2, outer: 1 },
            ),
            (
                "<!-- rulesmith:begin -->\n<!-- rulesmith:end -->\nx\n<!-- rulesmith:begin -->\n<!-- rulesmith:end -->\n",
                MarkerError::Duplicate { line: 4, first: 1 },
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(
                finalize("f", &rendered(), HTML, Some(text), &Entries::new()),
                Err(Refusal::Markers(expected)),
                "{text:?}"
            );
            let message = expected.describe(CommentStyle::Html);
            assert!(
                message.contains(&format!("line {}", expected.line())),
                "{message}"
            );
        }
    }

    #[test]
    fn rendered_text_with_a_marker_line_is_refused() {
        let bad = "# Rules\n<!-- rulesmith:end -->\n";
        assert_eq!(
            finalize("f", bad, HTML, None, &Entries::new()),
            Err(Refusal::MarkerInOutput { line: 2 })
        );
    }

    #[test]
    fn owned_files_ignore_what_is_on_disk() {
        let done = finalize(
            "f",
            "{}\n",
            OutputMode::Owned,
            Some("garbage"),
            &Entries::new(),
        )
        .unwrap();
        assert_eq!(done.contents, "{}\n");
    }

    #[test]
    fn release_deletes_whole_files_and_strips_blocks() {
        assert_eq!(release(&rendered()), Some(Release::Delete));
        assert_eq!(release("# Mine\n"), None);
        let existing = format!(
            "Mine\n<!-- rulesmith:begin -->\n{}<!-- rulesmith:end -->\nMore\n",
            rendered()
        );
        assert_eq!(
            release(&existing),
            Some(Release::Rewrite("Mine\nMore\n".into()))
        );
        let only_block = format!(
            "<!-- rulesmith:begin -->\n{}<!-- rulesmith:end -->\n",
            rendered()
        );
        assert_eq!(release(&only_block), Some(Release::Delete));
        let empty_block = "Mine\n<!-- rulesmith:begin -->\n<!-- rulesmith:end -->\n";
        assert_eq!(release(empty_block), None);
        assert_eq!(release("<!-- rulesmith:begin -->\nMine\n"), None);
    }
}
