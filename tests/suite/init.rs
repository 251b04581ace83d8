//! `rulesmith init` end to end: every stack and tier gives a repository that checks clean and
//! whose YAML, workflow and pre-commit files are valid; existing files are never overwritten;
//! the working agreement is rendered and drift-checked; bad input gets clear errors.

use std::path::PathBuf;

use crate::common::Repo;
use rulesmith::syntax::yaml;
use serde_json::Value;

const STACKS: [&str; 5] = ["node", "python", "go", "rust", "java"];
const TIERS: [&str; 3] = ["prototype", "internal", "production"];

fn schema(name: &str) -> jsonschema::Validator {
    let path = format!(
        "{}/tests/fixtures/schemas/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

/// Parses YAML with rulesmith's own loader.
fn parse_yaml(path: &str, text: &str) -> Value {
    yaml::parse(text)
        .unwrap_or_else(|err| panic!("{path} does not parse: {}", err.message))
        .to_json()
}

fn assert_valid(validator: &jsonschema::Validator, path: &str, value: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{path} is invalid: {errors:#?}");
}

/// What pre-commit's own loader requires and the SchemaStore schema leaves optional.
fn assert_pre_commit_structure(config: &Value) {
    let repos = config["repos"].as_array().expect("`repos` is a list");
    assert!(!repos.is_empty());
    for repo in repos {
        let url = repo["repo"].as_str().expect("each repo has `repo`");
        if url != "local" && url != "meta" {
            assert!(repo["rev"].is_string(), "remote repo {url} needs `rev`");
        }
        let hooks = repo["hooks"].as_array().expect("each repo has `hooks`");
        assert!(!hooks.is_empty());
        for hook in hooks {
            assert!(hook["id"].is_string(), "each hook has `id`");
            if url == "local" {
                for key in ["name", "entry", "language"] {
                    assert!(hook[key].is_string(), "local hook lacks `{key}`");
                }
            }
        }
    }
}

/// Runs `rulesmith init` with `args`, which must succeed.
fn init(repo: &Repo, args: &[&str]) -> String {
    let mut all = vec!["init"];
    all.extend_from_slice(args);
    let run = repo.run(&all);
    assert_eq!(run.code, 0, "{}", run.render());
    run.render()
}

fn check(repo: &Repo) -> (i32, String) {
    let run = repo.run(&["check"]);
    (run.code, run.render())
}

fn paths(repo: &Repo) -> Vec<String> {
    repo.tree()
        .keys()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect()
}

#[test]
fn every_stack_and_tier_gives_a_repository_that_checks_clean_with_valid_files() {
    let workflow_schema = schema("github-workflow.json");
    let pre_commit_schema = schema("pre-commit-config.json");
    for stack in STACKS {
        for tier in TIERS {
            let repo = Repo::new();
            init(&repo, &["--yes", "--stack", stack, "--tier", tier]);
            let (code, out) = check(&repo);
            assert_eq!(code, 0, "{stack}/{tier}: {out}");
            let files = paths(&repo);
            for path in files
                .iter()
                .filter(|p| p.ends_with(".yml") || p.ends_with(".yaml"))
            {
                parse_yaml(path, &repo.read(path));
            }
            let workflow = ".github/workflows/rulesmith.yml";
            assert_valid(
                &workflow_schema,
                workflow,
                &parse_yaml(workflow, &repo.read(workflow)),
            );
            let config = parse_yaml(
                ".pre-commit-config.yaml",
                &repo.read(".pre-commit-config.yaml"),
            );
            assert_valid(&pre_commit_schema, ".pre-commit-config.yaml", &config);
            assert_pre_commit_structure(&config);
            assert_eq!(
                files.iter().any(|p| p == "HANDOFF.md"),
                tier == "prototype",
                "{stack}/{tier}: HANDOFF.md is for prototypes"
            );
            let manifest = parse_yaml("rulesmith.yaml", &repo.read("rulesmith.yaml"));
            assert_eq!(manifest["tier"], tier);
        }
    }
}

#[test]
fn the_workflow_installs_rulesmith_and_checks_with_annotations() {
    let repo = Repo::new();
    init(&repo, &["--yes", "--stack", "go"]);
    let workflow = parse_yaml("w", &repo.read(".github/workflows/rulesmith.yml"));
    assert!(workflow["on"]["pull_request"].is_null() || workflow["on"]["pull_request"].is_object());
    assert_eq!(workflow["permissions"]["contents"], "read");
    let steps = workflow["jobs"]["agent-rules"]["steps"].as_array().unwrap();
    // No step installs a package by a name a stranger could claim or builds from source: the
    // project's own action, named by the repository address in Cargo.toml, does the work.
    assert!(steps.iter().all(|s| s["run"].is_null()), "{steps:?}");
    let action = env!("CARGO_PKG_REPOSITORY").trim_start_matches("https://github.com/");
    let version = env!("CARGO_PKG_VERSION");
    // A build outside the release workflow knows no release commit, so the tag names it.
    assert_eq!(steps[1]["uses"], format!("{action}@v{version}"));
    assert!(
        steps[0]["uses"]
            .as_str()
            .unwrap()
            .starts_with("actions/checkout@")
    );
    assert_eq!(
        steps[0]["uses"].as_str().unwrap().len(),
        "actions/checkout@".len() + 40
    );
    let tests = workflow["jobs"]["tests"]["steps"].as_array().unwrap();
    assert!(tests.iter().any(|s| s["uses"] == "actions/setup-go@v5"));
}

#[test]
fn a_full_tree_for_a_node_prototype() {
    let repo = Repo::new();
    let out = init(
        &repo,
        &[
            "--yes",
            "--project",
            "demo",
            "--stack",
            "typescript",
            "--engineering-owner",
            "@acme/platform",
        ],
    );
    insta::assert_snapshot!("init_output", out);
    let schema = repo.read(".rulesmith/manifest.schema.json");
    assert_eq!(schema, repo.run(&["schema", "manifest"]).stdout);
    let mut tree = String::new();
    for (path, bytes) in repo.tree() {
        let path = path.to_string_lossy().replace('\\', "/");
        tree.push_str(&format!("=== {path}\n"));
        if path == ".rulesmith/manifest.schema.json" {
            tree.push_str("(the output of `rulesmith schema manifest`)\n");
        } else if path == ".rulesmith/lock.json" {
            // The up-to-date record seals every embedded template and policy, so it changes
            // with any of them; the file list is what this tree is about.
            let mut lock: Value = serde_json::from_slice(&bytes).unwrap();
            assert!(lock["fresh"]["fingerprint"].is_string(), "{lock}");
            lock.as_object_mut().unwrap().remove("fresh");
            tree.push_str(&serde_json::to_string_pretty(&lock).unwrap());
            tree.push('\n');
        } else {
            tree.push_str(&String::from_utf8(bytes).unwrap());
        }
    }
    insta::assert_snapshot!("node_prototype_tree", tree);
}

#[test]
fn without_adopt_existing_files_are_conflicts_and_nothing_is_written() {
    let repo = Repo::new();
    repo.write("CLAUDE.md", "# Our notes\r\n\r\nBe kind to the database.");
    repo.write(".gitignore", "/secret-stuff\n");
    let before = repo.tree();
    let run = repo.run(&["init", "--yes"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("conflicts", run.render());
    assert_eq!(repo.tree(), before);
}

#[test]
fn adopt_keeps_hand_written_files_byte_for_byte() {
    let repo = Repo::new();
    let claude = "# Our notes\r\n\r\nBe kind to the database.";
    let gitignore = "/secret-stuff\n";
    let codeowners = "* @acme/everyone\n";
    repo.write("CLAUDE.md", claude);
    repo.write(".gitignore", gitignore);
    repo.write(".github/CODEOWNERS", codeowners);
    repo.write("GEMINI.md", "Use tabs.\n");
    let out = init(&repo, &["--yes", "--adopt"]);
    assert!(out.contains("adopted CLAUDE.md"), "{out}");
    assert!(out.contains("kept .gitignore"), "{out}");
    assert_eq!(repo.read(".gitignore"), gitignore);
    // The rules come first, so an agent that reads only the start of the file reads them; the
    // hand-written text follows byte for byte.
    let adopted = repo.read("CLAUDE.md");
    assert!(adopted.ends_with(claude), "{adopted}");
    assert!(
        adopted.starts_with("<!-- rulesmith:begin -->\r\n"),
        "{adopted}"
    );
    assert!(adopted.contains("<!-- rulesmith:end -->\r\n\r\n# Our notes"));
    // CODEOWNERS keeps its block last: its last matching line wins.
    let owners = repo.read(".github/CODEOWNERS");
    assert!(owners.starts_with(codeowners), "{owners}");
    assert!(owners.trim_end().ends_with("rulesmith:end"), "{owners}");
    // An agent whose file was already there is selected, so its file is adopted, not shadowed.
    assert!(
        repo.read("rulesmith.yaml")
            .contains("targets: [claude, agents, cursor, copilot, gemini]")
    );
    assert!(
        repo.read("GEMINI.md")
            .ends_with("<!-- rulesmith:end -->\n\nUse tabs.\n")
    );
    let (code, out) = check(&repo);
    assert_eq!(code, 0, "{out}");
    let after = repo.tree();
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert_eq!(
        repo.tree(),
        after,
        "a build right after init changes nothing"
    );
}

#[test]
fn the_agreement_is_rebuilt_from_the_manifest_and_drift_is_reported() {
    let repo = Repo::new();
    init(&repo, &["--yes", "--engineering-owner", "@acme/platform"]);
    // The team's own CODEOWNERS lines above the block survive every build.
    let codeowners = repo.read(".github/CODEOWNERS");
    repo.write(
        ".github/CODEOWNERS",
        &format!("docs/ @acme/writers\n{codeowners}"),
    );
    let manifest = repo.read("rulesmith.yaml").replace(
        "        - \"**/migrations/**\"\n",
        "        - \"**/migrations/**\"\n        - /billing/\n",
    );
    let manifest = manifest.replace(
        "        - On-call\n",
        "        - On-call, around the clock\n",
    );
    repo.write("rulesmith.yaml", &manifest);
    let (code, out) = check(&repo);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("RS1005") && out.contains("WORKING-AGREEMENT.md"),
        "{out}"
    );
    assert!(
        out.contains("the managed block in .github/CODEOWNERS is out of date"),
        "{out}"
    );
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.render());
    let codeowners = repo.read(".github/CODEOWNERS");
    assert!(
        codeowners.starts_with("docs/ @acme/writers\n"),
        "{codeowners}"
    );
    assert!(
        codeowners.contains("\n/billing/ @acme/platform\n"),
        "{codeowners}"
    );
    assert!(
        repo.read("WORKING-AGREEMENT.md")
            .contains("On-call, around the clock")
    );
    assert_eq!(check(&repo).0, 0);
    for path in ["WORKING-AGREEMENT.md", ".github/CODEOWNERS"] {
        let text = repo.read(path);
        repo.write(path, &text.replace("@acme/platform", "@acme/someone-else"));
        let (code, out) = check(&repo);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("RS1004"), "{out}");
        assert!(
            out.contains("the `agreement` section of rulesmith.yaml"),
            "{out}"
        );
        repo.write(path, &text);
    }
}

#[test]
fn the_agreement_target_cannot_be_listed_in_targets() {
    let repo = Repo::new();
    repo.write(
        "rulesmith.yaml",
        "project: x\ntier: prototype\ntargets: [claude, agreement]\n",
    );
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`agreement` is not an agent target"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_stack_tier_and_agent_list_the_valid_ones() {
    let repo = Repo::new();
    let run = repo.run(&[
        "init",
        "--yes",
        "--stack",
        "cobol",
        "--tier",
        "prod",
        "--agents",
        "claude,cursor-ai",
    ]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("unknown_choices", run.render());
    assert!(repo.tree().is_empty());
}

#[test]
fn bad_directories_are_clear_errors() {
    let repo = Repo::new();
    repo.write("file.txt", "x");
    let run = repo.run(&["init", "--yes", "file.txt"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("RS0502") && run.stderr.contains("is a file"),
        "{}",
        run.stderr
    );

    init(&repo, &["--yes", "outer"]);
    let before = repo.tree();
    for inner in ["outer/inner", "outer/src/deeper/new"] {
        let run = repo.run(&["init", "--yes", inner]);
        assert_eq!(run.code, 2);
        assert!(run.stderr.contains("RS0503"), "{}", run.stderr);
        assert!(
            run.stderr.contains("inside the rulesmith project at"),
            "{}",
            run.stderr
        );
    }
    for args in [
        &["init", "--yes", "--adopt", "outer"][..],
        &["init", "--yes", "outer"],
    ] {
        // A set-up project is one clear error, not one per file init would write.
        let run = repo.run(args);
        assert_eq!(run.code, 2);
        assert!(
            run.stderr.contains("is already a rulesmith project")
                && run.stderr.contains("error: 1 error"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(repo.tree(), before);
}

#[cfg(target_os = "linux")]
#[test]
fn an_unwritable_directory_is_a_clear_error() {
    // Nobody, root included, can create a directory in /proc.
    let repo = Repo::new();
    let run = repo.run(&["init", "--yes", "/proc/rulesmith-init-test"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(run.stderr.contains("RS0502"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("cannot write in /proc/rulesmith-init-test"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_new_directory_is_created_and_the_project_named_after_it() {
    let repo = Repo::new();
    init(&repo, &["--yes", "apps/shop-prototype"]);
    let manifest = parse_yaml("m", &repo.read("apps/shop-prototype/rulesmith.yaml"));
    assert_eq!(manifest["project"], "shop-prototype");
    let run = repo.run_in("apps/shop-prototype", &["check"]);
    assert_eq!(run.code, 0, "{}", run.render());
}

#[test]
fn without_a_terminal_the_defaults_are_taken_and_the_stack_detected() {
    let repo = Repo::new();
    repo.write("go.mod", "module example.com/x\n");
    // The test harness gives the binary no terminal, so it must not wait for answers.
    init(&repo, &[]);
    let manifest = parse_yaml("m", &repo.read("rulesmith.yaml"));
    let targets: Vec<&str> = manifest["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(targets, ["claude", "agents", "cursor", "copilot"]);
    assert!(repo.read(".gitignore").contains("# Go\n"));
    assert_eq!(repo.read("go.mod"), "module example.com/x\n");
}

#[test]
fn generated_outputs_are_marked_generated_and_none_is_git_ignored() {
    let repo = Repo::new();
    init(&repo, &["--yes"]);
    let lock: Value = serde_json::from_str(&repo.read(".rulesmith/lock.json")).unwrap();
    let ignored = matcher(&repo, repo.read(".gitignore").lines());
    // .gitattributes patterns follow the same matching rules as .gitignore ones.
    let attributes = repo.read(".gitattributes");
    let generated = matcher(
        &repo,
        attributes
            .lines()
            .filter(|line| line.ends_with(" linguist-generated=true text eol=lf"))
            .map(|line| line.split(' ').next().unwrap()),
    );
    let mut checked = 0;
    for file in lock["files"].as_array().unwrap() {
        let path = file["path"].as_str().unwrap();
        // Settings files get entries merged in; managed blocks sit among the user's text.
        let whole = path == ".rulesmith/lock.json"
            || !(path.ends_with(".json") || repo.read(path).contains("rulesmith:begin"));
        let marked = generated
            .matched_path_or_any_parents(path, false)
            .is_ignore();
        assert_eq!(marked, whole, "{path}");
        assert!(
            !ignored.matched_path_or_any_parents(path, false).is_ignore(),
            "{path} is git-ignored"
        );
        checked += 1;
    }
    assert!(checked > 8, "{lock}");
    for secret in [".env", ".env.local", "key.pem", "config/.env.production"] {
        assert!(
            ignored
                .matched_path_or_any_parents(secret, false)
                .is_ignore(),
            "{secret} is not ignored"
        );
    }
    assert!(
        !ignored
            .matched_path_or_any_parents(".env.example", false)
            .is_ignore()
    );
    // Rule files of policies added later are marked too.
    assert!(
        generated
            .matched_path_or_any_parents(".cursor/rules/later.mdc", false)
            .is_ignore()
    );
}

fn matcher<'a>(repo: &Repo, lines: impl Iterator<Item = &'a str>) -> ignore::gitignore::Gitignore {
    let mut builder = ignore::gitignore::GitignoreBuilder::new(PathBuf::from(repo.path()));
    for line in lines {
        builder.add_line(None, line).unwrap();
    }
    builder.build().unwrap()
}

#[test]
fn init_says_when_check_would_not_be_clean() {
    let repo = Repo::new();
    repo.write("GEMINI.md", "Use tabs.\n");
    let out = init(&repo, &["--yes", "--adopt", "--agents", "claude"]);
    assert!(
        out.contains("note: `rulesmith check` reports 1 finding(s) in GEMINI.md"),
        "{out}"
    );
    assert_eq!(repo.read("GEMINI.md"), "Use tabs.\n");
    assert_eq!(check(&repo).0, 1);
}

#[test]
fn adopted_settings_keep_their_layout_and_toml_keys_stay_top_level() {
    let repo = Repo::new();
    let settings = "{\n\t\"permissions\": {\n\t\t\"allow\": [\n\t\t\t\"Bash(ls)\"\n\t\t]\n\t},\n\t\"model\": \"opus\"\n}";
    let codex = "model = \"o3\"\n\n[profiles.fast]\n    model = \"o4-mini\"\n    approval_policy = \"on-request\"\n";
    repo.write(".claude/settings.json", settings);
    repo.write(".codex/config.toml", codex);
    init(
        &repo,
        &["--yes", "--adopt", "--agents", "claude,agents,codex"],
    );

    let merged = repo.read(".claude/settings.json");
    assert!(
        merged
            .starts_with("{\n\t\"permissions\": {\n\t\t\"allow\": [\n\t\t\t\"Bash(ls)\"\n\t\t],\n"),
        "{merged}"
    );
    assert!(!merged.contains("\n  "), "tabs became spaces: {merged}");
    assert!(
        merged.ends_with("\n\t},\n\t\"model\": \"opus\"\n}"),
        "key order or the missing final newline changed: {merged}"
    );

    let config = repo.read(".codex/config.toml");
    assert!(
        config.starts_with("model = \"o3\"\n\n# rulesmith:begin\n"),
        "{config}"
    );
    assert!(
        config.ends_with("# rulesmith:end\n\n[profiles.fast]\n    model = \"o4-mini\"\n    approval_policy = \"on-request\"\n"),
        "{config}"
    );
    // The block's keys stay top-level: under `[profiles.fast]` they would set the profile.
    let parsed: toml::Table = config.parse().unwrap();
    assert_eq!(parsed["sandbox_mode"].as_str(), Some("workspace-write"));
    assert_eq!(
        parsed["profiles"]["fast"]["model"].as_str(),
        Some("o4-mini")
    );
    assert!(parsed["profiles"]["fast"].get("sandbox_mode").is_none());

    let (code, out) = check(&repo);
    assert_eq!(code, 0, "{out}");
    let after = repo.tree();
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert_eq!(
        repo.tree(),
        after,
        "a build right after init changes nothing"
    );
}

#[test]
fn init_reports_ignored_outputs_before_writing_and_fixes_gitignore_on_request() {
    let gitignore = ".claude/\n*.json\n";
    let repo = Repo::new();
    repo.write(".gitignore", gitignore);
    let out = init(&repo, &["--yes", "--adopt", "--agents", "claude"]);
    let warning = out.find("warning[RS0408]").expect("the warning is printed");
    assert!(warning < out.find("created").unwrap(), "{out}");
    assert!(out.contains("`!/.claude/` `/.claude/*`"), "{out}");
    assert_eq!(repo.read(".gitignore"), gitignore);

    let repo = Repo::new();
    repo.write(".gitignore", gitignore);
    let out = init(
        &repo,
        &["--yes", "--adopt", "--agents", "claude", "--fix-gitignore"],
    );
    assert!(!out.contains("RS0408"), "{out}");
    assert!(out.contains("extended .gitignore"), "{out}");
    let fixed = repo.read(".gitignore");
    assert!(fixed.starts_with(gitignore), "{fixed}");
    let ignored = matcher(&repo, fixed.lines());
    for kept in [
        ".claude/settings.json",
        ".rulesmith/lock.json",
        "rulesmith.yaml",
    ] {
        assert!(
            !ignored.matched_path_or_any_parents(kept, false).is_ignore()
                || ignored.matched(kept, false).is_whitelist(),
            "{kept}"
        );
    }
    assert!(fixed.contains("\n!/.claude/settings.json\n"), "{fixed}");
}
