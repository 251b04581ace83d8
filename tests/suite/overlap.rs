//! Reading overlap: how many times each rule reaches each agent, counted from the registry
//! (which files each agent reads, its own and other targets') over a build of the built-in pack
//! with `targets: all`.

use std::collections::BTreeMap;

use rulesmith::agents::{Registry, TargetKind, read_glob};
use rulesmith::compile::parse_policies;
use rulesmith::render::catalog::Catalog;
use rulesmith::resolve::pack;

use crate::common::Repo;

/// The built-in pack at the production tier for a TypeScript repository, every target built.
fn build_all(overlap: &str) -> Repo {
    let repo = Repo::new();
    repo.write(
        "rulesmith.yaml",
        &format!(
            "project: demo\ntier: production\ntargets: all\nlanguages: [typescript]\noverlap: {overlap}\n"
        ),
    );
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.render());
    repo
}

/// Every file the build wrote, with the target that wrote it, from the lock.
fn written(repo: &Repo) -> Vec<(String, String)> {
    let lock: serde_json::Value = serde_json::from_str(&repo.read(".rulesmith/lock.json")).unwrap();
    lock["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["target"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// For each agent target the build selects, the instruction files its agent loads: the
/// ones it writes that the registry says it reads as instructions, and the other targets'
/// files its `reads` name with `from`.
fn loads(catalog: &Catalog, files: &[(String, String)]) -> BTreeMap<String, Vec<String>> {
    let registry = Registry::new(catalog.targets.values().map(|t| &t.spec));
    let mut out = BTreeMap::new();
    for target in catalog.targets.values() {
        let spec = &target.spec;
        let mut loaded: Vec<String> = files
            .iter()
            .filter(|(path, writer)| {
                writer == &spec.id
                    && registry
                        .classify(path)
                        .is_some_and(|file| file.kind.is_prose())
            })
            .map(|(path, _)| path.clone())
            .collect();
        for read in &spec.reads {
            let Some(from) = &read.from else { continue };
            let glob = read_glob(&read.path).unwrap().compile_matcher();
            for (path, writer) in files {
                if writer == from && glob.is_match(path) && !loaded.contains(path) {
                    loaded.push(path.clone());
                }
            }
        }
        // `targets: all` selects every agent target that writes files.
        let selected = spec.kind == TargetKind::Agent && !spec.outputs.is_empty();
        if selected && !loaded.is_empty() {
            out.insert(spec.id.clone(), loaded);
        }
    }
    out
}

/// How many times each rule of the built-in pack reaches each agent, counting its text in
/// every file the agent loads; rules that reach no file (other languages, other tiers) are
/// left out.
fn reach(repo: &Repo) -> BTreeMap<String, BTreeMap<String, usize>> {
    let catalog = Catalog::builtin();
    let files = written(repo);
    let policies = parse_policies(pack::sources()).unwrap();
    let texts: Vec<String> = policies
        .iter()
        .flat_map(|p| &p.policy.rules)
        .map(|r| r.text.trim().to_owned())
        .collect();
    let mut out = BTreeMap::new();
    for (agent, paths) in loads(&catalog, &files) {
        let bodies: Vec<String> = paths.iter().map(|p| repo.read(p)).collect();
        let mut counts = BTreeMap::new();
        for text in &texts {
            let count: usize = bodies
                .iter()
                .map(|b| b.matches(text.as_str()).count())
                .sum();
            if count > 0 {
                counts.insert(text.clone(), count);
            }
        }
        out.insert(agent, counts);
    }
    out
}

/// The agents reached by some rule more than once, with one such rule and its count.
fn repeated(reach: &BTreeMap<String, BTreeMap<String, usize>>) -> BTreeMap<String, String> {
    reach
        .iter()
        .filter_map(|(agent, counts)| {
            let (text, n) = counts.iter().find(|(_, n)| **n > 1)?;
            Some((agent.clone(), format!("{n}x {text}")))
        })
        .collect()
}

#[test]
fn under_dedupe_a_rule_reaches_each_agent_once_through_its_own_files() {
    let repo = build_all("dedupe");
    let catalog = Catalog::builtin();
    let files = written(&repo);
    let reach = reach(&repo);
    // Every agent that reads another target's files gets some rule.
    for agent in ["cursor", "windsurf", "kiro", "copilot", "codex", "augment"] {
        assert!(
            reach.get(agent).is_some_and(|c| !c.is_empty()),
            "{agent} gets no rule: {:?}",
            reach.get(agent)
        );
    }
    // What is left repeated comes only from two other targets' files that both carry it
    // (Copilot in VS Code and Augment read both CLAUDE.md and AGENTS.md); no agent's own file
    // repeats a rule it already gets.
    let loads = loads(&catalog, &files);
    for (agent, example) in repeated(&reach) {
        let own: Vec<String> = loads[&agent]
            .iter()
            .filter(|path| files.iter().any(|(p, w)| p == *path && w == &agent))
            .map(|path| repo.read(path))
            .collect();
        let text = example.split_once("x ").unwrap().1;
        assert!(
            own.iter().all(|body| !body.contains(text)),
            "{agent}'s own files repeat: {example}"
        );
        let writers: Vec<&str> = loads[&agent]
            .iter()
            .filter_map(|path| files.iter().find(|(p, _)| p == path))
            .map(|(_, w)| w.as_str())
            .filter(|w| *w != agent)
            .collect();
        assert!(
            writers.contains(&"claude") && writers.contains(&"agents"),
            "{agent}: {example} from {writers:?}"
        );
    }
}

#[test]
fn duplicate_writes_every_rule_into_every_file_again() {
    let repo = build_all("duplicate");
    let repeated = repeated(&reach(&repo));
    for agent in ["cursor", "windsurf", "kiro", "roo", "kilocode", "copilot"] {
        assert!(
            repeated.contains_key(agent),
            "{agent} should get rules twice: {repeated:?}"
        );
    }
    // Agents that read no other target's files are not affected.
    for agent in ["claude", "gemini", "zed"] {
        assert!(!repeated.contains_key(agent), "{agent}: {repeated:?}");
    }
}

#[test]
fn stats_json_lists_every_file_each_agent_loads_with_its_total() {
    let repo = build_all("dedupe");
    let run = repo.run(&["stats", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["overlap"], "dedupe");
    let cursor = doc["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["target"] == "cursor")
        .unwrap();
    let files = cursor["files"].as_array().unwrap();
    assert!(
        files
            .iter()
            .any(|f| f["path"] == "AGENTS.md" && f["from"] == "agents"),
        "{cursor:#}"
    );
    let total: u64 = files.iter().map(|f| f["bytes"].as_u64().unwrap()).sum();
    assert_eq!(cursor["total-bytes"].as_u64().unwrap(), total);
    assert_eq!(
        total,
        files
            .iter()
            .map(|f| repo.read(f["path"].as_str().unwrap()).len() as u64)
            .sum::<u64>()
    );
}

#[test]
fn stats_shows_what_each_agent_loads() {
    let repo = Repo::new();
    repo.write(
        "rulesmith.yaml",
        &crate::common::manifest_keeping("production", "[cursor, agents]", &["agent-permissions"]),
    );
    let human = repo.run(&["stats"]);
    assert_eq!(human.code, 0, "{}", human.render());
    insta::assert_snapshot!("stats_human", human.stdout);
    let json = repo.run(&["stats", "--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.render());
    let json = json.stdout.replace(env!("CARGO_PKG_VERSION"), "[version]");
    insta::assert_snapshot!("stats_json", json);
}

#[test]
fn targets_json_is_one_versioned_document() {
    let run = Repo::new().run(&["targets", "--format", "json"]);
    assert_eq!(run.code, 0);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    let targets = doc["targets"].as_array().unwrap();
    let cursor = targets.iter().find(|t| t["id"] == "cursor").unwrap();
    assert_eq!(cursor["loads"][0]["path"], "**/AGENTS.md");
    assert_eq!(cursor["loads"][0]["from"], "agents");
    let json = run.stdout.replace(env!("CARGO_PKG_VERSION"), "[version]");
    insta::assert_snapshot!("targets_json", json);
}
