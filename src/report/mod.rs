//! The report layer: the only code that prints.
//!
//! Machine-readable output goes to stdout; diagnostics and progress go to stderr. Colour is
//! decided once by the streams (terminal detection, `NO_COLOR`, `--color`).

mod excerpt;
mod explain;
pub mod findings;
mod human;
pub mod listing;
pub mod prompt;

use std::io::Write;

use crate::diagnostic::{Diagnostic, Severity};
use crate::import::{Imported, Status};
use crate::report::findings::{FindingsView, Format, Verbosity};
use crate::resolve::languages::{Languages, Provenance};
use crate::scaffold::{Action, InitFile};
use crate::syntax::safe;
use crate::write::{Change, FileChange};

pub use explain::render_explanation;
pub use human::render_diagnostic;

/// Where a command's output goes.
pub struct Reporter {
    out: Box<dyn Write>,
    err: Box<dyn Write>,
}

impl Reporter {
    /// A reporter on the process's stdout and stderr, colouring only where the stream allows.
    pub fn stdio() -> Self {
        Reporter {
            out: Box::new(anstream::stdout()),
            err: Box::new(anstream::stderr()),
        }
    }

    /// A reporter writing to the given sinks.
    pub fn new(out: Box<dyn Write>, err: Box<dyn Write>) -> Self {
        Reporter { out, err }
    }

    /// Prints data meant for other programs or for the user to read as the result (stdout).
    pub fn data(&mut self, text: &str) {
        // A closed pipe (`| head`) is not an error worth reporting.
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
    }

    /// Prints a one-line status message for the user (stderr).
    pub fn note(&mut self, text: &str) {
        let _ = writeln!(self.err, "{}", safe::one_line(text));
        let _ = self.err.flush();
    }

    /// Prints diagnostics and a closing summary line for errors (stderr).
    ///
    /// `writes` says whether the command would have written files, so the summary can say
    /// that nothing was.
    pub fn diagnostics(&mut self, diagnostics: &[Diagnostic], writes: bool) {
        for diagnostic in diagnostics {
            let _ = write!(self.err, "{}", render_diagnostic(diagnostic));
        }
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        if errors > 0 {
            let noun = if errors == 1 { "error" } else { "errors" };
            // A build that could not put every file back says so itself.
            let partial = diagnostics
                .iter()
                .any(|d| d.code == crate::diagnostic::InputCode::PartiallyWritten);
            let tail = if writes && !partial {
                "; nothing was written"
            } else {
                ""
            };
            let _ = writeln!(
                self.err,
                "{}: {errors} {noun}{tail}",
                human::paint_error("error")
            );
        }
        let _ = self.err.flush();
    }

    /// Prints the findings of `check` or `scan`: the report on stdout, the summary on stderr.
    pub fn findings(&mut self, format: Format, view: &FindingsView<'_>, verbosity: Verbosity) {
        let rendered = findings::render(format, view, verbosity);
        let _ = self.out.write_all(rendered.stdout.as_bytes());
        let _ = self.out.flush();
        let _ = self.err.write_all(rendered.stderr.as_bytes());
        let _ = self.err.flush();
    }

    /// Prints a question or a remark of an interactive prompt (stderr), without a newline.
    pub fn prompt(&mut self, text: &str) {
        let _ = self.err.write_all(text.as_bytes());
        let _ = self.err.flush();
    }

    /// Prints what `rulesmith init` did, then what to do next (stderr).
    pub fn init_summary(&mut self, files: &[InitFile], notes: &[String]) {
        for file in files {
            let (verb, detail) = match file.action {
                Action::Create => ("created", ""),
                Action::Adopt => ("adopted", " (its text kept; the rules in a managed block)"),
                Action::Keep => ("kept", " (exists; not scaffolded)"),
                Action::Extend => (
                    "extended",
                    " (its text kept; lines added that keep generated files committed)",
                ),
            };
            let _ = writeln!(
                self.err,
                "{} {}{detail}",
                human::paint_verb(&format!("{verb:>12}")),
                safe::one_line(&file.path)
            );
        }
        for note in notes {
            let _ = writeln!(self.err, "{note}");
        }
        let _ = self.err.flush();
    }

