//! Targets end to end: size budgets, refused settings, files that hide each other, output paths
//! that leave the repository, settings merged into the user's own files, and custom targets.

use crate::common::{Repo, manifest_keeping};

/// A manifest building `targets` with the built-in `agent-permissions` policy only.
fn manifest(targets: &str) -> String {
    manifest_keeping("production", targets, &["agent-permissions"])
}

/// A policy of `rules` rules, each `length` characters of text.
fn big_policy(id: &str, rules: usize, length: usize) -> String {
    let mut text = format!("id: {id}\ntitle: Policy {id}\nrules:\n");
    for r in 0..rules {
        text.push_str(&format!(
            "  - id: rule-{r}\n    level: must\n    text: {}\n",
            "x".repeat(length)
        ));
    }
    text
}

/// A custom target under `.rulesmith/targets/<id>/` writing `path` from `template`.
fn custom_target(repo: &Repo, id: &str, path: &str, format: &str, template: &str) {
    let comment = if format == "markdown" { "html" } else { "hash" };
    repo.write(
        &format!(".rulesmith/targets/{id}/target.yaml"),
        &format!(
            "id: {id}\nname: Custom {id}\noutputs:\n  - path: \"{path}\"\n    template: out.hbs\n    comment: {comment}\n    format: {format}\n"
        ),
    );
    repo.write(&format!(".rulesmith/targets/{id}/out.hbs"), template);
}

#[test]
fn a_hard_budget_fails_the_build_and_names_the_largest_policies() {
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest("[windsurf]"));
    repo.write(
        ".rulesmith/policies/huge.yaml",
        &big_policy("huge", 7, 1000),
    );
    repo.write(
        ".rulesmith/policies/small.yaml",
        &big_policy("small", 1, 20),
    );
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 2, "{}", run.render());
    insta::assert_snapshot!(run.render());
    assert!(!repo.exists(".windsurf"), "nothing is written");
}

#[test]
fn an_advisory_budget_warns_and_builds() {
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest("[claude]"));
    repo.write(
        ".rulesmith/policies/long.yaml",
        &big_policy("long", 200, 10),
    );
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(
        run.stderr
            .contains("warning[RS0304]: target `claude`: CLAUDE.md is"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("over the advised maximum of 200 lines"),
        "{}",
        run.stderr
    );
    assert!(repo.exists("CLAUDE.md"));
}

#[test]
fn stats_shows_sizes_against_budgets_even_when_over() {
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest("[windsurf, claude]"));
    repo.write(
        ".rulesmith/policies/huge.yaml",
        &big_policy("huge", 7, 1000),
    );
    let run = repo.run(&["stats"]);
    assert_eq!(run.code, 1, "a hard limit is exceeded: {}", run.render());
    insta::assert_snapshot!(run.render());
}

#[test]
fn a_user_settings_file_survives_build_and_rebuild() {
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest("[claude]"));
    let user = "{\n    \"model\": \"opus\",\n    \"permissions\": {\n        \"deny\": [\"Read(./private/**)\", \"Bash(git push)\"],\n        \"allow\": [\"Bash(npm test)\"]\n    },\n    \"hooks\": {}\n}\n";
    repo.write(".claude/settings.json", user);
    assert_eq!(repo.run(&["build"]).code, 0);
    let first = repo.read(".claude/settings.json");
    let value: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(value["model"], "opus");
    assert_eq!(value["hooks"], serde_json::json!({}));
    assert_eq!(
        value["permissions"]["allow"],
        serde_json::json!(["Bash(npm test)"])
    );
    let deny = value["permissions"]["deny"].as_array().unwrap();
    assert_eq!(
        deny[..2],
        [
            serde_json::json!("Read(./private/**)"),
            serde_json::json!("Bash(git push)")
        ]
    );
    assert!(deny.contains(&serde_json::json!("Read(**/.env)")));
    // Key order is the user's.
    assert!(first.find("\"model\"").unwrap() < first.find("\"permissions\"").unwrap());
    assert!(first.find("\"deny\"").unwrap() < first.find("\"allow\"").unwrap());

    // A rebuild changes nothing.
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains("\nnothing to do"), "{}", run.stderr);
    assert_eq!(repo.read(".claude/settings.json"), first);

    // Without the permissions policy, rulesmith takes its own entries back and only those.
    repo.write(
        "rulesmith.yaml",
        &manifest_keeping("production", "[claude]", &["secrets"]),
    );
    assert_eq!(repo.run(&["build"]).code, 0);
    let value: serde_json::Value =
        serde_json::from_str(&repo.read(".claude/settings.json")).unwrap();
    assert_eq!(value["model"], "opus");
    assert_eq!(
        value["permissions"]["deny"],
        serde_json::json!(["Read(./private/**)", "Bash(git push)"])
    );
    assert_eq!(value["permissions"]["ask"], serde_json::json!([]));
    assert_eq!(
        value["permissions"]["allow"],
        serde_json::json!(["Bash(npm test)"])
    );
}

