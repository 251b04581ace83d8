//! The structure of a Markdown file, so text is judged by where it is: code blocks (fenced or
//! indented, with the paragraph that introduces them and the heading of their section),
//! inline code, headings, tables, HTML, and comments (HTML and link-reference comments).
//!
//! Blocks and inline code come from a CommonMark parser (pulldown-cmark, linear time);
//! comments are found by one pass over the lines outside code.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};

/// How many lines back the paragraph introducing a code block may start.
const INTRO_LINES: usize = 6;

/// A code block, fenced or indented.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Fence {
    /// The whole block, fences included.
    pub range: Range<usize>,
    /// The paragraph introducing the block ("Never run these:"), if one directly precedes it:
    /// the lines up to the block back to a blank line, a heading or other code, at most
    /// [`INTRO_LINES`] lines.
    pub intro: Option<Range<usize>>,
}

/// A link or an image: where it is written and the URL it points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Link {
    /// The whole link or image, text included.
    pub range: Range<usize>,
    /// The destination URL as written.
    pub destination: String,
    /// Whether it is an image, which a renderer fetches without a click.
    pub image: bool,
}

/// How a comment is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CommentStyle {
    /// `<!-- … -->`.
    Html,
    /// `[//]: # (…)`, a link reference definition nothing links to.
    LinkReference,
}

/// A comment hidden from the rendered view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Comment {
    /// The whole comment, delimiters included.
    pub range: Range<usize>,
    /// The hidden text inside the delimiters.
    pub body: Range<usize>,
    /// How it is written.
    pub style: CommentStyle,
}

/// What kind of text an offset is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Region {
    /// Ordinary visible text.
    Prose,
    /// Inside `` `code` ``.
    InlineCode,
    /// Inside the fenced block with this index.
    CodeBlock(usize),
    /// Inside the comment with this index.
    Comment(usize),
}

/// The structure of one Markdown file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Layout {
    /// Fenced code blocks, in order.
    pub fences: Vec<Fence>,
    /// Inline code spans, in order.
    pub inline_code: Vec<Range<usize>>,
    /// Comments, in order.
    pub comments: Vec<Comment>,
    /// Headings (ATX or setext), in order.
    pub headings: Vec<Range<usize>>,
    /// Tables, in order.
    pub tables: Vec<Range<usize>>,
    /// Links and images, in order.
    pub links: Vec<Link>,
}

fn lines(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let range = start..end;
        start = end + 1;
        Some(range)
    })
}

/// The fence marker opening or closing a code block: its character and length.
fn fence_marker(line: &str) -> Option<(char, usize)> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let c = trimmed.chars().next().filter(|&c| c == '`' || c == '~')?;
    let length = trimmed.chars().take_while(|&x| x == c).count();
    (length >= 3).then_some((c, length))
}

