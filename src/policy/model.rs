//! The typed policy model: what a policy file may say.
//!
//! These types are the single source of truth for the policy schema: serde reads them and
//! schemars turns them into the JSON Schema that `rulesmith schema` prints.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::manifest::Tier;

/// A policy: a named group of rules about one topic.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Policy {
    /// Unique policy id, lowercase words joined by hyphens (e.g. `secrets`).
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"), length(max = 64))]
    pub id: String,
    /// Short title used as the policy's heading in generated files.
    #[schemars(length(min = 1, max = 120))]
    pub title: String,
    /// One or two sentences that tell the agent what the policy is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where every rule of this policy applies; rules may narrow it further.
    #[serde(default, skip_serializing_if = "Scope::is_empty")]
    pub scope: Scope,
    /// Tiers this policy applies to; empty means every tier.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<Tier>,
    /// Sources the policy's topic draws on (URLs of standards or public rule sets), cited at
    /// topic level; shown by `rulesmith explain` and in the coverage table, not in agent files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// The rules, in the order they are rendered.
    #[schemars(length(min = 1))]
    pub rules: Vec<Rule>,
}

/// One instruction an agent must follow.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Rule {
    /// Rule id, unique within its policy (e.g. `no-hardcoded-secrets`).
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"), length(max = 64))]
    pub id: String,
    /// How binding the rule is.
    pub level: Level,
    /// The instruction: one sentence that reads on from the level's keyword, so it starts with
    /// a verb in lower case (level `must-not`, text "build SQL from user input; use bound
    /// parameters" renders as "MUST NOT build SQL from user input; use bound parameters").
    /// Write must-not rules as the action to avoid, never as a double negative.
    #[schemars(length(min = 1, max = 1000))]
    pub text: String,
    /// Why the rule exists, in one short sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    /// CWE ids (`CWE-89`), OWASP ids (`A03:2021`) or URLs backing the rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// Narrows where the rule applies, within the policy's scope.
    #[serde(default, skip_serializing_if = "Scope::is_empty")]
    pub scope: Scope,
    /// Tiers this rule applies to; empty means every tier the policy applies to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<Tier>,
    /// The date the rule was last checked against current APIs and advice, as `YYYY-MM-DD`;
    /// required for the built-in pack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"))]
    pub reviewed: Option<String>,
    /// A short example of code that follows the rule and code that breaks it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Example>,
}

/// A short good and bad example for a rule, each one line of code or a phrase.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(extend("minProperties" = 1))]
pub struct Example {
    /// Code or practice that follows the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 300))]
    pub good: Option<String>,
    /// Code or practice that breaks the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 300))]
    pub bad: Option<String>,
}

/// How binding a rule is, in RFC 2119 terms.
#[derive(
    Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord,
)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// The agent must do this.
    Must,
    /// The agent must never do this.
    MustNot,
    /// The agent should do this unless there is a good reason not to.
    Should,
    /// The agent should avoid this unless there is a good reason.
    ShouldNot,
}

impl Level {
    /// The weaker level of the same polarity: `must` softens to `should`, `must-not` to
    /// `should-not`; the soft levels have nothing weaker.
    pub fn softened(self) -> Option<Level> {
        match self {
            Level::Must => Some(Level::Should),
            Level::MustNot => Some(Level::ShouldNot),
            Level::Should | Level::ShouldNot => None,
        }
    }

    /// The keyword agents read in the generated files.
    pub fn keyword(self) -> &'static str {
        match self {
            Level::Must => "MUST",
            Level::MustNot => "MUST NOT",
            Level::Should => "SHOULD",
            Level::ShouldNot => "SHOULD NOT",
        }
    }
}

/// Where a policy or rule applies: path globs and languages.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Scope {
    /// Path globs relative to the repository root (e.g. `src/**/*.ts`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    /// Languages the rule concerns (e.g. `python`, `typescript`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
}

impl Scope {
    /// Whether the scope leaves the rule unrestricted.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && self.languages.is_empty()
    }
}
