//! How binding an imported instruction is, judged by its wording.
//!
//! Prohibitions are looked for first, so "always avoid" and "never skip" read as what they
//! forbid or demand most strongly: `never`, `must not`, `do not` → must-not; `must`, `always`,
//! `required` → must; `should not`, `avoid` → should-not; `should`, `prefer` → should.

use std::sync::OnceLock;

use regex::Regex;

use crate::model::policy::Level;

/// The words of each level, strongest prohibition first, as case-insensitive patterns.
const WORDING: &[(Level, &str)] = &[
    (
        Level::MustNot,
        r"\b(never|must\s+not|mustn't|do\s+not|don't|dont|shall\s+not|cannot|can't|may\s+not|forbidden|prohibited)\b",
    ),
    (
        Level::Must,
        r"\b(must|always|required|requires?|shall|mandatory|make\s+sure|ensure|need\s+to|needs\s+to|have\s+to|has\s+to|only)\b",
    ),
    (
        Level::ShouldNot,
        r"\b(should\s+not|shouldn't|avoid|prefer\s+not|discouraged)\b",
    ),
    (
        Level::Should,
        r"\b(should|prefer|recommended|ideally|consider|try\s+to)\b",
    ),
];

fn patterns() -> &'static [(Level, Regex)] {
    static PATTERNS: OnceLock<Vec<(Level, Regex)>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        WORDING
            .iter()
            .map(|(level, pattern)| {
                let regex = Regex::new(&format!("(?i){pattern}")).expect("level patterns compile");
                (*level, regex)
            })
            .collect()
    })
}

/// The level `text` states, if its wording states one.
pub fn stated(text: &str) -> Option<Level> {
    let text = text.replace('\u{2019}', "'");
    patterns()
        .iter()
        .find(|(_, regex)| regex.is_match(&text))
        .map(|(level, _)| *level)
}

/// The level of an imported instruction: the stated one, else `should`, the level of advice.
pub fn infer(text: &str) -> Level {
    stated(text).unwrap_or(Level::Should)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wording_sets_the_level_and_prohibitions_win() {
        let cases = [
            ("NEVER commit secrets", Level::MustNot),
            ("Don’t add Co-Authored-By lines", Level::MustNot),
            ("Do not edit generated files", Level::MustNot),
            ("Always run `pnpm test` first", Level::Must),
            ("Tests MUST pass", Level::Must),
            ("Always avoid `any`", Level::Must),
            ("You should not mock the database", Level::ShouldNot),
            ("Avoid global state", Level::ShouldNot),
            ("Prefer `const` over `let`", Level::Should),
            ("Use pnpm", Level::Should),
        ];
        for (text, level) in cases {
            assert_eq!(infer(text), level, "{text}");
        }
        assert_eq!(stated("Use pnpm"), None);
        assert_eq!(stated("mustard"), None);
    }
}
