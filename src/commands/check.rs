//! `rulesmith check`: what the policies compile to against what is committed, plus what the
//! scanner finds in every agent file.

use std::path::Path;

use crate::check::accept;
use crate::cli::{CheckArgs, ReportArgs};
use crate::commands::{ExitStatus, Workspace};
use crate::diagnostic::finding::Severity;
use crate::diagnostic::{Diagnostic, InputCode, SourceFile};
use crate::load::{self, walk};
use crate::model::trust::TrustRecord;
use crate::report::Reporter;
use crate::report::findings::FindingsView;
use crate::scan::trust::sha256_hex;
use crate::validate;
use crate::write;

/// Runs `rulesmith check`: exit 1 when anything above info is found.
pub(super) fn run(
    workspace: &Workspace,
    args: &ReportArgs,
    reporter: &mut Reporter,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    let (project, findings) = workspace.check()?;
    let mut checked: Vec<&str> = project.entries.iter().map(|e| e.path.as_str()).collect();
    checked.extend(project.tree.agent_files.iter().map(String::as_str));
    checked.sort_unstable();
    checked.dedup();
    let view = FindingsView {
        command: "check",
        findings: &findings,
        diagnostics: &project.warnings,
        files_checked: checked.len(),
    };
    reporter.findings(args.format, &view, args.verbosity());
    Ok(if findings.iter().any(|f| f.severity > Severity::Info) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Runs `rulesmith check --accept PATH… --reason TEXT`: records each reviewed file's path and
/// hash under `shadow-rules` in the manifest, replacing earlier records for the same path.
pub(super) fn accept(
    workspace: &Workspace,
    cwd: &Path,
    args: &CheckArgs,
    reporter: &mut Reporter,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    let reason = args.reason.as_deref().unwrap_or_default().trim();
    if reason.is_empty() {
        return Err(vec![
            Diagnostic::error(InputCode::InvalidValue, "`--reason` is empty").hint(
                "say why the file may give instructions outside the policies, e.g. `--reason \"team skill, reviewed by @ana\"`",
            ),
        ]);
    }
    let manifest = workspace
        .manifest
        .as_ref()
        .expect("check loads the workspace with Need::Project");
    let mut records = manifest.parsed.value.shadow_rules.clone();
    let mut problems = Vec::new();
    let mut accepted = Vec::new();
    for path in &args.accept {
        let full = cwd.join(path);
        let shown = load::display_path(cwd, &full);
        match walk::read_reviewed(&workspace.root, &full, &shown) {
            Ok((relative, bytes)) => {
                records.retain(|r| r.path != relative);
                records.push(TrustRecord {
                    path: relative.clone(),
                    sha256: sha256_hex(&bytes),
                    reason: reason.to_owned(),
                });
                accepted.push(relative);
            }
            Err(problem) => problems.push(problem),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    records.sort_by(|a, b| a.path.cmp(&b.path));
    let text = accept::with_accepted(&manifest.source, &manifest.parsed.node, &records)
        .map_err(|d| vec![d])?;
    // The rewritten manifest must still be a valid one before it replaces the old.
    validate::manifest::parse(&SourceFile::new(manifest.source.name.clone(), text.clone()))?;
    write::write_file(&workspace.root, &manifest.source.name, &text).map_err(|d| vec![d])?;
    for relative in accepted {
        reporter.note(&format!(
            "accepted {relative} in {}; it is quiet until one byte changes",
            manifest.source.name
        ));
    }
    Ok(ExitStatus::Success)
}
