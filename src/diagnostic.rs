//! Diagnostics: every error and warning rulesmith reports, with a stable code.
//!
//! Codes never change meaning once released; new problems get new codes. The report layer
//! decides how to print them; this module only describes them.

use std::fmt;

use crate::load::yaml::Position;

/// A stable diagnostic code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// No `rulesmith.yaml` in the working directory or its parents.
    ManifestNotFound,
    /// A file could not be read.
    ReadFailed,
    /// A file is not valid UTF-8.
    NotUtf8,
    /// A file is larger than rulesmith accepts.
    FileTooLarge,
    /// A path is a symlink or otherwise not a regular file where one is required.
    NotARegularFile,
    /// An input file or directory lies outside the repository, as written or through a symlink.
    InputOutsideRepo,
    /// YAML that does not parse.
    YamlSyntax,
    /// A key the schema does not know.
    UnknownKey,
    /// A value of the wrong type.
    WrongType,
    /// A value outside the allowed set or format.
    InvalidValue,
    /// A required key is missing.
    MissingKey,
    /// Two policies share an id.
    DuplicatePolicy,
    /// Two rules of one policy share an id.
    DuplicateRule,
    /// The manifest names a target that does not exist.
    UnknownTarget,
    /// The manifest names a policy that does not exist.
    UnknownPolicy,
    /// Policy text contains invisible or direction-changing characters.
    HiddenUnicode,
    /// Policy text contains text hidden from the rendered view (HTML comments, hidden HTML).
    HiddenText,
    /// Policy text contains a secret.
    SecretInPolicy,
    /// The manifest changes the severity of a scan code that does not exist.
    UnknownScanCode,
    /// A rule name matches no rule, or a bare rule id matches rules in several policies.
    UnknownRule,
    /// An override is malformed: a blank reason, both or neither of its keys, not a softening,
    /// or a second override of the same thing.
    InvalidOverride,
    /// A target template failed to compile or render.
    TemplateError,
    /// A target spec is invalid.
    TargetSpecError,
    /// A generated file is over a size limit its agent enforces.
    BudgetExceeded,
    /// A generated file is over a size its agent's documentation advises.
    BudgetAdvisory,
    /// A settings file would switch an agent's permission prompts off.
    UnsafeSetting,
    /// One agent would read another target's file in place of the one meant for it.
    ShadowedFile,
    /// An output path leaves the repository.
    PathEscapesRepo,
    /// rulesmith refuses to overwrite a file it did not generate.
    NotGenerated,
    /// A file could not be written.
    WriteFailed,
    /// A settings file rulesmith merges into cannot be merged.
    SettingsMerge,
    /// A managed block's markers are missing, duplicated or nested.
    BrokenMarkers,
    /// `rulesmith init` would write a file that already exists.
    InitConflict,
    /// `rulesmith init` was given a directory it cannot set up.
    InitDirectory,
    /// `rulesmith init` was given a directory inside another rulesmith project.
    NestedProject,
    /// `rulesmith init` was given a stack or tier it does not know.
    UnknownChoice,
}

impl Code {
    /// Every code, for documentation and uniqueness tests.
    pub const ALL: &'static [Code] = &[
        Code::ManifestNotFound,
        Code::ReadFailed,
        Code::NotUtf8,
        Code::FileTooLarge,
        Code::NotARegularFile,
        Code::InputOutsideRepo,
        Code::YamlSyntax,
        Code::UnknownKey,
        Code::WrongType,
        Code::InvalidValue,
        Code::MissingKey,
        Code::DuplicatePolicy,
        Code::DuplicateRule,
        Code::UnknownTarget,
        Code::UnknownPolicy,
        Code::HiddenUnicode,
        Code::HiddenText,
        Code::SecretInPolicy,
        Code::UnknownScanCode,
        Code::UnknownRule,
        Code::InvalidOverride,
        Code::TemplateError,
        Code::TargetSpecError,
        Code::BudgetExceeded,
        Code::BudgetAdvisory,
        Code::UnsafeSetting,
        Code::ShadowedFile,
        Code::PathEscapesRepo,
        Code::NotGenerated,
        Code::WriteFailed,
        Code::SettingsMerge,
        Code::BrokenMarkers,
        Code::InitConflict,
        Code::InitDirectory,
        Code::NestedProject,
        Code::UnknownChoice,
    ];

    /// The code as printed, e.g. `RS0102`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::ManifestNotFound => "RS0001",
            Code::ReadFailed => "RS0002",
            Code::NotUtf8 => "RS0003",
            Code::FileTooLarge => "RS0004",
            Code::NotARegularFile => "RS0005",
            Code::InputOutsideRepo => "RS0006",
            Code::YamlSyntax => "RS0101",
            Code::UnknownKey => "RS0102",
            Code::WrongType => "RS0103",
            Code::InvalidValue => "RS0104",
            Code::MissingKey => "RS0105",
            Code::DuplicatePolicy => "RS0201",
            Code::DuplicateRule => "RS0202",
            Code::UnknownTarget => "RS0203",
            Code::UnknownPolicy => "RS0204",
            Code::HiddenUnicode => "RS0205",
            Code::HiddenText => "RS0206",
            Code::SecretInPolicy => "RS0207",
            Code::UnknownScanCode => "RS0208",
            Code::UnknownRule => "RS0209",
            Code::InvalidOverride => "RS0210",
            Code::TemplateError => "RS0301",
            Code::TargetSpecError => "RS0302",
            Code::BudgetExceeded => "RS0303",
            Code::BudgetAdvisory => "RS0304",
            Code::UnsafeSetting => "RS0305",
            Code::ShadowedFile => "RS0306",
            Code::PathEscapesRepo => "RS0401",
            Code::NotGenerated => "RS0402",
            Code::WriteFailed => "RS0403",
            Code::SettingsMerge => "RS0405",
            Code::BrokenMarkers => "RS0404",
            Code::InitConflict => "RS0501",
            Code::InitDirectory => "RS0502",
            Code::NestedProject => "RS0503",
            Code::UnknownChoice => "RS0504",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
    pub code: Code,
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
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span: None,
            hint: None,
        }
    }

    /// Creates a warning with no location.
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "duplicate code {text}");
            assert_eq!(text.len(), 6, "{text}");
            assert!(text.starts_with("RS"), "{text}");
        }
    }
}
