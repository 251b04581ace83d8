//! `rulesmith build`: compile the policies and write every selected agent's files.

use crate::cli::BuildArgs;
use crate::commands::{ExitStatus, Workspace};
use crate::diagnostic::Diagnostic;
use crate::report::Reporter;
use crate::write::{self, WriteOptions};

/// Runs `rulesmith build`; with `--dry-run` it shows the diffs and writes nothing, with
/// `--quiet` it prints nothing unless it fails.
pub(super) fn run(
    workspace: &Workspace,
    args: &BuildArgs,
    reporter: &mut Reporter,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    let project = workspace.reconcile()?;
    if !args.quiet {
        reporter.diagnostics(&project.warnings, false);
    }
    let options = WriteOptions { force: args.force };
    let changes = write::preview(&project.entries, options)?;
    if args.dry_run {
        let diffs: Vec<String> = workspace
            .drift(&project, |_, _| Vec::new())
            .into_iter()
            .filter_map(|finding| finding.diff)
            .collect();
        reporter.diffs(&diffs);
    } else {
        write::apply(&workspace.root, &changes, options)?;
    }
    if !args.quiet {
        reporter.languages(&project.languages);
        reporter.build_summary(&changes, args.dry_run);
    }
    Ok(ExitStatus::Success)
}
