//! Finding agent files on disk the way ripgrep walks: `.gitignore` and `.ignore` honoured,
//! hidden directories entered (agent files live in `.claude/`, `.cursor/`…), `.git` skipped,
//! symlinks never followed, entries sorted for a stable order.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::agents::{AgentFile, Registry};
use crate::diagnostic::{Diagnostic, InputCode, SourceFile};
use crate::load::display_path;
use crate::model::manifest::MANIFEST_FILE;
use crate::scan::file::{Body, Discovered, MAX_SCAN_BYTES};

pub use crate::model::boundary::{TEMP_PREFIX, TEMP_SUFFIX, is_temporary};

/// Which files a walk yields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WalkOptions {
    /// Every file, not only known agent files.
    pub all_files: bool,
}

/// Walks `paths` (files or directories; the root when empty) and reads every file `agents`
/// knows as an agent file. Paths are shown relative to `root`. A path given by name that does
/// not exist or is a special file (a FIFO, a device, a socket) is an error, so a typo cannot
/// pass as a clean scan; unreadable files and symlinks given by name are reported as warnings;
/// the walk goes on.
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
            Err(err) => problems.push(
                Diagnostic::error(
                    InputCode::ReadFailed,
                    format!("cannot read {display}: {err}"),
                )
                .at(SourceFile::new(display.as_str(), "").whole())
                .hint("check the path"),
            ),
            Ok(meta) if meta.file_type().is_symlink() => problems.push(warning(
                InputCode::NotARegularFile,
                &display,
                format!("{display} is a symlink; the scanner does not follow symlinks"),
                "scan the file the link points to, inside the repository",
            )),
            Ok(meta) if meta.is_file() => {
                let file = agents.classify(&display);
                read_into(start, display, file, &mut found, &mut problems);
            }
            Ok(meta) if meta.is_dir() => {
                walk_dir(root, start, options, agents, &mut found, &mut problems);
            }
            Ok(_) => problems.push(
                Diagnostic::error(
                    InputCode::NotARegularFile,
                    format!("{display} is not a regular file or a directory"),
                )
                .at(SourceFile::new(display.as_str(), "").whole())
                .hint("scan agent files or the directories holding them; FIFOs, devices and sockets are not read"),
            ),
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

/// A file the project walk found.
pub struct Walked<'a> {
    /// The entry, with its absolute path and file type.
    pub entry: &'a ignore::DirEntry,
    /// Its path relative to the repository root, `/`-separated.
    pub relative: String,
    /// Whether it lies in a directory below the root that holds its own manifest: a separate
    /// project, whose drift is its own but whose content is still scanned.
    pub nested: bool,
}

/// Walks `dir` inside the repository at `root` the one way `check` and `scan` both walk it
/// ([`repo_walker`]), calling `visit` for every entry that is not a directory. Directories
/// below the root with their own `rulesmith.yaml` are walked too, their files marked
/// [`Walked::nested`]. What cannot be walked is reported as a warning in `problems`.
pub fn walk_project(
    root: &Path,
    dir: &Path,
    problems: &mut Vec<Diagnostic>,
    mut visit: impl FnMut(Walked<'_>),
) {
    let mut nested: Vec<String> = Vec::new();
    for entry in repo_walker(dir).build() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                problems.push(
                    Diagnostic::warning(InputCode::ReadFailed, format!("cannot walk: {err}"))
                        .hint("check the directory's permissions and ignore files"),
                );
                continue;
            }
        };
        let relative = display_path(root, entry.path());
        if entry.file_type().is_some_and(|t| t.is_dir()) {
            if entry.path() != root && entry.path().join(MANIFEST_FILE).is_file() {
                nested.push(format!("{relative}/"));
            }
            continue;
        }
        let nested = nested.iter().any(|dir| relative.starts_with(dir.as_str()));
        visit(Walked {
            entry: &entry,
            relative,
            nested,
        });
    }
}

