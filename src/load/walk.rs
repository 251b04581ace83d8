//! Finding agent files on disk the way ripgrep walks: `.gitignore` and `.ignore` honoured,
//! hidden directories entered (agent files live in `.claude/`, `.cursor/`…), `.git` skipped,
//! symlinks never followed, entries sorted for a stable order.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::agents::{AgentFile, Registry};
use crate::diagnostic::{Code, Diagnostic, SourceFile};
use crate::load::display_path;

/// Agent files larger than this are not scanned; they are reported instead.
pub const MAX_SCAN_BYTES: u64 = 1024 * 1024;

/// What the walker read from one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// The whole file.
    Bytes(Vec<u8>),
    /// The file is larger than [`MAX_SCAN_BYTES`]; only its size and hash are known.
    TooLarge {
        /// Its size in bytes.
        size: u64,
        /// Lowercase hex SHA-256 of its bytes, so a reviewed large file can be trusted.
        sha256: String,
    },
}

/// A file found by the walk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discovered {
    /// Path relative to the repository root, `/`-separated.
    pub path: String,
    /// Its catalogue entry, when it is a known agent file.
    pub file: Option<AgentFile>,
    /// What was read.
    pub body: Body,
}

/// Which files a walk yields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WalkOptions {
    /// Every file, not only known agent files.
    pub all_files: bool,
}

