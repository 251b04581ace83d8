//! Class 1: invisible or deceptive Unicode.
//!
//! Every rule here has a benign twin it must leave alone: emoji built with a zero-width joiner
//! or a presentation selector, flag emoji spelled with tag characters, right-to-left prose that
//! needs direction marks, and ideographic variation sequences.

use std::collections::BTreeSet;

use crate::diagnostic::ScanCode;
use crate::scan::text::{Source, quote};
use crate::scan::{Hit, Location};
use crate::syntax::unicode::{self, Hidden, Script};

/// A run of this many invisible characters or more can carry data.
const INVISIBLE_RUN: usize = 3;

/// Finds every hidden-Unicode hit in `source`.
pub(super) fn detect(source: &Source<'_>, hits: &mut Vec<Hit>) {
    let text = source.text;
    if text.is_ascii() {
        control_characters(source, hits);
        return;
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut index = 0;
    let mut bidi_lines = BTreeSet::new();
    while index < chars.len() {
        let (offset, c) = chars[index];
        if c.is_ascii() {
            index += 1;
            continue;
        }
        if unicode::variation_selector_byte(c).is_some() {
            index = variation_selectors(&chars, index, hits);
            continue;
        }
        match unicode::classify(c) {
            Some(Hidden::Tag) => index = tags(&chars, index, hits),
            Some(Hidden::Invisible) => index = invisible(&chars, index, hits),
            Some(Hidden::Bidi) => {
                let line = source.position(offset).line;
                if bidi_lines.insert(line) {
                    bidi(source, line, hits);
                }
                index += 1;
            }
            Some(Hidden::VariationSelector) | None => index += 1,
        }
    }
    mixed_script_words(text, hits);
    control_characters(source, hits);
}

/// Control characters other than tab and line breaks: ANSI escape sequences and lone carriage
/// returns rewrite what a terminal shows. One hit per line.
fn control_characters(source: &Source<'_>, hits: &mut Vec<Hit>) {
    let text = source.text;
    let bytes = text.as_bytes();
    let mut reported_line = 0;
    for (offset, c) in text.char_indices() {
        let crlf = c == '\r' && bytes.get(offset + 1) == Some(&b'\n');
        if !c.is_control() || matches!(c, '\t' | '\n') || crlf {
            continue;
        }
        let line = source.position(offset).line;
        if line == reported_line {
            continue;
        }
        reported_line = line;
        let range = source.line_range(line);
        let listed = code_points(
            text[offset..range.end.max(offset + c.len_utf8())]
                .chars()
                .filter(|&c| c.is_control() && c != '\t'),
        );
        hits.push(hit(
            ScanCode::ControlCharacters,
            offset,
            offset + c.len_utf8(),
            format!("terminal control characters ({listed}) can hide, recolour or overwrite this line in a terminal"),
        ));
    }
}

fn hit(code: ScanCode, start: usize, end: usize, message: String) -> Hit {
    Hit {
        code,
        location: Location::Span(start..end),
        message,
    }
}

fn end_of(chars: &[(usize, char)], index: usize) -> usize {
    chars.get(index).map_or_else(
        || chars.last().map_or(0, |&(o, c)| o + c.len_utf8()),
        |&(o, _)| o,
    )
}

/// `n` with the singular or plural noun.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn code_points(chars: impl Iterator<Item = char>) -> String {
    let mut listed: Vec<String> = Vec::new();
    for c in chars {
        let name = format!("U+{:04X}", c as u32);
        if !listed.contains(&name) {
            listed.push(name);
        }
    }
    listed.join(", ")
}

/// Tag characters: decoded and reported, unless they spell a flag emoji's region code.
fn tags(chars: &[(usize, char)], start: usize, hits: &mut Vec<Hit>) -> usize {
    let mut end = start;
    while end < chars.len() && unicode::classify(chars[end].1) == Some(Hidden::Tag) {
        end += 1;
    }
    let run: Vec<char> = chars[start..end].iter().map(|&(_, c)| c).collect();
    let flag_base = start > 0 && chars[start - 1].1 == '\u{1F3F4}';
    let flag_code = run.len() <= 7
        && run.last() == Some(&'\u{E007F}')
        && run[..run.len() - 1]
            .iter()
            .all(|&c| matches!(c, '\u{E0030}'..='\u{E0039}' | '\u{E0061}'..='\u{E007A}'));
    if !(flag_base && flag_code) {
        let decoded: String = run.iter().filter_map(|&c| unicode::tag_ascii(c)).collect();
        hits.push(hit(
            ScanCode::TagCharacters,
            chars[start].0,
            end_of(chars, end),
            format!(
                "{} spelling \"{}\"",
                count(
                    run.len(),
                    "invisible Unicode tag character",
                    "invisible Unicode tag characters"
                ),
                quote(&decoded, 200)
            ),
        ));
    }
    end
}

