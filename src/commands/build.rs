//! `rulesmith build`: compile the policies and write every selected agent's files.

use crate::cli::BuildArgs;
use crate::commands::{ExitStatus, Workspace};
use crate::diagnostic::Diagnostic;
use crate::reconcile::gitignore::GITIGNORE;
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
    let (hidden, gitignore) = workspace.hidden_outputs(&project)?;
    let fix_gitignore = args.fix_gitignore && !args.dry_run && !hidden.is_empty();
    if !hidden.is_empty() && !fix_gitignore {
        reporter.diagnostics(&[hidden.warning()], false);
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
        if fix_gitignore {
            write::write_file(&workspace.root, GITIGNORE, &hidden.fixed(&gitignore))
                .map_err(|d| vec![d])?;
            reporter.note(&format!(
                "added {} lines to {GITIGNORE} so git keeps {}",
                hidden.lines.len(),
                hidden.paths.join(", ")
            ));
        }
    }
    if !args.quiet {
        reporter.languages(&project.languages);
        reporter.build_summary(&changes, args.dry_run);
    }
    Ok(ExitStatus::Success)
}