#[test]
fn a_broken_settings_file_is_an_error_with_its_position() {
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest("[claude]"));
    repo.write(".claude/settings.json", "{\n  \"model\": \"opus\",\n}\n");
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error[RS0405]: cannot merge into .claude/settings.json: invalid JSON"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(".claude/settings.json:3:1"),
        "{}",
        run.stderr
    );
    assert_eq!(
        repo.read(".claude/settings.json"),
        "{\n  \"model\": \"opus\",\n}\n"
    );
}

#[test]
fn prompt_disabling_settings_in_the_users_file_are_refused() {
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest("[claude]"));
    let user = "{\"permissions\": {\"defaultMode\": \"bypassPermissions\"}}\n";
    repo.write(".claude/settings.json", user);
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 2, "{}", run.render());
    insta::assert_snapshot!(run.render());
    assert_eq!(repo.read(".claude/settings.json"), user);
}

#[test]
fn prompt_disabling_settings_from_a_custom_target_are_refused() {
    let cases = [
        (
            ".codex/config.toml",
            "toml",
            "approval_policy = \"never\"\nsandbox_mode = \"danger-full-access\"\n",
            2,
        ),
        (
            ".gemini/extra.yaml",
            "yaml",
            "run: gemini --dangerously-skip-all\n",
            1,
        ),
        (".aider.conf.yml", "yaml", "yes-always: true\n", 1),
    ];
    for (path, format, template, count) in cases {
        let repo = Repo::new();
        repo.write("rulesmith.yaml", &manifest("[unsafe]"));
        custom_target(&repo, "unsafe", path, format, template);
        let run = repo.run(&["build"]);
        assert_eq!(run.code, 2, "{}", run.render());
        assert_eq!(
            run.stderr
                .matches("error[RS0305]: refusing to write")
                .count(),
            count,
            "{}",
            run.stderr
        );
        assert!(!repo.exists(path));
    }
}

#[test]
fn a_target_may_not_add_allow_rules() {
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest("[lenient]"));
    repo.write(
        ".rulesmith/targets/lenient/target.yaml",
        "id: lenient\nname: Lenient\noutputs:\n  - path: .claude/settings.json\n    format: json\n    settings:\n      entries:\n        /permissions/allow:\n          - from: ask-commands\n            each: [\"Bash({{command}} *)\"]\n",
    );
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("adds entries to `/permissions/allow`, an allow list"),
        "{}",
        run.stderr
    );
    assert!(!repo.exists(".claude/settings.json"));
}

#[test]
fn zed_reading_a_partial_file_is_a_warning() {
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest("[copilot, agents]"));
    repo.write(
        ".rulesmith/policies/api.yaml",
        "id: api\ntitle: API\nscope:\n  paths: [\"api/**\"]\nrules:\n  - id: a\n    level: must\n    text: validate input.\n",
    );
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(
        run.stderr.contains("warning[RS0306]: Zed reads only the first rules file it finds, `.github/copilot-instructions.md`, which lacks the rule groups `agent-permissions`, `api` that this build writes to `AGENTS.md`"),
        "{}",
        run.stderr
    );
    // With Zed's own target, Zed reads `.rules`, which holds every rule.
    repo.write("rulesmith.yaml", &manifest("[copilot, agents, zed]"));
    let run = repo.run(&["build"]);
    assert!(!run.stderr.contains("RS0306"), "{}", run.stderr);
}

#[test]
fn two_targets_writing_one_path_is_an_error() {
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest("[claude, mine]"));
    custom_target(&repo, "mine", "CLAUDE.md", "markdown", "{{> intro}}\n");
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("targets `claude` and `mine` both write `CLAUDE.md`"),
        "{}",
        run.stderr
    );
    assert!(!repo.exists("CLAUDE.md"));
}

