//! The command layer: flags in, a workspace loaded once, one command run, an exit status out.
//!
//! Each subcommand has its own file and takes the [`Workspace`]; commands never import each
//! other, and what two of them share lives in the workspace.

mod build;
mod check;
mod completions;
mod explain;
mod import;
mod init;
mod scan;
mod schema;
mod stats;
mod targets;
pub mod workspace;

use std::io::IsTerminal as _;
use std::path::Path;
use std::process::ExitCode;

use crate::cli::{Cli, ColorWhen, Command, ReportArgs};
use crate::diagnostic::Diagnostic;
use crate::report::Reporter;
use crate::report::findings::{FindingsView, Format, Verbosity};
pub use workspace::{Need, Workspace};

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
        || matches!(&cli.command, Command::Init(_))
        || matches!(&cli.command, Command::Import(args) if !args.dry_run);
    dispatch(&cli, cwd, reporter).unwrap_or_else(|diagnostics| {
        report_errors(&cli.command, &diagnostics, writes, reporter);
        ExitStatus::Error
    })
}

/// Reports the input errors that stopped a command, in the format its report was asked in.
fn report_errors(
    command: &Command,
    diagnostics: &[Diagnostic],
    writes: bool,
    reporter: &mut Reporter,
) {
    let (name, format) = match command {
        Command::Check(args) => ("check", args.report.format),
        Command::Scan(args) => ("scan", args.format),
        _ => ("", Format::Human),
    };
    if format == Format::Human {
        reporter.diagnostics(diagnostics, writes);
        return;
    }
    let view = FindingsView {
        command: name,
        findings: &[],
        diagnostics,
        files_checked: 0,
    };
    reporter.findings(format, &view, Verbosity::Normal);
}

/// Loads the workspace the command needs, then runs the command.
fn dispatch(cli: &Cli, cwd: &Path, reporter: &mut Reporter) -> Result<ExitStatus, Vec<Diagnostic>> {
    let workspace = |need| Workspace::load(cli.manifest.as_deref(), cwd, need);
    match &cli.command {
        Command::Build(args) if args.check => {
            let report = ReportArgs {
                quiet: args.quiet,
                ..ReportArgs::default()
            };
            check::run(&workspace(Need::Project)?, &report, reporter)
        }
        Command::Build(args) => build::run(&workspace(Need::Project)?, args, reporter),
        Command::Check(args) if !args.accept.is_empty() => {
            check::accept(&workspace(Need::Project)?, cwd, args, reporter)
        }
        Command::Check(args) => check::run(&workspace(Need::Project)?, &args.report, reporter),
        Command::Stats(args) => stats::run(&workspace(Need::Project)?, args, reporter),
        Command::Explain(args) => explain::run(&workspace(Need::Anywhere)?, args, reporter),
        Command::Targets(args) => targets::run(&workspace(Need::Anywhere)?, args, reporter),
        Command::Scan(args) => scan::run(workspace(Need::Anywhere)?, cwd, args, reporter),
        Command::Schema(args) => Ok(schema::run(args, reporter)),
        Command::Import(args) => import::run(&workspace(Need::Project)?, args, cwd, reporter),
        Command::Completions(args) => Ok(completions::run(args, reporter)),
        Command::Init(args) => {
            let stdin = std::io::stdin();
            let mut input = (!args.yes && stdin.is_terminal()).then(|| stdin.lock());
            let input = input.as_mut().map(|lock| lock as &mut dyn std::io::BufRead);
            init::run(args, cwd, reporter, input)
        }
    }
}
