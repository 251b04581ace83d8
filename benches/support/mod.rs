//! Shared by the benchmarks: a generated repository and simple timing.

#![allow(dead_code, reason = "each benchmark uses a different subset")]

use std::path::Path;
use std::time::{Duration, Instant};

/// Whether cargo runs us as a benchmark (`cargo bench`) rather than as a smoke test
/// (`cargo test --all-targets`, which runs each benchmark once).
pub(crate) fn benchmarking() -> bool {
    std::env::args().any(|arg| arg == "--bench")
}

/// Writes a repository with `policies` policy files of `rules` rules each, and a manifest
/// selecting `targets`.
pub(crate) fn generate_repo(root: &Path, policies: usize, rules: usize, targets: &str) {
    let dir = root.join(".rulesmith/policies");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        root.join("rulesmith.yaml"),
        format!("project: bench\ntier: production\ntargets: {targets}\n"),
    )
    .unwrap();
    for p in 0..policies {
        let mut text = format!(
            "id: policy-{p:03}\ntitle: Generated policy {p}\ndescription: Policy number {p}, generated for the benchmark.\n"
        );
        if p % 4 == 0 {
            text.push_str(&format!(
                "scope:\n  paths: [\"src/module{p}/**/*.ts\"]\n  languages: [typescript]\n"
            ));
        }
        text.push_str("rules:\n");
        for r in 0..rules {
            let level = ["must", "must-not", "should", "should-not"][r % 4];
            text.push_str(&format!(
                "  - id: rule-{r}\n    level: {level}\n    text: validate input number {r} of policy {p} with the shared validator before use.\n    rationale: Unvalidated input is the root of most injection bugs.\n    references: [CWE-20, \"A03:2021\"]\n"
            ));
        }
        std::fs::write(dir.join(format!("policy-{p:03}.yaml")), text).unwrap();
    }
}

/// Runs `f` `runs` times and returns the fastest and the median duration.
pub(crate) fn time(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    let mut samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    samples.sort();
    (samples[0], samples[samples.len() / 2])
}

/// Peak resident memory of one run of the real binary, in KiB, where `/usr/bin/time` exists.
pub(crate) fn peak_rss_kib(root: &Path, args: &[&str]) -> Option<u64> {
    let output = std::process::Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg(env!("CARGO_BIN_EXE_rulesmith"))
        .args(args)
        .current_dir(root)
        .output()
        .ok()?;
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}

/// Prints one result line; benchmarks report on stdout like cargo's own harness.
#[allow(
    clippy::disallowed_macros,
    reason = "a benchmark's report is its output"
)]
pub(crate) fn report(name: &str, (fastest, median): (Duration, Duration), peak_kib: Option<u64>) {
    let memory = peak_kib.map_or_else(
        || "n/a".to_owned(),
        |kib| format!("{:.1} MiB", kib as f64 / 1024.0),
    );
    println!(
        "{name:<44} fastest {:>8.2} ms   median {:>8.2} ms   peak RSS {memory}",
        fastest.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3
    );
}
