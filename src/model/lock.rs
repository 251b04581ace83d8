//! The lock file: the list of files the last build generated, so a later build can remove, and
//! `check` can report, those no target produces any more.
//!
//! Headers mark most generated files, but not all of them can carry one (JSON has no comments)
//! and not all of them live at a path an agent reads. The lock records every generated path with
//! its target; it is itself an output of the build, rendered from the plan alone, so it is
//! byte-identical for identical policies.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::boundary;

/// Where the lock file lives, relative to the repository root.
pub const LOCK_PATH: &str = ".rulesmith/lock.json";

/// The version of the lock file format.
pub const LOCK_VERSION: u32 = 1;

/// The lock file's contents.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lock {
    /// Format version.
    pub version: u32,
    /// Every generated file, sorted by path.
    pub files: Vec<LockedFile>,
}

/// Settings entries by JSON pointer (`/permissions/deny`).
pub type Entries = BTreeMap<String, Vec<String>>;

/// One generated file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedFile {
    /// Repository-relative path with `/` separators.
    pub path: String,
    /// The target that generated it.
    pub target: String,
    /// For a settings file shared with the user, the entries rulesmith manages in it; a later
    /// build removes those its policies no longer ask for, and no others.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub entries: Entries,
}

/// Renders the lock for the generated files, in path order.
pub fn render(files: impl IntoIterator<Item = LockedFile>) -> String {
    let mut files: Vec<LockedFile> = files.into_iter().collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let lock = Lock {
        version: LOCK_VERSION,
        files,
    };
    let mut text = serde_json::to_string_pretty(&lock).expect("the lock serializes");
    text.push('\n');
    text
}

/// Reads the paths of a lock file's entries, keeping only paths inside the write boundary.
///
/// The lock is input like any other file in the repository: an unreadable lock lists nothing,
/// and an entry such as `../x` or `.git/config` is dropped rather than trusted.
pub fn parse(text: &str) -> Vec<LockedFile> {
    serde_json::from_str::<Lock>(text)
        .map(|lock| {
            lock.files
                .into_iter()
                .filter(|file| boundary::violation(&file.path).is_none() && file.path != LOCK_PATH)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, target: &str) -> LockedFile {
        LockedFile {
            path: path.into(),
            target: target.into(),
            entries: Entries::new(),
        }
    }

    #[test]
    fn render_sorts_and_parse_reads_back() {
        let text = render([file("b.md", "x"), file("a.md", "y")]);
        assert!(text.ends_with("}\n"));
        let paths: Vec<String> = parse(&text).into_iter().map(|f| f.path).collect();
        assert_eq!(paths, ["a.md", "b.md"]);
    }

    #[test]
    fn a_hostile_lock_lists_nothing_outside_the_write_boundary() {
        let text = r#"{"version":1,"files":[{"path":"../etc/passwd","target":"x"},{"path":"/abs","target":"x"},{"path":"ok.md","target":"x"},{"path":".rulesmith/lock.json","target":"x"},{"path":".git/hooks/pre-commit","target":"x"}]}"#;
        let paths: Vec<String> = parse(text).into_iter().map(|f| f.path).collect();
        assert_eq!(paths, ["ok.md"]);
        assert!(parse("not json").is_empty());
    }
}
