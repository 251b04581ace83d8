//! Plain line prompts on a terminal: a question with its default, one answer per line.

use std::io::BufRead;

use crate::diagnostic::Diagnostic;
use crate::report::Reporter;
use crate::scaffold::answers::Ask;

/// Asks questions on the reporter's error stream and reads answers from `input`.
pub struct Prompter<'a> {
    input: &'a mut dyn BufRead,
    reporter: &'a mut Reporter,
    ended: bool,
}

impl<'a> Prompter<'a> {
    /// A prompter reading from `input`.
    pub fn new(input: &'a mut dyn BufRead, reporter: &'a mut Reporter) -> Self {
        Prompter {
            input,
            reporter,
            ended: false,
        }
    }
}

impl Ask for Prompter<'_> {
    /// Asks `question`; an empty line, or the end of input, takes `default`.
    fn ask(&mut self, question: &str, default: &str) -> String {
        self.reporter.prompt(&format!("{question} [{default}]: "));
        let mut line = String::new();
        if self.ended || matches!(self.input.read_line(&mut line), Ok(0) | Err(_)) {
            self.ended = true;
            self.reporter.prompt("\n");
            return default.to_owned();
        }
        match line.trim() {
            "" => default.to_owned(),
            answer => answer.to_owned(),
        }
    }

    /// Says why an answer was refused, before the question is asked again.
    fn complain(&mut self, problem: &Diagnostic) {
        let hint = problem
            .hint
            .as_deref()
            .map(|hint| format!(" ({hint})"))
            .unwrap_or_default();
        self.reporter
            .prompt(&format!("  {}{hint}\n", problem.message));
    }

    /// Whether the input has ended, so asking again would not help.
    fn at_end(&self) -> bool {
        self.ended
    }
}
