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

/// The four targets the comparison with other tools uses: Claude, Cursor, AGENTS.md and Copilot.
///
/// AGENTS.md comes from a repository target that copies the built-in `agents` target without its
/// 32 KiB hard limit, which a few dozen generated policies exceed and which would stop the build.
pub(crate) fn four_target_repo(root: &Path, policies: usize) {
    generate_repo(root, policies, 8, "[claude, cursor, agents-md, copilot]");
    let builtin = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/targets/agents"));
    let dir = root.join(".rulesmith/targets/agents-md");
    std::fs::create_dir_all(&dir).unwrap();
    let spec = std::fs::read_to_string(builtin.join("target.yaml")).unwrap();
    let mut kept = String::new();
    let mut skipping = false;
    for line in spec.lines() {
        if !line.starts_with(' ') && !line.starts_with('-') {
            skipping = line.starts_with("budgets:") || line.starts_with("reads:");
        }
        if !skipping {
            kept.push_str(&line.replace("id: agents", "id: agents-md"));
            kept.push('\n');
        }
    }
    std::fs::write(dir.join("target.yaml"), kept).unwrap();
    std::fs::copy(builtin.join("AGENTS.md.hbs"), dir.join("AGENTS.md.hbs")).unwrap();
}

/// The policy counts to measure: `RULESMITH_BENCH_N` (comma-separated) if set, else 40, 200,
/// 500 and 1,000. From about 1,100 policies on, CLAUDE.md and AGENTS.md pass the 1 MiB that
/// rulesmith reads back, and the build refuses them. A smoke test measures only the first.
pub(crate) fn sizes() -> Vec<usize> {
    let mut sizes: Vec<usize> = match std::env::var("RULESMITH_BENCH_N") {
        Ok(list) => list.split(',').map(|n| n.trim().parse().unwrap()).collect(),
        Err(_) => vec![40, 200, 500, 1_000],
    };
    if !benchmarking() {
        sizes.truncate(1);
    }
    sizes
}

/// How many times to repeat a measurement at `policies` policies: fewer for larger repositories.
pub(crate) fn runs_for(policies: usize) -> usize {
    if benchmarking() {
        (4_000 / policies).clamp(3, 30)
    } else {
        1
    }
}

/// Runs the real binary in `root` with `args` and checks its exit code.
pub(crate) fn run(root: &Path, args: &[&str], expected: i32) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rulesmith"))
        .args(args)
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(expected),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
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
        "{name:<52} fastest {:>8.2} ms   median {:>8.2} ms   peak RSS {memory}",
        fastest.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3
    );
}

/// Every file of the real-world corpus (`tests/fixtures/corpus`), as (relative path, bytes), skipping its notes.
pub(crate) fn agent_corpus() -> Vec<(String, Vec<u8>)> {
    fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.path());
        for entry in entries {
            let path = entry.path();
            if path.is_dir() {
                collect(root, &path, out);
            } else if path.file_name() != Some("SOURCES.md".as_ref()) {
                let relative = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((relative, std::fs::read(&path).unwrap()));
            }
        }
    }
    let root = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/corpus"
    ));
    let mut out = Vec::new();
    collect(root, root, &mut out);
    out
}
