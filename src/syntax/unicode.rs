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

/// The writing systems the homoglyph check tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Script {
    /// Latin letters, including accented ones.
    Latin,
    /// Cyrillic letters.
    Cyrillic,
    /// Greek letters.
    Greek,
    /// Armenian letters.
    Armenian,
    /// Cherokee letters, several of which look like Latin capitals.
    Cherokee,
    /// Anything else: digits, other scripts, symbols.
    Other,
}

/// The script of a letter, for spotting words that mix look-alike scripts.
pub fn script(c: char) -> Script {
    match c {
        'A'..='Z' | 'a'..='z' => Script::Latin,
        '\u{00C0}'..='\u{024F}' if c != '\u{00D7}' && c != '\u{00F7}' => Script::Latin,
        '\u{1E00}'..='\u{1EFF}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            Script::Latin
        }
        '\u{0400}'..='\u{052F}' | '\u{1C80}'..='\u{1C8F}' | '\u{A640}'..='\u{A69F}' => {
            Script::Cyrillic
        }
        '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}' => Script::Greek,
        '\u{0531}'..='\u{058F}' => Script::Armenian,
        '\u{13A0}'..='\u{13FF}' | '\u{AB70}'..='\u{ABBF}' => Script::Cherokee,
        _ => Script::Other,
    }
}

/// Whether `c` is a letter of a right-to-left script (Hebrew, Arabic, Syriac, Thaana, N'Ko…).
pub fn is_rtl(c: char) -> bool {
    matches!(c,
        '\u{0590}'..='\u{05FF}'
        | '\u{0600}'..='\u{061B}'
        | '\u{061D}'..='\u{08FF}'
        | '\u{FB1D}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFE}'
        | '\u{10800}'..='\u{10FFF}'
        | '\u{1E800}'..='\u{1EFFF}')
}

/// Whether `c` is a pictographic character that takes part in emoji sequences.
pub fn is_pictographic(c: char) -> bool {
    matches!(c,
        '\u{00A9}' | '\u{00AE}' | '\u{203C}' | '\u{2049}' | '\u{2122}' | '\u{2139}'
        | '\u{2194}'..='\u{21AA}'
        | '\u{2300}'..='\u{23FF}'
        | '\u{24C2}'
        | '\u{25A0}'..='\u{27BF}'
        | '\u{2934}' | '\u{2935}'
        | '\u{2B00}'..='\u{2BFF}'
        | '\u{3030}' | '\u{303D}' | '\u{3297}' | '\u{3299}'
        | '\u{1F000}'..='\u{1FAFF}')
}

/// The ASCII character a Unicode tag character spells, if it spells one.
pub fn tag_ascii(c: char) -> Option<char> {
    match c {
        '\u{E0020}'..='\u{E007E}' => char::from_u32(c as u32 - 0xE0000),
        _ => None,
    }
}

/// The byte a variation selector encodes when used as a byte channel: VS1–VS16 are 0–15 and
/// VS17–VS256 are 16–255.
pub fn variation_selector_byte(c: char) -> Option<u8> {
    match c {
        '\u{FE00}'..='\u{FE0F}' => u8::try_from(c as u32 - 0xFE00).ok(),
        '\u{E0100}'..='\u{E01EF}' => u8::try_from(c as u32 - 0xE0100 + 16).ok(),
        _ => None,
    }
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
        let ordinary = "plain ASCII, émigré, 日本語, שלום \u{2764}\u{FE0F}";
        assert!(ordinary.chars().all(|c| classify(c).is_none()));
    }

    #[test]
    fn decodes_tag_characters_and_variation_selectors() {
        assert_eq!(tag_ascii('\u{E0041}'), Some('A'));
        assert_eq!(tag_ascii('\u{E007F}'), None);
        assert_eq!(variation_selector_byte('\u{FE03}'), Some(3));
        assert_eq!(variation_selector_byte('\u{E0100}'), Some(16));
        assert_eq!(variation_selector_byte('\u{E01EF}'), Some(255));
    }

    #[test]
    fn tells_scripts_apart() {
        assert_eq!(script('a'), Script::Latin);
        assert_eq!(script('\u{0430}'), Script::Cyrillic);
        assert_eq!(script('\u{03BF}'), Script::Greek);
        assert_eq!(script('7'), Script::Other);
        assert!(is_rtl('\u{05D0}') && is_rtl('\u{0627}') && !is_rtl('a'));
        assert!(is_pictographic('\u{1F468}') && !is_pictographic('a'));
    }
}