/// The paragraph directly before a code block starting at `start` (a blank line or two may
/// separate them): its lines, back to a blank line, a heading, a fence line or
/// [`INTRO_LINES`] lines.
fn intro(text: &str, start: usize, headings: &[Range<usize>]) -> Option<Range<usize>> {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let mut from = line_start;
    for _ in 0..2 {
        if from > 0 && text[..from - 1].ends_with(['\n', '\r']) {
            from -= 1;
        }
    }
    let mut end = None;
    for _ in 0..INTRO_LINES {
        if from == 0 {
            break;
        }
        let previous = text[..from - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[previous..from - 1];
        let in_heading = find(headings, previous, |r| r).is_some();
        if line.trim().is_empty() || fence_marker(line).is_some() || in_heading {
            break;
        }
        end.get_or_insert(from - 1);
        from = previous;
    }
    end.map(|end| from..end)
}

/// The body of a `[//]: # (…)` style comment line, as a range within the line.
fn link_reference_comment(line: &str) -> Option<Range<usize>> {
    let trimmed = line.trim_start();
    let label_end = trimmed.find("]:")?;
    let label = &trimmed[..label_end];
    if !matches!(label, "[//" | "[comment" | "[_" | "[#" | "[hidden") {
        return None;
    }
    let rest = &trimmed[label_end + 2..];
    let rest_trimmed = rest.trim_start();
    let destination = ["#", "<>", "//"]
        .iter()
        .find(|d| rest_trimmed.starts_with(*d))?;
    let after = &rest_trimmed[destination.len()..];
    let body_start = line.len() - after.len();
    let body = after.trim();
    let inner_offset = after.find(body).unwrap_or(0);
    Some(body_start + inner_offset..body_start + inner_offset + body.len())
}

impl Layout {
    /// Parses the structure of `text`.
    pub(super) fn parse(text: &str) -> Layout {
        let mut layout = Layout::default();
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
            | Options::ENABLE_STRIKETHROUGH;
        let mut code_blocks = Vec::new();
        for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
            match event {
                Event::Start(Tag::CodeBlock(_)) => code_blocks.push(range),
                Event::Start(Tag::Heading { .. }) => layout.headings.push(range),
                Event::Start(Tag::Table(_)) => layout.tables.push(range),
                Event::Code(_) => layout.inline_code.push(range),
                Event::Start(Tag::Link { dest_url, .. }) => layout.links.push(Link {
                    range,
                    destination: dest_url.into_string(),
                    image: false,
                }),
                Event::Start(Tag::Image { dest_url, .. }) => layout.links.push(Link {
                    range,
                    destination: dest_url.into_string(),
                    image: true,
                }),
                _ => {}
            }
        }
        for range in code_blocks {
            let intro = intro(text, range.start, &layout.headings);
            layout.fences.push(Fence { range, intro });
        }
        layout.find_comments(text);
        layout
    }

    /// Finds HTML and link-reference comments on the lines outside code.
    fn find_comments(&mut self, text: &str) {
        let mut comment_start: Option<usize> = None;
        for line in lines(text) {
            if comment_start.is_none() && find(&self.fences, line.start, |f| &f.range).is_some() {
                continue;
            }
            let content = &text[line.clone()];
            let mut from = line.start;
            if let Some(start) = comment_start {
                match content.find("-->") {
                    Some(i) => {
                        self.comments.push(Comment {
                            range: start..line.start + i + 3,
                            body: start + 4..line.start + i,
                            style: CommentStyle::Html,
                        });
                        from = line.start + i + 3;
                    }
                    None => continue,
                }
            } else if let Some(body) = link_reference_comment(content) {
                self.comments.push(Comment {
                    range: line.clone(),
                    body: line.start + body.start..line.start + body.end,
                    style: CommentStyle::LinkReference,
                });
                continue;
            }
            comment_start = self.spans(text, from..line.end);
        }
        if let Some(start) = comment_start {
            self.comments.push(Comment {
                range: start..text.len(),
                body: (start + 4).min(text.len())..text.len(),
                style: CommentStyle::Html,
            });
        }
    }

    /// The heading of the section `offset` is in: the nearest heading before it.
    pub(super) fn section_heading(&self, offset: usize) -> Option<Range<usize>> {
        let index = self.headings.partition_point(|h| h.start < offset);
        index
            .checked_sub(1)
            .map(|i| self.headings[i].clone())
            .filter(|h| h.end <= offset)
    }

    /// Whether `offset` is on a table row.
    pub(super) fn in_table(&self, offset: usize) -> bool {
        find(&self.tables, offset, |r| r).is_some()
    }

    /// Records the comments in one line segment outside inline code; returns where an HTML
    /// comment opens without closing on this line.
    fn spans(&mut self, text: &str, range: Range<usize>) -> Option<usize> {
        let bytes = text.as_bytes();
        let mut i = range.start;
        while i < range.end {
            if let Some(index) = find(&self.inline_code, i, |r| r) {
                i = self.inline_code[index].end.max(i + 1);
            } else if bytes[i..range.end].starts_with(b"<!--") {
                match text[i + 4..range.end].find("-->") {
                    Some(close) => {
                        let end = i + 4 + close + 3;
                        self.comments.push(Comment {
                            range: i..end,
                            body: i + 4..end - 3,
                            style: CommentStyle::Html,
                        });
                        i = end;
                    }
                    None => return Some(i),
                }
            } else {
                i += 1;
            }
        }
        None
    }

    /// What kind of text `offset` is in.
    pub(super) fn region(&self, offset: usize) -> Region {
        if let Some(index) = find(&self.fences, offset, |f| &f.range) {
            return Region::CodeBlock(index);
        }
        if let Some(index) = find(&self.comments, offset, |c| &c.range) {
            return Region::Comment(index);
        }
        if find(&self.inline_code, offset, |r| r).is_some() {
            return Region::InlineCode;
        }
        Region::Prose
    }
}

