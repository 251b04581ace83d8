//! The agent registry end to end: what a target folder says an agent reads and which settings
//! switch its prompts off reaches `build`, `check`, `scan` and `targets` alike.

use crate::common::{Repo, manifest_for, manifest_keeping};

/// A repository whose only target is the test-only `acme` agent, added as one folder, with the
/// whole built-in pack so that `check` after `build` is clean.
fn acme_repo() -> Repo {
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest_for(&["acme"]));
    repo.write(
        ".rulesmith/targets/acme/target.yaml",
        include_str!("../fixtures/agents/acme/target.yaml"),
    );
    repo.write(
        ".rulesmith/targets/acme/rules.md.hbs",
        include_str!("../fixtures/agents/acme/rules.md.hbs"),
    );
    repo
}

#[test]
fn an_agent_added_as_one_folder_is_built_checked_scanned_and_listed() {
    let repo = acme_repo();

    let listed = repo.run(&["targets"]);
    assert_eq!(listed.code, 0, "{}", listed.render());
    assert!(
        listed.stdout.contains("acme: Acme Agent (this repository)")
            && listed.stdout.contains("  reads    3 file globs")
            && listed.stdout.contains("  refuses  /autoRun"),
        "{}",
        listed.stdout
    );

    let built = repo.run(&["build"]);
    assert_eq!(built.code, 0, "{}", built.render());
    assert!(repo.read(".acme/rules.md").contains("rulesmith"));
    assert!(repo.read(".acme/config.json").contains("\"deny\""));
    assert_eq!(repo.run(&["check"]).code, 0);

    // A rules file the agent reads that rulesmith did not write is a shadow rule for `check`
    // and an agent file for `scan`.
    repo.write(".acme/rules/extra.md", "Push straight to main.\n");
    let checked = repo.run(&["check"]);
    assert_eq!(checked.code, 1, "{}", checked.render());
    assert!(
        checked.stdout.contains(".acme/rules/extra.md") && checked.stdout.contains("shadow"),
        "{}",
        checked.stdout
    );
    let scanned = repo.run(&["scan", "--format", "json"]);
    assert!(
        scanned.stdout.contains("\"files_checked\": 3")
            || scanned.stdout.contains("\"files_checked\":3"),
        "{}",
        scanned.stdout
    );

    // The agent's unsafe setting: refused by the write-time guard (which `check` runs too,
    // while the target is selected), and reported by `scan`, and by `check` once rulesmith no
    // longer writes the file.
    let config = repo.read(".acme/config.json");
    let unsafe_config = config.replacen('{', "{\n  \"autoRun\": true,", 1);
    repo.write(".acme/config.json", &unsafe_config);
    let refusal = "error[RS0305]: refusing to write .acme/config.json, where `/autoRun` is true: Acme `autoRun` runs every tool without asking";
    for command in ["build", "check"] {
        let run = repo.run(&[command]);
        assert_eq!(run.code, 2, "{}", run.render());
        assert!(run.stderr.contains(refusal), "{command}: {}", run.stderr);
    }
    assert_eq!(repo.read(".acme/config.json"), unsafe_config);
    assert_reported(
        &repo,
        "scan",
        "RS2401 Acme `autoRun` runs every tool without asking",
    );
    repo.write(
        "rulesmith.yaml",
        &manifest_keeping("prototype", "[agents]", &["agent-permissions"]),
    );
    assert_reported(
        &repo,
        "check",
        "RS2401 Acme `autoRun` runs every tool without asking",
    );
}

/// Runs `command` and asserts it fails with `finding` in its report.
fn assert_reported(repo: &Repo, command: &str, finding: &str) {
    let run = repo.run(&[command]);
    assert_eq!(run.code, 1, "{command}: {}", run.render());
    assert!(run.stdout.contains(finding), "{command}: {}", run.stdout);
}

#[test]
fn gemini_auto_accept_is_refused_by_build_and_reported_by_check_and_scan() {
    for setting in [
        r#"{"tools": {"autoAccept": true}}"#,
        r#"{"general": {"defaultApprovalMode": "yolo"}}"#,
    ] {
        let repo = Repo::new();
        repo.write(
            "rulesmith.yaml",
            &manifest_keeping("prototype", "[gemini]", &["agent-permissions"]),
        );
        repo.write(".gemini/settings.json", &format!("{setting}\n"));
        for command in ["build", "check"] {
            let run = repo.run(&[command]);
            assert_eq!(run.code, 2, "{}", run.render());
            assert!(
                run.stderr
                    .contains("error[RS0305]: refusing to write .gemini/settings.json"),
                "{command}: {}",
                run.stderr
            );
        }
        assert_eq!(repo.read(".gemini/settings.json"), format!("{setting}\n"));
        assert_reported(&repo, "scan", "critical RS2401 Gemini CLI");
        repo.write(
            "rulesmith.yaml",
            &manifest_keeping("prototype", "[claude]", &["agent-permissions"]),
        );
        assert_reported(&repo, "check", "critical RS2401 Gemini CLI");
    }
}

#[test]
fn names_from_repository_targets_are_escaped_in_targets_and_stats() {
    // Hidden and control characters are refused in a spec; line breaks are not, and must not
    // forge lines of the listing.
    let repo = acme_repo();
    let spec = include_str!("../fixtures/agents/acme/target.yaml")
        .replace("name: Acme Agent", "name: \"Acme\\nfake: name\"")
        .replace(
            "  - https://acme.example/docs/rules",
            "  - \"https://acme.example/docs\\nfake: link\"",
        );
    repo.write(".rulesmith/targets/acme/target.yaml", &spec);

    let listed = repo.run(&["targets"]);
    assert_eq!(listed.code, 0, "{}", listed.render());
    assert!(
        listed
            .stdout
            .contains("acme: Acme\\nfake: name (this repository)")
            && listed
                .stdout
                .contains("  docs     https://acme.example/docs\\nfake: link"),
        "{}",
        listed.stdout
    );
    assert!(
        !listed.stdout.lines().any(|line| line.starts_with("fake:")),
        "{}",
        listed.stdout
    );

    let stats = repo.run(&["stats"]);
    assert_eq!(stats.code, 0, "{}", stats.render());
    assert!(stats.stdout.contains(".acme/rules.md"), "{}", stats.stdout);
}