#[test]
fn output_paths_are_confined_to_the_repository() {
    for (path, reason) in [
        ("../outside.md", "which leaves the repository"),
        ("/etc/rulesmith.md", "which is absolute"),
        ("docs/../../x.md", "which leaves the repository"),
    ] {
        let repo = Repo::new();
        repo.write("rulesmith.yaml", &manifest("[mine]"));
        custom_target(&repo, "mine", path, "markdown", "{{> intro}}\n");
        let run = repo.run(&["build"]);
        assert_eq!(run.code, 2, "{path}");
        assert!(
            run.stderr.contains("error[RS0401]"),
            "{path}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(reason), "{path}: {}", run.stderr);
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_leading_outside_the_repository_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest("[mine]"));
    custom_target(
        &repo,
        "mine",
        "linked/rules.md",
        "markdown",
        "{{> intro}}\n",
    );
    std::os::unix::fs::symlink(outside.path(), repo.path().join("linked")).unwrap();
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(run.stderr.contains("error[RS0401]"), "{}", run.stderr);
    assert!(run.stderr.contains("linked/rules.md"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_dir(outside.path()).unwrap().count(),
        0,
        "nothing written outside"
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_target_file_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("target.yaml"), "id: x\n").unwrap();
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest("[claude]"));
    std::fs::create_dir_all(repo.path().join(".rulesmith/targets/x")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("target.yaml"),
        repo.path().join(".rulesmith/targets/x/target.yaml"),
    )
    .unwrap();
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is a symlink"), "{}", run.stderr);
}

#[test]
fn scope_paths_must_stay_inside_the_repository() {
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest("[agents]"));
    repo.write(
        ".rulesmith/policies/escape.yaml",
        "id: escape\ntitle: Escape\nscope:\n  paths: [\"../shared/**\"]\nrules:\n  - id: a\n    level: must\n    text: do it.\n",
    );
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "error[RS0401]: path `../shared/**` in policy `escape` which leaves the repository"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(".rulesmith/policies/escape.yaml:4:"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_custom_target_renders_with_the_shared_partials() {
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest("[all, handbook]"));
    custom_target(
        &repo,
        "handbook",
        "docs/agent-rules.md",
        "markdown",
        "{{> intro}}\n\n{{> rules}}\n",
    );
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.render());
    let text = repo.read("docs/agent-rules.md");
    assert!(
        text.starts_with("<!-- Generated by rulesmith (target: handbook)."),
        "{text}"
    );
    assert!(text.contains("## Agent permissions"), "{text}");
    assert!(
        repo.exists("CLAUDE.md") && repo.exists(".cursor/cli.json"),
        "`all` selects the built-in targets"
    );
    let listing = repo.run(&["targets"]);
    assert!(
        listing
            .stdout
            .contains("handbook: Custom handbook (this repository)"),
        "{}",
        listing.stdout
    );
}

#[test]
fn targets_lists_every_target_with_files_scoping_and_limits() {
    let run = Repo::new().run(&["targets"]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn an_acknowledged_warning_is_silent_and_a_quiet_build_prints_nothing() {
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest("[claude]"));
    repo.write(
        ".rulesmith/policies/long.yaml",
        &big_policy("long", 200, 10),
    );
    let quiet = repo.run(&["build", "--quiet"]);
    assert_eq!(quiet.code, 0, "{}", quiet.render());
    assert_eq!((quiet.stdout.as_str(), quiet.stderr.as_str()), ("", ""));
    assert!(repo.exists("CLAUDE.md"));

    let acknowledged = format!(
        "{}acknowledge:\n  - code: RS0304\n    reason: The team reads the long file in full.\n",
        manifest("[claude]")
    );
    repo.write("rulesmith.yaml", &acknowledged);
    for command in ["build", "check"] {
        let run = repo.run(&[command]);
        assert_eq!(run.code, 0, "{}", run.render());
        assert!(!run.render().contains("RS0304"), "{}", run.render());
    }
}

#[test]
fn only_warnings_can_be_acknowledged_and_only_with_a_reason() {
    let repo = Repo::new();
    for entry in [
        "code: RS0303\n    reason: too big",
        "code: RS0304\n    reason: \"  \"",
    ] {
        repo.write(
            "rulesmith.yaml",
            &format!("{}acknowledge:\n  - {entry}\n", manifest("[claude]")),
        );
        let run = repo.run(&["build"]);
        assert_eq!(run.code, 2, "{}", run.render());
        assert!(run.stderr.contains("RS0104"), "{}", run.stderr);
    }
}

#[test]
fn claude_denies_piped_shells_with_and_without_arguments() {
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest("[claude]"));
    assert_eq!(repo.run(&["build"]).code, 0);
    let value: serde_json::Value =
        serde_json::from_str(&repo.read(".claude/settings.json")).unwrap();
    let deny = value["permissions"]["deny"].as_array().unwrap();
    for shell in ["sh", "bash", "zsh"] {
        for rule in [format!("Bash({shell})"), format!("Bash({shell} *)")] {
            assert!(deny.contains(&serde_json::json!(rule)), "{rule}: {deny:?}");
        }
    }
}

#[test]
fn targets_says_which_protections_are_not_a_security_boundary() {
    let repo = Repo::new();
    let run = repo.run(&["targets"]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(
        run.stdout.contains(
            "  caveat   `.gemini/settings.json` `tools.exclude` is not a security boundary: Gemini CLI's shell tool docs say"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  caveat   `.cursorignore` is not a security boundary")
    );
}

#[test]
fn augment_scoped_groups_are_agent_requested() {
    let repo = Repo::new();
    repo.write(
        "rulesmith.yaml",
        &manifest_keeping(
            "production",
            "[augment]",
            &["agent-permissions", "lang-python"],
        ),
    );
    assert_eq!(repo.run(&["build"]).code, 0);
    let scoped = repo.read(".augment/rules/lang-python.md");
    assert!(scoped.contains("type: agent_requested"), "{scoped}");
    assert!(scoped.contains("applies to"), "{scoped}");
    let unscoped = repo.read(".augment/rules/agent-permissions.md");
    assert!(unscoped.contains("type: always_apply"), "{unscoped}");
}