/// Walks `paths` (files or directories; the root when empty) and reads every file `agents`
/// knows as an agent file. Paths are shown relative to `root`. Unreadable files and symlinks given by name are
/// reported as warnings; the walk goes on.
pub fn discover(
    root: &Path,
    paths: &[PathBuf],
    options: WalkOptions,
    agents: &Registry,
) -> (Vec<Discovered>, Vec<Diagnostic>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let defaults = [root.to_path_buf()];
    let starts = if paths.is_empty() {
        &defaults[..]
    } else {
        paths
    };
    for start in starts {
        let display = display_path(root, start);
        match std::fs::symlink_metadata(start) {
            Err(err) => problems.push(warning(
                Code::ReadFailed,
                &display,
                format!("cannot read {display}: {err}"),
                "check the path",
            )),
            Ok(meta) if meta.file_type().is_symlink() => problems.push(warning(
                Code::NotARegularFile,
                &display,
                format!("{display} is a symlink; the scanner does not follow symlinks"),
                "scan the file the link points to, inside the repository",
            )),
            Ok(meta) if meta.is_file() => {
                let file = agents.classify(&display);
                read_into(start, display, file, &mut found, &mut problems);
            }
            Ok(_) => walk_dir(root, start, options, agents, &mut found, &mut problems),
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found.dedup_by(|a, b| a.path == b.path);
    (found, problems)
}

/// The walk every command shares, the way ripgrep walks: `.gitignore` and `.ignore` honoured
/// (but not the user's global git excludes, so results do not depend on the machine), hidden
/// files included, symlinks never followed, `.git` skipped, entries in name order.
pub fn repo_walker(dir: &Path) -> ignore::WalkBuilder {
    let mut builder = ignore::WalkBuilder::new(dir);
    builder
        .hidden(false)
        .follow_links(false)
        .git_global(false)
        .require_git(false)
        .sort_by_file_name(std::cmp::Ord::cmp)
        .filter_entry(|entry| entry.file_name() != ".git");
    builder
}

fn walk_dir(
    root: &Path,
    dir: &Path,
    options: WalkOptions,
    agents: &Registry,
    found: &mut Vec<Discovered>,
    problems: &mut Vec<Diagnostic>,
) {
    let walker = repo_walker(dir).build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                problems.push(
                    Diagnostic::warning(Code::ReadFailed, format!("cannot walk: {err}"))
                        .hint("check the directory's permissions"),
                );
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let relative = display_path(dir, entry.path());
        let file = agents
            .classify(&relative)
            .or_else(|| agents.classify(&display_path(root, entry.path())));
        if file.is_none() && !options.all_files {
            continue;
        }
        read_into(
            entry.path(),
            display_path(root, entry.path()),
            file,
            found,
            problems,
        );
    }
}

fn read_into(
    path: &Path,
    display: String,
    file: Option<AgentFile>,
    found: &mut Vec<Discovered>,
    problems: &mut Vec<Diagnostic>,
) {
    match read(path) {
        Ok(body) => found.push(Discovered {
            path: display,
            file,
            body,
        }),
        Err(err) => problems.push(warning(
            Code::ReadFailed,
            &display,
            format!("cannot read {display}: {err}"),
            "check the file's permissions",
        )),
    }
}

fn read(path: &Path) -> std::io::Result<Body> {
    let mut handle = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    (&mut handle)
        .take(MAX_SCAN_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 <= MAX_SCAN_BYTES {
        return Ok(Body::Bytes(bytes));
    }
    let mut hasher = Sha256::new();
    hasher.update(&bytes);
    let mut size = bytes.len() as u64;
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let n = handle.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        size += n as u64;
    }
    let sha256 = crate::scan::trust::to_hex(&hasher.finalize());
    Ok(Body::TooLarge { size, sha256 })
}

fn warning(code: Code, display: &str, message: String, hint: &str) -> Diagnostic {
    Diagnostic::warning(code, message)
        .at(SourceFile::new(display, "").whole())
        .hint(hint)
}

/// Reads a reviewed file for `scan --trust`: a regular file inside the repository, not a
/// symlink. Returns its path relative to `root` and its bytes.
pub fn read_reviewed(
    root: &Path,
    full: &Path,
    shown: &str,
) -> Result<(String, Vec<u8>), Diagnostic> {
    let whole = || SourceFile::new(shown, "").whole();
    let meta = std::fs::symlink_metadata(full).map_err(|err| {
        Diagnostic::error(Code::ReadFailed, format!("cannot read {shown}: {err}"))
            .at(whole())
            .hint("pass the path of an agent file in this repository")
    })?;
    if !meta.is_file() {
        return Err(Diagnostic::error(
            Code::NotARegularFile,
            format!("{shown} is not a regular file"),
        )
        .at(whole())
        .hint("trust the file itself; symlinks and directories cannot be trusted"));
    }
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let canonical = full.canonicalize().unwrap_or_else(|_| full.to_path_buf());
    if !canonical.starts_with(&root) {
        return Err(Diagnostic::error(
            Code::PathEscapesRepo,
            format!("{shown} is outside the repository"),
        )
        .at(whole())
        .hint("trust records are kept per repository; run the command in the file's repository"));
    }
    let bytes = std::fs::read(full).map_err(|err| {
        Diagnostic::error(Code::ReadFailed, format!("cannot read {shown}: {err}"))
            .at(whole())
            .hint("check the file's permissions")
    })?;
    Ok((display_path(&root, &canonical), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::load::write_test_file as write;

    fn paths(found: &[Discovered]) -> Vec<&str> {
        found.iter().map(|d| d.path.as_str()).collect()
    }

    #[test]
    fn finds_agent_files_honouring_gitignore() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "CLAUDE.md", "a");
        write(root, ".claude/settings.json", "{}");
        write(root, "src/main.rs", "fn main() {}");
        write(root, "vendor/AGENTS.md", "ignored");
        write(root, ".gitignore", "vendor/\n");
        write(root, ".git/CLAUDE.md", "not part of the tree");
        let (found, problems) = discover(root, &[], WalkOptions::default(), Registry::builtin());
        assert!(problems.is_empty());
        assert_eq!(paths(&found), [".claude/settings.json", "CLAUDE.md"]);
        let (all, _) = discover(
            root,
            &[],
            WalkOptions { all_files: true },
            Registry::builtin(),
        );
        assert!(paths(&all).contains(&"src/main.rs"));
    }

    #[cfg(unix)]
    #[test]
    fn never_follows_symlinks() {
        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "CLAUDE.md", "outside");
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("linked")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("CLAUDE.md"),
            dir.path().join("CLAUDE.md"),
        )
        .unwrap();
        let (found, _) = discover(dir.path(), &[], WalkOptions::default(), Registry::builtin());
        assert!(found.is_empty(), "{found:?}");
        let (found, problems) = discover(
            dir.path(),
            &[dir.path().join("CLAUDE.md")],
            WalkOptions::default(),
            Registry::builtin(),
        );
        assert!(found.is_empty());
        assert_eq!(problems[0].code, Code::NotARegularFile);
    }

    #[test]
    fn large_files_are_hashed_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let big = "x".repeat(MAX_SCAN_BYTES as usize + 10);
        write(dir.path(), "AGENTS.md", &big);
        let (found, _) = discover(dir.path(), &[], WalkOptions::default(), Registry::builtin());
        match &found[0].body {
            Body::TooLarge { size, sha256 } => {
                assert_eq!(*size, MAX_SCAN_BYTES + 10);
                assert_eq!(*sha256, crate::scan::trust::sha256_hex(big.as_bytes()));
            }
            Body::Bytes(_) => panic!("large file kept in memory"),
        }
    }
}
