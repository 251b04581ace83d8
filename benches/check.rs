//! Benchmark: `rulesmith check` on the four-target repository (Claude, Cursor, AGENTS.md,
//! Copilot) of N policies × 8 rules, clean and with one edited output.
//!
//! `cargo bench --bench check` measures; `cargo test` runs it once as a smoke test. See
//! `support::sizes` for the policy counts.
#![allow(clippy::disallowed_methods)] // benchmarks and the build script work on disk

mod support;

use support::{four_target_repo, peak_rss_kib, report, run, runs_for, sizes, time};

fn main() {
    for n in sizes() {
        let runs = runs_for(n);
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        four_target_repo(root, n);
        run(root, &["build"], 0);

        let clean = time(runs, || run(root, &["check"], 0));
        let peak = peak_rss_kib(root, &["check"]);
        report(&format!("check {n}x8, 4 targets, clean"), clean, peak);

        let claude = root.join("CLAUDE.md");
        let text = std::fs::read_to_string(&claude).unwrap();
        std::fs::write(&claude, text.replacen("validate input", "check input", 1)).unwrap();
        let drifted = time(runs, || run(root, &["check", "--format", "json"], 1));
        let peak = peak_rss_kib(root, &["check", "--format", "json"]);
        report(&format!("check {n}x8, 4 targets, one edit"), drifted, peak);
    }
}
