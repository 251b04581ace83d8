//! `rulesmith stats`: each generated file's size against its agent's budget, and what each
//! selected agent loads.

use crate::cli::ListingArgs;
use crate::commands::{ExitStatus, Workspace};
use crate::compile::Budgets;
use crate::diagnostic::Diagnostic;
use crate::model::target::BudgetKind;
use crate::report::{Reporter, listing};

/// Runs `rulesmith stats`: exit 1 when a file is over a hard budget.
pub(super) fn run(
    workspace: &Workspace,
    args: &ListingArgs,
    reporter: &mut Reporter,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    let build = workspace.compile(Budgets::Measure)?;
    reporter.data(&listing::stats(&build, &workspace.catalog, args.format));
    let over_hard = build
        .measurements
        .iter()
        .any(|m| m.over() && m.budget.kind == BudgetKind::Hard);
    Ok(if over_hard {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