    /// Prints what `rulesmith import` found in each file and what it wrote (stderr).
    pub fn import_summary(&mut self, imported: &Imported, removed: &[&str], dry_run: bool) {
        let generated = imported
            .files
            .iter()
            .filter(|f| f.status == Status::Generated)
            .count();
        for file in &imported.files {
            let verb = match file.status {
                Status::Imported => "imported",
                Status::References => "references",
                Status::Withheld => "withheld",
                // Counted in one line below, not listed.
                Status::Generated => continue,
                Status::Empty => "empty",
            };
            let detail = match file.status {
                Status::Imported => {
                    format!(
                        ": {} rule(s) in {}{}",
                        file.rules,
                        if file.policies.is_empty() {
                            "no new policy".to_owned()
                        } else {
                            file.policies.join(", ")
                        },
                        match file.duplicates {
                            0 => String::new(),
                            n => format!(" ({n} already imported from another file)"),
                        }
                    ) + &match file.left_out {
                        0 => String::new(),
                        n => format!("; {n} hidden-content finding(s) left out (above)"),
                    }
                }
                Status::References => ": only `@` references to other files".to_owned(),
                Status::Withheld => {
                    ": the scanner found hidden or risky content (above); nothing imported"
                        .to_owned()
                }
                Status::Empty => ": nothing in it".to_owned(),
                Status::Generated => continue,
            };
            let _ = writeln!(
                self.err,
                "{} {} ({}){detail}",
                human::paint_verb(&format!("{verb:>12}")),
                safe::one_line(&file.path),
                file.origin.name()
            );
        }
        if generated > 0 {
            let _ = writeln!(
                self.err,
                "{} {generated} file(s) rulesmith generated: outputs, not sources",
                human::paint_verb(&format!("{:>12}", "skipped")),
            );
        }
        for path in removed {
            let verb = if dry_run { "would remove" } else { "removed" };
            let _ = writeln!(
                self.err,
                "{} {}",
                human::paint_verb(&format!("{verb:>12}")),
                safe::one_line(path)
            );
        }
        let rules: usize = imported.policies.iter().map(|p| p.rules.len()).sum();
        let policies = imported.policies.len();
        let _ = writeln!(
            self.err,
            "import: {rules} rule(s) in {policies} {} from {} file(s){}",
            if policies == 1 { "policy" } else { "policies" },
            imported.files.len(),
            if dry_run {
                " (dry run: nothing written)"
            } else {
                ""
            }
        );
        let _ = self.err.flush();
    }

    /// Prints unified diffs (stdout), coloured where the stream allows.
    pub fn diffs(&mut self, diffs: &[String]) {
        for diff in diffs {
            let _ = self.out.write_all(findings::paint_diff(diff).as_bytes());
        }
        let _ = self.out.flush();
    }

    /// Prints the languages a build selected rules for, and where they came from.
    pub fn languages(&mut self, languages: &Languages) {
        let names: Vec<&str> = languages.list.iter().map(|l| l.0.as_str()).collect();
        let line = match languages.provenance {
            Provenance::Manifest if names.is_empty() => {
                "languages: none (from rulesmith.yaml): only rules for every language".to_owned()
            }
            Provenance::Manifest => {
                format!("languages: {} (from rulesmith.yaml)", names.join(", "))
            }
            Provenance::Detected => format!("languages: {} (detected)", names.join(", ")),
            Provenance::Undetected => {
                "languages: no source files recognised, every language's rules kept".to_owned()
            }
        };
        self.note(&line);
    }

    /// Prints what a build did, or would do with `--dry-run`.
    pub fn build_summary(&mut self, changes: &[FileChange], dry_run: bool) {
        let mut written = 0;
        for change in changes {
            let verb = match (change.change, dry_run) {
                (Change::Unchanged, _) => continue,
                (Change::Create, false) => "created",
                (Change::Update, false) => "updated",
                (Change::Create, true) => "would create",
                (Change::Update, true) => "would update",
                (Change::Remove, false) => "removed",
                (Change::Remove, true) => "would remove",
            };
            written += 1;
            let _ = writeln!(
                self.err,
                "{} {}",
                human::paint_verb(&format!("{verb:>12}")),
                safe::one_line(&change.path)
            );
        }
        let unchanged = changes.len() - written;
        let summary = match (written, dry_run) {
            (0, _) => format!("nothing to do: {unchanged} files up to date"),
            (n, false) => format!("{n} {} written, {unchanged} unchanged", files(n)),
            (n, true) => format!(
                "{n} {} would change, {unchanged} unchanged (dry run: nothing written)",
                files(n)
            ),
        };
        let _ = writeln!(self.err, "{summary}");
        let _ = self.err.flush();
    }
}

fn files(n: usize) -> &'static str {
    if n == 1 { "file" } else { "files" }
}
