//! Benchmark: `rulesmith check` on a generated repository of 200 policies × 8 rules with every
//! built-in target without a hard size limit selected, clean and with drift.
//!
//! `cargo bench --bench check` measures; `cargo test` runs it once as a smoke test.
#![allow(clippy::disallowed_methods)] // benchmarks and the build script work on disk

mod support;

use std::process::Command;

use rulesmith::commands::{Need, Workspace};
use rulesmith::model::agreement::AGREEMENT_TARGET;
use rulesmith::model::target::BudgetKind;
use rulesmith::render::catalog::Catalog;
use support::{benchmarking, generate_repo, peak_rss_kib, report, time};

fn main() {
    let runs = if benchmarking() { 30 } else { 1 };
    let dir = tempfile::tempdir().unwrap();
    // 200 policies are far over the AGENTS.md and Windsurf limits, which fail a build.
    let catalog = Catalog::builtin();
    let unlimited: Vec<&str> = catalog
        .targets
        .values()
        .filter(|t| t.spec.requires.is_empty() && t.spec.id != AGREEMENT_TARGET)
        .filter(|t| !t.spec.outputs.is_empty())
        .filter(|t| t.spec.budgets.iter().all(|b| b.kind != BudgetKind::Hard))
        .map(|t| t.spec.id.as_str())
        .collect();
    let targets = format!("[{}]", unlimited.join(", "));
    generate_repo(dir.path(), 200, 8, &targets);
    let binary = env!("CARGO_BIN_EXE_rulesmith");
    let run = |args: &[&str], expected: i32| {
        let output = Command::new(binary)
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(expected),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    run(&["build"], 0);
    let clean = time(runs, || run(&["check"], 0));
    let peak = peak_rss_kib(dir.path(), &["check"]);
    report(
        "check 200x8, unlimited targets, clean (process)",
        clean,
        peak,
    );

    let in_process = time(runs, || {
        let workspace = Workspace::load(None, dir.path(), Need::Project).unwrap();
        workspace.reconcile().unwrap();
    });
    report(
        "load + compile + read tree 200x8 (in process)",
        in_process,
        None,
    );

    let claude = dir.path().join("CLAUDE.md");
    let text = std::fs::read_to_string(&claude).unwrap();
    std::fs::write(&claude, text.replacen("validate input", "check input", 1)).unwrap();
    let drifted = time(runs, || run(&["check", "--format", "json"], 1));
    report(
        "check 200x8, unlimited targets, one edit (process)",
        drifted,
        None,
    );
}
