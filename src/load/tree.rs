//! Reads what the working tree holds where rulesmith looks: the planned outputs, the files the
//! lock says a build generated earlier, and every agent file in the repository.
//!
//! The result is a [`Tree`] in memory, so reconciling it with the plan and reporting drift are
//! pure. The walk honours `.gitignore` (what git ignores is never committed) and skips nested
//! directories that have their own `rulesmith.yaml`: they are separate projects.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read as _;
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::{Diagnostic, InputCode};
use crate::load::walk;
use crate::load::{MAX_INPUT_BYTES, display_path};
use crate::model::lock::{self, LOCK_PATH};

/// What is at one path of the working tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Existing {
    /// A regular file with UTF-8 text.
    Text(String),
    /// Something rulesmith cannot compare as text: not UTF-8, too large, or not a file.
    Opaque {
        /// Why, as a phrase: "is not valid UTF-8".
        reason: String,
    },
    /// The path or one of its parent directories is a symlink.
    Symlink {
        /// Where it leads, relative to the repository root, when that is inside the repository.
        target: Option<String>,
    },
}

/// The parts of the working tree rulesmith compares with a plan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tree {
    /// What exists at each path read, by repository-relative path. Absent paths are not listed.
    pub files: BTreeMap<String, Existing>,
    /// Agent files found by the walk, a subset of `files`' keys.
    pub agent_files: BTreeSet<String>,
    /// Agent files that lie in a nested project (a directory below the root with its own
    /// manifest): their content is scanned, their drift is that project's.
    pub nested: BTreeSet<String>,
    /// Temporary files a stopped build left behind (see [`walk::is_temporary`]).
    pub stray: BTreeSet<String>,
    /// What the walk could not read; the command goes on.
    pub warnings: Vec<Diagnostic>,
    /// Paths the lock lists from the previous build, with their targets.
    pub locked: BTreeMap<String, String>,
    /// The settings entries the previous build managed, by the path of the shared file.
    pub entries: BTreeMap<String, lock::Entries>,
}

impl Tree {
    /// A tree holding `files` as text, with the lock among them read as `read_tree` reads it:
    /// what a repository looks like after a build, in memory.
    pub fn from_texts(files: impl IntoIterator<Item = (String, String)>) -> Tree {
        let mut tree = Tree::default();
        for (path, text) in files {
            tree.files.insert(path, Existing::Text(text));
        }
        tree.record_lock();
        tree
    }

    /// Records the paths and settings entries the lock lists, if the tree holds a lock.
    fn record_lock(&mut self) {
        let Some(text) = self.text(LOCK_PATH) else {
            return;
        };
        for file in lock::parse(text) {
            if !file.entries.is_empty() {
                self.entries.insert(file.path.clone(), file.entries);
            }
            self.locked.insert(file.path, file.target);
        }
    }

    /// The text at `path`, when it is a readable text file.
    pub fn text(&self, path: &str) -> Option<&str> {
        match self.files.get(path) {
            Some(Existing::Text(text)) => Some(text),
            _ => None,
        }
    }
}

/// Reads `planned` paths, the lock and the files it lists, and every file under `root` for
/// which `is_agent_file` holds (given its repository-relative path).
pub fn read_tree<'a>(
    root: &Path,
    planned: impl IntoIterator<Item = &'a str>,
    is_agent_file: impl Fn(&str) -> bool,
) -> Result<Tree, Vec<Diagnostic>> {
    let mut tree = Tree::default();
    let mut problems = Vec::new();
    let mut read = |tree: &mut Tree, relative: &str| match read_existing(root, relative) {
        Ok(Some(existing)) => {
            tree.files.insert(relative.to_owned(), existing);
        }
        Ok(None) => {}
        Err(problem) => problems.push(problem),
    };
    for path in planned.into_iter().chain([LOCK_PATH]) {
        read(&mut tree, path);
    }
    tree.record_lock();
    let locked: Vec<String> = tree.locked.keys().cloned().collect();
    for path in &locked {
        if !tree.files.contains_key(path) {
            read(&mut tree, path);
        }
    }
    let walked = walk_agent_files(root, &is_agent_file);
    for (path, nested) in walked.agent_files {
        if !tree.files.contains_key(&path) {
            read(&mut tree, &path);
        }
        if nested {
            tree.nested.insert(path.clone());
        }
        tree.agent_files.insert(path);
    }
    tree.stray = walked.stray;
    tree.warnings = walked.warnings;
    if problems.is_empty() {
        Ok(tree)
    } else {
        Err(problems)
    }
}

/// What the project walk found for the tree.
struct WalkedTree {
    /// Repository-relative paths of the agent files, sorted, each with whether it lies in a
    /// nested project.
    agent_files: Vec<(String, bool)>,
    /// Temporary files stopped builds of this project left.
    stray: BTreeSet<String>,
    /// What could not be walked.
    warnings: Vec<Diagnostic>,
}

