//! The built-in policy pack and target catalogue, compiled into the binary.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The repository's address, from `repository` in Cargo.toml: the one place it is written.
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The commit a release binary was built from: the release workflow sets
/// `RULESMITH_RELEASE_COMMIT` to the tagged commit. Other builds know none.
pub const RELEASE_COMMIT: Option<&str> = option_env!("RULESMITH_RELEASE_COMMIT");

/// The `owner/name` a GitHub Actions `uses:` line names this repository by.
pub fn action_name() -> &'static str {
    REPOSITORY
        .trim_end_matches('/')
        .trim_end_matches(".git")
        .strip_prefix("https://github.com/")
        .unwrap_or(REPOSITORY)
}
