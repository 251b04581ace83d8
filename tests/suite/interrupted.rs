//! A build killed at any moment (SIGKILL, no chance to clean up) leaves every file old or new,
//! never the lock ahead of the files it describes, and the next build finishes the job.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::Repo;

/// The project's files that a build writes: everything but the inputs and stray temporary files.
fn outputs(repo: &Repo) -> BTreeMap<PathBuf, Vec<u8>> {
    repo.tree()
        .into_iter()
        .filter(|(path, _)| {
            let name = path.file_name().unwrap().to_string_lossy();
            !path.starts_with(".rulesmith/policies")
                && name != "rulesmith.yaml"
                && !name.starts_with(".rulesmith-")
        })
        .collect()
}

/// A repository of `policies` policies for four targets, with the project called `name`.
fn project(repo: &Repo, name: &str, policies: usize) {
    repo.write(
        "rulesmith.yaml",
        &format!(
            "project: {name}\ntier: production\ntargets: [claude, cursor, copilot, windsurf]\n"
        ),
    );
    for p in 0..policies {
        let mut text = format!("id: local-{p}\ntitle: Local policy {p}\nrules:\n");
        for r in 0..4 {
            text.push_str(&format!(
                "  - id: rule-{r}\n    level: must\n    text: check input {r} of policy {p} before use.\n"
            ));
        }
        repo.write(&format!(".rulesmith/policies/local-{p}.yaml"), &text);
    }
}

/// The inode of `path`, which a rename that replaces the file changes.
fn inode(repo: &Repo, path: &Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(repo.path().join(path))
        .ok()
        .map(|meta| meta.ino())
}

/// Starts a build of the project named `name` and kills it `delay` after it replaced `first`,
/// the first file it renames; whether it was killed before it finished.
fn killed_build(repo: &Repo, name: &str, first: &Path, delay: Duration) -> bool {
    let before = inode(repo, first);
    project(repo, name, 0);
    let mut child = Command::new(env!("CARGO_BIN_EXE_rulesmith"))
        .arg("build")
        .current_dir(repo.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    while inode(repo, first) == before && child.try_wait().unwrap().is_none() {
        std::thread::sleep(Duration::from_micros(200));
    }
    std::thread::sleep(delay);
    let finished = child.try_wait().unwrap().is_some();
    child.kill().unwrap();
    child.wait().unwrap();
    !finished
}

#[test]
fn a_killed_build_leaves_every_file_old_or_new() {
    let repo = Repo::new();
    project(&repo, "old", 100);
    assert_eq!(repo.run(&["build"]).code, 0);
    let old = outputs(&repo);
    project(&repo, "new", 0);
    let start = Instant::now();
    assert_eq!(repo.run(&["build"]).code, 0);
    let whole = start.elapsed();
    let new = outputs(&repo);
    assert!(old.len() > 100, "every policy has its own Cursor rule");
    let lock = PathBuf::from(".rulesmith/lock.json");
    // Files are renamed in path order, the lock last.
    let first = old
        .keys()
        .find(|path| old.get(*path) != new.get(*path))
        .unwrap()
        .clone();

    let mut killed = 0;
    let mut mixed = 0;
    let (mut from, mut to) = (&new, &old);
    for step in 0..10u32 {
        let name = if std::ptr::eq(to, &old) { "old" } else { "new" };
        // Kill points spread over the renames, which take a small part of a whole build.
        let delay = whole.mul_f64(f64::from(step) * 0.004);
        killed += usize::from(killed_build(&repo, name, &first, delay));
        let now = outputs(&repo);
        let paths: BTreeSet<&PathBuf> = from.keys().chain(to.keys()).collect();
        for path in &paths {
            let (was, will, is) = (from.get(*path), to.get(*path), now.get(*path));
            assert!(
                is == was || is == will,
                "step {step}: {} is neither old nor new",
                path.display()
            );
        }
        if now.get(&lock) == to.get(&lock) {
            assert_eq!(
                &now, to,
                "step {step}: the lock is new before every file is"
            );
        }
        if &now != from && &now != to {
            mixed += 1;
        }
        // The next build completes what the killed one started and leaves no temporary file.
        let run = repo.run(&["build"]);
        assert_eq!(run.code, 0, "step {step}: {}", run.stderr);
        assert_eq!(&outputs(&repo), to, "step {step}");
        assert_eq!(repo.tree().len(), outputs(&repo).len() + 101, "step {step}");
        (from, to) = (to, from);
    }
    assert!(killed > 0, "no build was killed before it finished");
    assert!(
        mixed > 0,
        "no build was killed between its first and its last rename"
    );
}
