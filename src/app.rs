//! Flags in, one command run, an exit status out.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{BuildArgs, Cli, ColorWhen, Command, SchemaName};
use crate::compile::{self, Budgets, Build, Plan};
use crate::diagnostic::Diagnostic;
use crate::load;
use crate::policy::schema::{SchemaKind, schema_text};
use crate::report::{Reporter, listing};
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
        Command::Targets => targets(cli.manifest.as_deref(), cwd, reporter),
        Command::Stats => stats(cli.manifest.as_deref(), cwd, reporter),
    };
    result.unwrap_or_else(|diagnostics| {
        reporter.diagnostics(&diagnostics);
        ExitStatus::Error
    })
}

/// A project loaded from disk and compiled in memory.
pub struct Project {
    /// The repository root: the manifest's directory.
    pub root: PathBuf,
    /// What the build would write.
    pub build: Build,
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
fn catalog(root: &Path) -> Result<Catalog, Vec<Diagnostic>> {
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

/// A project's root and the files its policies compile to.
pub struct Compiled {
    /// The repository root: the manifest's directory.
    pub root: PathBuf,
    /// The files the policies compile to.
    pub plan: Plan,
}

/// Finds and loads the manifest and policies, then compiles them; only reads the disk.
pub fn load_and_compile(manifest: Option<&Path>, cwd: &Path) -> Result<Compiled, Vec<Diagnostic>> {
    let Project { root, build } = compile_project(manifest, cwd, Budgets::Enforce)?;
    Ok(Compiled {
        root,
        plan: build.plan,
    })
}

/// Loads the project whose manifest is `manifest` (or is found from `cwd` upwards) and compiles
/// it: the load stage, then the pure core, with nothing written.
pub fn compile_project(
    manifest: Option<&Path>,
    cwd: &Path,
    budgets: Budgets,
) -> Result<Project, Vec<Diagnostic>> {
    let manifest_path = manifest_path(manifest, cwd)?;
    let root = root_of(&manifest_path, cwd);
    let manifest_source =
        load::read_text(&manifest_path, &load::display_path(&root, &manifest_path))
            .map_err(|d| vec![d])?;
    let manifest = compile::parse_manifest(&manifest_source)?;
    let repo_policies = load::read_policy_dir(&root, &manifest.value.policies.dir)?;
    let catalog = catalog(&root)?;
    let build = compile::compile(
        &manifest_source,
        &manifest,
        &repo_policies,
        &catalog,
        &load::Disk { root: &root },
        budgets,
    )?;
    Ok(Project { root, build })
}

fn build(
    manifest: Option<&Path>,
    cwd: &Path,
    args: &BuildArgs,
    reporter: &mut Reporter,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    let loaded = compile_project(manifest, cwd, Budgets::Enforce)?;
    reporter.diagnostics(&loaded.build.warnings);
    let changes = write::preview(
        &loaded.root,
        &loaded.build.plan,
        WriteOptions { force: args.force },
    )?;
    if !args.dry_run {
        write::apply(&loaded.root, &changes)?;
    }
    reporter.build_summary(&changes, args.dry_run);
    Ok(ExitStatus::Success)
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
    let loaded = compile_project(manifest, cwd, Budgets::Measure)?;
    reporter.data(&listing::stats(&loaded.build));
    let over_hard = loaded
        .build
        .measurements
        .iter()
        .any(|m| m.over() && m.budget.kind == crate::target::spec::BudgetKind::Hard);
    Ok(if over_hard {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