/// The repository-relative paths of the project's own files under `root`: what
/// [`walk_project`] yields, without nested projects and without the files `skip` names.
/// Directories that cannot be walked are left out; `check` and `scan` report them.
pub fn project_files(root: &Path, skip: impl Fn(&str) -> bool) -> Vec<String> {
    let mut paths = Vec::new();
    walk_project(root, root, &mut Vec::new(), |walked| {
        let file = walked.entry.file_type().is_some_and(|t| t.is_file());
        if file && !walked.nested && !skip(&walked.relative) {
            paths.push(walked.relative);
        }
    });
    paths
}

fn walk_dir(
    root: &Path,
    dir: &Path,
    options: WalkOptions,
    agents: &Registry,
    found: &mut Vec<Discovered>,
    problems: &mut Vec<Diagnostic>,
) {
    let mut read = Vec::new();
    walk_project(root, dir, problems, |walked| {
        if !walked.entry.file_type().is_some_and(|t| t.is_file()) {
            return;
        }
        let entry = walked.entry;
        let relative = display_path(dir, entry.path());
        let file = agents
            .classify(&relative)
            .or_else(|| agents.classify(&display_path(root, entry.path())));
        if file.is_some() || options.all_files {
            read.push((entry.path().to_path_buf(), walked.relative, file));
        }
    });
    for (path, relative, file) in read {
        read_into(&path, relative, file, found, problems);
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
            InputCode::ReadFailed,
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

fn warning(code: InputCode, display: &str, message: String, hint: &str) -> Diagnostic {
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
        Diagnostic::error(InputCode::ReadFailed, format!("cannot read {shown}: {err}"))
            .at(whole())
            .hint("pass the path of an agent file in this repository")
    })?;
    if !meta.is_file() {
        return Err(Diagnostic::error(
            InputCode::NotARegularFile,
            format!("{shown} is not a regular file"),
        )
        .at(whole())
        .hint("trust the file itself; symlinks and directories cannot be trusted"));
    }
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let canonical = full.canonicalize().unwrap_or_else(|_| full.to_path_buf());
    if !canonical.starts_with(&root) {
        return Err(Diagnostic::error(
            InputCode::PathEscapesRepo,
            format!("{shown} is outside the repository"),
        )
        .at(whole())
        .hint("trust records are kept per repository; run the command in the file's repository"));
    }
    let bytes = std::fs::read(full).map_err(|err| {
        Diagnostic::error(InputCode::ReadFailed, format!("cannot read {shown}: {err}"))
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
        assert_eq!(problems[0].code, InputCode::NotARegularFile);
    }

    #[test]
    fn what_cannot_be_walked_is_a_warning_and_the_walk_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let mut problems = Vec::new();
        let mut seen = 0;
        walk_project(dir.path(), &dir.path().join("gone"), &mut problems, |_| {
            seen += 1
        });
        assert_eq!(seen, 0);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].severity, crate::diagnostic::Severity::Warning);
        assert!(
            problems[0].message.starts_with("cannot walk"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn files_under_a_nested_manifest_are_marked_nested() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "CLAUDE.md", "x");
        write(root, "pkg/rulesmith.yaml", "project: p\n");
        write(root, "pkg/CLAUDE.md", "y");
        write(root, "pkgs/CLAUDE.md", "z");
        let mut walked = Vec::new();
        walk_project(root, root, &mut Vec::new(), |w| {
            walked.push((w.relative, w.nested))
        });
        walked.sort();
        assert_eq!(
            walked,
            [
                ("CLAUDE.md".to_owned(), false),
                ("pkg/CLAUDE.md".to_owned(), true),
                ("pkg/rulesmith.yaml".to_owned(), true),
                ("pkgs/CLAUDE.md".to_owned(), false),
            ]
        );
    }

    #[test]
    fn a_missing_path_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let (found, problems) = discover(
            dir.path(),
            &[dir.path().join("CLAUDE.mdd")],
            WalkOptions::default(),
            Registry::builtin(),
        );
        assert!(found.is_empty());
        assert_eq!(problems[0].code, InputCode::ReadFailed);
        assert_eq!(problems[0].severity, crate::diagnostic::Severity::Error);
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
