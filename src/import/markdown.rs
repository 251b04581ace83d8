//! Markdown agent files split into sections and instructions.
//!
//! A file's top-level sections are the headings of its highest level below a lone leading
//! title. In each section, every list item (nested ones too) is one instruction, and so is
//! every sentence of a paragraph that states a level (`never`, `should`, …). Everything else
//! (prose, code blocks, tables, deeper headings, list items that hold code) is kept as written
//! in the section's description, so no text is lost when the file is generated again.

use std::ops::Range;
use std::sync::OnceLock;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use regex::Regex;

use super::level;

/// One section of a Markdown file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section {
    /// The section's heading; for the text before the first heading, the file's title.
    pub title: Option<String>,
    /// The section's heading as written, for folding it into another section's text.
    pub heading: Option<String>,
    /// Blocks that are not instructions, as written.
    pub blocks: Vec<String>,
    /// The instructions: list items with their line breaks, sentences on one line.
    pub rules: Vec<String>,
}

/// What a Markdown file holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    /// The sections, the text before the first heading first.
    pub sections: Vec<Section>,
    /// How many `@path` import lines it has (`CLAUDE.md` pulling in `AGENTS.md`).
    pub references: usize,
}

/// Splits Markdown `text` into sections and instructions.
pub fn parse(text: &str) -> Document {
    let events: Vec<(Event<'_>, Range<usize>)> =
        Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH)
            .into_offset_iter()
            .collect();
    let blocks = top_level(&events);
    let headings: Vec<(usize, HeadingLevel)> = blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b.kind {
            Kind::Heading(level) => Some((i, level)),
            _ => None,
        })
        .collect();
    let top = headings.iter().map(|h| h.1).min();
    let lone_title = match (headings.first(), top) {
        (Some(&(0, level)), Some(min)) => {
            level == min && headings.iter().filter(|h| h.1 == min).count() == 1
        }
        _ => false,
    };
    let section_level = if lone_title {
        headings.iter().skip(1).map(|h| h.1).min()
    } else {
        top
    };
    let mut document = Document {
        sections: vec![Section::default()],
        references: 0,
    };
    for (index, block) in blocks.iter().enumerate() {
        let raw = text[block.range.clone()].trim_end();
        let section = document.sections.last_mut().expect("one section at least");
        match block.kind {
            Kind::Heading(_) if index == 0 && lone_title => {
                section.title = Some(heading_text(raw));
                section.heading = Some(raw.to_owned());
            }
            Kind::Heading(level) if Some(level) == section_level => {
                document.sections.push(Section {
                    title: Some(heading_text(raw)),
                    heading: Some(raw.to_owned()),
                    ..Section::default()
                });
            }
            Kind::Paragraph if is_references(raw) => document.references += 1,
            Kind::Paragraph => paragraph(raw, section),
            Kind::List => list(text, &events[block.events.clone()], section),
            Kind::Heading(_) | Kind::Other => section.blocks.push(raw.to_owned()),
        }
    }
    document
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Heading(HeadingLevel),
    Paragraph,
    List,
    Other,
}

struct Block {
    kind: Kind,
    range: Range<usize>,
    events: Range<usize>,
}

/// The top-level blocks of a parsed file, with the events each spans.
fn top_level(events: &[(Event<'_>, Range<usize>)]) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    let mut start = 0usize;
    for (index, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    start = index;
                    blocks.push(Block {
                        kind: match tag {
                            Tag::Heading { level, .. } => Kind::Heading(*level),
                            Tag::Paragraph => Kind::Paragraph,
                            Tag::List(_) => Kind::List,
                            _ => Kind::Other,
                        },
                        range: range.clone(),
                        events: index..index + 1,
                    });
                }
                depth += 1;
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && let Some(block) = blocks.last_mut()
                {
                    block.events = start..index + 1;
                }
            }
            // Rules and lone HTML are blocks without an end event.
            _ if depth == 0 => blocks.push(Block {
                kind: Kind::Other,
                range: range.clone(),
                events: index..index + 1,
            }),
            _ => {}
        }
    }
    blocks
}

/// A heading's words, without its `#` marks or setext underline.
fn heading_text(raw: &str) -> String {
    let first = raw.lines().next().unwrap_or_default();
    let words = first.trim().trim_start_matches('#').trim();
    let words = words.trim_end_matches('#').trim_end();
    one_line(words)
}

/// Whether a paragraph is only `@path` import lines.
fn is_references(raw: &str) -> bool {
    raw.lines().all(|line| {
        let line = line.trim();
        line.len() > 1 && line.starts_with('@') && !line.contains(char::is_whitespace)
    })
}

/// A paragraph: its sentences as instructions when any states a level, else kept as written.
fn paragraph(raw: &str, section: &mut Section) {
    let sentences = sentences(&one_line(raw));
    if sentences.iter().any(|s| level::stated(s).is_some()) {
        section.rules.extend(sentences);
    } else {
        section.blocks.push(raw.to_owned());
    }
}