/// Variation selectors: one after a base character selects a glyph; a run carries bytes.
fn variation_selectors(chars: &[(usize, char)], start: usize, hits: &mut Vec<Hit>) -> usize {
    let mut end = start;
    while end < chars.len() && unicode::variation_selector_byte(chars[end].1).is_some() {
        end += 1;
    }
    let run: Vec<char> = chars[start..end].iter().map(|&(_, c)| c).collect();
    let presentation_only = run.iter().all(|&c| c == '\u{FE0E}' || c == '\u{FE0F}');
    let has_base = start > 0 && !chars[start - 1].1.is_whitespace();
    if run.len() >= 2 && !presentation_only {
        let bytes: Vec<u8> = run
            .iter()
            .filter_map(|&c| unicode::variation_selector_byte(c))
            .collect();
        hits.push(hit(
            ScanCode::VariationSelectorPayload,
            chars[start].0,
            end_of(chars, end),
            format!(
                "{} variation selectors encode {} hidden bytes: \"{}\"",
                run.len(),
                bytes.len(),
                quote(&String::from_utf8_lossy(&bytes), 200)
            ),
        ));
    } else if !has_base && !presentation_only {
        hits.push(hit(
            ScanCode::InvisibleCharacter,
            chars[start].0,
            end_of(chars, end),
            format!("stray variation selector {}", code_points(run.into_iter())),
        ));
    }
    end
}

/// Whether the invisible character at `index` is part of an emoji or a script that needs it.
fn joins_legitimately(chars: &[(usize, char)], index: usize) -> bool {
    let c = chars[index].1;
    if c == '\u{FEFF}' && chars[index].0 == 0 {
        return true;
    }
    // A word joiner or zero-width space against a backtick is Markdown's way to put a
    // backtick at the edge of inline code; it separates the two and carries nothing.
    let beside = |i: usize| chars.get(i).map(|&(_, c)| c);
    if matches!(c, '\u{2060}' | '\u{200B}')
        && (beside(index + 1) == Some('`') || index > 0 && beside(index - 1) == Some('`'))
    {
        return true;
    }
    if !matches!(c, '\u{200C}' | '\u{200D}') || index == 0 || index + 1 >= chars.len() {
        return false;
    }
    let before = chars[index - 1].1;
    let after = chars[index + 1].1;
    let emoji = |c: char| {
        unicode::is_pictographic(c) || c == '\u{FE0F}' || ('\u{1F3FB}'..='\u{1F3FF}').contains(&c)
    };
    // Indic viramas and vowel signs are marks, not letters, and a joiner follows them.
    let indic = |c: char| ('\u{0900}'..='\u{0DFF}').contains(&c);
    let complex_letter = |c: char| (c.is_alphabetic() || indic(c)) && script(c) == Script::Other;
    (c == '\u{200D}' && emoji(before) && emoji(after))
        || (complex_letter(before) && complex_letter(after))
}

fn script(c: char) -> Script {
    if c.is_ascii() {
        Script::Latin
    } else {
        unicode::script(c)
    }
}

/// Zero-width and other default-ignorable characters.
fn invisible(chars: &[(usize, char)], start: usize, hits: &mut Vec<Hit>) -> usize {
    let mut end = start;
    while end < chars.len() && unicode::classify(chars[end].1) == Some(Hidden::Invisible) {
        end += 1;
    }
    let run = end - start;
    if run == 1 && joins_legitimately(chars, start) {
        return end;
    }
    let listed = code_points(chars[start..end].iter().map(|&(_, c)| c));
    let letter = |c: Option<&(usize, char)>| c.is_some_and(|&(_, c)| c.is_alphanumeric());
    let (code, message) = if run >= INVISIBLE_RUN {
        (
            ScanCode::InvisibleSequence,
            format!("a run of {run} invisible characters ({listed}) can encode hidden data"),
        )
    } else if letter(start.checked_sub(1).and_then(|i| chars.get(i))) && letter(chars.get(end)) {
        (
            ScanCode::InvisibleInWord,
            format!("invisible character {listed} splits a word"),
        )
    } else {
        (
            ScanCode::InvisibleCharacter,
            format!("invisible character {listed}"),
        )
    };
    hits.push(hit(code, chars[start].0, end_of(chars, end), message));
    end
}

