//! Benchmark: `rulesmith scan` on a generated tree of 10,000 files, 500 of them agent files
//! (the real-world corpus in `tests/fixtures/corpus`, copied round-robin into packages).
//!
//! `cargo bench --bench scan` measures; `cargo test` runs it once as a smoke test. The scanner
//! is single-threaded, so the figures are for one core.
#![allow(clippy::disallowed_methods)] // benchmarks and the build script work on disk

mod support;

use std::path::Path;
use std::process::Command;

use rulesmith::agents::Registry;
use rulesmith::load::walk::{self, WalkOptions};
use rulesmith::scan::{self, ScanConfig, trust::TrustFile};
use support::{agent_corpus, benchmarking, peak_rss_kib, report, time};

const FILES: usize = 10_000;
const AGENT_FILES: usize = 500;

/// Writes 500 agent files and 9,500 ordinary source files under `root`.
fn generate(root: &Path) {
    let corpus = agent_corpus();
    for i in 0..AGENT_FILES {
        let (relative, bytes) = &corpus[i % corpus.len()];
        let path = root.join(format!("packages/p{:03}/{relative}", i / corpus.len()));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    for i in 0..FILES - AGENT_FILES {
        let path = root.join(format!("src/module{:03}/file{:02}.rs", i / 50, i % 50));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(
            path,
            format!("//! Generated module {i}.\n\npub fn value_{i}() -> usize {{\n    {i}\n}}\n")
                .repeat(8),
        )
        .unwrap();
    }
}

fn main() {
    let runs = if benchmarking() { 20 } else { 1 };
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path());
    let binary = env!("CARGO_BIN_EXE_rulesmith");
    let process = time(runs, || {
        let output = Command::new(binary)
            .args(["scan", "--format", "json"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "the corpus has findings");
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(report["summary"]["files_checked"], AGENT_FILES);
    });
    let peak = peak_rss_kib(dir.path(), &["scan", "--format", "json"]);
    report(
        "scan 10,000 files / 500 agent files (process)",
        process,
        peak,
    );

    let walk_only = time(runs, || {
        let (found, _) =
            walk::discover(dir.path(), &[], WalkOptions::default(), Registry::builtin());
        assert_eq!(found.len(), AGENT_FILES);
    });
    report("walk + read 500 agent files (in process)", walk_only, None);

    let (found, _) = walk::discover(dir.path(), &[], WalkOptions::default(), Registry::builtin());
    let config = ScanConfig::default();
    let scan_only = time(runs, || {
        scan::scan_files(&found, &TrustFile::default(), &config);
    });
    report("scan 500 agent files in memory", scan_only, None);

    let all = time(runs, || {
        let (found, _) = walk::discover(
            dir.path(),
            &[],
            WalkOptions { all_files: true },
            Registry::builtin(),
        );
        scan::scan_files(&found, &TrustFile::default(), &config);
    });
    report("scan --all-files, 10,000 files (in process)", all, None);
}
