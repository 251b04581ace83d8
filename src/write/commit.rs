//! A build's changes, written whole or not at all.
//!
//! Three stages. The preflight checks every path before anything is touched: inside the write
//! boundary, no symlink on the way, parents that are directories, a regular file (writable,
//! unless forced) where one is replaced. Staging then creates each missing directory once,
//! writes every new file's bytes to a temporary file beside it, keeps a backup (a hard link,
//! else a copy) of every file that is replaced or removed, and makes every temporary file
//! durable in one pass (see [`durable`]); a failure there removes what was staged and nothing
//! was written. Last, the renames: each is atomic, and if one fails every file already renamed
//! gets its backup back. Every directory a rename touched is synced once before the lock is
//! renamed, and the lock's directory once after, so the lock never reaches the disk before the
//! files it describes. Backups are dropped only once every rename succeeded. A build stopped by
//! force leaves the lock describing the files as they were, and every file old or new; the
//! temporary files such a build leaves carry a recognisable name that the next build removes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::diagnostic::{Diagnostic, InputCode};
use crate::load::tree::symlink_in_path;
use crate::load::walk::{TEMP_PREFIX, TEMP_SUFFIX};
use crate::model::boundary;
use crate::model::lock::LOCK_PATH;

use super::{
    Change, FileChange, WriteOptions, create_dirs, prune_empty_parents, unsynced_temporary,
};

/// A hook called with the index of each rename just before it happens; an error stops the
/// build there, as a failing rename would.
pub(super) type BeforeRename<'a> = &'a mut dyn FnMut(usize) -> std::io::Result<()>;

/// Writes `changes` under `root` whole or not at all; see the module documentation.
pub(super) fn commit(
    root: &Path,
    changes: &[FileChange],
    options: WriteOptions,
    before_rename: BeforeRename<'_>,
) -> Result<(), Vec<Diagnostic>> {
    let mut order: Vec<&FileChange> = changes
        .iter()
        .filter(|change| change.change != Change::Unchanged)
        .collect();
    order.sort_by_key(|change| change.path == LOCK_PATH);
    let problems: Vec<Diagnostic> = order
        .iter()
        .filter_map(|change| preflight(root, change, options).err())
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut staged = Staged::default();
    if let Err((path, err)) = staged.stage_all(root, &order) {
        staged.discard();
        return Err(vec![
            Diagnostic::error(
                InputCode::WriteFailed,
                format!("cannot write {path}: {err}"),
            )
            .hint("check that the directory is writable; nothing was written"),
        ]);
    }
    staged.rename_all(root, before_rename)
}

/// Checks one change against the disk before anything is written.
fn preflight(root: &Path, change: &FileChange, options: WriteOptions) -> Result<(), Diagnostic> {
    let relative = change.path.as_str();
    boundary::check(relative, "")?;
    if let Some(link) = symlink_in_path(root, relative) {
        return Err(super::through_symlink(relative, &link));
    }
    let full = root.join(relative);
    let failed = |message: String, hint: &str| {
        Diagnostic::error(InputCode::WriteFailed, message)
            .hint(format!("{hint}; nothing was written"))
    };
    for dir in full.ancestors().skip(1).take_while(|dir| *dir != root) {
        match std::fs::symlink_metadata(dir) {
            Ok(meta) if !meta.is_dir() => {
                return Err(failed(
                    format!(
                        "cannot write {relative}: {} is not a directory",
                        dir.display()
                    ),
                    "move the file out of the way",
                ));
            }
            Ok(_) => break,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => {
                return Err(failed(
                    format!("cannot write {relative}: {err}"),
                    "check the directory's permissions",
                ));
            }
        }
    }
    match std::fs::symlink_metadata(&full) {
        Ok(meta) if !meta.is_file() => Err(Diagnostic::error(
            InputCode::NotARegularFile,
            format!("{relative} is not a regular file, so rulesmith cannot replace it"),
        )
        .hint("move it out of the way; rulesmith replaces only regular files, even with --force; nothing was written")),
        Ok(meta) if meta.permissions().readonly() && !options.force => Err(failed(
            format!("{relative} is read-only, so rulesmith does not replace it"),
            "make it writable if rulesmith should update it, or run `rulesmith build --force`, which replaces it and keeps its mode",
        )),
        Ok(_) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(failed(
            format!("cannot read {relative}: {err}"),
            "check the file's permissions",
        )),
    }
}

