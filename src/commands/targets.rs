//! `rulesmith targets`: every agent target with its files, scoping and limits.

use crate::cli::ListingArgs;
use crate::commands::{ExitStatus, Workspace};
use crate::diagnostic::Diagnostic;
use crate::report::{Reporter, listing};

/// Runs `rulesmith targets`: the built-in targets, plus the project's own inside a project.
pub(super) fn run(
    workspace: &Workspace,
    args: &ListingArgs,
    reporter: &mut Reporter,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    reporter.data(&listing::targets(&workspace.catalog, args.format));
    Ok(ExitStatus::Success)
}
