//! `rulesmith targets`: every agent target with its files, scoping and limits.

use crate::commands::{ExitStatus, Workspace};
use crate::diagnostic::Diagnostic;
use crate::report::{Reporter, listing};

/// Runs `rulesmith targets`: the built-in targets, plus the project's own inside a project.
pub(super) fn run(
    workspace: &Workspace,
    reporter: &mut Reporter,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    reporter.data(&listing::targets(&workspace.catalog));
    Ok(ExitStatus::Success)
}
