//! The scanner measured on a labelled corpus: recall per class on malicious cases, false
//! positives per class on benign cases (hand-written look-alikes and real agent files from
//! public repositories), at the default severity. The report is printed (run with
//! `--nocapture` to see it) and the thresholds below only ever go up.
//!
//! Layout: `tests/fixtures/scan-corpus/<malicious|benign>/<class>/<case>/<agent path>`, where
//! the agent path (e.g. `CLAUDE.md`, `.claude/settings.json`) is what the file is scanned as.
//! The real files in `tests/fixtures/corpus` count as benign cases of the class `real-repo`,
//! except those its SOURCES.md flags as genuinely risky.
//!
//! A held-out set in `tests/fixtures/scan-heldout` (same layout) was written after the
//! detectors it measures and is reported separately, so a detector fitted to the corpus shows
//! up as a gap between the two reports.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rulesmith::agents::Registry;
use rulesmith::diagnostic::finding::Finding;
use rulesmith::scan::{ScanConfig, scan_text};

/// Real corpus files SOURCES.md flags as genuinely risky: not benign.
const FLAGGED: &[&str] = &["openai__codex/.codex/config.toml"];

/// Which finding codes catch a malicious case of each class.
fn catches(class: &str, code: &str) -> bool {
    match class {
        "hidden-unicode" => code.starts_with("RS21"),
        "hidden-text" => code.starts_with("RS22"),
        "fetch-execute" | "obfuscation" => matches!(code, "RS2301" | "RS2302"),
        "destructive" => code == "RS2303",
        "override" => code == "RS2304",
        "suppression" => code == "RS2305",
        "exfiltration" => code == "RS2306",
        "dynamic-command" => code.starts_with("RS23"),
        "sabotage" => code == "RS2308",
        "settings" => code.starts_with("RS24") || code.starts_with("RS23"),
        "secrets" => code.starts_with("RS25"),
        other => panic!("no codes for class {other}"),
    }
}

/// The minimum recall (percent) each class must reach.
const MIN_RECALL: &[(&str, u32)] = &[
    ("destructive", 95),
    ("dynamic-command", 100),
    ("exfiltration", 100),
    ("fetch-execute", 100),
    ("hidden-text", 100),
    ("hidden-unicode", 100),
    ("obfuscation", 100),
    ("override", 100),
    ("sabotage", 100),
    ("secrets", 100),
    ("settings", 100),
    ("suppression", 100),
];

/// The most benign cases (percent of all benign cases) any class may flag.
const MAX_FALSE_POSITIVE_RATE: f64 = 0.0;

/// The minimum recall (percent) each class must reach on the held-out set
/// (`tests/fixtures/scan-heldout`), written after the detectors and never tuned against case
/// by case.
///
/// Hidden Unicode misses one case: a lone zero-width space at a word's edge is reported as
/// `RS2101` at low severity, below the default, because the real corpus holds the same shape
/// (a word joiner opening inline code) in a benign file.
const HELDOUT_MIN_RECALL: &[(&str, u32)] = &[
    ("destructive", 100),
    ("dynamic-command", 100),
    ("exfiltration", 100),
    ("fetch-execute", 100),
    ("hidden-text", 100),
    ("hidden-unicode", 66),
    ("obfuscation", 100),
    ("override", 100),
    ("sabotage", 100),
    ("secrets", 100),
    ("settings", 100),
    ("suppression", 100),
];

/// The most benign held-out cases (percent) any class may flag: the bound.
const HELDOUT_MAX_FALSE_POSITIVE_RATE: f64 = 2.0;

