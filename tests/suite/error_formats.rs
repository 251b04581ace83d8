//! Input errors in every output format of `check` and `scan`, and what no error report may
//! print: forged workflow commands, huge source lines or secrets.

use crate::common::{Repo, manifest};

/// A repository whose one policy file is `text`, at `.rulesmith/policies/<name>`.
fn broken(name: &str, text: &str) -> Repo {
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest());
    repo.write(&format!(".rulesmith/policies/{name}"), text);
    repo
}

/// A policy with a YAML syntax error and one with an unknown key.
fn two_broken_policies() -> Repo {
    let repo = broken("p.yaml", "id: p\ntitle: [unclosed\nrules: []\n");
    repo.write(
        ".rulesmith/policies/q.yaml",
        "id: q\ntitle: Q\nrules:\n  - id: a\n    levle: must\n    text: do it.\n",
    );
    repo
}

/// Runs `args` and asserts the error contract: exit 2 and nothing written.
fn fails(repo: &Repo, args: &[&str]) -> String {
    let before = repo.tree();
    let run = repo.run(args);
    assert_eq!(run.code, 2, "{}", run.render());
    assert_eq!(
        repo.tree(),
        before,
        "an error must leave the tree untouched"
    );
    run.render()
}

#[test]
fn check_json_reports_input_errors_with_code_file_line_and_column() {
    let out = fails(&two_broken_policies(), &["check", "--format", "json"]);
    insta::assert_snapshot!(out.replace(env!("CARGO_PKG_VERSION"), "[version]"));
}

#[test]
fn check_github_reports_input_errors_as_error_annotations() {
    insta::assert_snapshot!(fails(
        &two_broken_policies(),
        &["check", "--format", "github"]
    ));
}

#[test]
fn check_sarif_reports_input_errors_as_results_with_regions() {
    let out = fails(&two_broken_policies(), &["check", "--format", "sarif"]);
    insta::assert_snapshot!(out.replace(env!("CARGO_PKG_VERSION"), "[version]"));
}

#[test]
fn input_error_reports_validate_against_their_schemas() {
    let repo = two_broken_policies();
    let json: serde_json::Value =
        serde_json::from_str(&repo.run(&["check", "--format", "json"]).stdout).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../docs/report.schema.json")).unwrap();
    let errors: Vec<String> = jsonschema::validator_for(&schema)
        .unwrap()
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let sarif: serde_json::Value =
        serde_json::from_str(&repo.run(&["check", "--format", "sarif"]).stdout).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/schemas/sarif-2.1.0.json")).unwrap();
    let errors: Vec<String> = jsonschema::validator_for(&schema)
        .unwrap()
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn scan_machine_formats_report_a_broken_manifest() {
    let repo = Repo::new();
    repo.write(
        "rulesmith.yaml",
        &format!(
            "{}scan:\n  severity:\n    RS9999:\n      level: low\n      reason: noisy\n",
            manifest()
        ),
    );
    let json = fails(&repo, &["scan", "--format", "json"]);
    assert!(json.contains("\"code\": \"RS0208\""), "{json}");
    assert!(json.contains("\"status\": \"error\""), "{json}");
    let github = fails(&repo, &["scan", "--format", "github"]);
    assert!(
        github.contains("::error file=rulesmith.yaml,title=rulesmith RS0208,line=10,col=5::"),
        "{github}"
    );
}

#[test]
fn github_format_escapes_newlines_in_file_names() {
    let repo = broken("a\n::error::forged.yaml", "id: [unclosed\n");
    let run = repo.run(&["check", "--format", "github"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(!run.stdout.is_empty());
    for line in run.stdout.lines() {
        assert!(line.starts_with("::error file="), "forged: {line:?}");
    }
    assert!(
        run.stdout.contains("a%0A%3A%3Aerror%3A%3Aforged.yaml"),
        "{}",
        run.stdout
    );
}

#[test]
fn human_errors_escape_control_characters_in_file_names() {
    let repo = broken("a\u{1b}[2J\nb.yaml", "id: [unclosed\n");
    let run = repo.run(&["check"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        !run.stderr.chars().any(|c| c.is_control() && c != '\n'),
        "{:?}",
        run.stderr
    );
    assert!(
        run.stderr.contains("a\\u{001B}[2J\\nb.yaml"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_huge_line_never_makes_a_huge_report() {
    let repo = broken(
        "p.yaml",
        &format!(
            "id: p\ntitle: P\nrules:\n  - id: a\n    level: must\n    text: {}\u{200B}\n",
            "a".repeat(1_000_000)
        ),
    );
    for format in ["human", "json", "github", "sarif"] {
        let out = fails(&repo, &["check", "--format", format]);
        assert!(
            out.contains("RS0205"),
            "{format}: {}",
            &out[..out.len().min(2000)]
        );
        assert!(out.len() < 4_000, "{format}: {} bytes", out.len());
    }
}

#[test]
fn a_deep_nesting_error_never_echoes_its_line() {
    let repo = broken(
        "p.yaml",
        &format!("id: {}{}\n", "[".repeat(20_000), "]".repeat(20_000)),
    );
    let out = fails(&repo, &["build"]);
    assert!(out.contains("RS0101"), "{}", &out[..out.len().min(2000)]);
    assert!(out.len() < 2_000, "{} bytes", out.len());
}

#[test]
fn excerpt_never_prints_a_secret() {
    let token = "ghp_8fK2pQ9xLmN4vR7tY1wZ3bC6dE0gH5jS2aU9";
    let repo = broken(
        "p.yaml",
        &format!(
            "id: p\ntitle: P\nrules:\n  - id: a\n    level: must\n    text: use {token} to deploy.\n"
        ),
    );
    for format in ["human", "json", "github", "sarif"] {
        let out = fails(&repo, &["check", "--format", format]);
        assert!(out.contains("RS0207"), "{format}: {out}");
        assert!(!out.contains(token), "{format}: {out}");
        assert!(!out.contains(&token[4..]), "{format}: {out}");
    }
}