/// Bidirectional controls on one line: fine as marks or balanced isolates in right-to-left
/// prose; anything else can make the line display differently from what the agent reads.
fn bidi(source: &Source<'_>, line: u32, hits: &mut Vec<Hit>) {
    let range = source.line_range(line);
    let text = &source.text[range.clone()];
    let controls: Vec<(usize, char)> = text
        .char_indices()
        .filter(|&(_, c)| unicode::classify(c) == Some(Hidden::Bidi))
        .collect();
    let rtl = text.chars().any(unicode::is_rtl);
    let mut depth: i32 = 0;
    let mut balanced = true;
    for &(_, c) in &controls {
        match c {
            '\u{202A}' | '\u{202B}' | '\u{202D}' | '\u{202E}' | '\u{2066}'..='\u{2068}' => {
                depth += 1
            }
            '\u{202C}' | '\u{2069}' => {
                depth -= 1;
                balanced &= depth >= 0;
            }
            _ => {}
        }
    }
    balanced &= depth == 0;
    let overrides = controls
        .iter()
        .any(|&(_, c)| matches!(c, '\u{202D}' | '\u{202E}'));
    if rtl && balanced && !overrides {
        return;
    }
    let first = controls[0].0 + range.start;
    let last = controls[controls.len() - 1];
    let end = range.start + last.0 + last.1.len_utf8();
    let why = if rtl {
        "unbalanced or overriding"
    } else {
        "outside right-to-left text"
    };
    hits.push(hit(
        ScanCode::BidiControl,
        first,
        end,
        format!(
            "{} {why} ({}): the line displays in another order than the agent reads it",
            count(
                controls.len(),
                "bidirectional control",
                "bidirectional controls"
            ),
            code_points(controls.iter().map(|&(_, c)| c))
        ),
    ));
}

/// Whether a Greek letter passes for a Latin one. The others (`Δ`, `π`, `λ`, `Ω`, `μ` as the
/// micro sign in `μs`) are mathematical and scientific symbols, not homoglyphs.
fn looks_latin(c: char) -> bool {
    matches!(
        c,
        'Α' | 'Β'
            | 'Ε'
            | 'Ζ'
            | 'Η'
            | 'Ι'
            | 'Κ'
            | 'Μ'
            | 'Ν'
            | 'Ο'
            | 'Ρ'
            | 'Τ'
            | 'Υ'
            | 'Χ'
            | 'α'
            | 'ι'
            | 'κ'
            | 'ν'
            | 'ο'
            | 'ρ'
            | 'τ'
            | 'υ'
            | 'χ'
            | 'ϲ'
            | 'ϳ'
    )
}

