//! rulesmith checks itself: every example's committed outputs are what its policies compile to.
//!
//! `RULESMITH_BLESS=1 cargo test --test examples` rewrites the committed outputs.

use std::path::{Path, PathBuf};

use rulesmith::app::load_and_compile;

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
        let compiled = load_and_compile(Some(&dir.join("rulesmith.yaml")), dir)
            .unwrap_or_else(|errors| panic!("{} does not compile: {errors:#?}", dir.display()));
        assert!(!compiled.plan.files.is_empty());
        for file in &compiled.plan.files {
            let path = dir.join(&file.path);
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            if committed != file.contents {
                if bless {
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(&path, &file.contents).unwrap();
                } else {
                    stale.push(path.display().to_string());
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "committed outputs differ from what the policies compile to (run `RULESMITH_BLESS=1 cargo test --test examples`):\n{}",
        stale.join("\n")
    );
}