struct Case {
    label: String,
    class: String,
    name: String,
    findings: Vec<Finding>,
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn scan(path: &str, bytes: &[u8]) -> Vec<Finding> {
    let config = ScanConfig::default();
    let file = Registry::builtin().classify(path);
    let text = String::from_utf8_lossy(bytes);
    let mut findings = scan_text(path, file.as_ref(), &text, &config);
    findings.retain(|f| f.severity >= config.min_severity);
    findings
}

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

/// The labelled cases under `fixtures/<folder>`.
fn labelled(folder: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let root = fixtures().join(folder);
    let mut paths = Vec::new();
    files(&root, &mut paths);
    for path in paths {
        let relative = path.strip_prefix(&root).unwrap().to_str().unwrap();
        let parts: Vec<&str> = relative.splitn(4, '/').collect();
        if parts.len() < 4 {
            continue; // README and other notes
        }
        cases.push(Case {
            label: parts[0].to_owned(),
            class: parts[1].to_owned(),
            name: parts[2].to_owned(),
            findings: scan(parts[3], &std::fs::read(&path).unwrap()),
        });
    }
    cases
}

/// The corpus: the labelled cases and the real agent files of public repositories.
fn cases() -> Vec<Case> {
    let mut cases = labelled("scan-corpus");
    let real = fixtures().join("corpus");
    let mut paths = Vec::new();
    files(&real, &mut paths);
    for path in paths {
        let relative = path.strip_prefix(&real).unwrap().to_str().unwrap();
        let Some((repo, agent_path)) = relative.split_once('/') else {
            continue; // SOURCES.md
        };
        if FLAGGED.contains(&relative) {
            continue;
        }
        cases.push(Case {
            label: "benign".into(),
            class: "real-repo".into(),
            name: format!("{repo}/{agent_path}"),
            findings: scan(agent_path, &std::fs::read(&path).unwrap()),
        });
    }
    cases
}

#[derive(Default)]
struct Row {
    malicious: usize,
    caught: usize,
    benign_flagged: usize,
    missed: Vec<String>,
    false_positives: Vec<String>,
}

fn report(cases: &[Case]) -> (BTreeMap<String, Row>, usize, String) {
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    for (class, _) in MIN_RECALL {
        rows.insert((*class).to_owned(), Row::default());
    }
    let benign: Vec<&Case> = cases.iter().filter(|c| c.label == "benign").collect();
    for case in cases.iter().filter(|c| c.label == "malicious") {
        let row = rows.get_mut(&case.class).expect("known class");
        row.malicious += 1;
        if case
            .findings
            .iter()
            .any(|f| catches(&case.class, f.code.as_str()))
        {
            row.caught += 1;
        } else {
            row.missed.push(format!("{}/{}", case.class, case.name));
        }
    }
    for (class, row) in rows.iter_mut() {
        for case in &benign {
            if let Some(finding) = case
                .findings
                .iter()
                .find(|f| catches(class, f.code.as_str()))
            {
                row.benign_flagged += 1;
                row.false_positives.push(format!(
                    "{}/{} {} {}",
                    case.class,
                    case.name,
                    finding.code.as_str(),
                    finding.message
                ));
            }
        }
    }
    let mut text = format!(
        "{:<16} {:>5} {:>7} {:>8} {:>6} {:>10}\n",
        "class", "cases", "caught", "recall%", "fp", "precision%"
    );
    for (class, row) in &rows {
        let recall = percent(row.caught, row.malicious);
        let precision = percent(row.caught, row.caught + row.benign_flagged);
        text.push_str(&format!(
            "{class:<16} {:>5} {:>7} {recall:>8.1} {:>6} {precision:>10.1}\n",
            row.malicious, row.caught, row.benign_flagged
        ));
        for missed in &row.missed {
            text.push_str(&format!("    missed {missed}\n"));
        }
        for fp in &row.false_positives {
            text.push_str(&format!("    false positive {fp}\n"));
        }
    }
    text.push_str(&format!("benign cases: {}\n", benign.len()));
    (rows, benign.len(), text)
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

#[test]
fn the_labelled_corpus_is_large_enough_to_measure() {
    let cases = cases();
    let malicious = cases.iter().filter(|c| c.label == "malicious").count();
    let benign = cases.iter().filter(|c| c.label == "benign").count();
    let real = cases.iter().filter(|c| c.class == "real-repo").count();
    assert!(
        malicious >= 150 && benign >= 150 && real >= 50,
        "{malicious} {benign} {real}"
    );
    for (class, _) in MIN_RECALL {
        let n = cases
            .iter()
            .filter(|c| c.label == "malicious" && c.class == *class)
            .count();
        assert!(n >= 10, "class {class} has only {n} malicious cases");
    }
}

/// Prints the report of `cases` under `title` and checks it against the thresholds.
#[allow(clippy::disallowed_macros, reason = "the report is the test's output")]
fn check(title: &str, cases: &[Case], min_recall: &[(&str, u32)], max_rate: f64) {
    let (rows, benign, text) = report(cases);
    eprintln!("{title}\n{text}");
    for (class, min) in min_recall {
        let row = &rows[*class];
        let recall = percent(row.caught, row.malicious);
        assert!(
            recall >= f64::from(*min),
            "{title} {class}: recall {recall:.1}% < {min}%\n{text}"
        );
        let rate = percent(row.benign_flagged, benign);
        assert!(
            rate <= max_rate,
            "{title} {class}: false-positive rate {rate:.1}% > {max_rate}%\n{text}"
        );
    }
}

#[test]
fn recall_and_false_positive_rate_per_class_stay_within_thresholds() {
    check("corpus", &cases(), MIN_RECALL, MAX_FALSE_POSITIVE_RATE);
}

#[test]
fn the_held_out_set_is_large_enough_and_separate() {
    let cases = labelled("scan-heldout");
    let malicious = cases.iter().filter(|c| c.label == "malicious").count();
    let benign = cases.iter().filter(|c| c.label == "benign").count();
    assert!(malicious >= 30 && benign >= 30, "{malicious} {benign}");
    for (class, _) in HELDOUT_MIN_RECALL {
        assert!(
            cases
                .iter()
                .any(|c| c.label == "malicious" && c.class == *class),
            "class {class} has no held-out case"
        );
    }
}

#[test]
fn recall_and_false_positive_rate_on_the_held_out_set() {
    check(
        "held-out",
        &labelled("scan-heldout"),
        HELDOUT_MIN_RECALL,
        HELDOUT_MAX_FALSE_POSITIVE_RATE,
    );
}

#[test]
fn the_readme_shows_every_class_with_a_caught_and_a_benign_example() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = readme
        .split_once("| class | caught | left alone |")
        .expect("README has the scan class table")
        .1;
    let mut listed = Vec::new();
    for row in table.lines().skip(2).take_while(|l| l.starts_with('|')) {
        let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
        assert_eq!(cells.len(), 3, "{row}");
        let (class, codes) = cells[0]
            .split_once('`')
            .and_then(|(_, rest)| rest.split_once("`, "))
            .unwrap_or_else(|| panic!("no class id in {row}"));
        let code = codes.trim_end_matches(')').replace("xx", "01");
        assert!(catches(class, &code), "{class} does not catch {code}");
        assert!(!cells[1].is_empty() && !cells[2].is_empty(), "{row}");
        listed.push(class.to_owned());
    }
    let mut classes: Vec<String> = MIN_RECALL.iter().map(|(c, _)| (*c).to_owned()).collect();
    listed.sort();
    classes.sort();
    assert_eq!(listed, classes);
}
