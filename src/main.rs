//! The `rulesmith` command: runs the app and maps its outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use rulesmith::{cli::Cli, commands, report::Reporter};

fn main() -> ExitCode {
    let cli = Cli::parse();
    commands::apply_color(cli.color);
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    commands::run(cli, &cwd, &mut Reporter::stdio()).into()
}
