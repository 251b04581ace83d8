//! `rulesmith stats`: each file's whole size as its agent reads it, hand-written text included,
//! against its agent's budget, and what each selected agent loads.

use crate::cli::ListingArgs;
use crate::commands::{ExitStatus, Workspace};
use crate::compile::Budgets;
use crate::diagnostic::Diagnostic;
use crate::report::{Reporter, listing};

/// Runs `rulesmith stats`: exit 1 when a file is over a hard budget with a rule past it.
pub(super) fn run(
    workspace: &Workspace,
    args: &ListingArgs,
    reporter: &mut Reporter,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    let mut build = workspace.compile(Budgets::Measure)?;
    build.measurements = build.measure_read(&workspace.read_tree(&build)?, &workspace.catalog);
    reporter.data(&listing::stats(&build, &workspace.catalog, args.format));
    let over_hard = build.measurements.iter().any(|m| m.fails());
    Ok(if over_hard {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
