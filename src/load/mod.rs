//! The load stage: the only place, with the write stage, that touches the disk.
//!
//! Everything it reads comes back as a [`SourceFile`]: UTF-8 text with a display name relative
//! to the repository root, so the stages after it work in memory.
#![allow(clippy::disallowed_methods)] // the disk is this stage's job

pub mod confine;
pub mod tree;
pub mod walk;

use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, InputCode, SourceFile, Span};
use crate::import::{Input, Origin};
use crate::load::confine::Root;
use crate::model::manifest::MANIFEST_FILE;
use crate::syntax::yaml::Position;

/// Where a repository keeps its own targets, one directory per target as under `targets/`.
pub const REPO_TARGETS_DIR: &str = ".rulesmith/targets";

/// Files larger than this are refused: no policy or manifest needs more.
pub const MAX_INPUT_BYTES: u64 = 1024 * 1024;

/// Finds `rulesmith.yaml` in `start` or its nearest parent that has one.
pub fn find_manifest(start: &Path) -> Result<PathBuf, Diagnostic> {
    start
        .ancestors()
        .map(|dir| dir.join(MANIFEST_FILE))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            Diagnostic::error(
                InputCode::ManifestNotFound,
                format!(
                    "no {MANIFEST_FILE} in {} or any parent directory",
                    start.display()
                ),
            )
            .hint("run `rulesmith init` to create one, or pass `--manifest PATH`")
        })
}

/// Checks the directory `rulesmith init` is to set up: it must be a directory or not exist yet,
/// and must not lie inside another rulesmith project. Returns whether it exists.
pub fn inspect_init_dir(dir: &Path) -> Result<bool, Diagnostic> {
    let shown = dir.display();
    let exists = match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => true,
        Ok(_) => {
            return Err(Diagnostic::error(
                InputCode::InitDirectory,
                format!("{shown} is a file, not a directory"),
            )
            .hint("give `rulesmith init` a directory, or a path where one can be created"));
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => false,
        Err(err) => {
            return Err(Diagnostic::error(
                InputCode::InitDirectory,
                format!("cannot use {shown}: {err}"),
            )
            .hint("give `rulesmith init` a directory you can read and write"));
        }
    };
    if exists && dir.join(MANIFEST_FILE).is_file() {
        return Err(Diagnostic::error(
            InputCode::InitConflict,
            format!("{shown} is already a rulesmith project: its {MANIFEST_FILE} exists"),
        )
        .hint("run `rulesmith build` to regenerate its files and `rulesmith check` to verify them; `init` sets up new projects only"));
    }
    // The nearest directory that exists, resolved, so `..` and symlinks cannot hide a parent.
    let Some(existing) = dir.ancestors().find(|a| a.is_dir()) else {
        return Ok(exists);
    };
    let resolved = std::fs::canonicalize(existing).unwrap_or_else(|_| existing.to_path_buf());
    let parents = if exists {
        resolved.parent().map(Path::to_path_buf)
    } else {
        Some(resolved)
    };
    if let Some(project) = parents
        .iter()
        .flat_map(|p| p.ancestors())
        .find(|a| a.join(MANIFEST_FILE).is_file())
    {
        return Err(Diagnostic::error(
            InputCode::NestedProject,
            format!(
                "{shown} is inside the rulesmith project at {}",
                project.display()
            ),
        )
        .hint("run `rulesmith init` outside it, or add to that project's policies and run `rulesmith build` there"));
    }
    Ok(exists)
}

/// Reads the manifest at `given` (relative to `cwd` unless absolute) and returns the repository
/// root, its directory, with the manifest's text.
///
/// The manifest must be a regular file inside that directory: one that is a symlink out of it
/// is refused without a line of the file it points to being read or shown.
pub fn read_manifest(cwd: &Path, given: &Path) -> Result<(PathBuf, SourceFile), Diagnostic> {
    let path = cwd.join(given);
    let root = path
        .parent()
        .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf);
    let shown = given.display();
    let metadata = std::fs::metadata(&path).map_err(|err| {
        Diagnostic::error(
            InputCode::ReadFailed,
            format!("cannot read `{shown}`: {err}"),
        )
        .hint("check that the manifest exists and is readable")
    })?;
    if !metadata.is_file() {
        return Err(Diagnostic::error(
            InputCode::NotARegularFile,
            format!("`{shown}` is not a regular file"),
        )
        .hint(format!("point `--manifest` at a {MANIFEST_FILE} file")));
    }
    let display = display_path(&root, &path);
    let real = Root::new(&root)?
        .resolve(&path, &display, "the manifest", None)?
        .unwrap_or_else(|| path.clone());
    Ok((root, read_text(&real, &display)?))
}