/// One change, staged: its new bytes and its backup sit in temporary files beside it.
struct Step {
    /// Repository-relative path.
    path: String,
    /// The path on disk.
    full: PathBuf,
    /// The new bytes, for a create or an update.
    new: Option<NamedTempFile>,
    /// The file it replaces or removes, kept until every rename succeeded.
    backup: Option<NamedTempFile<()>>,
}

/// A rename done, with what undoes it.
struct Done {
    path: String,
    full: PathBuf,
    /// Whether the file did not exist before.
    created: bool,
    backup: Option<NamedTempFile<()>>,
}

/// Every staged change, and the directories staging created.
#[derive(Default)]
struct Staged {
    steps: Vec<Step>,
    dirs: Vec<PathBuf>,
}

impl Staged {
    /// Creates each missing directory once, stages every change, then makes the new bytes
    /// durable; on failure, names the path it was at.
    fn stage_all(
        &mut self,
        root: &Path,
        order: &[&FileChange],
    ) -> Result<(), (String, std::io::Error)> {
        let parents: BTreeSet<PathBuf> = order
            .iter()
            .map(|change| parent(root, &root.join(&change.path)).to_path_buf())
            .collect();
        for dir in &parents {
            create_dirs(dir, &mut self.dirs)
                .map_err(|err| (crate::load::display_path(root, dir), err))?;
        }
        for change in order {
            self.stage(root, change)
                .map_err(|err| (change.path.clone(), err))?;
        }
        durable(root, &self.steps).map_err(|err| ("the new files".to_owned(), err))
    }

    fn stage(&mut self, root: &Path, change: &FileChange) -> std::io::Result<()> {
        let full = root.join(&change.path);
        let existing = std::fs::symlink_metadata(&full).ok();
        let new = match change.change {
            Change::Create | Change::Update => Some(unsynced_temporary(
                &full,
                change.contents.as_bytes(),
                existing.as_ref().map(std::fs::Metadata::permissions),
            )?),
            Change::Remove | Change::Unchanged => None,
        };
        let backup = match existing {
            Some(_) => Some(backup(&full)?),
            None => None,
        };
        self.steps.push(Step {
            path: change.path.clone(),
            full,
            new,
            backup,
        });
        Ok(())
    }

    /// Removes every temporary file and created directory.
    fn discard(self) {
        drop(self.steps);
        remove_dirs(&self.dirs);
    }

    fn rename_all(
        self,
        root: &Path,
        before_rename: BeforeRename<'_>,
    ) -> Result<(), Vec<Diagnostic>> {
        let (before_lock, after_lock) = touched_dirs(root, &self.steps, &self.dirs);
        let mut done = Vec::new();
        let mut steps = self.steps.into_iter().enumerate().peekable();
        let mut synced = false;
        loop {
            let next_is_lock = steps.peek().is_none_or(|(_, step)| step.path == LOCK_PATH);
            let outcome = if next_is_lock && !synced {
                synced = true;
                sync_dirs(&before_lock).map_err(|err| ("the new files".to_owned(), err))
            } else if let Some((index, step)) = steps.next() {
                let path = step.path.clone();
                rename(index, step, before_rename)
                    .map(|finished| done.push(finished))
                    .map_err(|err| (path, err))
            } else {
                break;
            };
            if let Err((path, err)) = outcome {
                // Staged files not yet renamed are dropped, and so deleted, here.
                steps.for_each(drop);
                let count = done.len();
                let stuck = rollback(done);
                remove_dirs(&self.dirs);
                return Err(vec![failure(&path, &err, count, &stuck)]);
            }
        }
        // The lock is renamed; a failure to sync its directory leaves every file new, so it is
        // not a reason to undo the build.
        let _ = sync_dirs(&after_lock);
        let removed: Vec<PathBuf> = done
            .into_iter()
            .filter(|finished| !finished.full.exists())
            .map(|finished| finished.full)
            .collect();
        for full in removed {
            prune_empty_parents(root, &full);
        }
        Ok(())
    }
}

