//! The up-to-date fast path: a build or check that finds the lock's record of its inputs and
//! outputs intact skips compiling, and must then answer exactly what a compilation would.

use std::path::Path;

use proptest::prelude::*;
use rulesmith::commands::{Need, Workspace};
use rulesmith::reconcile::State;
use rulesmith::write::{self, WriteOptions};

/// Writes a manifest and `policies` policies of `rules` rules, some of them scoped.
fn repository(root: &Path, policies: usize, rules: usize, scoped: u8) {
    std::fs::create_dir_all(root.join(".rulesmith/policies")).unwrap();
    std::fs::write(
        root.join("rulesmith.yaml"),
        "project: fast\ntier: production\ntargets: [claude, cursor, copilot]\n",
    )
    .unwrap();
    for p in 0..policies {
        let mut text = format!("id: local-{p}\ntitle: Local policy {p}\n");
        if scoped & (1 << p) != 0 {
            text.push_str(&format!("scope:\n  paths: [\"src/m{p}/**\"]\n"));
        }
        text.push_str("rules:\n");
        for r in 0..rules {
            text.push_str(&format!(
                "  - id: rule-{r}\n    level: must\n    text: check input {r} of policy {p} before use.\n"
            ));
        }
        std::fs::write(
            root.join(format!(".rulesmith/policies/local-{p}.yaml")),
            text,
        )
        .unwrap();
    }
}

/// Runs a full build, as `rulesmith build` does.
fn build(root: &Path) {
    let workspace = Workspace::load(None, root, Need::Project).unwrap();
    let project = workspace.reconcile_compiled().unwrap();
    let options = WriteOptions { force: false };
    let changes = write::preview(&project.entries, options).unwrap();
    write::apply(root, &changes, options).unwrap();
}

/// Every input and output of the build in `root`, as paths relative to it.
fn files(root: &Path) -> Vec<String> {
    let workspace = Workspace::load(None, root, Need::Project).unwrap();
    let project = workspace.reconcile_compiled().unwrap();
    let mut paths: Vec<String> = project.entries.iter().map(|e| e.path.clone()).collect();
    paths.push("rulesmith.yaml".into());
    for entry in std::fs::read_dir(root.join(".rulesmith/policies")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        paths.push(format!(".rulesmith/policies/{name}"));
    }
    paths.sort();
    paths
}

#[test]
fn an_untouched_build_is_up_to_date_without_compiling() {
    let dir = tempfile::tempdir().unwrap();
    repository(dir.path(), 3, 2, 0b010);
    build(dir.path());
    let workspace = Workspace::load(None, dir.path(), Need::Project).unwrap();
    let fast = workspace
        .up_to_date()
        .unwrap()
        .expect("the lock records the build");
    assert!(fast.entries.iter().all(|e| e.state == State::Clean));
    let full = workspace.reconcile_compiled().unwrap();
    assert_eq!(fast.entries, full.entries);
    assert_eq!(fast.warnings, full.warnings);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Whatever single byte of an input or an output changes, the fast path either steps aside
    /// or gives the answer a compilation gives.
    #[test]
    fn the_fast_path_never_disagrees_with_a_compilation(
        policies in 1usize..5,
        rules in 1usize..4,
        scoped in any::<u8>(),
        pick in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        byte in prop::sample::select(b"az0 #-:\n{}".to_vec()),
    ) {
        let dir = tempfile::tempdir().unwrap();
        repository(dir.path(), policies, rules, scoped);
        build(dir.path());
        let paths = files(dir.path());
        let edited = dir.path().join(pick.get(&paths));
        let mut bytes = std::fs::read(&edited).unwrap_or_default();
        if bytes.is_empty() {
            bytes.push(byte);
        } else {
            let i = at.index(bytes.len());
            bytes[i] = if bytes[i] == byte { b'~' } else { byte };
        }
        std::fs::write(&edited, bytes).unwrap();

        let Ok(workspace) = Workspace::load(None, dir.path(), Need::Project) else {
            return Ok(());
        };
        if let Ok(Some(fast)) = workspace.up_to_date() {
            let full = workspace.reconcile_compiled();
            prop_assert!(full.is_ok(), "the fast path answered where a compilation fails");
            let full = full.unwrap();
            prop_assert_eq!(fast.entries, full.entries);
            prop_assert_eq!(fast.warnings, full.warnings);
            prop_assert_eq!(fast.tree.agent_files, full.tree.agent_files);
        }
    }
}
