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
    let mut written = Vec::new();
    files(repo.path(), &mut written);
    let foreign: Vec<String> = ["lang-c", "lang-go", "lang-java", "lang-python", "lang-rust"]
        .iter()
        .flat_map(|p| rule_texts(p))
        .collect();
    assert!(foreign.len() > 20, "{foreign:?}");
    let kept = rule_texts("lang-javascript");
    let mut javascript_seen = false;
    for path in &written {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for rule in &foreign {
            assert!(!text.contains(rule.as_str()), "{}: {rule}", path.display());
        }
        javascript_seen |= kept.iter().any(|rule| text.contains(rule.as_str()));
    }
    assert!(javascript_seen, "the TypeScript pack is missing");
    let agents = repo.read("AGENTS.md");
    assert!(
        agents.len() <= 32 * 1024 - 8 * 1024,
        "AGENTS.md is {} bytes, leaving less than 8 KiB of Codex's 32 KiB",
        agents.len()
    );
}
