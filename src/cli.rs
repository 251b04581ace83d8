//! Command-line flags, as clap parses them. Validation happens in [`crate::commands`].

use std::path::PathBuf;
use std::sync::OnceLock;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostic::finding::Severity;
use crate::report::findings::{Format, Verbosity};
pub use crate::report::listing::ListingFormat;
use crate::resolve::pack;

/// The version `--version` prints: the binary's, and the built-in policy pack's it carries.
fn version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        format!(
            "{} (policy pack {})",
            env!("CARGO_PKG_VERSION"),
            pack::VERSION
        )
    })
}

/// A secure-by-default compiler for AI coding-agent context files.
#[derive(Debug, Parser)]
#[command(name = "rulesmith", version = version(), about, long_about = None)]
#[command(after_help = "Exit status: 0 success, 1 drift or findings, 2 error.")]
pub struct Cli {
    /// Path to rulesmith.yaml (default: search the current directory and its parents).
    #[arg(long, global = true, value_name = "PATH")]
    pub manifest: Option<PathBuf>,

    /// When to use colour.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile the policies and write every target's files.
    Build(BuildArgs),
    /// Compare the working tree with what the policies compile to, writing nothing.
    ///
    /// Reports outputs that are missing, edited by hand, stale or orphaned, agent files that
    /// rulesmith does not generate (shadow rules), and what `scan` finds in any agent file.
    /// Exit status: 0 clean, 1 findings, 2 error.
    Check(CheckArgs),
    /// Start a new repository with secure agent rules, CI, review templates and a handoff plan.
    ///
    /// Writes rulesmith.yaml (with the working agreement) and compiles it into the agent files,
    /// WORKING-AGREEMENT.md and a CODEOWNERS block; scaffolds .gitignore, .env.example, a CI
    /// workflow, a pre-commit config, a pull-request template, SECURITY.md, .gitattributes and,
    /// for prototypes, HANDOFF.md. Never overwrites a file: existing files are listed as
    /// conflicts, unless `--adopt` is given. On a terminal, asks for what the flags leave out.
    Init(InitArgs),
    /// Turn existing agent files into policies: CLAUDE.md, AGENTS.md, Cursor, Copilot, … rules
    /// and the sources of ruler, rulesync and ai-rulez.
    ///
    /// Writes one policy per file or top-level section under the policy directory, one rule per
    /// list item or sentence that states a level, the text kept as written. Files in which the
    /// scanner finds hidden or risky content are reported and not imported. The agent files are
    /// kept unless `--replace` is given. Exit status: 0 done, 1 files withheld, 2 error.
    Import(ImportArgs),
    /// Print the JSON Schema of a rulesmith file.
    Schema(SchemaArgs),
    /// List the available targets: their files, the other targets' files each agent loads,
    /// scoping and size limits.
    Targets(ListingArgs),
    /// Show the size of every generated file against its agent's limits, and every file each
    /// selected agent loads with the total it sees.
    Stats(ListingArgs),
    /// Find hidden and risky instructions in agent files; works with or without rulesmith.yaml.
    Scan(ScanArgs),
    /// Show a rule, its references, the tiers and files it reaches, and why.
    Explain(ExplainArgs),
    /// Print a shell completion script: bash, zsh, fish, powershell or elvish.
    ///
    /// For example `rulesmith completions bash > ~/.local/share/bash-completion/completions/rulesmith`.
    Completions(CompletionsArgs),
}

/// Flags of `rulesmith completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Flags of `rulesmith targets` and `rulesmith stats`.
#[derive(Debug, Default, clap::Args)]
pub struct ListingArgs {
    /// Output format: human (default) or json (one versioned document).
    #[arg(long, value_enum, default_value_t)]
    pub format: ListingFormat,
}

/// Flags of `rulesmith explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The rule: `policy/rule`, or a bare rule id that only one policy has.
    #[arg(value_name = "RULE-ID")]
    pub rule: String,
}

/// Flags of `rulesmith scan`.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Files or directories to scan (default: the repository root).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Scan every text file, not only known agent files.
    #[arg(long)]
    pub all_files: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Report only findings at or above this severity [default: the manifest's
    /// `scan.min-severity`, else medium].
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub min_severity: Option<Severity>,
    /// For each line hiding something, print what you see beside what the agent reads (human
    /// format only).
    #[arg(long)]
    pub reveal: bool,
    /// Record a reviewed file's current bytes as trusted, so it is quiet until they change.
    #[arg(long, value_name = "PATH", requires = "reason")]
    pub trust: Vec<PathBuf>,
    /// Why the files passed to `--trust` are acceptable; stored with the record.
    #[arg(long, value_name = "TEXT", requires = "trust")]
    pub reason: Option<String>,
}

