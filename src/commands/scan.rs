//! The `rulesmith scan` command: settings and trust records in, files walked and scanned,
//! findings out. With `--trust`, it records reviewed files instead of scanning.
//!
//! It works in any repository: without a manifest the repository root is the working
//! directory and the defaults apply.

use std::path::{Path, PathBuf};

use crate::cli::ScanArgs;
use crate::commands::{ExitStatus, Workspace};
use crate::diagnostic::finding::Finding;
use crate::diagnostic::{Class, Code, Diagnostic, InputCode, Severity};
use crate::load::{self, walk};
use crate::report::Reporter;
use crate::report::findings::{FindingsView, Format, Verbosity};
use crate::scan::file::{Body, Discovered};
use crate::scan::trust::TRUST_FILE;
use crate::scan::{self, reveal};
use crate::write;

/// Runs `rulesmith scan`.
pub(super) fn run(
    mut setup: Workspace,
    cwd: &Path,
    args: &ScanArgs,
    reporter: &mut Reporter,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    if !args.trust.is_empty() {
        let reason = args.reason.as_deref().unwrap_or_default();
        return trust(&mut setup, cwd, &args.trust, reason, reporter);
    }
    if let Some(min) = args.min_severity {
        setup.scan.min_severity = min;
    }
    let paths: Vec<PathBuf> = args.paths.iter().map(|p| cwd.join(p)).collect();
    let (files, problems) = walk::discover(
        &setup.root,
        &paths,
        walk::WalkOptions {
            all_files: args.all_files,
        },
        &setup.agents,
    );
    // A path that does not exist or cannot be scanned fails the command: a typo in CI must not
    // pass as a clean scan.
    if problems.iter().any(|p| p.severity == Severity::Error) {
        return Err(problems);
    }
    let outcome = scan::scan_files(&files, &setup.trust, &setup.scan);
    reporter.findings(
        args.format,
        &FindingsView {
            command: "scan",
            findings: &outcome.findings,
            diagnostics: &problems,
            files_checked: outcome.files_scanned,
        },
        Verbosity::Normal,
    );
    if args.reveal && args.format == Format::Human {
        reporter.data(&revealed(&files, &outcome.findings));
    }
    Ok(if outcome.findings.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// The reveal report for every file with a hidden-Unicode or hidden-text finding.
fn revealed(files: &[Discovered], findings: &[Finding]) -> String {
    let hiding = |path: &str| {
        findings.iter().any(|f| {
            f.path == path
                && matches!(
                    f.code,
                    Code::Scan(c) if matches!(c.class(), Class::HiddenUnicode | Class::HiddenText)
                )
        })
    };
    let mut out = String::new();
    for file in files.iter().filter(|f| hiding(&f.path)) {
        if let Body::Bytes(bytes) = &file.body {
            let lines = reveal::reveal(&file.path, &String::from_utf8_lossy(bytes));
            let block = reveal::render(&file.path, &lines);
            if !block.is_empty() {
                out.push('\n');
                out.push_str(&block);
            }
        }
    }
    out
}

/// Records reviewed files in the trust file.
fn trust(
    setup: &mut Workspace,
    cwd: &Path,
    paths: &[PathBuf],
    reason: &str,
    reporter: &mut Reporter,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    if reason.trim().is_empty() {
        return Err(vec![
            Diagnostic::error(InputCode::InvalidValue, "`--reason` is empty")
                .hint("say why the file's findings are acceptable, e.g. `--reason \"sandbox needed for e2e tests\"`"),
        ]);
    }
    let mut problems = Vec::new();
    let mut recorded = Vec::new();
    for path in paths {
        let full = cwd.join(path);
        let shown = load::display_path(cwd, &full);
        match walk::read_reviewed(&setup.root, &full, &shown) {
            Ok((relative, bytes)) => {
                setup.trust.trust(&relative, &bytes, reason);
                recorded.push(relative);
            }
            Err(problem) => problems.push(problem),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    write::write_file(&setup.root, TRUST_FILE, &setup.trust.render()).map_err(|d| vec![d])?;
    for relative in recorded {
        reporter.note(&format!("trusted {relative} in {TRUST_FILE}"));
    }
    Ok(ExitStatus::Success)
}