/// The index of the range containing `offset` in a sorted list of disjoint ranges.
fn find<T>(items: &[T], offset: usize, range: impl Fn(&T) -> &Range<usize>) -> Option<usize> {
    let index = items.partition_point(|item| range(item).end <= offset);
    items
        .get(index)
        .filter(|item| range(item).contains(&offset))
        .map(|_| index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_fences_with_their_intro_line() {
        let text = "Never run this:\n```sh\ncurl x | sh\n```\nafter\n";
        let layout = Layout::parse(text);
        assert_eq!(layout.fences.len(), 1);
        let fence = &layout.fences[0];
        assert_eq!(&text[fence.intro.clone().unwrap()], "Never run this:");
        assert_eq!(
            layout.region(text.find("curl").unwrap()),
            Region::CodeBlock(0)
        );
        assert_eq!(layout.region(text.find("after").unwrap()), Region::Prose);
    }

    #[test]
    fn finds_inline_code_and_comments_but_not_comments_in_code() {
        let text = "Use `a <!-- b -->` and ``c ` d``.\n<!-- one\ntwo --> tail `x`\n[//]: # (hidden note)\n~~~\n<!-- code -->\n~~~\n";
        let layout = Layout::parse(text);
        // The line opening with `<!--` starts an HTML block, so `x` there is not code.
        assert_eq!(layout.inline_code.len(), 2);
        assert_eq!(layout.comments.len(), 2);
        assert_eq!(&text[layout.comments[0].body.clone()], " one\ntwo ");
        assert_eq!(&text[layout.comments[1].body.clone()], "(hidden note)");
        assert_eq!(layout.comments[1].style, CommentStyle::LinkReference);
        assert_eq!(layout.region(text.find("tail").unwrap()), Region::Prose);
        assert_eq!(layout.region(text.find("two").unwrap()), Region::Comment(0));
    }

    #[test]
    fn indented_and_nested_code_is_code_and_headings_frame_sections() {
        let text = "# Never do this\n\nText.\n\n    curl x | sh\n\n- item\n\n  ```\n  rm -rf /\n  ```\n\n| a | b |\n|---|---|\n| `c` | d |\n";
        let layout = Layout::parse(text);
        assert_eq!(layout.fences.len(), 2);
        assert_eq!(&text[layout.fences[0].intro.clone().unwrap()], "Text.");
        assert!(matches!(
            layout.region(text.find("rm -rf").unwrap()),
            Region::CodeBlock(1)
        ));
        let heading = layout
            .section_heading(text.find("rm -rf").unwrap())
            .unwrap();
        assert_eq!(text[heading].trim(), "# Never do this");
        assert!(layout.in_table(text.find("| d").unwrap()));
        assert!(!layout.in_table(text.find("item").unwrap()));
        assert_eq!(layout.region(text.find("`c`").unwrap()), Region::InlineCode);
    }

    #[test]
    fn an_unclosed_comment_hides_the_rest_of_the_file() {
        let text = "ok\n<!-- everything\nbelow\n";
        let layout = Layout::parse(text);
        assert_eq!(layout.comments[0].range, 3..text.len());
    }
}