/// Walks the repository with the walker `scan` uses: agent files, nested projects' included,
/// and this project's stray temporary files.
fn walk_agent_files(root: &Path, is_agent_file: &impl Fn(&str) -> bool) -> WalkedTree {
    let mut agent_files = Vec::new();
    let mut stray = BTreeSet::new();
    let mut warnings = Vec::new();
    walk::walk_project(root, root, &mut warnings, |walked| {
        let is_file = walked.entry.file_type().is_some_and(|t| t.is_file());
        let name = walked.entry.file_name().to_string_lossy();
        if is_file && walk::is_temporary(&name) {
            if !walked.nested {
                stray.insert(walked.relative);
            }
        } else if is_agent_file(&walked.relative) {
            agent_files.push((walked.relative, walked.nested));
        }
    });
    agent_files.sort();
    WalkedTree {
        agent_files,
        stray,
        warnings,
    }
}

/// The symlink `relative` passes through under `root`, if any: the path itself or a parent.
pub fn symlink_in_path(root: &Path, relative: &str) -> Option<PathBuf> {
    let mut current = root.to_path_buf();
    for component in Path::new(relative).components() {
        if let Component::Normal(part) = component {
            current.push(part);
        }
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => return Some(current),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

/// What is at `relative` under `root`, or `None` when nothing is.
fn read_existing(root: &Path, relative: &str) -> Result<Option<Existing>, Diagnostic> {
    let path = root.join(relative);
    if symlink_in_path(root, relative).is_some() {
        let target = std::fs::canonicalize(&path).ok().and_then(|resolved| {
            let root = std::fs::canonicalize(root).ok()?;
            resolved
                .starts_with(&root)
                .then(|| display_path(&root, &resolved))
        });
        return Ok(Some(Existing::Symlink { target }));
    }
    let failed = |err: std::io::Error| {
        Diagnostic::error(
            InputCode::ReadFailed,
            format!("cannot read {relative}: {err}"),
        )
        .hint("check the file's permissions")
    };
    let metadata = match std::fs::metadata(&path) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(failed(err)),
    };
    let opaque = |reason: &str| {
        Ok(Some(Existing::Opaque {
            reason: reason.to_owned(),
        }))
    };
    if !metadata.is_file() {
        return opaque("is not a regular file");
    }
    if metadata.len() > MAX_INPUT_BYTES {
        return opaque("is larger than 1 MiB");
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    std::fs::File::open(&path)
        .and_then(|file| file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes))
        .map_err(failed)?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Some(Existing::Text(text))),
        Err(_) => opaque("is not valid UTF-8"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::load::write_test_file as write;

    #[test]
    fn reads_planned_locked_and_walked_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "CLAUDE.md", "claude\n");
        write(
            root,
            LOCK_PATH,
            &lock::render([lock::LockedFile {
                path: "OLD.md".into(),
                target: "old".into(),
                entries: lock::Entries::new(),
            }]),
        );
        write(root, "OLD.md", "old\n");
        write(root, "docs/AGENT.md", "agent\n");
        write(root, "ignored/AGENT.md", "hidden\n");
        write(root, ".gitignore", "ignored/\n");
        write(root, "nested/rulesmith.yaml", "project: x\n");
        write(root, "nested/AGENT.md", "theirs\n");
        std::fs::write(root.join("AGENT.md"), b"\xff").unwrap();
        let tree = read_tree(root, ["CLAUDE.md", "MISSING.md"], |p| {
            p.ends_with("AGENT.md")
        })
        .unwrap();
        assert_eq!(tree.text("CLAUDE.md"), Some("claude\n"));
        assert_eq!(tree.text("OLD.md"), Some("old\n"));
        assert!(!tree.files.contains_key("MISSING.md"));
        assert_eq!(
            tree.agent_files.iter().collect::<Vec<_>>(),
            ["AGENT.md", "docs/AGENT.md", "nested/AGENT.md"]
        );
        // A nested project's agent file is read for the scan and marked as that project's.
        assert_eq!(tree.nested.iter().collect::<Vec<_>>(), ["nested/AGENT.md"]);
        assert_eq!(
            tree.files["AGENT.md"],
            Existing::Opaque {
                reason: "is not valid UTF-8".into()
            }
        );
        assert_eq!(tree.locked["OLD.md"], "old");
    }

    #[test]
    fn temporary_files_of_a_stopped_build_are_found() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "docs/.rulesmith-a1B2c3.tmp", "half");
        write(dir.path(), "docs/.rulesmith-notes.md", "mine");
        let tree = read_tree(dir.path(), [], |_| true).unwrap();
        assert_eq!(
            tree.stray.iter().collect::<Vec<_>>(),
            ["docs/.rulesmith-a1B2c3.tmp"]
        );
        assert!(tree.agent_files.contains("docs/.rulesmith-notes.md"));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_recorded_with_their_target() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "AGENTS.md", "agents\n");
        std::os::unix::fs::symlink("AGENTS.md", root.join("CLAUDE.md")).unwrap();
        let tree = read_tree(root, ["CLAUDE.md"], |_| false).unwrap();
        assert_eq!(
            tree.files["CLAUDE.md"],
            Existing::Symlink {
                target: Some("AGENTS.md".into())
            }
        );
    }
}
