//! `rulesmith explain`: a rule, its references, tiers and where it lands.

use crate::cli::ExplainArgs;
use crate::commands::{ExitStatus, Workspace};
use crate::compile::{self, Budgets};
use crate::diagnostic::Diagnostic;
use crate::explain;
use crate::report::{Reporter, render_explanation};
use crate::resolve::overrides::Overrides;
use crate::resolve::pack;

/// Explains a rule in the context of the project when there is one, else of the built-in pack.
pub(super) fn run(
    workspace: &Workspace,
    args: &ExplainArgs,
    reporter: &mut Reporter,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    let explanation = match &workspace.manifest {
        Some(manifest) => {
            let sources = workspace.sources()?;
            let policies = sources.policies.clone();
            let overrides = sources.overrides.clone();
            let build = workspace.compile_sources(sources, Budgets::Measure)?;
            let context = explain::Project {
                tier: manifest.parsed.value.tier,
                plan: &build.plan,
            };
            explain::explain(&args.rule, &policies, &overrides, Some(context))
        }
        None => {
            let policies = compile::parse_policies(pack::sources())?;
            explain::explain(&args.rule, &policies, &Overrides::default(), None)
        }
    }
    .map_err(|d| vec![d])?;
    reporter.data(&render_explanation(&explanation));
    Ok(ExitStatus::Success)
}
