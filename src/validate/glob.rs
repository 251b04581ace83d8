//! Globs as policies write them, checked before any agent file carries them.

/// Checks a path glob a policy or the manifest holds, saying what is wrong with it otherwise.
///
/// Globs are copied into agents' frontmatter, headings and ignore files, so a glob may not hold
/// control characters (a line break would end the line it is written on) or start or end with
/// whitespace; it must parse, and `**` must be a whole path segment. The error names what is
/// wrong in a few words.
pub fn check_glob(glob: &str) -> Result<(), String> {
    if let Some(c) = glob
        .chars()
        .find(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
    {
        return Err(format!("control character U+{:04X}", u32::from(c)));
    }
    if glob.trim().is_empty() {
        return Err("is empty".to_owned());
    }
    if glob.trim() != glob {
        return Err("whitespace at its start or end".to_owned());
    }
    if glob
        .split('/')
        .any(|segment| segment.contains("**") && segment != "**")
    {
        return Err("`**` inside a path segment; `**` must stand alone between `/`".to_owned());
    }
    globset::GlobBuilder::new(glob)
        .literal_separator(true)
        .build()
        .map(drop)
        .map_err(|err| err.kind().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_globs_are_refused_with_what_is_wrong() {
        for (glob, wrong) in [
            ("[unclosed", "unclosed character class"),
            ("src/[a-", "unclosed character class"),
            ("src/***", "`**` inside a path segment"),
            ("src/** ", "whitespace at its start or end"),
            (" src/**", "whitespace"),
            ("src/**\n---", "control character U+000A"),
            ("src/\u{2028}x", "control character U+2028"),
            ("", "empty"),
        ] {
            let err = check_glob(glob).unwrap_err();
            assert!(err.contains(wrong), "{glob:?}: {err}");
        }
        for glob in [
            "src/**/*.ts",
            "**",
            "docs/*.md",
            "src/**/*.{ts,tsx}",
            ".env.*",
        ] {
            assert_eq!(check_glob(glob), Ok(()), "{glob}");
        }
    }
}
