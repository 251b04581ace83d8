//! Which languages a repository holds: the manifest's `languages:` list, or else what the
//! tracked tree shows, decided here from file paths alone (the walk lives in `load`).
//!
//! A file counts through its extension ([`LANGUAGES`]) or, for a well-known project manifest
//! (`package.json`, `go.mod`, `Cargo.toml`…), through its name. Vendored dependencies and hidden
//! directories (`.github/`, `.rulesmith/`, `.venv/`) say nothing about the code the team writes
//! and are skipped. A tree holding only data and prose (JSON, YAML, TOML, Markdown) has no
//! recognisable source: every language's rules are kept.

use std::collections::BTreeSet;

use crate::model::manifest::MANIFEST_FILE;
use crate::model::policy::{LANGUAGES, Language};

/// Project manifests whose name stands for a language wherever they lie.
const MANIFESTS: &[(&str, &str)] = &[
    ("Cargo.toml", "rust"),
    ("Gemfile", "ruby"),
    ("Package.swift", "swift"),
    ("Pipfile", "python"),
    ("build.gradle", "java"),
    ("build.gradle.kts", "kotlin"),
    ("composer.json", "php"),
    ("deno.json", "typescript"),
    ("go.mod", "go"),
    ("mix.exs", "elixir"),
    ("package.json", "javascript"),
    ("pom.xml", "java"),
    ("pubspec.yaml", "dart"),
    ("pyproject.toml", "python"),
    ("requirements.txt", "python"),
    ("setup.py", "python"),
    ("tsconfig.json", "typescript"),
];

/// Directories that hold other people's code, skipped wherever they lie.
const VENDORED: &[&str] = &[
    "Carthage",
    "Pods",
    "bower_components",
    "node_modules",
    "site-packages",
    "third-party",
    "third_party",
    "vendor",
    "venv",
];

/// Languages that appear in nearly every repository as configuration or prose; found alone,
/// they do not make the tree's source recognisable.
const DATA: &[&str] = &["json", "markdown", "toml", "yaml"];

/// Where a build's languages came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provenance {
    /// The manifest's `languages:` list.
    Manifest,
    /// Detected from the tracked tree.
    Detected,
    /// Nothing recognisable was found: every language's rules are kept.
    Undetected,
}

/// The languages a build selects rules for, and where they came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Languages {
    /// The languages, sorted; what was found even when it selects nothing.
    pub list: Vec<Language>,
    /// Where they came from.
    pub provenance: Provenance,
}

impl Languages {
    /// The manifest's list when it has one, else the languages `paths` show.
    pub fn choose(manifest: Option<&[Language]>, paths: impl FnOnce() -> Vec<String>) -> Self {
        if let Some(list) = manifest {
            return Languages {
                list: list.to_vec(),
                provenance: Provenance::Manifest,
            };
        }
        let paths = paths();
        let list = detect(paths.iter().map(String::as_str));
        let provenance = if list.iter().any(|l| !DATA.contains(&l.0.as_str())) {
            Provenance::Detected
        } else {
            Provenance::Undetected
        };
        Languages { list, provenance }
    }

    /// The languages rules are filtered by; `None` keeps every language's rules.
    pub fn selected(&self) -> Option<Vec<Language>> {
        (self.provenance != Provenance::Undetected).then(|| self.list.clone())
    }
}

/// The languages the repository-relative `paths` (`/`-separated) show, sorted and each once.
pub fn detect<'a>(paths: impl IntoIterator<Item = &'a str>) -> Vec<Language> {
    let mut found = BTreeSet::new();
    for path in paths {
        let mut parts: Vec<&str> = path.split('/').collect();
        let Some(name) = parts.pop() else { continue };
        let skipped = parts
            .iter()
            .any(|dir| dir.starts_with('.') || VENDORED.contains(dir));
        if skipped || path == MANIFEST_FILE {
            continue;
        }
        if let Some((_, language)) = MANIFESTS.iter().find(|(file, _)| *file == name) {
            found.insert(*language);
        }
        let Some((_, extension)) = name.rsplit_once('.') else {
            continue;
        };
        let extension = extension.to_ascii_lowercase();
        if let Some((language, _)) = LANGUAGES
            .iter()
            .find(|(_, extensions)| extensions.contains(&extension.as_str()))
        {
            found.insert(*language);
        }
    }
    found.into_iter().map(|l| Language(l.to_owned())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(languages: &[Language]) -> Vec<&str> {
        languages.iter().map(|l| l.0.as_str()).collect()
    }

    #[test]
    fn extensions_and_project_manifests_name_the_languages() {
        let found = detect([
            "src/index.ts",
            "db/schema.sql",
            "tools/go.mod",
            "package.json",
            "Makefile",
        ]);
        assert_eq!(
            names(&found),
            ["go", "javascript", "json", "sql", "typescript"]
        );
    }

    #[test]
    fn vendored_and_hidden_directories_say_nothing() {
        let found = detect([
            "node_modules/left-pad/index.js",
            "web/node_modules/x/setup.py",
            "vendor/github.com/x/y.go",
            ".venv/lib/site.py",
            ".github/scripts/release.rb",
            "rulesmith.yaml",
            "app/main.rs",
        ]);
        assert_eq!(names(&found), ["rust"]);
    }

    #[test]
    fn data_and_prose_alone_keep_every_language() {
        let paths = || vec!["README.md".to_owned(), "config/app.yaml".to_owned()];
        let languages = Languages::choose(None, paths);
        assert_eq!(languages.provenance, Provenance::Undetected);
        assert_eq!(names(&languages.list), ["markdown", "yaml"]);
        assert_eq!(languages.selected(), None);
    }

    #[test]
    fn the_manifest_list_wins_without_a_walk() {
        let listed = [Language("go".into())];
        let languages = Languages::choose(Some(&listed), || panic!("no walk needed"));
        assert_eq!(languages.provenance, Provenance::Manifest);
        assert_eq!(languages.selected(), Some(listed.to_vec()));
    }

    #[test]
    fn source_with_data_is_detected_with_both() {
        let paths = || vec!["index.js".to_owned(), "package.json".to_owned()];
        let languages = Languages::choose(None, paths);
        assert_eq!(languages.provenance, Provenance::Detected);
        assert_eq!(
            names(&languages.selected().unwrap()),
            ["javascript", "json"]
        );
    }
}
