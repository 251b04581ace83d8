//! The manifest's `languages:` list: language packs and language-scoped rules reach only the
//! repositories that hold the language.

use std::path::Path;

use crate::common::Repo;

/// The rule texts of a built-in policy, read from its file.
fn rule_texts(policy: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("policies/{policy}.yaml"));
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("text: "))
        .map(|t| t.trim_matches('"').chars().take(40).collect())
        .collect()
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The rule texts of the packs for languages other than JavaScript and TypeScript.
fn foreign_rules() -> Vec<String> {
    let foreign: Vec<String> = ["lang-c", "lang-go", "lang-java", "lang-python", "lang-rust"]
        .iter()
        .flat_map(|p| rule_texts(p))
        .collect();
    assert!(foreign.len() > 20, "{foreign:?}");
    foreign
}

/// Builds `repo` and checks that no written file holds another language's rule and that the
/// JavaScript pack is there.
fn assert_only_typescript_rules(repo: &Repo) {
    let mut written = Vec::new();
    files(repo.path(), &mut written);
    let foreign = foreign_rules();
    let kept = rule_texts("lang-javascript");
    let mut javascript_seen = false;
    for path in &written {
        if path.components().any(|c| c.as_os_str() == "node_modules") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for rule in &foreign {
            assert!(!text.contains(rule.as_str()), "{}: {rule}", path.display());
        }
        javascript_seen |= kept.iter().any(|rule| text.contains(rule.as_str()));
    }
    assert!(javascript_seen, "the TypeScript pack is missing");
}

#[test]
fn a_typescript_repository_gets_no_other_languages_rules_and_room_in_agents_md() {
    let repo = Repo::new();
    repo.write(
        "rulesmith.yaml",
        "project: web\ntier: production\ntargets: all\nlanguages: [typescript]\n",
    );
    repo.write("src/index.ts", "export {};\n");
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert_only_typescript_rules(&repo);
    let agents = repo.read("AGENTS.md");
    assert!(
        agents.len() <= 32 * 1024 - 8 * 1024,
        "AGENTS.md is {} bytes, leaving less than 8 KiB of Codex's 32 KiB",
        agents.len()
    );
}

#[test]
fn a_typescript_repository_without_a_list_is_detected_and_gets_no_other_languages_rules() {
    let repo = Repo::new();
    repo.write(
        "rulesmith.yaml",
        "project: web\ntier: production\ntargets: all\n",
    );
    repo.write("package.json", "{}\n");
    repo.write("tsconfig.json", "{}\n");
    repo.write("src/index.ts", "export {};\n");
    // Other people's code and ignored output say nothing about the repository's languages.
    repo.write("node_modules/native/binding.go", "package native\n");
    repo.write("node_modules/native/setup.py", "\n");
    repo.write(".gitignore", "/generated/\n");
    repo.write("generated/Main.java", "class Main {}\n");
    repo.write("generated/lib.rs", "\n");
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(
        run.stderr
            .lines()
            .any(|line| line == "languages: javascript, json, typescript (detected)"),
        "{}",
        run.render()
    );
    assert_only_typescript_rules(&repo);
}

#[test]
fn build_reports_the_languages_and_where_they_came_from() {
    let repo = Repo::new();
    repo.write(
        "rulesmith.yaml",
        "project: web\ntier: internal\ntargets: [claude]\n",
    );
    let undetected = repo.run(&["build"]);
    repo.write("db/schema.sql", "create table t (id int);\n");
    repo.write("web/app.tsx", "export {};\n");
    let detected = repo.run(&["build"]);
    repo.write(
        "rulesmith.yaml",
        "project: web\ntier: internal\ntargets: [claude]\nlanguages: [go]\n",
    );
    let listed = repo.run(&["build"]);
    let quiet = repo.run(&["build", "--quiet"]);
    let first = |run: &crate::common::Run| {
        let line = run
            .stderr
            .lines()
            .find(|line| line.starts_with("languages: "));
        line.unwrap_or_default().to_owned()
    };
    insta::assert_snapshot!(
        [first(&undetected), first(&detected), first(&listed)].join("\n"),
        @r"
    languages: no source files recognised, every language's rules kept
    languages: sql, typescript (detected)
    languages: go (from rulesmith.yaml)
    "
    );
    assert_eq!(quiet.code, 0);
    assert_eq!(quiet.stderr, "");
}

#[test]
fn init_writes_the_stacks_languages_into_the_manifest() {
    let repo = Repo::new();
    let run = repo.run(&["init", "--yes", "--stack", "node"]);
    assert_eq!(run.code, 0, "{}", run.render());
    let manifest = repo.read("rulesmith.yaml");
    assert!(
        manifest.contains("\nlanguages: [javascript, typescript]\n"),
        "{manifest}"
    );
    let run = repo.run(&["build"]);
    assert!(
        run.stderr
            .contains("languages: javascript, typescript (from rulesmith.yaml)\n"),
        "{}",
        run.render()
    );
    assert_only_typescript_rules(&repo);
}

#[test]
fn a_new_language_in_the_tree_is_drift_even_when_the_lock_says_up_to_date() {
    let repo = Repo::new();
    repo.write(
        "rulesmith.yaml",
        "project: web\ntier: production\ntargets: [claude, agents]\n",
    );
    repo.write("package.json", "{}\n");
    repo.write("src/index.ts", "export {};\n");
    assert_eq!(repo.run(&["build"]).code, 0);
    assert_eq!(repo.run(&["check"]).code, 0);
    // Nothing the lock seals changed, but the detected languages did: the Go pack now applies.
    repo.write("cmd/main.go", "package main\n");
    let check = repo.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.render());
    assert_eq!(repo.run(&["build"]).code, 0);
    let agents = repo.read("AGENTS.md");
    assert!(
        rule_texts("lang-go")
            .iter()
            .any(|t| agents.contains(t.as_str())),
        "the Go pack is missing from AGENTS.md"
    );
    assert_eq!(repo.run(&["check"]).code, 0);
}