/// Reads a UTF-8 text file of at most [`MAX_INPUT_BYTES`], naming it `display` in diagnostics.
fn read_text(path: &Path, display: &str) -> Result<SourceFile, Diagnostic> {
    let fail = |code: InputCode, message: String, hint: &str| {
        Diagnostic::error(code, message)
            .at(SourceFile::new(display, "").whole())
            .hint(hint)
    };
    let metadata = std::fs::metadata(path).map_err(|err| {
        fail(
            InputCode::ReadFailed,
            format!("cannot read {display}: {err}"),
            "check that the file exists and is readable",
        )
    })?;
    if !metadata.is_file() {
        return Err(fail(
            InputCode::NotARegularFile,
            format!("{display} is not a regular file"),
            "point rulesmith at a file",
        ));
    }
    if metadata.len() > MAX_INPUT_BYTES {
        return Err(fail(
            InputCode::FileTooLarge,
            format!(
                "{display} is {} bytes; the limit is {MAX_INPUT_BYTES}",
                metadata.len()
            ),
            "split the file into smaller policy files",
        ));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|err| {
            fail(
                InputCode::ReadFailed,
                format!("cannot read {display}: {err}"),
                "check the file's permissions",
            )
        })?;
    decode(bytes, display)
}

/// Reads the UTF-8 text file `relative` under `root`, or nothing when it does not exist. A file
/// that resolves outside the repository is refused.
pub fn read_repo_file(root: &Path, relative: &str) -> Result<Option<SourceFile>, Diagnostic> {
    let path = root.join(relative);
    match std::fs::symlink_metadata(&path) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        _ => match Root::new(root)?.resolve(&path, relative, "the file", None)? {
            Some(real) => read_text(&real, relative).map(Some),
            None => Ok(None),
        },
    }
}

/// Decodes bytes as UTF-8, pointing at the first invalid byte otherwise.
pub fn decode(bytes: Vec<u8>, display: &str) -> Result<SourceFile, Diagnostic> {
    String::from_utf8(bytes)
        .map(|text| SourceFile::new(display, text))
        .map_err(|err| {
            let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let line = valid.matches('\n').count() + 1;
            let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let source = SourceFile::new(display, valid);
            Diagnostic::error(InputCode::NotUtf8, format!("{display} is not valid UTF-8"))
                .at(source.span(
                    Position {
                        line: line as u32,
                        column: column as u32,
                    },
                    1,
                ))
                .hint("save the file as UTF-8")
        })
}

/// The files `rulesmith import` reads under `root`: every agent rules or instructions file
/// and every other rules tool's source that the project walk yields (`.gitignore` honoured),
/// limited to `within` (repository-relative paths of files or directories) when it is not
/// empty, sorted by path. Files that are not UTF-8 are reported and skipped.
pub fn import_files(
    root: &Path,
    within: &[String],
    registry: &crate::agents::Registry,
) -> (Vec<(Input, Origin)>, Vec<Diagnostic>) {
    let inside = |path: &str| {
        within.is_empty()
            || within.iter().any(|w| {
                let w = w.trim_end_matches('/');
                w.is_empty() || w == "." || path == w || path.starts_with(&format!("{w}/"))
            })
    };
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut paths = walk::project_files(root, |_| false);
    paths.sort();
    for path in paths {
        let Some(origin) = Origin::of(&path, registry).filter(|_| inside(&path)) else {
            continue;
        };
        match read_repo_file(root, &path) {
            Ok(Some(file)) => files.push((
                Input {
                    path,
                    text: file.text,
                },
                origin,
            )),
            Ok(None) => {}
            Err(problem) => problems.push(problem),
        }
    }
    (files, problems)
}

