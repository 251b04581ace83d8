//! The working agreement as templates see it: the manifest's `agreement` section with the
//! defaults applied, the tier policy's rules as the definition of done, and text made safe for
//! Markdown tables and CODEOWNERS.

use serde::Serialize;

use crate::model::agreement::{Agreement, HANDOFF, Item, Lanes, REVIEW};
use crate::model::manifest::Tier;
use crate::resolve::ResolvedPolicy;

/// The agreement as templates see it: defaults applied, text made safe for tables.
#[derive(Clone, Debug, Serialize)]
pub struct AgreementView {
    /// The lanes, in table order.
    pub lanes: Vec<LaneView>,
    /// Handoff rules.
    pub handoff: Vec<String>,
    /// Review etiquette.
    pub review: Vec<String>,
    /// The definition of done for the project's tier from its tier policy, when the build has
    /// one.
    pub done: Vec<String>,
    /// CODEOWNERS lines: lanes with an owner and paths, engineering last so its ownership wins
    /// where patterns overlap (the last matching line takes precedence).
    pub codeowners: Vec<OwnerLine>,
    /// Lane paths that no owner guards, for a note in CODEOWNERS.
    pub unowned: Vec<UnownedPath>,
}

/// One lane as templates see it.
#[derive(Clone, Debug, Serialize)]
pub struct LaneView {
    /// `builder`, `engineering` or `shared`.
    pub id: &'static str,
    /// The lane's name for people.
    pub name: &'static str,
    /// The owning team, if set.
    pub owner: Option<String>,
    /// Path patterns.
    pub paths: Vec<String>,
    /// The work items, each on one line with `|` escaped, for a Markdown table.
    pub work: Vec<String>,
}

/// One CODEOWNERS line.
#[derive(Clone, Debug, Serialize)]
pub struct OwnerLine {
    /// The path pattern.
    pub path: String,
    /// The owner.
    pub owner: String,
    /// The lane it comes from.
    pub lane: &'static str,
}

/// A lane path without an owner.
#[derive(Clone, Debug, Serialize)]
pub struct UnownedPath {
    /// The path pattern.
    pub path: String,
    /// The lane it belongs to.
    pub lane: &'static str,
}

/// Resolves the manifest's agreement for a project at `tier`, whose resolved policies are
/// `policies`.
pub fn resolve(agreement: &Agreement, tier: Tier, policies: &[ResolvedPolicy]) -> AgreementView {
    let lanes = agreement.lanes.clone().unwrap_or_else(Lanes::standard);
    let ordered = [
        ("builder", "Builder", &lanes.builder),
        ("engineering", "Engineering", &lanes.engineering),
        ("shared", "Shared", &lanes.shared),
    ];
    let mut codeowners = Vec::new();
    let mut unowned = Vec::new();
    // Engineering goes last: in CODEOWNERS the last matching line wins.
    for (id, _, lane) in [ordered[0], ordered[2], ordered[1]] {
        for path in &lane.paths {
            match &lane.owner {
                Some(owner) => codeowners.push(OwnerLine {
                    path: path.0.clone(),
                    owner: owner.clone(),
                    lane: id,
                }),
                None => unowned.push(UnownedPath {
                    path: path.0.clone(),
                    lane: id,
                }),
            }
        }
    }
    let text = |given: &Option<Vec<Item>>, default: &[&str]| -> Vec<String> {
        match given {
            Some(items) => items.iter().map(|item| one_line(&item.0)).collect(),
            None => default.iter().map(|item| (*item).to_owned()).collect(),
        }
    };
    AgreementView {
        lanes: ordered
            .iter()
            .map(|(id, name, lane)| LaneView {
                id,
                name,
                owner: lane.owner.clone(),
                paths: lane.paths.iter().map(|p| p.0.clone()).collect(),
                work: lane.work.iter().map(|w| cell(&w.0)).collect(),
            })
            .collect(),
        handoff: text(&agreement.handoff, HANDOFF),
        review: text(&agreement.review, REVIEW),
        done: done(tier, policies),
        codeowners,
        unowned,
    }
}

impl AgreementView {
    /// The owner CODEOWNERS gives `path` from the agreement's block: the owner of the last line
    /// whose pattern matches it (the block comes last in the file, so its lines win).
    pub fn owner_of(&self, path: &str) -> Option<String> {
        self.codeowners
            .iter()
            .rev()
            .find(|line| codeowners_matches(&line.path, path))
            .map(|line| line.owner.clone())
    }
}

/// Whether a CODEOWNERS `pattern` (gitignore rules) matches the file `path`.
fn codeowners_matches(pattern: &str, path: &str) -> bool {
    let mut builder = ignore::gitignore::GitignoreBuilder::new("");
    builder.add_line(None, pattern).is_ok()
        && builder
            .build()
            .is_ok_and(|matcher| matcher.matched_path_or_any_parents(path, false).is_ignore())
}

