//! Scopes in terms every agent understands: path globs, and the directories they stay inside.
//!
//! A policy or rule scope names paths and languages. Agents that scope rules by file read the
//! globs; agents that scope by directory (nested `AGENTS.md`) read the directories; agents with
//! neither get the words of [`describe`].

use crate::model::policy::{LANGUAGES, Scope};

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
    use crate::model::policy::Language;

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
