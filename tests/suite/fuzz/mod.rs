//! Fuzzing on stable Rust: the targets in [`targets`], the mutational driver in [`engine`].
//!
//! `cargo test` replays every saved input and fuzzes each target for a few hundred runs with a
//! fixed seed. The time-bounded campaign is an ignored test that CI runs from `tests/run.sh`
//! and anyone can run longer:
//!
//! ```sh
//! RULESMITH_FUZZ_SECONDS=1800 RULESMITH_FUZZ_TARGETS=yaml,scan \
//!   cargo test --release --test suite fuzz::campaign -- --ignored --nocapture
//! ```
//!
//! `RULESMITH_FUZZ_SEED` picks the seed (a run is deterministic given it).
#![allow(
    clippy::disallowed_macros,
    reason = "the fuzz driver reports each campaign on the console, as a fuzzer does"
)]

mod engine;
mod targets;

use std::time::Duration;

use engine::{Budget, files_in, run_one, target_dir};
use targets::TARGETS;

/// How long one input may take before it counts as a hang. Debug builds are slow, so it is
/// generous; what it catches is runaway work, not a slow machine.
const SLOW: Duration = Duration::from_secs(5);

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs every target's campaign within `budget`, printing a line per target, and fails listing
/// every input that crashed or hung.
fn run_campaigns(budget: Budget, only: Option<Vec<String>>) {
    let mut failed = Vec::new();
    for target in TARGETS {
        if only
            .as_ref()
            .is_some_and(|names| !names.iter().any(|n| n == target.name))
        {
            continue;
        }
        let report = engine::campaign(target, budget);
        println!(
            "fuzz {}: {} runs in {:.1?} ({:.0}/s), seed {}, {} seeds, corpus {}, {} behaviours, {} failures",
            report.target,
            report.runs,
            report.elapsed,
            report.runs as f64 / report.elapsed.as_secs_f64().max(1e-9),
            budget.seed,
            report.seeds,
            report.corpus,
            report.signatures,
            report.failures.len()
        );
        for (path, message) in report.failures {
            failed.push(format!("{}: {} ({message})", report.target, path.display()));
        }
    }
    assert!(
        failed.is_empty(),
        "fuzzing found failures; each input is saved for the replay test:\n{}",
        failed.join("\n")
    );
}

/// Every saved input of every target (seeds and former crashes) passes: each crash found once
/// stays fixed.
#[test]
fn saved_fuzz_inputs_never_crash() {
    for target in TARGETS {
        for folder in ["seeds", "crashes"] {
            for (path, input) in files_in(&target_dir(target.name).join(folder)) {
                if let Err(message) = run_one(target, &input) {
                    panic!("{} fails again: {message}", path.display());
                }
            }
        }
    }
}

/// A short, deterministic fuzz run of every target, over its whole seed corpus and a few
/// hundred mutations, as part of every test run.
#[test]
fn every_fuzz_target_survives_a_short_run() {
    let budget = Budget {
        time: Duration::from_secs(60),
        runs: env_number("RULESMITH_FUZZ_RUNS", 300),
        seed: 18,
        slow: SLOW,
    };
    run_campaigns(budget, None);
}

/// The time-bounded campaign: `RULESMITH_FUZZ_SECONDS` per target (default 20), targets from
/// `RULESMITH_FUZZ_TARGETS` (default all).
#[test]
#[ignore = "time-bounded fuzzing; run by tests/run.sh and by hand"]
fn campaign() {
    let budget = Budget {
        time: Duration::from_secs(env_number("RULESMITH_FUZZ_SECONDS", 20)),
        runs: u64::MAX,
        seed: env_number("RULESMITH_FUZZ_SEED", 1),
        slow: SLOW,
    };
    let only = std::env::var("RULESMITH_FUZZ_TARGETS")
        .ok()
        .map(|list| list.split(',').map(str::to_owned).collect());
    run_campaigns(budget, only);
}
