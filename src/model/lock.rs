//! The lock file: the list of files the last build generated, so a later build can remove, and
//! `check` can report, those no target produces any more.
//!
//! Headers mark most generated files, but not all of them can carry one (JSON has no comments)
//! and not all of them live at a path an agent reads. The lock records every generated path with
//! its target; it is itself an output of the build, rendered from the plan alone, so it is
//! byte-identical for identical policies.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::boundary;
use crate::model::target::{Format, OutputMode};
use crate::syntax::header::CommentStyle;

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
    /// What a build needs to tell, without compiling, that its inputs and outputs are unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fresh: Option<Fresh>,
}

/// The record behind the up-to-date fast path: the rendered outputs by digest, the warnings the
/// compilation gave, and a fingerprint sealing them to the inputs they were compiled from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fresh {
    /// SHA-256 of the inputs' digest followed by the rest of this record and the file list, so
    /// that any change to the inputs or to the lock itself invalidates the record.
    pub fingerprint: String,
    /// The warnings the compilation reported, shown again when the build is skipped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<LockedWarning>,
    /// Every rendered output (the lock aside), by path.
    pub outputs: BTreeMap<String, RecordedOutput>,
}

/// One rendered output as the compilation produced it, before it was combined with the file on
/// disk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedOutput {
    /// What the file holds.
    pub format: Format,
    /// How it combines with the file on disk: `html`, `hash`, `owned` or `settings`.
    pub mode: String,
    /// SHA-256 of the rendered bytes, in hex.
    pub digest: String,
    /// The rendered bytes themselves, for a settings output: they are merged into the file on
    /// disk, so the file does not hold them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contents: Option<String>,
}

/// A compilation warning without a source position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedWarning {
    /// The code as printed, e.g. `RS0304`.
    pub code: String,
    /// The message.
    pub message: String,
    /// The hint, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// The name a lock gives an output mode.
pub fn mode_name(mode: OutputMode) -> &'static str {
    match mode {
        OutputMode::Text(CommentStyle::Html) => "html",
        OutputMode::Text(CommentStyle::Hash) => "hash",
        OutputMode::Owned => "owned",
        OutputMode::Settings => "settings",
    }
}

/// The output mode a lock names, if it names one.
pub fn mode_named(name: &str) -> Option<OutputMode> {
    match name {
        "html" => Some(OutputMode::Text(CommentStyle::Html)),
        "hash" => Some(OutputMode::Text(CommentStyle::Hash)),
        "owned" => Some(OutputMode::Owned),
        "settings" => Some(OutputMode::Settings),
        _ => None,
    }
}

/// SHA-256 of `bytes`, in hex.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// What [`render_fresh`] seals into a lock: the inputs' digest and the record without its
/// fingerprint.
pub struct Unsealed {
    /// The digest of every input the outputs depend on.
    pub inputs: String,
    /// The warnings to record.
    pub warnings: Vec<LockedWarning>,
    /// The rendered outputs to record.
    pub outputs: BTreeMap<String, RecordedOutput>,
}

/// The fingerprint of a record: SHA-256 over the inputs' digest, the file list and the record.
fn fingerprint(
    inputs: &str,
    files: &[LockedFile],
    warnings: &[LockedWarning],
    outputs: &BTreeMap<String, RecordedOutput>,
) -> String {
    let body = serde_json::to_string(&(files, warnings, outputs)).expect("the lock serializes");
    sha256(format!("{inputs}\n{body}").as_bytes())
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
    render_fresh(files, None)
}

/// Renders the lock for the generated files, in path order, with the record that lets a later
/// run skip compiling when nothing changed.
pub fn render_fresh(
    files: impl IntoIterator<Item = LockedFile>,
    record: Option<Unsealed>,
) -> String {
    let mut files: Vec<LockedFile> = files.into_iter().collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let fresh = record.map(|r| Fresh {
        fingerprint: fingerprint(&r.inputs, &files, &r.warnings, &r.outputs),
        warnings: r.warnings,
        outputs: r.outputs,
    });
    let lock = Lock {
        version: LOCK_VERSION,
        files,
        fresh,
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

/// Whether two lock texts list the same generated files with the same entries: what `check`
/// compares. The up-to-date record is a cache of the build, so a stale one is no drift; a lock
/// that does not parse never lists the same files.
pub fn same_files(a: &str, b: &str) -> bool {
    let files = |text: &str| {
        serde_json::from_str::<Lock>(text)
            .ok()
            .map(|lock| lock.files)
    };
    matches!((files(a), files(b)), (Some(a), Some(b)) if a == b)
}

/// The lock in `text` when it is exactly what a build of inputs with digest `inputs` wrote:
/// canonical, with a record whose fingerprint matches. Any edit to the inputs or to one byte of
/// the lock yields `None`.
pub fn sealed(text: &str, inputs: &str) -> Option<Lock> {
    let lock: Lock = serde_json::from_str(text).ok()?;
    let fresh = lock.fresh.clone()?;
    let again = render_fresh(
        lock.files.clone(),
        Some(Unsealed {
            inputs: inputs.to_owned(),
            warnings: fresh.warnings,
            outputs: fresh.outputs,
        }),
    );
    (lock.version == LOCK_VERSION && again == text).then_some(lock)
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
