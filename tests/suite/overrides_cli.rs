//! Overrides and `rulesmith explain`, through the real binary in a temporary repository.

use std::path::Path;
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn repo(manifest: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rulesmith.yaml"), manifest).unwrap();
    dir
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_rulesmith"))
        .args(args)
        .args(["--color", "never"])
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

const HEAD: &str = "project: demo\ntier: production\ntargets: [agents]\n";

/// Builds with `overrides` (YAML list items), which must fail with nothing written; the stderr.
fn rejected(overrides: &str) -> String {
    let dir = repo(&format!("{HEAD}overrides:\n{overrides}"));
    let run = run(dir.path(), &["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!dir.path().join("AGENTS.md").exists(), "nothing is written");
    run.stderr
}

#[test]
fn an_override_without_a_reason_is_rejected() {
    insta::assert_snapshot!(rejected(
        "  - rule: injection/log-injection\n    disable: true\n"
    ));
}

#[test]
fn a_blank_reason_is_rejected() {
    insta::assert_snapshot!(rejected(
        "  - rule: injection/log-injection\n    disable: true\n    reason: \"  \"\n"
    ));
}

#[test]
fn an_override_of_an_unknown_rule_suggests_the_closest() {
    insta::assert_snapshot!(rejected(
        "  - rule: injection/log-injecton\n    disable: true\n    reason: Logs are structured already.\n  - policy: lang-jva\n    disable: true\n    reason: No Java here.\n"
    ));
}

#[test]
fn overrides_with_reasons_show_in_the_generated_files() {
    let dir = repo(&format!(
        "{HEAD}overrides:\n  - policy: lang-java\n    disable: true\n    reason: No JVM code in this repository.\n  - rule: configuration/security-headers\n    disable: true\n    reason: The CDN sets every header.\n  - rule: supply-chain/pin-actions-and-images\n    level: should\n    reason: Images are pinned by the platform team's mirror.\n"
    ));
    let run = run(dir.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let agents = std::fs::read_to_string(dir.path().join("AGENTS.md")).unwrap();
    assert!(!agents.contains("## Java and Kotlin"));
    assert!(!agents.contains("send security headers"));
    let softened = agents
        .lines()
        .find(|l| l.contains("pin CI actions"))
        .unwrap();
    assert!(
        softened.starts_with("- **SHOULD** pin CI actions"),
        "{softened}"
    );
    assert!(
        softened.contains(
            "_Softened from MUST by this project: Images are pinned by the platform team's mirror._"
        ),
        "{softened}"
    );
    let section = &agents[agents.find("## Project overrides").unwrap()..];
    insta::assert_snapshot!(section);
}

#[test]
fn explain_shows_a_rule_in_its_project() {
    let dir = repo(&format!(
        "{HEAD}overrides:\n  - rule: supply-chain/pin-actions-and-images\n    level: should\n    reason: Images are pinned by the platform team's mirror.\n"
    ));
    let softened = run(dir.path(), &["explain", "pin-actions-and-images"]);
    assert_eq!(softened.code, 0, "{}", softened.stderr);
    insta::assert_snapshot!("explain_softened", softened.stdout);
    let other_tier = run(dir.path(), &["explain", "tier-prototype/list-fakes"]);
    assert_eq!(other_tier.code, 0, "{}", other_tier.stderr);
    insta::assert_snapshot!("explain_other_tier", other_tier.stdout);
}

#[test]
fn explain_works_without_a_project_and_rejects_unknown_rules() {
    let dir = tempfile::tempdir().unwrap();
    let known = run(
        dir.path(),
        &["explain", "output-encoding/no-raw-html-sinks"],
    );
    assert_eq!(known.code, 0, "{}", known.stderr);
    insta::assert_snapshot!("explain_without_project", known.stdout);
    let unknown = run(dir.path(), &["explain", "no-raw-html-sink"]);
    assert_eq!(unknown.code, 2);
    insta::assert_snapshot!("explain_unknown", unknown.stderr);
}

#[test]
fn check_shows_each_override_of_the_built_in_pack_at_high_severity() {
    let dir = repo(&format!(
        "{HEAD}overrides:\n  - policy: [lang-java, lang-go]\n    disable: true\n    reason: No JVM or Go code here.\n  - rule: configuration/security-headers\n    disable: true\n    reason: The CDN sets every header.\n"
    ));
    assert_eq!(run(dir.path(), &["build"]).code, 0);
    let check = run(dir.path(), &["check"]);
    assert_eq!(check.code, 1, "switching a guardrail off is never quiet");
    insta::assert_snapshot!(format!("{}--- stderr\n{}", check.stdout, check.stderr));
}

#[test]
fn disabling_the_security_policies_fails_check_once_per_policy_and_keeps_locked_rules() {
    let dir = repo(&format!(
        "{HEAD}agreement:\n  lanes:\n    builder: {{work: [Prototypes]}}\n    engineering: {{work: [Production]}}\n    shared: {{owner: \"@acme/guardrails\", paths: [/rulesmith.yaml], work: [Evals]}}\noverrides: [{{policy: [agent-permissions, agent-behaviour, secrets, injection, supply-chain], disable: true, reason: slowing us down}}]\n"
    ));
    assert_eq!(run(dir.path(), &["build"]).code, 0);
    let check = run(dir.path(), &["check"]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    let high: Vec<&str> = check
        .stdout
        .lines()
        .filter(|l| l.contains("RS1012"))
        .collect();
    assert_eq!(high.len(), 5, "{}", check.stdout);
    for policy in [
        "agent-permissions",
        "agent-behaviour",
        "secrets",
        "injection",
        "supply-chain",
    ] {
        let line = high
            .iter()
            .find(|l| l.contains(&format!("`{policy}`")))
            .unwrap_or_else(|| panic!("no finding for {policy}: {}", check.stdout));
        assert!(line.contains(" high "), "{line}");
        assert!(line.contains("slowing us down"), "{line}");
        assert!(line.contains("@acme/guardrails"), "{line}");
    }
    let agents = std::fs::read_to_string(dir.path().join("AGENTS.md")).unwrap();
    assert!(
        agents.contains("no-secret-files") || agents.contains("even to debug"),
        "{agents}"
    );
}

#[test]
fn a_locked_rule_cannot_be_turned_off_or_softened() {
    let stderr = rejected(
        "  - {rule: agent-permissions/no-secret-files, disable: true, reason: x}\n  - {rule: secrets/no-hardcoded-secrets, level: should-not, reason: x}\n",
    );
    assert!(stderr.contains("error[RS0211]: rule `agent-permissions/no-secret-files` is locked by its pack and cannot be turned off"), "{stderr}");
    assert!(stderr.contains("error[RS0211]: rule `secrets/no-hardcoded-secrets` is locked by its pack and cannot be softened"), "{stderr}");
}
