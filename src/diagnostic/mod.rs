//! Diagnostics: every error and warning rulesmith reports, with a stable code from the one
//! registry in [`codes`], and the findings of `check` and `scan` in [`finding`].
//!
//! The report layer decides how to print them; this module only describes them.

pub mod codes;
pub mod finding;

use crate::syntax::yaml::Position;

pub use codes::{Class, Code, DriftCode, InputCode, ScanCode};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Stops the command; nothing is written.
    Error,
    /// Reported, but the command goes on.
    Warning,
}

/// A place in a source file, with the text of its line for the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// The file, relative to the repository root where possible.
    pub file: String,
    /// The position inside the file; zero line when the whole file is meant.
    pub position: Position,
    /// The source line the position is on, for the snippet.
    pub line_text: Option<String>,
    /// How many characters to underline.
    pub width: usize,
}

/// One problem found by rulesmith.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code.
    pub code: InputCode,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where it is wrong, when it is about a file.
    pub span: Option<Span>,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// Creates an error with no location.
    pub fn error(code: InputCode, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span: None,
            hint: None,
        }
    }

    /// Creates a warning with no location.
    pub fn warning(code: InputCode, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// Attaches a location.
    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    /// Attaches a fix.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// A text file read by the load stage, named the way diagnostics show it.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Display path, relative to the repository root where possible.
    pub name: String,
    /// The file's text.
    pub text: String,
}

impl SourceFile {
    /// Creates a source file from a display name and its text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }

    /// A span at `position` underlining `width` characters.
    pub fn span(&self, position: Position, width: usize) -> Span {
        let line_text = (position.line > 0)
            .then(|| self.text.lines().nth(position.line as usize - 1))
            .flatten()
            .map(str::to_owned);
        Span {
            file: self.name.clone(),
            position,
            line_text,
            width: width.max(1),
        }
    }

    /// A span naming the whole file.
    pub fn whole(&self) -> Span {
        Span {
            file: self.name.clone(),
            position: Position::default(),
            line_text: None,
            width: 1,
        }
    }
}
