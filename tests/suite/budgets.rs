//! Whole-file and whole-chain budgets: sizes count everything the agent reads, hand-written
//! text included, and the rules stay where a reader that stops early still reads them.

use crate::common::{Repo, manifest_for};
use rulesmith::render::budget::thousands;

/// A team's own notes of about `bytes` bytes, as a long hand-written AGENTS.md has.
fn hand_written(bytes: usize) -> String {
    let line = "- Prefer small pull requests and describe how each change was tested.\n";
    let mut text = String::from("# Team notes\n\n");
    while text.len() < bytes {
        text.push_str(line);
    }
    text
}

/// What Codex reads of the AGENTS.md chain by default (`project_doc_max_bytes`).
const CODEX_BUDGET: usize = 32 * 1024;

#[test]
fn an_adopted_agents_md_over_codex_budget_warns_with_its_whole_size_and_keeps_every_requirement_in_reach()
 {
    let repo = Repo::new();
    let notes = hand_written(38_000);
    repo.write("AGENTS.md", &notes);
    let run = repo.run(&[
        "init",
        "--yes",
        "--adopt",
        "--agents",
        "agents",
        "--tier",
        "production",
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    let adopted = repo.read("AGENTS.md");
    let whole = format!("AGENTS.md is {} bytes", thousands(adopted.len() as u64));
    let out = run.render();
    assert!(out.contains("warning[RS0308]"), "{out}");
    assert!(out.contains(&whole), "the whole size is named: {out}");
    assert!(
        out.contains("Largest contributors: hand-written text (38,"),
        "hand-written text is named first: {out}"
    );
    assert!(
        adopted.ends_with(&notes),
        "the notes are kept byte for byte"
    );
    // Every requirement rulesmith wrote lies inside what Codex reads.
    let end = adopted.find("<!-- rulesmith:end -->").unwrap();
    assert!(end < CODEX_BUDGET, "rules end at byte {end}");
    let requirements = adopted.matches("**MUST").count();
    assert!(requirements > 20, "{requirements} requirements");
    assert_eq!(
        adopted[..CODEX_BUDGET].matches("**MUST").count(),
        requirements
    );
    // Build and check repeat the warning, compiled or from the lock, and succeed.
    for command in ["build", "check", "build"] {
        let run = repo.run(&[command]);
        assert_eq!(run.code, 0, "{}", run.render());
        assert!(run.render().contains(&whole), "{}", run.render());
    }
    let stats = repo.run(&["stats"]);
    assert_eq!(stats.code, 0, "{}", stats.render());
    let shown = format!("{} bytes, 38,", thousands(adopted.len() as u64));
    assert!(
        stats.render().contains(&shown) && stats.render().contains("hand-written"),
        "stats shows the whole size: {}",
        stats.render()
    );
}

#[test]
fn managed_block_last_puts_the_rules_past_codex_budget_and_the_build_fails() {
    let repo = Repo::new();
    let notes = hand_written(38_000);
    repo.write("AGENTS.md", &notes);
    let run = repo.run(&[
        "init",
        "--yes",
        "--adopt",
        "--agents",
        "agents",
        "--managed-block",
        "last",
    ]);
    assert_eq!(run.code, 2, "{}", run.render());
    let out = run.render();
    assert!(out.contains("error[RS0303]"), "{out}");
    assert!(out.contains("(38,"), "{out}");
    assert!(
        out.contains("Largest contributors: hand-written text (38,"),
        "{out}"
    );
    assert_eq!(repo.read("AGENTS.md"), notes, "nothing was written");
}

#[test]
fn a_managed_block_past_codex_budget_fails_the_build_with_the_whole_size() {
    let repo = Repo::new();
    let run = repo.run(&["init", "--yes", "--agents", "agents"]);
    assert_eq!(run.code, 0, "{}", run.render());
    let notes = hand_written(38_000);
    repo.write(
        "AGENTS.md",
        &format!("{notes}\n<!-- rulesmith:begin -->\n<!-- rulesmith:end -->\n"),
    );
    let before = repo.read("AGENTS.md");
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 2, "{}", run.render());
    let out = run.render();
    assert!(out.contains("error[RS0303]"), "{out}");
    assert!(out.contains("AGENTS.md is "), "{out}");
    assert!(out.contains("(38,"), "{out}");
    assert_eq!(repo.read("AGENTS.md"), before, "nothing was written");
    let stats = repo.run(&["stats"]);
    assert_eq!(stats.code, 1, "{}", stats.render());
    assert!(stats.render().contains("OVER"), "{}", stats.render());
}

#[test]
fn a_codex_chain_counts_the_hand_written_agents_md_below_the_root() {
    let repo = Repo::new();
    // No agreement, so every output is rulesmith's whole and the up-to-date fast path applies.
    repo.write("rulesmith.yaml", &manifest_for(&["agents"]));
    for _ in 0..2 {
        let build = repo.run(&["build"]);
        assert_eq!(build.code, 0, "{}", build.render());
        assert!(!build.render().contains("RS03"), "{}", build.render());
    }
    repo.write("services/api/AGENTS.md", &hand_written(34_000));
    let chain = "services/api/AGENTS.md with the files above it is ";
    // The lock seals no hand-written file, so the up-to-date build measures again.
    // `check` also reports the hand-written file as shadow rules (RS1008), so it exits 1.
    for (command, code) in [("build", 0), ("check", 1)] {
        let run = repo.run(&[command]);
        assert_eq!(run.code, code, "{}", run.render());
        let out = run.render();
        assert!(out.contains(chain), "the chain's total is measured: {out}");
        assert!(out.contains("RS0308"), "the root's rules come first: {out}");
    }
    let stats = repo.run(&["stats"]).render();
    assert!(
        stats.contains("services/api/AGENTS.md with the files above it"),
        "{stats}"
    );
}

#[test]
fn a_hand_written_windsurf_rules_file_counts_towards_windsurfs_total() {
    let repo = Repo::new();
    repo.write(
        "rulesmith.yaml",
        &crate::common::manifest_keeping("prototype", "[windsurf]", &["secrets"]),
    );
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(!run.render().contains("RS0304"), "{}", run.render());
    repo.write(".windsurf/rules/team.md", &hand_written(11_000));
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.render());
    let out = run.render();
    assert!(out.contains("warning[RS0304]"), "{out}");
    assert!(
        out.contains("`.windsurf/rules/*.md` together is ") && out.contains("hand-written"),
        "{out}"
    );
}