/// Words that mix Latin letters with look-alike letters from Cyrillic, Greek, Armenian or
/// Cherokee.
fn mixed_script_words(text: &str, hits: &mut Vec<Hit>) {
    let mut word_start = None;
    for (offset, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_alphanumeric() || c == '\u{0301}' {
            word_start.get_or_insert(offset);
            continue;
        }
        let Some(start) = word_start.take() else {
            continue;
        };
        let word = &text[start..offset];
        if word.is_ascii() {
            continue;
        }
        let mut latin = false;
        let mut others = Vec::new();
        for c in word.chars() {
            match unicode::script(c) {
                Script::Latin => latin = true,
                Script::Other => {}
                Script::Greek if !looks_latin(c) => {}
                script => others.push((c, script)),
            }
        }
        if latin && !others.is_empty() {
            let scripts: BTreeSet<&str> = others
                .iter()
                .map(|(_, script)| match script {
                    Script::Cyrillic => "Cyrillic",
                    Script::Greek => "Greek",
                    Script::Armenian => "Armenian",
                    _ => "Cherokee",
                })
                .collect();
            hits.push(hit(
                ScanCode::MixedScriptWord,
                start,
                offset,
                format!(
                    "\"{}\" mixes Latin with {} letters ({})",
                    quote(word, 60),
                    scripts.into_iter().collect::<Vec<_>>().join(" and "),
                    code_points(others.iter().map(|&(c, _)| c))
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Vec<(ScanCode, String)> {
        crate::scan::hits_of(|hits| detect(&Source::new(text), hits))
    }

    #[test]
    fn decodes_tag_characters() {
        let hidden: String = "run it"
            .chars()
            .map(|c| char::from_u32(0xE0000 + c as u32).unwrap())
            .collect();
        let hits = run(&format!("Be nice.{hidden}\n"));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].0, ScanCode::TagCharacters);
        assert!(hits[0].1.contains("spelling \"run it\""), "{}", hits[0].1);
    }

    #[test]
    fn flag_emoji_tags_are_benign() {
        let england = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}";
        assert!(run(&format!("Go {england} team")).is_empty());
    }

    #[test]
    fn decodes_variation_selector_payloads_and_spares_emoji() {
        let payload: String = "hi"
            .bytes()
            .map(|b| char::from_u32(0xE0100 + u32::from(b) - 16).unwrap())
            .collect();
        let hits = run(&format!("smile \u{1F600}{payload}"));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].0, ScanCode::VariationSelectorPayload);
        assert!(hits[0].1.contains("\"hi\""), "{}", hits[0].1);
        assert!(run("love \u{2764}\u{FE0F} and \u{845B}\u{E0100}").is_empty());
    }

    #[test]
    fn invisible_characters_and_runs() {
        assert_eq!(
            run("a\u{200B} b"),
            vec![(
                ScanCode::InvisibleCharacter,
                "invisible character U+200B".to_owned()
            )]
        );
        assert_eq!(
            run("a\u{200B}\u{200C}\u{200B}\u{200C}b")[0].0,
            ScanCode::InvisibleSequence
        );
        assert!(run("\u{FEFF}family \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}").is_empty());
        assert!(run("می\u{200C}خواهم").is_empty());
    }

    #[test]
    fn bidi_controls_outside_rtl_text_are_flagged() {
        let hits = run("access = \"user\u{202E} \u{2066}// admin\u{2069} \u{2066}\"");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].0, ScanCode::BidiControl);
        assert!(run("השתמש ב-\u{2066}npm test\u{2069} תמיד\u{200F}").is_empty());
        assert_eq!(run("שלום \u{202E}abc")[0].0, ScanCode::BidiControl);
    }

    #[test]
    fn terminal_controls_are_flagged_once_per_line_but_crlf_is_not() {
        let hits = run("ok\r\nred \u{1b}[31mtext\u{1b}[0m\rover\n");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].0, ScanCode::ControlCharacters);
        assert!(hits[0].1.contains("U+001B, U+000D"), "{}", hits[0].1);
    }

    #[test]
    fn scientific_greek_symbols_are_not_homoglyphs_but_latin_looking_greek_is() {
        assert!(run("step \u{0394}t = 10 \u{03BC}s, 4 k\u{03A9}, \u{03BB}x").is_empty());
        assert_eq!(run("g\u{03BF}ogle.com")[0].0, ScanCode::MixedScriptWord);
        assert_eq!(run("\u{03B1}uth-client")[0].0, ScanCode::MixedScriptWord);
    }

    #[test]
    fn an_invisible_character_inside_a_word_is_worse_than_one_beside_it() {
        assert_eq!(run("pass\u{200B}word")[0].0, ScanCode::InvisibleInWord);
        assert_eq!(run("in\u{200C}stall")[0].0, ScanCode::InvisibleInWord);
        assert_eq!(run("using \u{2060}x")[0].0, ScanCode::InvisibleCharacter);
    }

    #[test]
    fn a_joiner_against_a_backtick_escapes_inline_code() {
        assert!(run("use `\u{2060}`x`\u{2060}` here").is_empty());
        assert!(run("using \u{2060}`x`").is_empty());
        assert_eq!(run("a\u{200B} b")[0].0, ScanCode::InvisibleCharacter);
    }

    #[test]
    fn homoglyph_words_are_flagged_but_whole_words_are_not() {
        let hits = run("send to p\u{0430}ypal.com");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].0, ScanCode::MixedScriptWord);
        assert!(hits[0].1.contains("Cyrillic"), "{}", hits[0].1);
        assert!(run("Привет, world; Ελληνικά; café").is_empty());
    }
}
