//! The text of `rulesmith explain`: one rule, its sources and its reach, as aligned fields.

use std::fmt::Write as _;

use crate::explain::{Explanation, Status};
use crate::model::manifest::Tier;
use crate::resolve::Origin;
use crate::resolve::pack;

/// Renders an explanation as plain text, one `Label  value` field per line.
pub fn render_explanation(e: &Explanation) -> String {
    let mut out = format!("{}\n\n  {} {}\n", e.qualified_id, e.level.keyword(), e.text);
    if let Some(rationale) = &e.rationale {
        let _ = writeln!(out, "  Why: {rationale}");
    }
    if let Some(example) = &e.example {
        if let Some(good) = &example.good {
            let _ = writeln!(out, "  Good: {good}");
        }
        if let Some(bad) = &example.bad {
            let _ = writeln!(out, "  Bad: {bad}");
        }
    }
    out.push('\n');
    let origin = match e.origin {
        Origin::Builtin => format!("built-in pack {}", pack::VERSION),
        Origin::Repo => "this repository".to_owned(),
    };
    field(
        &mut out,
        "Policy",
        &format!("{} ({}), {origin}", e.policy_title, e.policy),
    );
    if !e.references.is_empty() {
        field(&mut out, "References", &e.references.join(", "));
    }
    for source in &e.sources {
        field(&mut out, "Source", source);
    }
    if let Some(reviewed) = &e.reviewed {
        field(&mut out, "Reviewed", reviewed);
    }
    field(
        &mut out,
        "Scope",
        e.scope.as_deref().unwrap_or("every file"),
    );
    field(&mut out, "Tiers", &tiers(&e.tiers));
    if let Some(o) = &e.overridden {
        field(&mut out, "Override", &format!("{}: {}", o.change, o.reason));
    }
    match &e.project {
        None => field(
            &mut out,
            "Project",
            "no rulesmith.yaml found; showing the rule as the pack defines it",
        ),
        Some(reach) => {
            let tier = reach.tier.as_str();
            let status = match &reach.status {
                Status::Applies { softened: None } => format!(
                    "compiled for this {tier}-tier project: {}",
                    match e.origin {
                        Origin::Builtin =>
                            "built-in policies are on unless an override leaves them out",
                        Origin::Repo => "the repository's own policy",
                    }
                ),
                Status::Applies {
                    softened: Some(level),
                } => format!(
                    "compiled for this {tier}-tier project as {}, softened by an override",
                    level.keyword()
                ),
                Status::OtherTiers => format!(
                    "not compiled: this project is {tier} tier and the rule reaches {}",
                    tiers(&e.tiers)
                ),
                Status::Overridden => "not compiled: an override turns it off".to_owned(),
            };
            field(&mut out, "Status", &status);
            if matches!(reach.status, Status::Applies { .. }) {
                let files = if reach.files.is_empty() {
                    "none of the selected targets".to_owned()
                } else {
                    reach
                        .files
                        .iter()
                        .map(|(target, path)| format!("{path} ({target})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                field(&mut out, "Files", &files);
            }
        }
    }
    out
}

fn field(out: &mut String, label: &str, value: &str) {
    let _ = writeln!(out, "  {label:<11} {value}");
}

fn tiers(tiers: &[Tier]) -> String {
    if tiers.is_empty() {
        "every tier".to_owned()
    } else {
        tiers
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