/// A policy of about `bytes` bytes of the team's rules, kept as written when `verbatim`
/// (as `rulesmith import` writes them) or stated with rulesmith's keywords otherwise.
fn team_policy(bytes: usize, verbatim: bool) -> String {
    let mut text = String::from("id: team-notes\ntitle: Team notes\nrules:\n");
    let mut n = 0;
    while text.len() < bytes {
        text.push_str(&format!(
            "- id: note-{n}\n  level: must\n  text: Describe how change {n} was tested in its pull request\n  verbatim: {verbatim}\n"
        ));
        n += 1;
    }
    text
}

#[test]
fn imported_rules_past_codex_budget_count_as_the_teams_text_and_warn_after_every_built_in_rule() {
    let repo = Repo::new();
    let init = repo.run(&[
        "init",
        "--yes",
        "--agents",
        "agents",
        "--tier",
        "production",
    ]);
    assert_eq!(init.code, 0, "{}", init.render());
    // The same rules stated with rulesmith's keywords lie past the limit: the build fails.
    repo.write(
        ".rulesmith/policies/team-notes.yaml",
        &team_policy(60_000, false),
    );
    let stated = repo.run(&["build"]);
    assert_eq!(stated.code, 2, "{}", stated.render());
    assert!(
        stated.render().contains("error[RS0303]"),
        "{}",
        stated.render()
    );
    // Kept as written, they are the team's text: a warning naming the whole size.
    repo.write(
        ".rulesmith/policies/team-notes.yaml",
        &team_policy(60_000, true),
    );
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.render());
    let out = run.render();
    assert!(!out.contains("RS0303"), "{out}");
    let built = repo.read("AGENTS.md");
    let whole = format!("AGENTS.md is {} bytes", thousands(built.len() as u64));
    assert!(out.contains("warning[RS0308]"), "{out}");
    assert!(out.contains(&whole), "the whole size is named: {out}");
    // Every built-in requirement comes before the team's rules, inside what Codex reads.
    let team = built
        .find("## Team notes")
        .expect("the team's rules are rendered");
    assert!(team < CODEX_BUDGET, "the team's rules start at byte {team}");
    let requirements = built.matches("**MUST").count();
    assert!(requirements > 20, "{requirements} requirements");
    assert_eq!(built[..team].matches("**MUST").count(), requirements);
    assert!(built[team..].contains("- Describe how change 0 was tested"));
    let check = repo.run(&["check"]);
    assert_eq!(check.code, 0, "{}", check.render());
}
