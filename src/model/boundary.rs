//! The write boundary: where no output may go, whatever the plan, the lock or `--force` say.
//!
//! Output paths come from targets, and custom targets are repository data that arrives in a
//! pull request like any other file. A path is refused when it leaves the repository, enters a
//! version-control directory (a hook written into `.git/hooks/` runs on the next commit), or
//! lands on a file another tool owns: version-control metadata, or rulesmith's own manifest and
//! inputs. Symlinks are refused where the tree is read and again just before writing.

use crate::diagnostic::{Diagnostic, InputCode};
use crate::model::lock::LOCK_PATH;
use crate::model::manifest::MANIFEST_FILE;
use crate::syntax::path::check_relative;

/// Names of directories and files that version-control systems keep their own data in.
const VCS_NAMES: &[&str] = &[
    ".git",
    ".gitmodules",
    ".hg",
    ".hgsub",
    ".hgsubstate",
    ".svn",
    ".jj",
    ".bzr",
    "_darcs",
    ".pijul",
    "CVS",
    ".fslckout",
    "_FOSSIL_",
];

/// rulesmith's own directory of inputs; only the lock in it is written by a build.
const RULESMITH_DIR: &str = ".rulesmith";

/// How the names of rulesmith's temporary files start: files being written and backups of
/// replaced files, which live only while a build runs.
pub const TEMP_PREFIX: &str = ".rulesmith-";

/// How the names of rulesmith's temporary files end.
pub const TEMP_SUFFIX: &str = ".tmp";

/// Whether a file name is one of rulesmith's temporary files; one found on disk outside a
/// build was left by a build that was stopped.
pub fn is_temporary(name: &str) -> bool {
    name.len() > TEMP_PREFIX.len() + TEMP_SUFFIX.len()
        && name.starts_with(TEMP_PREFIX)
        && name.ends_with(TEMP_SUFFIX)
}

/// Why a path is outside the write boundary, as a phrase completing "`path` …".
pub fn violation(path: &str) -> Option<String> {
    if let Err(reason) = check_relative(path) {
        return Some(reason.to_owned());
    }
    let parts: Vec<&str> = path.split('/').collect();
    // Windows and macOS file systems ignore case, and Windows trailing dots and spaces.
    let same =
        |part: &str, name: &str| part.trim_end_matches(['.', ' ']).eq_ignore_ascii_case(name);
    if let Some(part) = parts
        .iter()
        .find(|part| VCS_NAMES.iter().any(|name| same(part, name)))
    {
        return Some(format!(
            "is inside `{part}`, which belongs to version control"
        ));
    }
    // The lock, and the temporary files beside it that a stopped build leaves and the next
    // one removes.
    let beside_lock = path
        .strip_prefix(RULESMITH_DIR)
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|name| !name.contains('/') && is_temporary(name));
    if path == LOCK_PATH || beside_lock {
        return None;
    }
    if parts.iter().any(|part| same(part, RULESMITH_DIR)) {
        return Some("is inside `.rulesmith/`, which holds rulesmith's inputs".to_owned());
    }
    if parts.last().is_some_and(|last| same(last, MANIFEST_FILE)) {
        return Some("is a rulesmith manifest".to_owned());
    }
    None
}

/// Checks that `path` (repository-relative, written by `target`) is inside the write boundary.
pub fn check(path: &str, target: &str) -> Result<(), Diagnostic> {
    match violation(path) {
        None => Ok(()),
        Some(reason) => {
            let by = if target.is_empty() {
                String::new()
            } else {
                format!(" (target `{target}`)")
            };
            Err(Diagnostic::error(
                InputCode::OutsideBoundary,
                format!("refusing to write `{path}`{by}: it {reason}"),
            )
            .hint("rulesmith never writes inside version-control directories, outside the repository or onto files other tools own, even with --force; change the target's output path"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_control_directories_are_outside_in_any_case() {
        for path in [
            ".git/hooks/pre-commit",
            ".git/config",
            "sub/.git/config",
            ".GIT/config",
            ".git./hooks/x",
            ".hg/hgrc",
            ".svn/entries",
            ".jj/repo/x",
            ".bzr/x",
            ".gitmodules",
        ] {
            assert!(violation(path).is_some(), "{path}");
        }
    }

    #[test]
    fn ordinary_outputs_and_the_lock_are_inside() {
        for path in [
            "CLAUDE.md",
            ".claude/settings.json",
            ".github/copilot-instructions.md",
            ".gitignore.md",
            LOCK_PATH,
            // A stopped build's temporary copy of the lock, which the next build removes.
            ".rulesmith/.rulesmith-Ab12Cd.tmp",
        ] {
            assert_eq!(violation(path), None, "{path}");
        }
    }

    #[test]
    fn inputs_and_escapes_are_outside() {
        for path in [
            "../x.md",
            "/etc/passwd",
            ".rulesmith/trust.json",
            ".rulesmith/policies/a.yaml",
            ".rulesmith/policies/.rulesmith-Ab12Cd.tmp",
            ".rulesmith/.rulesmith-Ab12Cd.tmp/x",
            "rulesmith.yaml",
            "sub/rulesmith.yaml",
        ] {
            assert!(violation(path).is_some(), "{path}");
        }
    }
}