/// The definition of done from the tier's own policy (`tier-<tier>`), when the build has one:
/// its rules, as the agents read them. Empty otherwise; the template then gives the standard
/// definition for the tier.
fn done(tier: Tier, policies: &[ResolvedPolicy]) -> Vec<String> {
    let id = format!("tier-{}", tier.as_str());
    policies
        .iter()
        .filter(|p| p.id == id)
        .flat_map(|p| &p.rules)
        .map(|rule| match rule.verbatim {
            true => one_line(&rule.text),
            false => format!("**{}** {}", rule.keyword, one_line(&rule.text)),
        })
        .collect()
}

/// `text` on one line, runs of whitespace collapsed.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` on one line with `|` escaped, safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::agreement::{Lane, LanePath};

    #[test]
    fn engineering_lines_come_last_and_unowned_paths_are_listed() {
        let mut lanes = Lanes::standard();
        lanes.builder.owner = Some("@acme/builders".into());
        lanes.builder.paths = vec![LanePath("prototypes/**".into())];
        lanes.engineering.owner = Some("@acme/platform".into());
        lanes.shared.paths = vec![LanePath("evals/**".into())];
        let agreement = Agreement {
            lanes: Some(lanes),
            ..Agreement::default()
        };
        let view = resolve(&agreement, Tier::Prototype, &[]);
        let lines: Vec<(&str, &str)> = view
            .codeowners
            .iter()
            .map(|l| (l.path.as_str(), l.owner.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                ("prototypes/**", "@acme/builders"),
                ("**/auth/**", "@acme/platform"),
                ("**/payments/**", "@acme/platform"),
                ("**/migrations/**", "@acme/platform"),
            ]
        );
        assert_eq!(view.unowned.len(), 1);
        assert_eq!(view.unowned[0].lane, "shared");
    }

    #[test]
    fn defaults_fill_what_the_section_leaves_out() {
        let view = resolve(&Agreement::default(), Tier::Internal, &[]);
        assert_eq!(view.lanes.len(), 3);
        assert_eq!(view.handoff.len(), HANDOFF.len());
        assert_eq!(view.review.len(), REVIEW.len());
        assert!(view.codeowners.is_empty());
        // The engineering lane's three paths and the shared lane's guardrails, all unowned.
        assert_eq!(
            view.unowned.len(),
            3 + crate::model::agreement::GUARDRAIL_PATHS.len()
        );
        assert!(view.done.is_empty());
        assert_eq!(view.owner_of("rulesmith.yaml"), None);
    }

    #[test]
    fn the_manifest_is_owned_by_the_last_matching_line() {
        let mut lanes = Lanes::standard();
        lanes.shared.owner = Some("@acme/guardrails".into());
        lanes.builder.owner = Some("@acme/builders".into());
        lanes.builder.paths = vec![LanePath("*.yaml".into())];
        let view = resolve(
            &Agreement {
                lanes: Some(lanes),
                ..Agreement::default()
            },
            Tier::Internal,
            &[],
        );
        // The shared lane's `/rulesmith.yaml` comes after the builder's `*.yaml`.
        assert_eq!(
            view.owner_of("rulesmith.yaml").as_deref(),
            Some("@acme/guardrails")
        );
        assert_eq!(
            view.owner_of(".github/workflows/ci.yml").as_deref(),
            Some("@acme/guardrails")
        );
        assert_eq!(
            view.owner_of("src/app/.claude/settings.json").as_deref(),
            Some("@acme/guardrails")
        );
        assert_eq!(
            view.owner_of("docs/rulesmith.yaml").as_deref(),
            Some("@acme/builders")
        );
        assert_eq!(view.owner_of("src/main.rs"), None);
    }

    #[test]
    fn the_tier_policy_is_the_definition_of_done() {
        let manifest: crate::model::manifest::Manifest =
            serde_json::from_value(serde_json::json!({
                "project": "p", "tier": "internal", "targets": ["claude"], "agreement": {}
            }))
            .unwrap();
        let policy = |id: &str| {
            crate::resolve::SourcedPolicy {
            policy: serde_json::from_value(serde_json::json!({
                "id": id, "title": id,
                "rules": [{"id": "done", "level": "must", "text": "call it done  when\ntests pass."}]
            }))
            .unwrap(),
            origin: crate::resolve::Origin::Builtin,
        }
        };
        let rules = crate::resolve::resolve(
            &manifest,
            vec![policy("tier-prototype"), policy("tier-internal")],
            &crate::resolve::overrides::Overrides::default(),
        );
        let view = rules.agreement.unwrap();
        assert_eq!(view.done, ["**MUST** call it done when tests pass."]);
    }

    #[test]
    fn table_cells_stay_on_one_line() {
        let lanes = Lanes {
            builder: Lane {
                owner: None,
                paths: vec![],
                work: vec![Item("a | b\nc".into())],
            },
            ..Lanes::standard()
        };
        let agreement = Agreement {
            lanes: Some(lanes),
            review: Some(vec![Item("one\n  two".into())]),
            ..Agreement::default()
        };
        let view = resolve(&agreement, Tier::Prototype, &[]);
        assert_eq!(view.lanes[0].work, ["a \\| b c"]);
        assert_eq!(view.review, ["one two"]);
    }
}
