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
    /// The instruction itself: one imperative sentence.
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
