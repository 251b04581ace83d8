//! Flags in, one command run, an exit status out.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::agents::Registry;
use crate::check;
use crate::cli::{BuildArgs, Cli, ColorWhen, Command, ExplainArgs, ReportArgs, SchemaName};
use crate::compile::{self, Budgets, Build, Plan};
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::explain;
use crate::finding::{Finding, Severity};
use crate::init;
use crate::load::{self, tree::Tree};
use crate::manifest::Manifest;
use crate::overrides::Overrides;
use crate::pack;
use crate::policy::schema::{SchemaKind, schema_text};
use crate::policy::validate::Parsed;
use crate::reconcile::{self, Entry};
use crate::report::findings::FindingsView;
use crate::report::{Reporter, listing, render_explanation};
use crate::resolve::ShownOverride;
use crate::scan_command;
use crate::target::catalog::Catalog;
use crate::target::spec::BudgetKind;
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
    let writes = matches!(&cli.command, Command::Build(args) if !args.check)
        || matches!(&cli.command, Command::Init(_));
    let result = match &cli.command {
        Command::Build(args) if args.check => check(
            cli.manifest.as_deref(),
            cwd,
            &ReportArgs::default(),
            reporter,
        ),
        Command::Build(args) => build(cli.manifest.as_deref(), cwd, args, reporter),
        Command::Check(args) => check(cli.manifest.as_deref(), cwd, &args.report, reporter),
        Command::Init(args) => {
            let stdin = std::io::stdin();
            let mut input = (!args.yes && stdin.is_terminal()).then(|| stdin.lock());
            let input = input.as_mut().map(|lock| lock as &mut dyn std::io::BufRead);
            init::command::run(args, cwd, reporter, input)
        }
        Command::Schema(args) => {
            reporter.data(&schema_text(match args.kind {
                SchemaName::Policy => SchemaKind::Policy,
                SchemaName::Manifest => SchemaKind::Manifest,
                SchemaName::Target => SchemaKind::Target,
                SchemaName::Report => SchemaKind::Report,
            }));
            Ok(ExitStatus::Success)
        }
        Command::Targets => targets(cli.manifest.as_deref(), cwd, reporter),
        Command::Stats => stats(cli.manifest.as_deref(), cwd, reporter),
        Command::Explain(args) => explain_rule(cli.manifest.as_deref(), cwd, args, reporter),
        Command::Scan(args) => scan_command::run(cli.manifest.as_deref(), cwd, args, reporter),
    };
    result.unwrap_or_else(|diagnostics| {
        reporter.diagnostics(&diagnostics, writes);
        ExitStatus::Error
    })
}

/// A project loaded from disk and compiled in memory.
pub struct Project {
    /// The repository root: the manifest's directory.
    pub root: PathBuf,
    /// The manifest's path relative to the root, as findings name it.
    pub manifest: String,
    /// What the build would write.
    pub build: Build,
    /// The files every known agent reads, built-in and the repository's own.
    pub agents: Registry,
}

/// A project's root and the files its policies compile to.
pub struct Compiled {
    /// The repository root: the manifest's directory.
    pub root: PathBuf,
    /// The files the policies compile to.
    pub plan: Plan,
}

/// Finds and loads the manifest and policies, then compiles them; only reads the disk.
pub fn load_and_compile(manifest: Option<&Path>, cwd: &Path) -> Result<Compiled, Vec<Diagnostic>> {
    let Project { root, build, .. } = compile_project(manifest, cwd, Budgets::Enforce)?;
    Ok(Compiled {
        root,
        plan: build.plan,
    })
}

fn manifest_path(manifest: Option<&Path>, cwd: &Path) -> Result<PathBuf, Vec<Diagnostic>> {
    match manifest {
        Some(path) => Ok(cwd.join(path)),
        None => load::find_manifest(cwd).map_err(|d| vec![d]),
    }
}

fn root_of(manifest_path: &Path, cwd: &Path) -> PathBuf {
    manifest_path
        .parent()
        .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf)
}

