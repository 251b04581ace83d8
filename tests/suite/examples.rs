//! rulesmith checks itself: every example's committed files are what a build would write.
//!
//! `RULESMITH_BLESS=1 cargo test --test suite examples::` rebuilds the examples.

use std::path::{Path, PathBuf};

use rulesmith::commands::{Need, Workspace};
use rulesmith::reconcile::State;
use rulesmith::write::{self, WriteOptions};

fn examples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("rulesmith.yaml").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn committed_outputs_match_the_policies() {
    let dirs = examples();
    assert!(!dirs.is_empty(), "no examples found");
    let bless = std::env::var_os("RULESMITH_BLESS").is_some();
    let mut stale = Vec::new();
    for dir in &dirs {
        let workspace = Workspace::load(Some(&dir.join("rulesmith.yaml")), dir, Need::Project)
            .unwrap_or_else(|errors| panic!("{} does not load: {errors:#?}", dir.display()));
        let project = workspace
            .reconcile()
            .unwrap_or_else(|errors| panic!("{} does not compile: {errors:#?}", dir.display()));
        assert!(!project.entries.is_empty());
        if bless {
            let changes = write::preview(&project.entries, WriteOptions::default()).unwrap();
            write::apply(&workspace.root, &changes, WriteOptions::default()).unwrap();
            continue;
        }
        for entry in &project.entries {
            if entry.state != State::Clean {
                stale.push(dir.join(&entry.path).display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "committed outputs differ from what the policies compile to (run `RULESMITH_BLESS=1 cargo test --test suite examples::`):\n{}",
        stale.join("\n")
    );
}

#[test]
fn the_all_targets_example_builds_every_builtin_target_without_warnings() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/all-targets");
    let workspace = Workspace::load(
        Some(&example.join("rulesmith.yaml")),
        &example,
        Need::Project,
    )
    .unwrap();
    let build = workspace
        .compile(rulesmith::compile::Budgets::Enforce)
        .unwrap();
    let catalog = rulesmith::render::catalog::Catalog::builtin();
    assert_eq!(build.targets, catalog.builtin_ids());
    for id in catalog.builtin_ids() {
        assert!(
            build.plan.files.iter().any(|f| f.target == id),
            "target {id} wrote nothing"
        );
    }
    assert!(build.warnings.is_empty(), "{:#?}", build.warnings);
}
