//! `rulesmith completions`: a shell completion script generated from the command-line flags.

use clap::CommandFactory as _;

use crate::cli::{Cli, CompletionsArgs};
use crate::commands::ExitStatus;
use crate::report::Reporter;

/// Runs `rulesmith completions`.
pub(super) fn run(args: &CompletionsArgs, reporter: &mut Reporter) -> ExitStatus {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "rulesmith", &mut script);
    reporter.data(&String::from_utf8_lossy(&script));
    ExitStatus::Success
}
