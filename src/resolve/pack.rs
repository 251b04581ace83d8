//! The built-in policy pack: its version and its policy files, embedded from `policies/`.
//!
//! The pack is versioned apart from the binary's code so a team can see, in the generated files
//! and in `policies/CHANGELOG.md`, when the rules its agents read have changed.

use crate::diagnostic::SourceFile;
use crate::embedded;

/// The pack's version: `YEAR.MONTH.PATCH` of its last release, as in `policies/CHANGELOG.md`.
pub const VERSION: &str = "2026.12.0";

/// The display prefix of built-in policy files.
pub const BUILTIN_PREFIX: &str = "<builtin>/";

/// The built-in policy ids, sorted.
pub fn policy_ids() -> Vec<String> {
    policy_files().map(|(stem, _)| stem.to_owned()).collect()
}

/// Every built-in policy file, named `<builtin>/<id>.yaml` in diagnostics.
pub fn sources() -> Vec<SourceFile> {
    policy_files()
        .map(|(stem, text)| SourceFile::new(format!("{BUILTIN_PREFIX}{stem}.yaml"), text))
        .collect()
}

/// Top-level `policies/*.yaml` files are policies; schemas, docs and subfolders are not.
fn policy_files() -> impl Iterator<Item = (&'static str, &'static str)> {
    embedded::POLICIES
        .iter()
        .filter_map(|(path, text)| path.strip_suffix(".yaml").map(|stem| (stem, *text)))
        .filter(|(stem, _)| !stem.contains('/'))
}
