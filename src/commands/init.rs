//! The `rulesmith init` command: load what the directory holds, settle the answers, plan, write,
//! then verify the result the way `rulesmith check` would.

use std::io::BufRead;
use std::path::Path;

use crate::cli::InitArgs;
use crate::commands::{ExitStatus, Need, Workspace};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::finding::Severity;
use crate::load::{self, tree::Tree};
use crate::model::manifest::{BlockPlacement, DEFAULT_POLICY_DIR, MANIFEST_FILE};
use crate::render::catalog::Catalog;
use crate::report::Reporter;
use crate::report::prompt::Prompter;
use crate::scaffold::answers::{self, Defaults, Given};
use crate::scaffold::harness::Harness;
use crate::scaffold::{self, Action};
use crate::write;

/// Runs `rulesmith init`; `input` is the terminal to ask questions on, if any.
pub(super) fn run(
    args: &InitArgs,
    cwd: &Path,
    reporter: &mut Reporter,
    input: Option<&mut dyn BufRead>,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    let dir = args
        .dir
        .as_ref()
        .map_or_else(|| cwd.to_path_buf(), |d| cwd.join(d));
    let exists = load::inspect_init_dir(&dir).map_err(|d| vec![d])?;
    let harness = Harness::builtin();
    let catalog = Catalog::builtin();
    let (tree, repo_policies) = if exists {
        let paths = scaffold::candidate_paths(&harness, &catalog);
        let tree = load::tree::read_tree(&dir, paths.iter().map(String::as_str), |_| false)?;
        (tree, load::read_policy_dir(&dir, DEFAULT_POLICY_DIR, None)?)
    } else {
        (Tree::default(), Vec::new())
    };
    let name = load::dir_name(&dir);
    let mut agents = harness.spec.agents.clone();
    if args.adopt {
        for id in scaffold::present_agents(&catalog, &tree) {
            if !agents.contains(&id) {
                agents.push(id);
            }
        }
    }
    let defaults = Defaults {
        project: answers::project_from_dir(&name),
        stack: harness
            .detect(|file| tree.files.contains_key(file))
            .map_or_else(|| harness.spec.stack.clone(), |stack| stack.id.clone()),
        agents,
    };
    let given = Given {
        project: args.project.clone(),
        tier: args.tier.clone(),
        stack: args.stack.clone(),
        agents: args.agents.clone(),
        engineering_owner: args.engineering_owner.clone(),
        managed_block: args
            .managed_block
            .as_deref()
            .map(|placement| match placement {
                "last" => BlockPlacement::Last,
                _ => BlockPlacement::First,
            }),
    };
    let answers = match input {
        Some(input) => {
            let mut prompter = Prompter::new(input, reporter);
            answers::gather(&given, &defaults, &harness, &catalog, Some(&mut prompter))?
        }
        None => answers::gather(&given, &defaults, &harness, &catalog, None)?,
    };
    let planned = scaffold::plan(
        &answers,
        args.adopt,
        &tree,
        &repo_policies,
        &harness,
        &catalog,
    )?;
    let mut planned = planned;
    let hidden = scaffold::hidden_files(&dir, &mut planned.files, &tree, args.fix_gitignore);
    let mut warnings = planned.warnings.clone();
    if !hidden.is_empty() && !args.fix_gitignore {
        warnings.push(hidden.warning());
    }
    reporter.diagnostics(&warnings, true);
    write::scaffold(&dir, &planned.files)?;
    let mut notes = vec![format!(
        "initialized {} ({} tier, {} stack; agents: {})",
        answers.project,
        answers.tier.as_str(),
        answers.stack,
        answers.agents.join(", ")
    )];
    let workspace = Workspace::load(Some(&dir.join(MANIFEST_FILE)), cwd, Need::Project)?;
    let (_, findings) = workspace.check()?;
    let findings: Vec<_> = findings
        .into_iter()
        .filter(|f| f.severity > Severity::Info)
        .collect();
    if !findings.is_empty() {
        let mut paths: Vec<&str> = findings.iter().map(|f| f.path.as_str()).collect();
        paths.dedup();
        notes.push(format!(
            "note: `rulesmith check` reports {} finding(s) in {}; run it for the details and fixes",
            findings.len(),
            paths.join(", ")
        ));
    }
    if planned.files.iter().any(|f| f.action == Action::Keep) {
        notes.push(
            "note: kept files were not scaffolded; compare them with a fresh `rulesmith init` in an empty directory"
                .to_owned(),
        );
    }
    notes.push(
        "next: commit everything, run `pre-commit install`, and after editing rulesmith.yaml or .rulesmith/policies/ run `rulesmith build`"
            .to_owned(),
    );
    reporter.init_summary(&planned.files, &notes);
    Ok(ExitStatus::Success)
}