/// A list: one instruction per item; an item holding more than text (code, a quote, a table,
/// a second paragraph) is kept as written with the items inside it.
fn list(text: &str, events: &[(Event<'_>, Range<usize>)], section: &mut Section) {
    let mut depth = 0usize;
    // Per open item: (depth, own text's end, number of paragraphs, whether it holds more).
    let mut open: Vec<(usize, Range<usize>, usize, bool)> = Vec::new();
    let mut skip_until = 0usize;
    let mut items: Vec<(Range<usize>, Range<usize>, bool)> = Vec::new();
    for (event, range) in events {
        match event {
            Event::Start(tag) => {
                if let Some(item) = open.last_mut()
                    && depth == item.0 + 1
                {
                    match tag {
                        Tag::Paragraph => {
                            item.2 += 1;
                            item.3 |= item.2 > 1;
                        }
                        Tag::List(_) => {
                            item.1.end = item.1.end.min(range.start);
                        }
                        // Emphasis, links and images in a tight item are its text.
                        tag if is_inline(tag) => {}
                        _ => {
                            item.3 = true;
                            item.1.end = item.1.end.min(range.start);
                        }
                    }
                }
                if matches!(tag, Tag::Item) {
                    open.push((depth, range.clone(), 0, false));
                }
                depth += 1;
            }
            Event::End(tag) => {
                depth = depth.saturating_sub(1);
                if matches!(tag, TagEnd::Item)
                    && let Some((_, own, _, complex)) = open.pop()
                {
                    items.push((range.clone(), own, complex));
                }
            }
            _ => {}
        }
    }
    items.sort_by_key(|(whole, _, _)| whole.start);
    for (whole, own, complex) in items {
        if whole.start < skip_until {
            continue;
        }
        if complex {
            section
                .blocks
                .push(text[whole.clone()].trim_end().to_owned());
            skip_until = whole.end;
            continue;
        }
        let own = lines(&marker().replace(&text[own], ""));
        if !own.is_empty() {
            section.rules.push(own);
        }
    }
}

/// Whether a tag is inline markup, part of the text it sits in.
fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. }
    )
}

/// A list item's marker and task box.
fn marker() -> &'static Regex {
    static MARKER: OnceLock<Regex> = OnceLock::new();
    MARKER.get_or_init(|| {
        Regex::new(r"^\s*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+\[[ xX]\])?[ \t]*").expect("marker compiles")
    })
}

/// `text`'s lines without their indentation, blank ones dropped: a list item's text keeps
/// its line breaks, so the rebuilt file reads line by line as the original did.
fn lines(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("\n")
}

/// `text` on one line, runs of whitespace collapsed.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Splits one line of prose into sentences: after `.`, `!` or `?` outside inline code,
/// followed by a space and a capital, a digit or Markdown emphasis, and not after a common
/// abbreviation.
pub fn sentences(line: &str) -> Vec<String> {
    const ABBREVIATIONS: &[&str] = &["e.g.", "i.e.", "etc.", "vs.", "cf.", "approx."];
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut in_code = false;
    for (i, &(at, c)) in chars.iter().enumerate() {
        if c == '`' {
            in_code = !in_code;
            continue;
        }
        if in_code || !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let (Some(&(_, space)), Some(&(_, next))) = (chars.get(i + 1), chars.get(i + 2)) else {
            continue;
        };
        let opens = next.is_uppercase() || next.is_ascii_digit() || matches!(next, '*' | '`');
        let before = &line[start..=at];
        let abbreviated = ABBREVIATIONS
            .iter()
            .any(|a| before.to_ascii_lowercase().ends_with(a));
        if space == ' ' && opens && !abbreviated {
            out.push(line[start..=at].trim().to_owned());
            start = at + 2;
        }
    }
    let rest = line[start..].trim();
    if !rest.is_empty() {
        out.push(rest.to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_title_leads_and_second_level_headings_split_sections() {
        let doc = parse(
            "# Project\n\nIntro prose.\n\n## Testing\n\n- Always run `bun test`\n- Prefer small tests\n  - Nested one\n\n### Deeper\n\n```sh\nbun test\n```\n\n## Style\n\nNever use `any`. Keep lines short.\n",
        );
        let titles: Vec<_> = doc.sections.iter().map(|s| s.title.as_deref()).collect();
        assert_eq!(titles, [Some("Project"), Some("Testing"), Some("Style")]);
        assert_eq!(doc.sections[0].blocks, ["Intro prose."]);
        assert_eq!(
            doc.sections[1].rules,
            ["Always run `bun test`", "Prefer small tests", "Nested one"]
        );
        assert_eq!(
            doc.sections[1].blocks,
            ["### Deeper", "```sh\nbun test\n```"]
        );
        assert_eq!(
            doc.sections[2].rules,
            ["Never use `any`.", "Keep lines short."]
        );
    }

    #[test]
    fn items_holding_code_are_kept_whole_and_references_counted() {
        let doc = parse("@AGENTS.md\n\n1. Build:\n\n   ```sh\n   make\n   ```\n2. [x] Ship it\n");
        assert_eq!(doc.references, 1);
        let section = &doc.sections[0];
        assert_eq!(section.rules, ["Ship it"]);
        assert_eq!(section.blocks, ["1. Build:\n\n   ```sh\n   make\n   ```"]);
    }

    #[test]
    fn sentences_split_outside_code_and_abbreviations() {
        assert_eq!(
            sentences("Use `a. B` here, e.g. This. Then go! 3 more"),
            ["Use `a. B` here, e.g. This.", "Then go!", "3 more"]
        );
    }
}
