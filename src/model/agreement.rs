//! The working agreement: who builds what, how a prototype reaches production and how changes
//! are reviewed, written down in the manifest's `agreement` section.
//!
//! The section is data; rulesmith renders it, through the `agreement` target, into
//! `WORKING-AGREEMENT.md` and a managed block in `.github/CODEOWNERS`, both checked for drift
//! like any other output. Everything in the section is optional: what is left out takes the
//! defaults below, which `rulesmith init` writes out for the lanes so a team can edit them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
                paths: GUARDRAIL_PATHS
                    .iter()
                    .map(|p| LanePath((*p).to_owned()))
                    .collect(),
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

/// The shared lane's default paths: the guardrails (the manifest and policies, the agents'
/// permission files, CI and its owners file, the pre-commit hooks) and the evals, so that
/// switching a guardrail off needs the shared owner's review.
pub const GUARDRAIL_PATHS: &[&str] = &[
    "/rulesmith.yaml",
    "/.rulesmith/",
    "/.github/workflows/",
    "/.github/CODEOWNERS",
    "/.pre-commit-config.yaml",
    "**/.claude/settings.json",
    "**/.cursor/cli.json",
    "**/.gemini/settings.json",
    "**/.codex/config.toml",
    "**/.vscode/settings.json",
    "**/.zed/settings.json",
    "**/opencode.json",
    "**/.aider.conf.yml",
    "/evals/",
];

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
