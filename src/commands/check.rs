//! `rulesmith check`: what the policies compile to against what is committed, plus what the
//! scanner finds in every agent file.

use crate::cli::ReportArgs;
use crate::commands::{ExitStatus, Workspace};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::finding::Severity;
use crate::report::Reporter;
use crate::report::findings::FindingsView;

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