/// The built-in targets plus the repository's own under `.rulesmith/targets/`.
pub fn catalog(root: &Path) -> Result<Catalog, Vec<Diagnostic>> {
    let files = load::read_target_dir(root)?;
    if files.is_empty() {
        return Ok(Catalog::builtin());
    }
    let prefix = format!("{}/", load::REPO_TARGETS_DIR);
    let repo = Catalog::from_files(
        files
            .iter()
            .map(|(path, source)| (path.as_str(), source.text.as_str())),
        &prefix,
    )?;
    Catalog::builtin().with(repo)
}

/// A project's inputs, read from disk: the load stage of every command that compiles.
struct Inputs {
    root: PathBuf,
    manifest_source: SourceFile,
    manifest: Parsed<Manifest>,
    repo_policies: Vec<SourceFile>,
    catalog: Catalog,
}

fn read_inputs(manifest_path: &Path, cwd: &Path) -> Result<Inputs, Vec<Diagnostic>> {
    let root = root_of(manifest_path, cwd);
    let manifest_source = load::read_text(manifest_path, &load::display_path(&root, manifest_path))
        .map_err(|d| vec![d])?;
    let manifest = compile::parse_manifest(&manifest_source)?;
    let repo_policies = load::read_policy_dir(&root, &manifest.value.policies.dir)?;
    let catalog = catalog(&root)?;
    Ok(Inputs {
        root,
        manifest_source,
        manifest,
        repo_policies,
        catalog,
    })
}

/// Loads the project whose manifest is `manifest` (or is found from `cwd` upwards) and compiles
/// it: the load stage, then the pure core, with nothing written.
pub fn compile_project(
    manifest: Option<&Path>,
    cwd: &Path,
    budgets: Budgets,
) -> Result<Project, Vec<Diagnostic>> {
    let inputs = read_inputs(&manifest_path(manifest, cwd)?, cwd)?;
    compile_inputs(inputs, budgets)
}

fn compile_inputs(inputs: Inputs, budgets: Budgets) -> Result<Project, Vec<Diagnostic>> {
    let build = compile::compile(
        &inputs.manifest_source,
        &inputs.manifest,
        &inputs.repo_policies,
        &inputs.catalog,
        budgets,
    )?;
    Ok(Project {
        root: inputs.root,
        manifest: inputs.manifest_source.name,
        build,
        agents: Registry::new(&inputs.catalog),
    })
}

/// Explains a rule in the context of the project when a manifest is found, else of the pack.
fn explain_rule(
    manifest: Option<&Path>,
    cwd: &Path,
    args: &ExplainArgs,
    reporter: &mut Reporter,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    let explanation = match manifest_path(manifest, cwd) {
        Ok(path) => {
            let inputs = read_inputs(&path, cwd)?;
            let sources = compile::load_sources(
                &inputs.manifest_source,
                &inputs.manifest,
                &inputs.repo_policies,
                &inputs.catalog,
            )?;
            let tier = inputs.manifest.value.tier;
            let project = compile_inputs(inputs, Budgets::Measure)?;
            let context = explain::Project {
                tier,
                plan: &project.build.plan,
            };
            explain::explain(
                &args.rule,
                &sources.policies,
                &sources.overrides,
                Some(context),
            )
        }
        Err(_) if manifest.is_none() => {
            let policies = compile::parse_policies(pack::sources())?;
            explain::explain(&args.rule, &policies, &Overrides::default(), None)
        }
        Err(problems) => return Err(problems),
    }
    .map_err(|d| vec![d])?;
    reporter.data(&render_explanation(&explanation));
    Ok(ExitStatus::Success)
}

/// A compiled project next to what the working tree holds.
pub struct Reconciled {
    /// The repository root: the manifest's directory.
    pub root: PathBuf,
    /// What the working tree holds where rulesmith looks.
    pub tree: Tree,
    /// Every path rulesmith owns, with its state.
    pub entries: Vec<Entry>,
    /// Warnings from compiling the policies; the command goes on.
    pub warnings: Vec<Diagnostic>,
    /// The manifest's path relative to the root.
    pub manifest: String,
    /// The manifest's overrides with their reasons.
    pub overrides: Vec<ShownOverride>,
    /// The files every known agent reads.
    pub agents: Registry,
}

