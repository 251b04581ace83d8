//! Characters that change what a reader sees without showing themselves.
//!
//! Policies containing them are rejected, and every agent file is checked for them, so
//! rulesmith never carries a hidden instruction from a policy into an agent's context.

/// Why a character is suspicious.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hidden {
    /// Zero-width and other default-ignorable characters.
    Invisible,
    /// Bidirectional controls that reorder text (Trojan Source).
    Bidi,
    /// Unicode tag characters, which can spell ASCII invisibly.
    Tag,
    /// Variation selectors outside the emoji presentation pair, usable as a byte channel.
    VariationSelector,
}

impl Hidden {
    /// A short description for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Hidden::Invisible => "invisible character",
            Hidden::Bidi => "bidirectional control character",
            Hidden::Tag => "Unicode tag character",
            Hidden::VariationSelector => "variation selector",
        }
    }
}

/// Classifies `c` if it hides or reorders text.
pub fn classify(c: char) -> Option<Hidden> {
    match c {
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => Some(Hidden::Bidi),
        '\u{E0000}'..='\u{E007F}' => Some(Hidden::Tag),
        '\u{FE00}'..='\u{FE0D}' | '\u{E0100}'..='\u{E01EF}' => Some(Hidden::VariationSelector),
        '\u{00AD}'
        | '\u{034F}'
        | '\u{115F}'
        | '\u{1160}'
        | '\u{17B4}'
        | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200D}'
        | '\u{2060}'..='\u{2064}'
        | '\u{206A}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFF8}'
        | '\u{1D173}'..='\u{1D17A}' => Some(Hidden::Invisible),
        _ => None,
    }
}

/// The first hidden character in `text`, with its one-based column and class.
pub fn first_hidden(text: &str) -> Option<(usize, char, Hidden)> {
    if text.is_ascii() {
        return None;
    }
    text.chars()
        .enumerate()
        .find_map(|(index, c)| classify(c).map(|kind| (index + 1, c, kind)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_each_class() {
        assert_eq!(classify('\u{200B}'), Some(Hidden::Invisible));
        assert_eq!(classify('\u{202E}'), Some(Hidden::Bidi));
        assert_eq!(classify('\u{E0041}'), Some(Hidden::Tag));
        assert_eq!(classify('\u{E0100}'), Some(Hidden::VariationSelector));
    }

    #[test]
    fn leaves_ordinary_text_and_emoji_alone() {
        assert_eq!(first_hidden("plain ASCII, émigré, 日本語, שלום"), None);
        assert_eq!(first_hidden("\u{2764}\u{FE0F} ok"), None);
    }

    #[test]
    fn reports_the_column() {
        assert_eq!(
            first_hidden("ab\u{200B}c"),
            Some((3, '\u{200B}', Hidden::Invisible))
        );
    }
}
