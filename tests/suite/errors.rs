//! Every kind of bad input: exit 2, a located diagnostic with code and hint, and an untouched tree.

use crate::common::{POLICY, Repo, manifest};

/// Runs `build` and asserts the error contract: exit 2 and no file written or changed.
fn fails_untouched(repo: &Repo) -> String {
    let before = repo.tree();
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert_eq!(
        repo.tree(),
        before,
        "an error must leave the tree untouched"
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    run.render()
}

fn with_policy(policy: &str) -> Repo {
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest());
    repo.write(".rulesmith/policies/p.yaml", policy);
    repo
}

#[test]
fn missing_manifest() {
    let repo = Repo::new();
    let out = fails_untouched(&repo);
    assert!(out.contains("error[RS0001]"), "{out}");
    assert!(out.contains("help: run `rulesmith init`"), "{out}");
}

#[test]
fn malformed_yaml() {
    let repo = with_policy("id: p\ntitle: [unclosed\nrules: []\n");
    insta::assert_snapshot!(fails_untouched(&repo));
}

#[test]
fn unknown_keys_wrong_types_and_bad_values_are_all_reported() {
    let repo = with_policy(
        "id: p\ntitle: Policy\nrules:\n  - id: a\n    levle: must\n    text: do it.\n  - id: b\n    level: always\n    text: 42\n    tiers: prototype\n",
    );
    insta::assert_snapshot!(fails_untouched(&repo));
}

#[test]
fn unknown_manifest_key() {
    let repo = Repo::new();
    repo.write(
        "rulesmith.yaml",
        &format!("{}tagets: [claude]\n", manifest()),
    );
    insta::assert_snapshot!(fails_untouched(&repo));
}

#[test]
fn duplicate_policy_and_rule_ids() {
    let repo = with_policy(
        "id: style\ntitle: Again\nrules:\n  - id: a\n    level: must\n    text: x.\n  - id: a\n    level: must\n    text: y.\n",
    );
    repo.write(".rulesmith/policies/style.yaml", POLICY);
    insta::assert_snapshot!(fails_untouched(&repo));
}

#[test]
fn unknown_target_and_unknown_overridden_policy() {
    let repo = Repo::new();
    repo.write(
        "rulesmith.yaml",
        "project: demo\ntier: prototype\ntargets: [claude, claud]\noverrides:\n  - policy: secrts\n    disable: true\n    reason: Not used here.\n",
    );
    insta::assert_snapshot!(fails_untouched(&repo));
}

#[test]
fn invalid_tier() {
    let repo = Repo::new();
    repo.write(
        "rulesmith.yaml",
        "project: demo\ntier: prod\ntargets: [claude]\n",
    );
    insta::assert_snapshot!(fails_untouched(&repo));
}

#[test]
fn non_utf8_policy() {
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest());
    repo.write_bytes(
        ".rulesmith/policies/p.yaml",
        b"id: p\ntitle: caf\xe9\nrules: []\n",
    );
    insta::assert_snapshot!(fails_untouched(&repo));
}

#[test]
fn huge_policy_file() {
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest());
    repo.write(
        ".rulesmith/policies/p.yaml",
        &format!("# {}\n", "x".repeat(2 * 1024 * 1024)),
    );
    let out = fails_untouched(&repo);
    assert!(out.contains("error[RS0004]"), "{out}");
}

#[test]
fn hidden_unicode_in_a_policy() {
    let repo = with_policy(
        "id: p\ntitle: P\nrules:\n  - id: a\n    level: must\n    text: \"be kind\u{202E}\"\n",
    );
    insta::assert_snapshot!(fails_untouched(&repo));
}

#[cfg(unix)]
#[test]
fn symlinked_policy_file() {
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest());
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("p.yaml"), POLICY).unwrap();
    std::fs::create_dir_all(repo.path().join(".rulesmith/policies")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("p.yaml"),
        repo.path().join(".rulesmith/policies/p.yaml"),
    )
    .unwrap();
    let out = fails_untouched(&repo);
    assert!(out.contains("error[RS0005]"), "{out}");
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let run = Repo::new().run(&["biuld"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("build"), "{}", run.stderr);
}

#[test]
fn scope_glob_with_newline_never_reaches_an_agent_file() {
    let repo = Repo::new();
    repo.write(
        "rulesmith.yaml",
        &crate::common::manifest_keeping("prototype", "[cursor, copilot]", &["secrets"]),
    );
    repo.write(
        ".rulesmith/policies/p.yaml",
        "id: p\ntitle: P\nscope:\n  paths: [\"src/**\\n---\\nalwaysApply: true\\n# Injected\"]\nrules:\n  - id: a\n    level: must\n    text: do it.\n",
    );
    insta::assert_snapshot!(fails_untouched(&repo));
}

#[test]
fn invalid_scope_globs_are_each_rejected_with_position() {
    let repo = with_policy(
        "id: p\ntitle: P\nrules:\n  - id: a\n    level: must\n    text: do it.\n    scope:\n      paths:\n        - \"[unclosed\"\n        - src/[a-\n        - src/***\n        - \"src/** \"\n",
    );
    insta::assert_snapshot!(fails_untouched(&repo));
}
