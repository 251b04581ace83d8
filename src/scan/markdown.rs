//! Just enough Markdown structure to tell prose from code and visible text from hidden text:
//! fenced code blocks, inline code spans and comments (HTML and link-reference comments).
//!
//! One linear pass over the lines; no backtracking.

use std::ops::Range;

/// A fenced code block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Fence {
    /// The whole block, fences included.
    pub range: Range<usize>,
    /// The prose line introducing the block ("Never run:"), if one directly precedes it.
    pub intro: Option<Range<usize>>,
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
        let mut fence: Option<(char, usize, usize, Option<Range<usize>>)> = None;
        let mut comment_start: Option<usize> = None;
        let mut previous: Option<Range<usize>> = None;
        for line in lines(text) {
            let content = &text[line.clone()];
            if let Some((c, length, start, intro)) = &fence {
                if fence_marker(content).is_some_and(|(x, n)| x == *c && n >= *length)
                    && content.trim().chars().all(|x| x == *c)
                {
                    layout.fences.push(Fence {
                        range: *start..line.end,
                        intro: intro.clone(),
                    });
                    fence = None;
                }
                continue;
            }
            let mut from = line.start;
            if let Some(start) = comment_start {
                match content.find("-->") {
                    Some(i) => {
                        layout.comments.push(Comment {
                            range: start..line.start + i + 3,
                            body: start + 4..line.start + i,
                            style: CommentStyle::Html,
                        });
                        from = line.start + i + 3;
                    }
                    None => continue,
                }
            } else if let Some((c, length)) = fence_marker(content) {
                let intro = previous.clone().filter(|range| {
                    let text = text[range.clone()].trim();
                    !text.is_empty() && fence_marker(text).is_none()
                });
                fence = Some((c, length, line.start, intro));
                continue;
            } else if let Some(body) = link_reference_comment(content) {
                layout.comments.push(Comment {
                    range: line.clone(),
                    body: line.start + body.start..line.start + body.end,
                    style: CommentStyle::LinkReference,
                });
                previous = Some(line);
                continue;
            }
            comment_start = layout.spans(text, from..line.end);
            if !content.trim().is_empty() {
                previous = Some(line);
            } else {
                previous = None;
            }
        }
        if let Some((_, _, start, intro)) = fence {
            layout.fences.push(Fence {
                range: start..text.len(),
                intro,
            });
        }
        if let Some(start) = comment_start {
            layout.comments.push(Comment {
                range: start..text.len(),
                body: (start + 4).min(text.len())..text.len(),
                style: CommentStyle::Html,
            });
        }
        layout
    }

    /// Records inline code spans and comments in one line segment; returns where an HTML
    /// comment opens without closing on this line.
    fn spans(&mut self, text: &str, range: Range<usize>) -> Option<usize> {
        let bytes = text.as_bytes();
        let mut i = range.start;
        while i < range.end {
            if bytes[i] == b'`' {
                let run = bytes[i..range.end]
                    .iter()
                    .take_while(|&&b| b == b'`')
                    .count();
                match closing_backticks(&bytes[i + run..range.end], run) {
                    Some(close) => {
                        let end = i + run + close + run;
                        self.inline_code.push(i..end);
                        i = end;
                    }
                    None => i += run,
                }
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

/// Where a run of exactly `run` backticks starts in `bytes`.
fn closing_backticks(bytes: &[u8], run: usize) -> Option<usize> {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let length = bytes[i..].iter().take_while(|&&b| b == b'`').count();
            if length == run {
                return Some(i);
            }
            i += length;
        } else {
            i += 1;
        }
    }
    None
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
        assert_eq!(layout.inline_code.len(), 3);
        assert_eq!(layout.comments.len(), 2);
        assert_eq!(&text[layout.comments[0].body.clone()], " one\ntwo ");
        assert_eq!(&text[layout.comments[1].body.clone()], "(hidden note)");
        assert_eq!(layout.comments[1].style, CommentStyle::LinkReference);
        assert_eq!(layout.region(text.find("tail").unwrap()), Region::Prose);
        assert_eq!(layout.region(text.find("two").unwrap()), Region::Comment(0));
    }

    #[test]
    fn an_unclosed_comment_hides_the_rest_of_the_file() {
        let text = "ok\n<!-- everything\nbelow\n";
        let layout = Layout::parse(text);
        assert_eq!(layout.comments[0].range, 3..text.len());
    }
}
