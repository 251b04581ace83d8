//! The `rulesmith scan` command: settings and trust records in, files walked and scanned,
//! findings out. With `--trust`, it records reviewed files instead of scanning.
//!
//! It works in any repository: without a manifest the repository root is the working
//! directory and the defaults apply.

use std::path::{Path, PathBuf};

use crate::agents::Registry;
use crate::app::{self, ExitStatus};
use crate::cli::ScanArgs;
use crate::compile;
use crate::diagnostic::{Code, Diagnostic, SourceFile};
use crate::finding::Finding;
use crate::load::{self, walk};
use crate::manifest::ScanSettings;
use crate::policy::validate::Parsed;
use crate::report::Reporter;
use crate::report::findings::{FindingsView, Format, Verbosity};
use crate::scan::trust::{TRUST_FILE, TrustFile};
use crate::scan::{self, ScanConfig, codes, reveal};
use crate::write;

/// What scanning needs from the repository: its root, settings, trust records and the agents
/// it knows, built-in and its own.
pub struct ScanSetup {
    /// The repository root: the manifest's directory, else the working directory.
    pub root: PathBuf,
    /// Severity overrides and the minimum severity.
    pub config: ScanConfig,
    /// Reviewed files.
    pub trust: TrustFile,
    /// The files every known agent reads and its unsafe settings.
    pub agents: Registry,
}

impl ScanSetup {
    /// What the scan finds in one agent file, given its text or why it could not be read as
    /// text, as `check` reports it: nothing for a trusted file, only findings at or above the
    /// minimum severity.
    pub fn findings(&self, path: &str, content: Result<&str, &str>) -> Vec<Finding> {
        match content {
            Ok(text) => scan::scan_trusted(
                path,
                self.agents.classify(path).as_ref(),
                text,
                &self.config,
                &self.trust,
            ),
            Err(reason) => {
                let unscanned = scan::unscanned(path, &format!("the file {reason}"), &self.config);
                (unscanned.severity >= self.config.min_severity)
                    .then_some(unscanned)
                    .into_iter()
                    .collect()
            }
        }
    }
}

/// Turns the manifest's `scan:` section into a scan configuration, rejecting overrides of
/// codes that do not exist.
pub fn scan_config(
    settings: &ScanSettings,
    manifest: Option<(&SourceFile, &Parsed<crate::manifest::Manifest>)>,
) -> Result<ScanConfig, Vec<Diagnostic>> {
    let mut config = ScanConfig {
        min_severity: settings.min_severity,
        ..ScanConfig::default()
    };
    let mut problems = Vec::new();
    for (code, change) in &settings.severity {
        if codes::lookup(code).is_none() {
            let mut problem = Diagnostic::error(
                Code::UnknownScanCode,
                format!("`scan.severity` names `{code}`, which is not a scan finding code"),
            )
            .hint("use a code from `rulesmith scan` output or the README's code table (RS2001–RS2503)");
            if let Some((source, parsed)) = manifest {
                let position = parsed
                    .node
                    .at_pointer("/scan/severity")
                    .and_then(|node| node.key_position(code));
                if let Some(position) = position {
                    problem = problem.at(source.span(position, code.chars().count()));
                }
            }
            problems.push(problem);
            continue;
        }
        config.severities.insert(code.clone(), change.level);
    }
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(problems)
    }
}

/// Finds the repository root, reads the manifest's scan settings if there is a manifest, the
/// trust file if there is one, and the repository's own targets.
pub fn load_setup(manifest: Option<&Path>, cwd: &Path) -> Result<ScanSetup, Vec<Diagnostic>> {
    let manifest_path = match manifest {
        Some(path) => Some(cwd.join(path)),
        None => load::find_manifest(cwd).ok(),
    };
    let (root, config) = match manifest_path {
        Some(path) => {
            let root = path
                .parent()
                .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf);
            let source =
                load::read_text(&path, &load::display_path(&root, &path)).map_err(|d| vec![d])?;
            let parsed = compile::parse_manifest(&source)?;
            let config = scan_config(&parsed.value.scan, Some((&source, &parsed)))?;
            (root, config)
        }
        None => (cwd.to_path_buf(), ScanConfig::default()),
    };
    let trust = match load::read_optional_text(&root.join(TRUST_FILE), TRUST_FILE) {
        Ok(Some(source)) => TrustFile::parse(&source).map_err(|d| vec![d])?,
        Ok(None) => TrustFile::default(),
        Err(problem) => return Err(vec![problem]),
    };
    let agents = Registry::new(&app::catalog(&root)?);
    Ok(ScanSetup {
        root,
        config,
        trust,
        agents,
    })
}

/// Runs `rulesmith scan`.
pub fn run(
    manifest: Option<&Path>,
    cwd: &Path,
    args: &ScanArgs,
    reporter: &mut Reporter,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    let mut setup = load_setup(manifest, cwd)?;
    if !args.trust.is_empty() {
        let reason = args.reason.as_deref().unwrap_or_default();
        return trust(&mut setup, cwd, &args.trust, reason, reporter);
    }
    if let Some(min) = args.min_severity {
        setup.config.min_severity = min;
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
    if !problems.is_empty() {
        reporter.diagnostics(&problems, false);
    }
    let outcome = scan::scan_files(&files, &setup.trust, &setup.config);
    reporter.findings(
        args.format,
        &FindingsView {
            command: "scan",
            findings: &outcome.findings,
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
fn revealed(files: &[walk::Discovered], findings: &[Finding]) -> String {
    let hiding = |path: &str| {
        findings.iter().any(|f| {
            f.path == path
                && codes::lookup(f.code).is_some_and(|c| {
                    matches!(
                        c.class,
                        codes::Class::HiddenUnicode | codes::Class::HiddenText
                    )
                })
        })
    };
    let mut out = String::new();
    for file in files.iter().filter(|f| hiding(&f.path)) {
        if let walk::Body::Bytes(bytes) = &file.body {
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
    setup: &mut ScanSetup,
    cwd: &Path,
    paths: &[PathBuf],
    reason: &str,
    reporter: &mut Reporter,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    if reason.trim().is_empty() {
        return Err(vec![
            Diagnostic::error(Code::InvalidValue, "`--reason` is empty")
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
