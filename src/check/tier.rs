//! Scaffolded files that follow the tier: `init` writes the tier it scaffolded for into the
//! workflow, the pre-commit config and SECURITY.md as a `rulesmith tier `<tier>`` line, and
//! `check` reports each file whose line names another tier than the manifest, until the file
//! is updated for the new tier.

use std::sync::OnceLock;

use regex::Regex;

use crate::diagnostic::DriftCode;
use crate::diagnostic::finding::Finding;
use crate::model::manifest::Tier;

/// The tier a scaffolded file was written for, from its `rulesmith tier `<tier>`` line.
pub fn scaffolded_tier(text: &str) -> Option<&str> {
    static MARKER: OnceLock<Regex> = OnceLock::new();
    MARKER
        .get_or_init(|| {
            Regex::new(r"rulesmith tier `(prototype|internal|production)`")
                .expect("tier marker compiles")
        })
        .captures(text)
        .and_then(|found| found.get(1))
        .map(|tier| tier.as_str())
}

/// One finding per file of `files` (path and text) scaffolded for another tier than `tier`.
pub fn tier_findings<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
    tier: Tier,
) -> Vec<Finding> {
    files
        .into_iter()
        .filter_map(|(path, text)| {
            let written = scaffolded_tier(text)?;
            (written != tier.as_str()).then(|| {
                let code = DriftCode::TierChanged;
                Finding {
                    code: code.into(),
                    severity: code.severity(),
                    path: path.to_owned(),
                    line: line_of(text, written),
                    column: 0,
                    message: format!(
                        "{path} was scaffolded for tier `{written}`, but rulesmith.yaml says `{}`",
                        tier.as_str()
                    ),
                    fix: format!(
                        "bring the file up to the `{tier}` tier (compare with what `rulesmith init --tier {tier}` writes in an empty directory) and change its `rulesmith tier` line to `{tier}`",
                        tier = tier.as_str()
                    ),
                    excerpt: None,
                    diff: None,
                }
            })
        })
        .collect()
}

fn line_of(text: &str, tier: &str) -> u32 {
    let marker = format!("rulesmith tier `{tier}`");
    text.lines()
        .position(|line| line.contains(&marker))
        .map_or(0, |index| u32::try_from(index + 1).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_for_another_tier_is_reported_at_its_marker_line() {
        let files = [
            (
                "SECURITY.md",
                "# Security\n\nA prototype (rulesmith tier `prototype`).\n",
            ),
            ("ci.yml", "# for rulesmith tier `production`\nname: x\n"),
            ("other.md", "no marker here\n"),
        ];
        let found = tier_findings(files, Tier::Production);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].path, "SECURITY.md");
        assert_eq!(found[0].line, 3);
        assert!(
            found[0].message.contains("`prototype`"),
            "{}",
            found[0].message
        );
        assert!(tier_findings(files, Tier::Prototype).len() == 1);
    }
}
