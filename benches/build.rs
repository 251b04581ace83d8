//! Benchmark: `rulesmith build` on a generated repository of 200 policies × 8 rules.
//!
//! `cargo bench --bench build` measures; `cargo test` runs it once as a smoke test.
#![allow(clippy::disallowed_methods)] // benchmarks and the build script work on disk

mod support;

use std::process::Command;

use rulesmith::commands::{Need, Workspace};
use rulesmith::compile::Budgets;
use support::{benchmarking, generate_repo, peak_rss_kib, report, time};

fn main() {
    let runs = if benchmarking() { 30 } else { 1 };
    let dir = tempfile::tempdir().unwrap();
    generate_repo(dir.path(), 200, 8, "[claude, cursorrules, zed]");
    let binary = env!("CARGO_BIN_EXE_rulesmith");

    let build = || {
        let status = Command::new(binary)
            .arg("build")
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
    };
    build();
    let cold = time(runs, || {
        for path in ["CLAUDE.md", ".cursorrules", ".rules"] {
            let _ = std::fs::remove_file(dir.path().join(path));
        }
        build();
    });
    let warm = time(runs, build);
    let peak = peak_rss_kib(dir.path(), &["build"]);
    report("build 200x8, 3 targets, writes (process)", cold, peak);
    report("build 200x8, 3 targets, up to date (process)", warm, peak);

    let in_process = time(runs, || {
        let workspace = Workspace::load(None, dir.path(), Need::Project).unwrap();
        workspace.compile(Budgets::Enforce).unwrap();
    });
    report("load + compile 200x8 (in process)", in_process, None);
}
