//! Benchmark: the scan library alone, with no walk and no disk. 10,000 files are held in
//! memory, 500 of them agent files (the real-world corpus in `tests/fixtures/corpus`, copied
//! round-robin into packages, Markdown and shell parsers and all); every path is classified
//! against the agent registry and the agent files are scanned. The scanner runs on one thread,
//! so the figures are for one core.
//!
//! `cargo bench --bench scan_library` measures; `cargo test` runs it once as a smoke test.
#![allow(clippy::disallowed_methods)] // the corpus is read from disk once, before timing

mod support;

use rulesmith::agents::Registry;
use rulesmith::scan::file::{Body, Discovered};
use rulesmith::scan::{self, ScanConfig, trust::TrustFile};
use support::{agent_corpus, benchmarking, report, time};

const FILES: usize = 10_000;
const AGENT_FILES: usize = 500;

/// 500 agent files from the corpus and 9,500 ordinary source files, as (path, bytes).
fn tree() -> Vec<(String, Vec<u8>)> {
    let corpus = agent_corpus();
    let mut files: Vec<(String, Vec<u8>)> = (0..AGENT_FILES)
        .map(|i| {
            let (relative, bytes) = &corpus[i % corpus.len()];
            (
                format!("packages/p{:03}/{relative}", i / corpus.len()),
                bytes.clone(),
            )
        })
        .collect();
    files.extend((0..FILES - AGENT_FILES).map(|i| {
        (
            format!("src/module{:03}/file{:02}.rs", i / 50, i % 50),
            format!("//! Generated module {i}.\n\npub fn value_{i}() -> usize {{\n    {i}\n}}\n")
                .repeat(8)
                .into_bytes(),
        )
    }));
    files
}

/// Classifies every path; keeps the agent files (all files with `all_files`).
fn discover(registry: &Registry, tree: &[(String, Vec<u8>)], all_files: bool) -> Vec<Discovered> {
    tree.iter()
        .filter_map(|(path, bytes)| {
            let file = registry.classify(path);
            (all_files || file.is_some()).then(|| Discovered {
                path: path.clone(),
                file,
                body: Body::Bytes(bytes.clone()),
            })
        })
        .collect()
}

fn main() {
    let runs = if benchmarking() { 20 } else { 1 };
    let tree = tree();
    let registry = Registry::builtin();
    let config = ScanConfig::default();
    let trust = TrustFile::default();

    let agent_files = time(runs, || {
        let found = discover(registry, &tree, false);
        assert_eq!(found.len(), AGENT_FILES);
        let outcome = scan::scan_files(&found, &trust, &config);
        assert_eq!(outcome.files_scanned, AGENT_FILES);
        assert!(!outcome.findings.is_empty(), "the corpus has findings");
    });
    report(
        "classify 10,000 paths, scan 500 agent files (library)",
        agent_files,
        None,
    );

    let everything = time(runs, || {
        let found = discover(registry, &tree, true);
        let outcome = scan::scan_files(&found, &trust, &config);
        assert_eq!(outcome.files_scanned, FILES);
    });
    report("scan all 10,000 files (library)", everything, None);
}
