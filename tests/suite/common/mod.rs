//! Helpers shared by the CLI tests: a temporary repository and a way to run the real binary.

#![allow(
    dead_code,
    reason = "each test binary uses a different subset of the helpers"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A temporary repository that is deleted when dropped.
pub(crate) struct Repo {
    dir: tempfile::TempDir,
}

/// The outcome of one run of the binary.
pub(crate) struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Exit code, stdout and stderr in one text, for snapshots.
    pub(crate) fn render(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// A manifest for the three first targets that keeps only the built-in `secrets` policy.
pub(crate) fn manifest() -> String {
    manifest_keeping("prototype", "[claude, agents, cursorrules]", &["secrets"])
}

/// A manifest at `tier` for `targets` (as YAML) that keeps only the built-in policies `keep`,
/// so snapshots of whole files stay small: the others are left out by one override. The pack's
/// locked rules and their permissions stay, and `check` reports every security policy left out
/// at high severity (RS1012), which no acknowledgement silences: a test that expects a clean
/// `check` uses [`manifest_for`] or [`Repo::with_whole_pack`].
pub(crate) fn manifest_keeping(tier: &str, targets: &str, keep: &[&str]) -> String {
    let others: Vec<String> = rulesmith::resolve::pack::policy_ids()
        .into_iter()
        .filter(|id| !keep.contains(&id.as_str()))
        .collect();
    format!(
        "project: demo\ntier: {tier}\ntargets: {targets}\noverrides:\n  - policy: [{}]\n    disable: true\n    reason: Kept out of this test.\n",
        others.join(", ")
    )
}

/// A prototype-tier manifest for `targets` with the whole built-in pack and no overrides.
pub(crate) fn manifest_for(targets: &[&str]) -> String {
    format!(
        "project: demo\ntier: prototype\ntargets: [{}]\n",
        targets.join(", ")
    )
}

/// A small valid policy.
pub(crate) const POLICY: &str = "id: style\ntitle: House style\nrules:\n  - id: small-functions\n    level: should\n    text: keep functions short and named for what they do.\n  - id: no-print-debugging\n    level: must-not\n    text: leave print debugging in committed code.\n";

impl Repo {
    /// An empty repository.
    pub(crate) fn new() -> Self {
        Repo {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// A repository with [`manifest`] and [`POLICY`].
    pub(crate) fn with_policy() -> Self {
        let repo = Repo::new();
        repo.write("rulesmith.yaml", &manifest());
        repo.write(".rulesmith/policies/style.yaml", POLICY);
        repo
    }

    /// A repository with [`manifest_for`] the three first targets and [`POLICY`]: the whole
    /// built-in pack and no overrides, so `check` after `build` is clean.
    pub(crate) fn with_whole_pack() -> Self {
        let repo = Repo::new();
        repo.write(
            "rulesmith.yaml",
            &manifest_for(&["claude", "agents", "cursorrules"]),
        );
        repo.write(".rulesmith/policies/style.yaml", POLICY);
        repo
    }

    /// The repository's root.
    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` to `relative`, creating parent directories.
    pub(crate) fn write(&self, relative: &str, text: &str) {
        self.write_bytes(relative, text.as_bytes());
    }

    /// Writes raw bytes to `relative`, creating parent directories.
    pub(crate) fn write_bytes(&self, relative: &str, bytes: &[u8]) {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    /// Reads `relative` as text.
    pub(crate) fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path().join(relative)).unwrap()
    }

    /// Whether `relative` exists.
    pub(crate) fn exists(&self, relative: &str) -> bool {
        self.path().join(relative).exists()
    }

    /// Runs rulesmith in the repository root.
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        self.run_in("", args)
    }

    /// Runs rulesmith in a subdirectory of the repository.
    pub(crate) fn run_in(&self, subdir: &str, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_rulesmith"))
            .args(args)
            .current_dir(self.path().join(subdir))
            .env("NO_COLOR", "1")
            .env_remove("CLICOLOR_FORCE")
            .output()
            .expect("the binary runs");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Every file in the repository with its bytes, for before/after comparisons.
    pub(crate) fn tree(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        collect(self.path(), self.path(), &mut files);
        files
    }
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            collect(root, &path, files);
        } else if kind.is_file() {
            files.insert(
                path.strip_prefix(root).unwrap().to_path_buf(),
                std::fs::read(&path).unwrap(),
            );
        }
    }
}