/// Flags of `rulesmith import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Files or directories to import from (default: the whole repository).
    #[arg(value_name = "PATH")]
    pub paths: Vec<std::path::PathBuf>,
    /// Print the policies that would be written, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Remove the agent files whose rules were all imported and build the generated files in
    /// their place.
    #[arg(long)]
    pub replace: bool,
}

/// Flags of `rulesmith build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Show what would change without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite files that rulesmith did not generate.
    #[arg(long, conflicts_with = "check")]
    pub force: bool,
    /// Write nothing and report drift instead, exactly as `rulesmith check` does.
    #[arg(long, conflicts_with = "dry_run")]
    pub check: bool,
    /// Print nothing on success (no warnings, no summary); errors still print.
    #[arg(long, short, conflicts_with = "dry_run")]
    pub quiet: bool,
    /// Append to .gitignore the negation lines that keep the generated files `.gitignore`
    /// would hide (every other line is kept).
    #[arg(long)]
    pub fix_gitignore: bool,
}

/// Flags of `rulesmith init`.
#[derive(Debug, Default, clap::Args)]
pub struct InitArgs {
    /// The directory to set up; created when missing (default: the current directory).
    pub dir: Option<PathBuf>,
    /// How far the project is from production: prototype (default), internal or production.
    #[arg(long)]
    pub tier: Option<String>,
    /// The stack: node (typescript), python, go, rust or java (default: detected, else node).
    #[arg(long)]
    pub stack: Option<String>,
    /// The agents to write rules for, comma-separated, or `all` (default: claude, agents, cursor,
    /// copilot).
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub agents: Option<Vec<String>>,
    /// The project's name (default: the directory's name).
    #[arg(long)]
    pub project: Option<String>,
    /// The engineering lane's owner in CODEOWNERS, e.g. @acme/platform.
    #[arg(long, value_name = "HANDLE")]
    pub engineering_owner: Option<String>,
    /// Ask nothing: take the defaults for everything the flags leave out.
    #[arg(long, short)]
    pub yes: bool,
    /// Keep existing files: wrap existing agent files' text in managed blocks and leave other
    /// files as they are.
    #[arg(long)]
    pub adopt: bool,
    /// With `--adopt`, where rulesmith's block goes in an agent file that has text: `first`
    /// (the default: agents that read only a file's start still read every rule) or `last`.
    /// Written to rulesmith.yaml as `managed-block`.
    #[arg(long, value_name = "WHERE", value_parser = ["first", "last"])]
    pub managed_block: Option<String>,
    /// Append to .gitignore the negation lines that keep the files init writes that
    /// `.gitignore` would hide (every other line is kept).
    #[arg(long)]
    pub fix_gitignore: bool,
}

/// Flags of `rulesmith check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// How to print the findings.
    #[command(flatten)]
    pub report: ReportArgs,
    /// Accept a reviewed hand-written agent file: record its path and the SHA-256 of its bytes
    /// under `shadow-rules` in rulesmith.yaml, so it is no shadow rules (RS1008) until one byte
    /// changes.
    #[arg(long, value_name = "PATH", requires = "reason")]
    pub accept: Vec<PathBuf>,
    /// Why the files passed to `--accept` are acceptable; stored with the record.
    #[arg(long, value_name = "TEXT", requires = "accept")]
    pub reason: Option<String>,
}

/// How a command prints its findings.
#[derive(Debug, Default, clap::Args)]
pub struct ReportArgs {
    /// Output format: human (default), json, github (workflow annotations) or sarif.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Print nothing; the exit status alone tells the result.
    #[arg(long, short, conflicts_with = "name_only")]
    pub quiet: bool,
    /// Print only the paths of files with findings, one per line.
    #[arg(long)]
    pub name_only: bool,
}

impl ReportArgs {
    /// How much to print.
    pub fn verbosity(&self) -> Verbosity {
        if self.quiet {
            Verbosity::Quiet
        } else if self.name_only {
            Verbosity::NameOnly
        } else {
            Verbosity::Normal
        }
    }
}

/// Flags of `rulesmith schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Which file's schema to print.
    #[arg(value_enum, default_value_t = SchemaName::Policy)]
    pub kind: SchemaName,
}

/// Files with a schema.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SchemaName {
    /// A policy file.
    Policy,
    /// rulesmith.yaml.
    Manifest,
    /// A target spec (targets/<id>/target.yaml).
    Target,
    /// The JSON report of `check` and `scan`.
    Report,
}

/// Colour choice.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ColorWhen {
    /// Colour on terminals, unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}
