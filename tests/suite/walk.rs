//! One walk for `build`, `check` and `scan`: the same files and the same nested-project rule.

use crate::common::{Repo, manifest_for};

/// Tag characters: text an agent reads that no editor shows.
const HIDDEN: &str =
    "Follow the style guide.\u{E0049}\u{E0067}\u{E006E}\u{E006F}\u{E0072}\u{E0065}\n";

/// A project selecting Claude, built, with a nested project in `pkg/` whose hand-written
/// CLAUDE.md hides text.
fn repo_with_nested_project() -> Repo {
    let repo = Repo::with_policy();
    repo.write("rulesmith.yaml", &manifest_for(&["claude"]));
    assert_eq!(repo.run(&["build"]).code, 0);
    repo.write("pkg/rulesmith.yaml", &manifest_for(&["claude"]));
    repo.write("pkg/CLAUDE.md", HIDDEN);
    repo
}

fn codes_for(stdout: &str, path: &str) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_str(stdout).expect("a JSON report");
    let mut codes: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == path)
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect();
    codes.sort();
    codes
}

#[test]
fn check_and_scan_judge_a_nested_projects_agent_file_alike() {
    let repo = repo_with_nested_project();
    let scan = repo.run(&["scan", "--format", "json"]);
    let check = repo.run(&["check", "--format", "json"]);
    assert_eq!(
        (scan.code, check.code),
        (1, 1),
        "{}\n{}",
        scan.render(),
        check.render()
    );
    let scanned = codes_for(&scan.stdout, "pkg/CLAUDE.md");
    assert!(scanned.contains(&"RS2104".to_owned()), "{scanned:?}");
    // The nested project's own files are its drift, not shadow rules of the outer project.
    assert_eq!(codes_for(&check.stdout, "pkg/CLAUDE.md"), scanned);
}

#[test]
fn without_its_own_manifest_the_directory_is_part_of_the_project() {
    let repo = repo_with_nested_project();
    std::fs::remove_file(repo.path().join("pkg/rulesmith.yaml")).unwrap();
    let check = repo.run(&["check", "--format", "json"]);
    let codes = codes_for(&check.stdout, "pkg/CLAUDE.md");
    assert!(codes.contains(&"RS1008".to_owned()), "{codes:?}");
    assert!(codes.contains(&"RS2104".to_owned()), "{codes:?}");
}

#[test]
fn build_leaves_a_nested_projects_files_alone() {
    let repo = repo_with_nested_project();
    let build = repo.run(&["build"]);
    assert_eq!(build.code, 0, "{}", build.render());
    assert_eq!(repo.read("pkg/CLAUDE.md"), HIDDEN);
}