/// The one load path of `build` and `check`: compile the policies, read the tree, compare.
pub fn load_and_reconcile(
    manifest: Option<&Path>,
    cwd: &Path,
) -> Result<Reconciled, Vec<Diagnostic>> {
    let Project {
        root,
        manifest,
        build,
        agents,
    } = compile_project(manifest, cwd, Budgets::Enforce)?;
    let plan = &build.plan;
    let tree = load::tree::read_tree(&root, plan.files.iter().map(|f| f.path.as_str()), |path| {
        agents.classify(path).is_some()
    })?;
    let entries = reconcile::reconcile(plan, &tree)?;
    Ok(Reconciled {
        root,
        tree,
        entries,
        warnings: build.warnings,
        manifest,
        overrides: build.rules.overrides,
        agents,
    })
}

/// Drift and shadow-rules findings, plus what `scan` finds in each agent file's content.
fn drift_findings(
    project: &Reconciled,
    scan: impl Fn(&str, Result<&str, &str>) -> Vec<Finding>,
) -> Vec<Finding> {
    check::findings(
        &project.entries,
        &project.tree,
        |path| {
            project
                .agents
                .classify(path)
                .is_some_and(|file| file.kind.is_prose())
        },
        scan,
    )
}

/// Everything `check` reports for a project: drift, shadow rules and what the scanner finds in
/// its agent files.
pub fn check_findings(
    manifest: Option<&Path>,
    cwd: &Path,
) -> Result<(Reconciled, Vec<Finding>), Vec<Diagnostic>> {
    let project = load_and_reconcile(manifest, cwd)?;
    let setup = scan_command::load_setup(manifest, cwd)?;
    let mut findings = drift_findings(&project, |path, content| setup.findings(path, content));
    findings.extend(check::override_findings(
        &project.manifest,
        &project.overrides,
    ));
    Ok((project, findings))
}

fn build(
    manifest: Option<&Path>,
    cwd: &Path,
    args: &BuildArgs,
    reporter: &mut Reporter,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    let project = load_and_reconcile(manifest, cwd)?;
    reporter.diagnostics(&project.warnings, false);
    let changes = write::preview(&project.entries, WriteOptions { force: args.force })?;
    if args.dry_run {
        let diffs: Vec<String> = drift_findings(&project, |_, _| Vec::new())
            .into_iter()
            .filter_map(|finding| finding.diff)
            .collect();
        reporter.diffs(&diffs);
    } else {
        write::apply(&project.root, &changes)?;
    }
    reporter.build_summary(&changes, args.dry_run);
    Ok(ExitStatus::Success)
}

fn check(
    manifest: Option<&Path>,
    cwd: &Path,
    args: &ReportArgs,
    reporter: &mut Reporter,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    let (project, findings) = check_findings(manifest, cwd)?;
    reporter.diagnostics(&project.warnings, false);
    let mut checked: Vec<&str> = project.entries.iter().map(|e| e.path.as_str()).collect();
    checked.extend(project.tree.agent_files.iter().map(String::as_str));
    checked.sort_unstable();
    checked.dedup();
    let view = FindingsView {
        command: "check",
        findings: &findings,
        files_checked: checked.len(),
    };
    reporter.findings(args.format, &view, args.verbosity());
    Ok(if findings.iter().any(|f| f.severity > Severity::Info) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn targets(
    manifest: Option<&Path>,
    cwd: &Path,
    reporter: &mut Reporter,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    // Outside a project the built-in targets are listed; inside one, its own targets too.
    let catalog = match manifest_path(manifest, cwd) {
        Ok(path) => catalog(&root_of(&path, cwd))?,
        Err(_) if manifest.is_none() => Catalog::builtin(),
        Err(problems) => return Err(problems),
    };
    reporter.data(&listing::targets(&catalog));
    Ok(ExitStatus::Success)
}

fn stats(
    manifest: Option<&Path>,
    cwd: &Path,
    reporter: &mut Reporter,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    let project = compile_project(manifest, cwd, Budgets::Measure)?;
    reporter.data(&listing::stats(&project.build));
    let over_hard = project
        .build
        .measurements
        .iter()
        .any(|m| m.over() && m.budget.kind == BudgetKind::Hard);
    Ok(if over_hard {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
