//! Scopes in terms every agent understands: path globs, and the directories they stay inside.
//!
//! A policy or rule scope names paths and languages. Agents that scope rules by file read the
//! globs; agents that scope by directory (nested `AGENTS.md`) read the directories; agents with
//! neither get the words of [`describe`].

use crate::policy::model::Scope;

/// Every language a scope may name, with the file extensions that stand for it.
pub const LANGUAGES: &[(&str, &[&str])] = &[
    ("c", &["c", "h"]),
    ("cpp", &["cc", "cpp", "cxx", "hh", "hpp", "hxx"]),
    ("csharp", &["cs"]),
    ("css", &["css", "scss"]),
    ("dart", &["dart"]),
    ("elixir", &["ex", "exs"]),
    ("go", &["go"]),
    ("haskell", &["hs"]),
    ("html", &["html", "htm"]),
    ("java", &["java"]),
    ("javascript", &["js", "jsx", "mjs", "cjs"]),
    ("json", &["json"]),
    ("kotlin", &["kt", "kts"]),
    ("lua", &["lua"]),
    ("markdown", &["md", "mdx"]),
    ("php", &["php"]),
    ("powershell", &["ps1", "psm1"]),
    ("python", &["py", "pyi"]),
    ("ruby", &["rb"]),
    ("rust", &["rs"]),
    ("scala", &["scala"]),
    ("shell", &["sh", "bash", "zsh"]),
    ("sql", &["sql"]),
    ("swift", &["swift"]),
    ("terraform", &["tf", "tfvars"]),
    ("toml", &["toml"]),
    ("typescript", &["ts", "tsx", "mts", "cts"]),
    ("yaml", &["yaml", "yml"]),
];

/// The extensions of `language`; empty for a name the schema would have rejected.
fn extensions(language: &str) -> &'static [&'static str] {
    LANGUAGES
        .iter()
        .find(|(name, _)| *name == language)
        .map_or(&[], |(_, exts)| exts)
}

/// The path globs a scope stands for, in order and without duplicates.
///
/// Paths are kept as written. Languages alone become `**/*.ext` for each extension; languages
/// with paths narrow every path ending in `**` to those extensions (`src/**` with `python`
/// becomes `src/**/*.py`) and leave more specific paths as they are.
pub fn globs(scope: &Scope) -> Vec<String> {
    let exts: Vec<&str> = scope
        .languages
        .iter()
        .flat_map(|l| extensions(&l.0).iter().copied())
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut push = |glob: String| {
        if !out.contains(&glob) {
            out.push(glob);
        }
    };
    if scope.paths.is_empty() {
        for ext in &exts {
            push(format!("**/*.{ext}"));
        }
        return out;
    }
    for path in &scope.paths {
        let recursive = path == "**" || path.ends_with("/**");
        if recursive && !exts.is_empty() {
            for ext in &exts {
                push(format!("{path}/*.{ext}"));
            }
        } else {
            push(path.clone());
        }
    }
    out
}

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

/// The directory every file a glob matches lies in, when the glob fixes one: the leading path
/// segments without wildcards (`src/api/**/*.ts` → `src/api`). `None` for globs that match
/// across the repository (`**/*.ts`) or in its root (`*.md`).
pub fn directory(glob: &str) -> Option<String> {
    let segments: Vec<&str> = glob.split('/').collect();
    let fixed: Vec<&str> = segments[..segments.len() - 1]
        .iter()
        .take_while(|segment| !segment.contains(['*', '?', '[', '{']))
        .copied()
        .collect();
    (!fixed.is_empty()).then(|| fixed.join("/"))
}

/// The directories a set of globs covers, when every glob fixes one; empty otherwise.
pub fn directories(globs: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for glob in globs {
        match directory(glob) {
            Some(dir) if !out.contains(&dir) => out.push(dir),
            Some(_) => {}
            None => return Vec::new(),
        }
    }
    out.sort();
    out
}

/// Describes a scope in words for agents that cannot scope rules themselves:
/// "typescript files matching `src/**/*.ts`".
pub fn describe(scope: &Scope) -> Option<String> {
    if scope.is_empty() {
        return None;
    }
    let languages = scope
        .languages
        .iter()
        .map(|l| l.0.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let paths = scope
        .paths
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ");
    Some(match (languages.is_empty(), paths.is_empty()) {
        (true, _) => format!("files matching {paths}"),
        (false, true) => format!("{languages} files"),
        (false, false) => format!("{languages} files matching {paths}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::model::Language;

    fn scope(paths: &[&str], languages: &[&str]) -> Scope {
        Scope {
            paths: paths.iter().map(|p| (*p).to_owned()).collect(),
            languages: languages
                .iter()
                .map(|l| Language((*l).to_owned()))
                .collect(),
        }
    }

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

    #[test]
    fn languages_alone_become_extension_globs() {
        assert_eq!(globs(&scope(&[], &["python"])), ["**/*.py", "**/*.pyi"]);
    }

    #[test]
    fn languages_narrow_recursive_paths_only() {
        assert_eq!(
            globs(&scope(&["src/**", "docs/*.md"], &["rust"])),
            ["src/**/*.rs", "docs/*.md"]
        );
    }

    #[test]
    fn directories_come_from_fixed_leading_segments() {
        assert_eq!(directory("src/api/**/*.ts").as_deref(), Some("src/api"));
        assert_eq!(directory("src/api/handler.ts").as_deref(), Some("src/api"));
        assert_eq!(directory("**/*.ts"), None);
        assert_eq!(directory("*.md"), None);
        assert_eq!(directory("src/*/x.ts").as_deref(), Some("src"));
    }

    #[test]
    fn one_unanchored_glob_means_no_directories() {
        let globs = vec!["web/**".to_owned(), "api/**".to_owned()];
        assert_eq!(directories(&globs), ["api", "web"]);
        let globs = vec!["web/**".to_owned(), "**/*.sql".to_owned()];
        assert!(directories(&globs).is_empty());
    }

    #[test]
    fn scopes_are_described_in_words() {
        assert_eq!(
            describe(&scope(&["src/**/*.ts"], &["typescript"])).unwrap(),
            "typescript files matching `src/**/*.ts`"
        );
        assert_eq!(describe(&scope(&[], &["go"])).unwrap(), "go files");
        assert_eq!(describe(&scope(&[], &[])), None);
    }
}
