//! Benchmark: `rulesmith build` on the four-target repository (Claude, Cursor, AGENTS.md,
//! Copilot) of N policies × 8 rules: up to date, and rewriting every output.
//!
//! `cargo bench --bench build` measures; `cargo test` runs it once as a smoke test. See
//! `support::sizes` for the policy counts.
#![allow(clippy::disallowed_methods)] // benchmarks and the build script work on disk

mod support;

use rulesmith::commands::{Need, Workspace};
use rulesmith::compile::Budgets;
use support::{four_target_repo, peak_rss_kib, report, run, runs_for, sizes, time};

fn main() {
    for n in sizes() {
        let runs = runs_for(n);
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        four_target_repo(root, n);
        run(root, &["build"], 0);

        let up_to_date = time(runs, || run(root, &["build"], 0));
        let peak = peak_rss_kib(root, &["build"]);
        report(
            &format!("build {n}x8, 4 targets, up to date"),
            up_to_date,
            peak,
        );

        // Renaming the project changes every output's title, so every file is rewritten.
        let manifest = std::fs::read_to_string(root.join("rulesmith.yaml")).unwrap();
        let mut round = 0;
        let rewrite = time(runs, || {
            round += 1;
            let renamed = manifest.replace("project: bench", &format!("project: bench{round}"));
            std::fs::write(root.join("rulesmith.yaml"), renamed).unwrap();
            run(root, &["build"], 0);
        });
        std::fs::write(
            root.join("rulesmith.yaml"),
            manifest.replace("project: bench", "project: rss"),
        )
        .unwrap();
        let peak = peak_rss_kib(root, &["build"]);
        report(
            &format!("build {n}x8, 4 targets, rewrite all"),
            rewrite,
            peak,
        );

        let compile = time(runs, || {
            let workspace = Workspace::load(None, root, Need::Project).unwrap();
            workspace.compile(Budgets::Enforce).unwrap();
        });
        report(&format!("load + compile {n}x8 (in process)"), compile, None);
    }
}