/// The directory `full` sits in.
fn parent<'a>(root: &'a Path, full: &'a Path) -> &'a Path {
    full.parent().unwrap_or(root)
}

/// Makes every staged temporary file's bytes durable at once, before any rename: one `syncfs`
/// of the file system on Linux, one `fsync` per file after all of them are written elsewhere.
fn durable(root: &Path, steps: &[Step]) -> std::io::Result<()> {
    let mut files = steps.iter().filter_map(|step| step.new.as_ref());
    #[cfg(target_os = "linux")]
    {
        let _ = root;
        if let Some(first) = files.next() {
            rustix::fs::syncfs(first.as_file())?;
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = root;
        files.try_for_each(|file| file.as_file().sync_all())
    }
}

/// The directories whose entries the renames change, each once: those to sync before the lock
/// is renamed, and the lock's own directory, synced after it. A created directory's parent is
/// among them, so the new directory's entry is durable too.
fn touched_dirs(root: &Path, steps: &[Step], created: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let lock_dir = steps
        .iter()
        .find(|step| step.path == LOCK_PATH)
        .map(|step| parent(root, &step.full).to_path_buf());
    let mut dirs: BTreeSet<PathBuf> = steps
        .iter()
        .map(|step| parent(root, &step.full).to_path_buf())
        .collect();
    dirs.extend(created.iter().map(|dir| parent(root, dir).to_path_buf()));
    let after: Vec<PathBuf> = lock_dir
        .into_iter()
        .filter(|dir| dirs.remove(dir))
        .collect();
    (dirs.into_iter().collect(), after)
}

/// Syncs each directory in `dirs`, so the renames in it survive a crash.
fn sync_dirs(dirs: &[PathBuf]) -> std::io::Result<()> {
    #[cfg(unix)]
    for dir in dirs {
        std::fs::File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = dirs;
    Ok(())
}

/// A hard link to `full` (a copy where links are not supported) beside it.
fn backup(full: &Path) -> std::io::Result<NamedTempFile<()>> {
    let dir = full.parent().unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    builder
        .make_in(dir, |path| std::fs::hard_link(full, path))
        .or_else(|_| builder.make_in(dir, |path| std::fs::copy(full, path).map(drop)))
}

fn rename(index: usize, step: Step, before_rename: BeforeRename<'_>) -> std::io::Result<Done> {
    before_rename(index)?;
    let created = step.backup.is_none();
    match step.new {
        // A file that appeared since the plan was made is never replaced.
        Some(new) if created => drop(new.persist_noclobber(&step.full).map_err(|err| err.error)?),
        Some(new) => drop(new.persist(&step.full).map_err(|err| err.error)?),
        None => std::fs::remove_file(&step.full)?,
    }
    Ok(Done {
        path: step.path,
        full: step.full,
        created,
        backup: step.backup,
    })
}

/// Puts back every file in `done`, last first; returns the paths it could not put back, each
/// with where its old bytes were kept.
fn rollback(done: Vec<Done>) -> Vec<(String, Option<PathBuf>)> {
    let mut stuck = Vec::new();
    for finished in done.into_iter().rev() {
        let result = match finished.backup {
            Some(backup) => backup.persist(&finished.full).map_err(|err| {
                let kept = err.file.keep().ok().map(|(_, path)| path);
                (err.error, kept)
            }),
            None if finished.created => {
                std::fs::remove_file(&finished.full).map_err(|err| (err, None))
            }
            None => Ok(()),
        };
        if let Err((_, kept)) = result {
            stuck.push((finished.path, kept));
        }
    }
    stuck
}

/// Removes the directories in `dirs`, innermost first, where they are empty.
fn remove_dirs(dirs: &[PathBuf]) {
    for dir in dirs.iter().rev() {
        let _ = std::fs::remove_dir(dir);
    }
}

/// What a failed rename leaves, in words: nothing when the rollback put everything back.
fn failure(
    path: &str,
    err: &std::io::Error,
    renamed: usize,
    stuck: &[(String, Option<PathBuf>)],
) -> Diagnostic {
    if stuck.is_empty() {
        let restored = match renamed {
            0 => String::new(),
            1 => "the file already written was put back as it was; ".to_owned(),
            n => format!("the {n} files already written were put back as they were; "),
        };
        return Diagnostic::error(
            InputCode::WriteFailed,
            format!("cannot write {path}: {err}"),
        )
        .hint(format!(
            "{restored}nothing was written; check that the directory is writable"
        ));
    }
    let left: Vec<String> = stuck
        .iter()
        .map(|(path, kept)| match kept {
            Some(kept) => format!("{path} (its old text is in {})", kept.display()),
            None => path.clone(),
        })
        .collect();
    Diagnostic::error(
        InputCode::PartiallyWritten,
        format!(
            "cannot write {path}: {err}; the build stopped and these files could not be put back: {}",
            left.join(", ")
        ),
    )
    .hint("every other file is as it was; restore the files listed from their old text, or run `rulesmith build` again once the problem is fixed")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn change(path: &str, change: Change, contents: &str) -> FileChange {
        FileChange {
            path: path.into(),
            change,
            contents: contents.into(),
        }
    }

    /// Every file under `dir` with its text.
    fn files(dir: &Path) -> BTreeMap<String, String> {
        let mut found = BTreeMap::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(current) = pending.pop() {
            for entry in std::fs::read_dir(current).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    let relative = crate::load::display_path(dir, &path);
                    found.insert(relative, std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        found
    }

    fn repo() -> (tempfile::TempDir, Vec<FileChange>) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in [
            ("A.md", "old a\n"),
            ("gone/C.md", "old c\n"),
            (LOCK_PATH, "old lock\n"),
        ] {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
        let changes = vec![
            change(LOCK_PATH, Change::Update, "new lock\n"),
            change("A.md", Change::Update, "new a\n"),
            change("new/deep/B.md", Change::Create, "new b\n"),
            change("gone/C.md", Change::Remove, ""),
        ];
        (dir, changes)
    }

    #[test]
    fn an_interrupted_build_leaves_every_file_old() {
        let (dir, changes) = repo();
        let before = files(dir.path());
        for stop in 0..changes.len() {
            let mut hook = |index: usize| {
                if index == stop {
                    Err(std::io::Error::other("stopped"))
                } else {
                    Ok(())
                }
            };
            let errors =
                commit(dir.path(), &changes, WriteOptions::default(), &mut hook).unwrap_err();
            assert_eq!(errors[0].code, InputCode::WriteFailed, "{stop}");
            let hint = errors[0].hint.clone().unwrap_or_default();
            assert!(hint.contains("nothing was written"), "{hint}");
            assert_eq!(files(dir.path()), before, "stopped at rename {stop}");
            assert!(!dir.path().join("new").exists(), "{stop}");
        }
    }

    /// The paths the property below draws changes for; the lock is among them.
    const PATHS: [&str; 5] = ["A.md", "dir/B.md", "dir/sub/C.md", "D.json", LOCK_PATH];

    /// One path's old text (none when the file does not exist) and what the build does to it.
    fn plan_for(
        old: Option<String>,
        action: u8,
        new: String,
        path: &str,
    ) -> (Option<String>, Option<FileChange>) {
        let change = match (&old, action % 3) {
            (Some(_), 0) => Some(change(path, Change::Update, &new)),
            (Some(_), 1) => Some(change(path, Change::Remove, "")),
            (None, 0 | 1) => Some(change(path, Change::Create, &new)),
            _ => None,
        };
        (old, change)
    }

    /// What the test files hold, without the temporary files a stopped build may leave.
    fn user_files(dir: &Path) -> BTreeMap<String, String> {
        files(dir)
            .into_iter()
            .filter(|(path, _)| {
                !path
                    .rsplit('/')
                    .next()
                    .unwrap_or(path)
                    .starts_with(TEMP_PREFIX)
            })
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(64))]

        /// Whatever the change set and wherever a build stops, every file is old or new: a
        /// failed rename rolls every file back to old; a build that dies there (a panic stands
        /// for a kill) leaves the files renamed so far new and the rest old, the lock last.
        #[test]
        fn any_interrupted_build_leaves_each_file_old_or_new(
            plans in proptest::collection::vec(
                (proptest::option::of("[a-z\\n]{0,12}"), 0u8..3, "[a-z\\n]{0,12}"),
                PATHS.len(),
            ),
            stop in 0usize..6,
            dies in proptest::bool::ANY,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let mut old = BTreeMap::new();
            let mut new = BTreeMap::new();
            let mut changes = Vec::new();
            for (path, (before, action, after)) in PATHS.iter().zip(plans) {
                let (before, planned) = plan_for(before, action, after, path);
                if let Some(text) = &before {
                    let full = dir.path().join(path);
                    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
                    std::fs::write(full, text).unwrap();
                    old.insert(path.to_string(), text.clone());
                }
                let after = match &planned {
                    Some(c) if c.change == Change::Remove => None,
                    Some(c) => Some(c.contents.clone()),
                    None => before.clone(),
                };
                if let Some(text) = after {
                    new.insert(path.to_string(), text);
                }
                changes.extend(planned);
            }
            let mut hook = |index: usize| {
                if index == stop && dies {
                    panic!("the build is killed before rename {index}");
                }
                if index == stop {
                    return Err(std::io::Error::other("stopped"));
                }
                Ok(())
            };
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                commit(dir.path(), &changes, WriteOptions::default(), &mut hook)
            }));
            let after = user_files(dir.path());
            let stopped = stop < changes.len();
            match outcome {
                Ok(Ok(())) => {
                    proptest::prop_assert!(!stopped);
                    proptest::prop_assert_eq!(&after, &new);
                }
                Ok(Err(_)) => proptest::prop_assert_eq!(&after, &old),
                Err(_) => {
                    for path in PATHS {
                        let now = after.get(path);
                        proptest::prop_assert!(
                            now == old.get(path) || now == new.get(path),
                            "{} is neither old nor new", path
                        );
                    }
                    if after.get(LOCK_PATH) != old.get(LOCK_PATH) {
                        proptest::prop_assert_eq!(&after, &new, "the lock is new before every file is");
                    }
                }
            }
            if !dies {
                proptest::prop_assert_eq!(files(dir.path()).len(), after.len(), "a temporary file is left");
            }
        }
    }

    #[test]
    fn a_whole_build_writes_the_lock_last_and_leaves_no_temporary_file() {
        let (dir, changes) = repo();
        let mut order = Vec::new();
        let mut hook = |index: usize| {
            order.push(index);
            Ok(())
        };
        commit(dir.path(), &changes, WriteOptions::default(), &mut hook).unwrap();
        assert_eq!(order, [0, 1, 2, 3]);
        let after = files(dir.path());
        assert_eq!(
            after.keys().collect::<Vec<_>>(),
            [LOCK_PATH, "A.md", "new/deep/B.md"]
        );
        assert_eq!(after[LOCK_PATH], "new lock\n");
        assert_eq!(after["A.md"], "new a\n");
        assert!(!dir.path().join("gone").exists());
    }

    #[test]
    fn a_file_that_appeared_since_the_plan_is_never_replaced() {
        let (dir, _) = repo();
        let changes = [
            change("A.md", Change::Update, "new a\n"),
            change("B.md", Change::Create, "new b\n"),
        ];
        let mut hook = |index: usize| {
            if index == 1 {
                std::fs::write(dir.path().join("B.md"), "theirs\n")?;
            }
            Ok(())
        };
        assert!(commit(dir.path(), &changes, WriteOptions::default(), &mut hook).is_err());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("B.md")).unwrap(),
            "theirs\n"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("A.md")).unwrap(),
            "old a\n"
        );
    }

    #[test]
    fn a_file_where_a_directory_must_go_stops_the_build_before_any_write() {
        let (dir, _) = repo();
        let before = files(dir.path());
        let changes = [
            change("A.md", Change::Update, "new a\n"),
            change("A.md/B.md", Change::Create, "new b\n"),
        ];
        let errors = commit(dir.path(), &changes, WriteOptions::default(), &mut |_| {
            Ok(())
        })
        .unwrap_err();
        assert!(
            errors[0].message.contains("is not a directory"),
            "{errors:?}"
        );
        assert_eq!(files(dir.path()), before);
    }
}
