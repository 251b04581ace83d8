//! The working agreement: who builds what, how a prototype reaches production and how changes
//! are reviewed, written down in the manifest's `agreement` section.
//!
//! The section is data; rulesmith renders it, through the `agreement` target, into
//! `WORKING-AGREEMENT.md` and a managed block in `.github/CODEOWNERS`, both checked for drift
//! like any other output. Everything in the section is optional: what is left out takes the
//! defaults below, which `rulesmith init` writes out for the lanes so a team can edit them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::manifest::Tier;
use crate::resolve::ResolvedPolicy;

/// The id of the target that renders the agreement. It is selected by the manifest's
/// `agreement` section, never by the `targets` list.
pub const AGREEMENT_TARGET: &str = "agreement";

/// A CODEOWNERS owner: `@user`, `@org/team` or an e-mail address.
pub const OWNER_PATTERN: &str = r"^(@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[A-Za-z0-9][A-Za-z0-9_.-]*)?|[^@\s]+@[^@\s]+\.[^@\s]+)$";

/// A CODEOWNERS path pattern: no spaces, no backslashes, not a comment or a negation.
pub const PATH_PATTERN: &str = r"^[^\s#!\\|][^\s\\|]*$";

/// What to say when a value does not match one of this module's patterns.
pub fn pattern_hint(pattern: &str) -> Option<&'static str> {
    match pattern {
        OWNER_PATTERN => {
            Some("write a GitHub handle such as `@acme/platform` or `@jane`, or an e-mail address")
        }
        PATH_PATTERN => Some(
            "write a CODEOWNERS path pattern such as `**/auth/**` or `/db/`, without spaces, `|` or a leading `#` or `!`",
        ),
        _ => None,
    }
}

/// The manifest's `agreement` section.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Agreement {
    /// The three lanes of work; when omitted, the default lanes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lanes: Option<Lanes>,
    /// Handoff rules; when omitted, the default rules (production is estimated as new work;
    /// guardrails are shared infrastructure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub handoff: Option<Vec<Item>>,
    /// Review etiquette, also the checklist of the pull-request template `rulesmith init`
    /// writes; when omitted, the default etiquette.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub review: Option<Vec<Item>>,
}

/// One line of text in the agreement.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(transparent)]
pub struct Item(#[schemars(length(min = 1, max = 400))] pub String);

/// The lanes: builders, engineering, and what both share.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Lanes {
    /// Prototypes, concept tests, internal tools without customer data, evidence, scripts.
    pub builder: Lane,
    /// Production code, sensitive features, data models, scale, on-call.
    pub engineering: Lane,
    /// Evals, agent context files, definitions of done, review standards.
    pub shared: Lane,
}

/// One lane of work.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Lane {
    /// The team that owns the lane, as CODEOWNERS names it: `@org/team`, `@user` or an e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = OWNER_PATTERN))]
    pub owner: Option<String>,
    /// Path patterns (CODEOWNERS syntax) that belong to the lane; with an owner, changes to
    /// them need the owner's review.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<LanePath>,
    /// The work the lane covers, one item per line.
    #[schemars(length(min = 1))]
    pub work: Vec<Item>,
}

/// A CODEOWNERS path pattern.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(transparent)]
pub struct LanePath(#[schemars(regex(pattern = PATH_PATTERN))] pub String);

fn items(texts: &[&str]) -> Vec<Item> {
    texts.iter().map(|text| Item((*text).to_owned())).collect()
}

impl Lanes {
    /// The default lanes.
    pub fn standard() -> Lanes {
        Lanes {
            builder: Lane {
                owner: None,
                paths: Vec::new(),
                work: items(&[
                    "Prototypes and concept tests",
                    "Internal tools that touch no customer data",
                    "Evidence from user tests",
                    "One-off analysis scripts",
                ]),
            },
            engineering: Lane {
                owner: None,
                paths: ["**/auth/**", "**/payments/**", "**/migrations/**"]
                    .iter()
                    .map(|p| LanePath((*p).to_owned()))
                    .collect(),
                work: items(&[
                    "Production code, including rebuilds of prototypes",
                    "Authentication, payments and anything handling personal data",
                    "Data models, migrations, performance and scale",
                    "On-call",
                ]),
            },
            shared: Lane {
                owner: None,
                paths: Vec::new(),
                work: items(&[
                    "Evals for AI features",
                    "The agent context files",
                    "The definition of done per tier",
                    "Review standards for builder pull requests",
                ]),
            },
        }
    }
}

/// The default handoff rules.
pub const HANDOFF: &[&str] = &[
    "Production is estimated as new work. A prototype proves an idea; taking it to production means engineering rebuilds it under the production tier, planned and estimated like any other project, not a clean-up of the prototype.",
    "Guardrails are shared infrastructure. The policies, the agent context files, the CI checks and the review standards are built once, for every repository, and both lanes maintain them.",
    "A prototype hands over with its HANDOFF.md current: what it proves, what is faked, the prompt history and the known risks.",
];

/// The default review etiquette.
pub const REVIEW: &[&str] = &[
    "Keep each pull request small and scoped to one change; split anything larger.",
    "Say which parts were generated by an AI agent, and which parts the author understands and can explain line by line.",
    "Never merge on your own approval: every change needs the approval of a person other than its author.",
    "Changes to a lane's paths need a review from the lane's owner (see CODEOWNERS).",
];

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

/// The definition of done from the tier's own policy (`tier-<tier>`), when the build has one:
/// its rules, as the agents read them. Empty otherwise; the template then gives the standard
/// definition for the tier.
fn done(tier: Tier, policies: &[ResolvedPolicy]) -> Vec<String> {
    let id = format!("tier-{}", tier.as_str());
    policies
        .iter()
        .filter(|p| p.id == id)
        .flat_map(|p| &p.rules)
        .map(|rule| format!("**{}** {}", rule.keyword, one_line(&rule.text)))
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
        assert_eq!(view.unowned.len(), 3);
        assert!(view.done.is_empty());
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
