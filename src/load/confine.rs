//! Keeping every input inside the repository.
//!
//! Anyone who can open a pull request chooses a repository's files, including its symlinks and
//! the paths its manifest names. A path that leaves the repository, written as one or through a
//! symlink, could pull another file into the generated agent files or into an error's excerpt,
//! so every input is resolved by the filesystem and compared with the resolved root.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, InputCode, SourceFile, Span};

/// A repository root as the filesystem resolves it.
pub struct Root {
    real: PathBuf,
}

impl Root {
    /// Resolves `root`, the directory the manifest is in.
    pub fn new(root: &Path) -> Result<Root, Diagnostic> {
        let root = if root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            root
        };
        std::fs::canonicalize(root)
            .map(|real| Root { real })
            .map_err(|err| {
                Diagnostic::error(
                    InputCode::ReadFailed,
                    format!("cannot read the repository at {}: {err}", root.display()),
                )
                .hint("check that the directory exists and is readable")
            })
    }

    /// The resolved root.
    pub fn real(&self) -> &Path {
        &self.real
    }

    /// Where `path` really is, if it exists: `Ok(None)` when it does not, an error naming it as
    /// `shown` when it resolves outside the repository.
    pub fn resolve(
        &self,
        path: &Path,
        shown: &str,
        what: &str,
        at: Option<Span>,
    ) -> Result<Option<PathBuf>, Diagnostic> {
        let real = match std::fs::canonicalize(path) {
            Ok(real) => real,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => {
                return Err(Diagnostic::error(
                    InputCode::ReadFailed,
                    format!("cannot read {shown}: {err}"),
                )
                .hint("check that it exists and is readable"));
            }
        };
        if real.starts_with(&self.real) {
            Ok(Some(real))
        } else {
            Err(outside(shown, what, at))
        }
    }
}

/// The error for an input outside the repository. It never quotes the file it resolves to:
/// the span, when there is one, is in the manifest, which is inside.
fn outside(shown: &str, what: &str, at: Option<Span>) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        InputCode::InputOutsideRepo,
        format!("{what} `{shown}` lies outside the repository"),
    )
    .hint("keep rulesmith's inputs in the repository, as files and directories rather than symlinks out of it; policies shared between repositories (packs) are not supported yet");
    diagnostic.at(at.unwrap_or_else(|| SourceFile::new(shown, "").whole()))
}
