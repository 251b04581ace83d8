//! Every example project under `examples/` is built in memory and compared with its committed
//! files. `RULESMITH_BLESS=1 cargo test --test examples` rewrites them.

use std::path::{Path, PathBuf};

use rulesmith::app::compile_project;
use rulesmith::compile::Budgets;
use rulesmith::header;

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("rulesmith.yaml").is_file())
        .collect();
    out.sort();
    out
}

/// Every file under `dir` that carries the rulesmith header, relative to `dir`.
fn generated_files(dir: &Path, root: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            generated_files(&path, root, out);
        } else if std::fs::read_to_string(&path)
            .ok()
            .is_some_and(|text| header::find(&text).is_some())
        {
            let relative = path.strip_prefix(root).unwrap();
            out.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[test]
fn committed_outputs_match_a_fresh_build() {
    let bless = std::env::var_os("RULESMITH_BLESS").is_some();
    let mut stale = Vec::new();
    for example in examples() {
        let manifest = example.join("rulesmith.yaml");
        let project = compile_project(Some(&manifest), &example, Budgets::Enforce)
            .unwrap_or_else(|errors| panic!("{} does not build: {errors:#?}", example.display()));
        let planned: Vec<&str> = project
            .build
            .plan
            .files
            .iter()
            .map(|f| f.path.as_str())
            .collect();
        for file in &project.build.plan.files {
            let path = example.join(&file.path);
            if std::fs::read_to_string(&path).ok().as_deref() != Some(file.contents.as_str()) {
                if bless {
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(&path, &file.contents).unwrap();
                } else {
                    stale.push(path.display().to_string());
                }
            }
        }
        let mut on_disk = Vec::new();
        generated_files(&example, &example, &mut on_disk);
        for orphan in on_disk.iter().filter(|p| !planned.contains(&p.as_str())) {
            if bless {
                std::fs::remove_file(example.join(orphan)).unwrap();
            } else {
                stale.push(format!(
                    "{} (no longer generated)",
                    example.join(orphan).display()
                ));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "out of date; run `RULESMITH_BLESS=1 cargo test --test examples` and commit:\n{}",
        stale.join("\n")
    );
}

#[test]
fn the_all_targets_example_selects_every_builtin_target() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/all-targets");
    let project = compile_project(
        Some(&example.join("rulesmith.yaml")),
        &example,
        Budgets::Enforce,
    )
    .unwrap();
    let catalog = rulesmith::target::catalog::Catalog::builtin();
    assert_eq!(project.build.targets.len(), catalog.targets.len());
    for id in catalog.ids() {
        assert!(
            project.build.plan.files.iter().any(|f| f.target == id),
            "target {id} wrote nothing"
        );
    }
    assert!(
        project.build.warnings.is_empty(),
        "{:#?}",
        project.build.warnings
    );
}
