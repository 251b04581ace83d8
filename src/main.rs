//! The `rulesmith` command: runs the app and maps its outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use rulesmith::{app, cli::Cli, report::Reporter};

fn main() -> ExitCode {
    let cli = Cli::parse();
    app::apply_color(cli.color);
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    app::run(cli, &cwd, &mut Reporter::stdio()).into()
}
