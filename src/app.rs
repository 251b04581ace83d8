//! Flags in, one command run, an exit status out.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{BuildArgs, Cli, ColorWhen, Command, ExplainArgs, SchemaName};
use crate::compile::{self, Plan};
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::explain::{self, Project};
use crate::load;
use crate::manifest::Manifest;
use crate::overrides::Overrides;
use crate::pack;
use crate::policy::schema::{SchemaKind, schema_text};
use crate::policy::validate::Parsed;
use crate::report::{Reporter, render_explanation};
use crate::resolve::resolve;
use crate::target::catalog::Catalog;
use crate::write::{self, WriteOptions};

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything succeeded and nothing drifted.
    Success,
    /// A check found drift or findings.
    Failure,
    /// rulesmith could not do its job (bad input, I/O).
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        match status {
            ExitStatus::Success => ExitCode::SUCCESS,
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::Error => ExitCode::from(2),
        }
    }
}

/// Sets the colour choice for every stream the reporter opens.
pub fn apply_color(choice: ColorWhen) {
    let choice = match choice {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
}

/// Runs the parsed command line, reporting through `reporter`.
pub fn run(cli: Cli, cwd: &Path, reporter: &mut Reporter) -> ExitStatus {
    let result = match &cli.command {
        Command::Build(args) => build(cli.manifest.as_deref(), cwd, args, reporter),
        Command::Schema(args) => {
            reporter.data(&schema_text(match args.kind {
                SchemaName::Policy => SchemaKind::Policy,
                SchemaName::Manifest => SchemaKind::Manifest,
                SchemaName::Target => SchemaKind::Target,
                SchemaName::Report => SchemaKind::Report,
            }));
            Ok(ExitStatus::Success)
        }
        Command::Targets => {
            reporter.data(&list_targets(&Catalog::builtin()));
            Ok(ExitStatus::Success)
        }
        Command::Explain(args) => explain_rule(cli.manifest.as_deref(), cwd, args, reporter),
    };
    result.unwrap_or_else(|diagnostics| {
        reporter.diagnostics(&diagnostics);
        ExitStatus::Error
    })
}

/// A project loaded from disk and compiled in memory.
pub struct Compiled {
    /// The repository root: the manifest's directory.
    pub root: PathBuf,
    /// The files the policies compile to.
    pub plan: Plan,
}

/// A project's inputs, read from disk.
struct Inputs {
    root: PathBuf,
    manifest_source: SourceFile,
    manifest: Parsed<Manifest>,
    repo_policies: Vec<SourceFile>,
}

fn read_inputs(manifest_path: PathBuf, cwd: &Path) -> Result<Inputs, Vec<Diagnostic>> {
    let root = manifest_path
        .parent()
        .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf);
    let manifest_source =
        load::read_text(&manifest_path, &load::display_path(&root, &manifest_path))
            .map_err(|d| vec![d])?;
    let manifest = compile::parse_manifest(&manifest_source)?;
    let repo_policies = load::read_policy_dir(&root, &manifest.value.policies.dir)?;
    Ok(Inputs {
        root,
        manifest_source,
        manifest,
        repo_policies,
    })
}

/// Finds and loads the manifest and policies, then compiles them; only reads the disk.
pub fn load_and_compile(manifest: Option<&Path>, cwd: &Path) -> Result<Compiled, Vec<Diagnostic>> {
    let manifest_path = match manifest {
        Some(path) => cwd.join(path),
        None => load::find_manifest(cwd).map_err(|d| vec![d])?,
    };
    let inputs = read_inputs(manifest_path, cwd)?;
    let catalog = Catalog::builtin();
    let (_, plan) = compile::compile(
        &inputs.manifest_source,
        &inputs.manifest,
        &inputs.repo_policies,
        &catalog,
    )?;
    Ok(Compiled {
        root: inputs.root,
        plan,
    })
}

/// Explains a rule in the context of the project when a manifest is found, else of the pack.
fn explain_rule(
    manifest: Option<&Path>,
    cwd: &Path,
    args: &ExplainArgs,
    reporter: &mut Reporter,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    let manifest_path = match manifest {
        Some(path) => Some(cwd.join(path)),
        None => load::find_manifest(cwd).ok(),
    };
    let explanation = match manifest_path {
        Some(path) => {
            let inputs = read_inputs(path, cwd)?;
            let catalog = Catalog::builtin();
            let sources = compile::load_sources(
                &inputs.manifest_source,
                &inputs.manifest,
                &inputs.repo_policies,
                &catalog,
            )?;
            let rules = resolve(
                &inputs.manifest.value,
                sources.policies.clone(),
                &sources.overrides,
            );
            let plan = compile::render_plan(&inputs.manifest.value, &rules, &catalog)?;
            let project = Project {
                tier: inputs.manifest.value.tier,
                plan: &plan,
            };
            explain::explain(
                &args.rule,
                &sources.policies,
                &sources.overrides,
                Some(project),
            )
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

fn build(
    manifest: Option<&Path>,
    cwd: &Path,
    args: &BuildArgs,
    reporter: &mut Reporter,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    let compiled = load_and_compile(manifest, cwd)?;
    let changes = write::preview(
        &compiled.root,
        &compiled.plan,
        WriteOptions { force: args.force },
    )?;
    if !args.dry_run {
        write::apply(&compiled.root, &changes)?;
    }
    reporter.build_summary(&changes, args.dry_run);
    Ok(ExitStatus::Success)
}

fn list_targets(catalog: &Catalog) -> String {
    let mut out = String::new();
    for target in catalog.targets.values() {
        let paths: Vec<&str> = target
            .spec
            .outputs
            .iter()
            .map(|o| o.path.as_str())
            .collect();
        out.push_str(&format!(
            "{:<14} {:<30} {}\n",
            target.spec.id,
            target.spec.name,
            paths.join(", ")
        ));
    }
    out
}