/// Reads every `*.yaml` / `*.yml` file under `dir`, sorted by path; a missing dir is empty.
///
/// The directory must lie inside the repository; `at` is where the manifest names it, if it
/// does. Symlinks in it are not followed, so it cannot pull in files from outside the repo.
pub fn read_policy_dir(
    root: &Path,
    dir: &str,
    at: Option<Span>,
) -> Result<Vec<SourceFile>, Vec<Diagnostic>> {
    read_dir_files(root, dir, &["yaml", "yml"], ("the policy directory", at))
}

/// Reads the repository's own targets: every spec and template under
/// [`REPO_TARGETS_DIR`], as `(path inside it, file)` pairs. Symlinks are refused.
pub fn read_target_dir(root: &Path) -> Result<Vec<(String, SourceFile)>, Vec<Diagnostic>> {
    let prefix = format!("{REPO_TARGETS_DIR}/");
    let what = ("the targets directory", None);
    Ok(
        read_dir_files(root, REPO_TARGETS_DIR, &["yaml", "hbs"], what)?
            .into_iter()
            .map(|source| {
                let inner = source
                    .name
                    .strip_prefix(&prefix)
                    .unwrap_or(&source.name)
                    .to_owned();
                (inner, source)
            })
            .collect(),
    )
}

/// Reads every file with one of `extensions` under `dir`, sorted by path; a missing dir is
/// empty. The directory, `what` at the span given, must resolve to one inside the repository,
/// and symlinks in it are not followed, so it cannot pull in files from outside the repo.
fn read_dir_files(
    root: &Path,
    dir: &str,
    extensions: &[&str],
    (what, at): (&str, Option<Span>),
) -> Result<Vec<SourceFile>, Vec<Diagnostic>> {
    let root = Root::new(root).map_err(|d| vec![d])?;
    let Some(base) = root
        .resolve(&root.real().join(dir), dir, what, at)
        .map_err(|d| vec![d])?
    else {
        return Ok(Vec::new());
    };
    let mut paths = Vec::new();
    collect_files(&base, extensions, &mut paths);
    paths.sort();
    let mut sources = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        let display = display_path(root.real(), &path);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => problems.push(
                Diagnostic::error(
                    InputCode::NotARegularFile,
                    format!("{display} is a symlink"),
                )
                .at(SourceFile::new(display.clone(), "").whole())
                .hint(
                    "replace the symlink with the file itself; rulesmith does not follow symlinks",
                ),
            ),
            _ => match read_text(&path, &display) {
                Ok(source) => sources.push(source),
                Err(problem) => problems.push(problem),
            },
        }
    }
    if problems.is_empty() {
        Ok(sources)
    } else {
        Err(problems)
    }
}

fn collect_files(dir: &Path, extensions: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let wanted = path
            .extension()
            .and_then(|ext| ext.to_str())
            .is_some_and(|ext| extensions.contains(&ext));
        if kind.is_dir() {
            collect_files(&path, extensions, out);
        } else if wanted || (kind.is_symlink() && path.is_dir()) {
            out.push(path);
        }
    }
}

/// Writes `text` to `relative` under `root`, creating directories, for tests of the load stage.
#[cfg(test)]
pub(crate) fn write_test_file(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The name of directory `dir` as the filesystem resolves it (`.` becomes the real name), or
/// an empty string when it has none.
pub fn dir_name(dir: &Path) -> String {
    std::fs::canonicalize(dir)
        .unwrap_or_else(|_| dir.to_path_buf())
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `path` relative to `root` with `/` separators, or as given when outside it.
pub fn display_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_points_at_the_bad_byte() {
        let err = decode(b"id: a\ntitle: b\xff\n".to_vec(), "p.yaml").unwrap_err();
        assert_eq!(err.code, InputCode::NotUtf8);
        assert_eq!(err.span.unwrap().position, Position { line: 2, column: 9 });
    }
}
