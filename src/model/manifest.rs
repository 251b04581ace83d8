//! The `rulesmith.yaml` manifest model.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diagnostic::finding::Severity;
use crate::model::agreement::Agreement;
use crate::model::policy::Level;

/// A reviewed warning: `build` and `check` no longer print it.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Acknowledgement {
    /// The warning's code.
    pub code: WarningCode,
    /// Why the project accepts it.
    #[schemars(regex(pattern = r"\S"))]
    pub reason: String,
}

/// A warning a manifest can acknowledge.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
pub enum WarningCode {
    /// A generated file over the size its agent's documentation advises.
    #[serde(rename = "RS0304")]
    BudgetAdvisory,
    /// An agent file over its agent's size limit because of its hand-written text.
    #[serde(rename = "RS0308")]
    BudgetHandWritten,
    /// One agent would read another target's file in place of the one meant for it.
    #[serde(rename = "RS0306")]
    ShadowedFile,
}

impl WarningCode {
    /// The code as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::BudgetAdvisory => "RS0304",
            WarningCode::BudgetHandWritten => "RS0308",
            WarningCode::ShadowedFile => "RS0306",
        }
    }
}

impl Manifest {
    /// Whether the manifest acknowledges the warning printed with `code`.
    pub fn acknowledges(&self, code: &str) -> bool {
        self.acknowledge.iter().any(|a| a.code.as_str() == code)
    }
}

/// The default directory, relative to the manifest, holding the repo's own policy files.
pub const DEFAULT_POLICY_DIR: &str = ".rulesmith/policies";

/// The manifest's file name, searched for in the working directory and its parents.
pub const MANIFEST_FILE: &str = "rulesmith.yaml";

/// A repository's rulesmith configuration.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Manifest {
    /// The project's name, shown in generated files.
    #[schemars(length(min = 1, max = 120))]
    pub project: String,
    /// How far the project is from production; selects which rules apply.
    pub tier: Tier,
    /// The agents to generate files for: `all` for every built-in target, or a list of target
    /// ids (see `rulesmith targets`), where `all` also stands for every built-in target.
    pub targets: TargetSelection,
    /// Which policies to compile.
    #[serde(default)]
    pub policies: PolicySources,
    /// The team's working agreement: lanes of work, handoff rules and review etiquette,
    /// rendered into WORKING-AGREEMENT.md and a managed block in .github/CODEOWNERS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<Agreement>,
    /// Exceptions to the compiled rules: built-in policies left out, rules turned off or
    /// softened, each with the reason the generated files and `rulesmith check` show.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<Override>,
    /// How `scan` and `check` judge agent files.
    #[serde(default, skip_serializing_if = "ScanSettings::is_default")]
    pub scan: ScanSettings,
    /// The languages the repository holds. Language packs and rules scoped to other languages
    /// are left out. Without the list, each build detects them from the repository's files
    /// (extensions and project manifests, `.gitignore` honoured); when no source is recognised,
    /// every language's rules are kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub languages: Option<Vec<crate::model::policy::Language>>,
    /// Known warnings this project has reviewed, each silenced with the reason it is accepted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acknowledge: Vec<Acknowledgement>,
    /// What to do when an agent reads another selected target's files as well as its own
    /// (Cursor, Copilot and Windsurf read `AGENTS.md`): `dedupe` (the default) leaves out of
    /// the agent's own files the rule groups the other files carry, so each rule reaches it
    /// once; `duplicate` writes every rule into every file.
    #[serde(default, skip_serializing_if = "Overlap::is_default")]
    pub overlap: Overlap,
    /// Where `init --adopt` puts rulesmith's managed block in an agent file that already has
    /// text: `first` (the default, after a byte order mark and frontmatter), so an agent that
    /// reads only the start of a long file still reads every rule, or `last`. CODEOWNERS keeps
    /// its block last either way, since its last matching line wins.
    #[serde(default, skip_serializing_if = "BlockPlacement::is_default")]
    pub managed_block: BlockPlacement,
    /// Hand-written agent files reviewed and accepted next to the generated ones, each with the
    /// SHA-256 of its bytes and the reason: `check` reports no shadow rules (RS1008) for such a
    /// file until one byte changes. `rulesmith check --accept PATH --reason TEXT` writes them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shadow_rules: Vec<crate::model::trust::TrustRecord>,
}

/// How rules shared by files one agent reads are written.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Overlap {
    /// An agent's own files leave out the rule groups another file it reads already carries.
    #[default]
    Dedupe,
    /// Every file carries every rule meant for it, even when its agent reads another as well.
    Duplicate,
}

impl Overlap {
    fn is_default(&self) -> bool {
        *self == Overlap::Dedupe
    }
}

/// Where rulesmith puts a new managed block in a file that already holds hand-written text.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum BlockPlacement {
    /// Before the hand-written text (after a byte order mark and frontmatter).
    #[default]
    First,
    /// After the hand-written text.
    Last,
}

impl BlockPlacement {
    fn is_default(&self) -> bool {
        *self == BlockPlacement::First
    }
}

/// One exception to the compiled rules. Names exactly one of `policy` or `rule`, and sets
/// exactly one of `disable` or `level`.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Override {
    /// A policy to leave out (e.g. `lang-java`), or a list of policies that share the reason;
    /// only `disable: true` applies to policies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyIds>,
    /// A rule to turn off or soften: `policy/rule`, or a bare rule id that only one policy has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Turns the policy or rule off.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disable: bool,
    /// Softens a rule: `must` to `should`, or `must-not` to `should-not`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// Why this project departs from the rule; shown next to it in every generated file.
    #[schemars(length(min = 1, max = 500))]
    pub reason: String,
}

/// One policy id, or several that share one override.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(untagged)]
pub enum PolicyIds {
    /// A single policy id.
    One(String),
    /// Several policy ids.
    Many(Vec<String>),
}

impl PolicyIds {
    /// The ids with the JSON pointer suffix of each, relative to the `policy` key.
    pub fn ids(&self) -> Vec<(&str, String)> {
        match self {
            PolicyIds::One(id) => vec![(id.as_str(), String::new())],
            PolicyIds::Many(ids) => ids
                .iter()
                .enumerate()
                .map(|(i, id)| (id.as_str(), format!("/{i}")))
                .collect(),
        }
    }
}

/// Settings for `rulesmith scan` and the scan inside `rulesmith check`.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScanSettings {
    /// Findings below this severity are not reported and do not fail `scan` or `check`.
    #[serde(default = "default_min_severity")]
    pub min_severity: Severity,
    /// Severity changes by finding code (e.g. `RS2405`), each with the reason for it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub severity: BTreeMap<String, SeverityOverride>,
}

impl Default for ScanSettings {
    fn default() -> Self {
        ScanSettings {
            min_severity: default_min_severity(),
            severity: BTreeMap::new(),
        }
    }
}

impl ScanSettings {
    fn is_default(&self) -> bool {
        *self == ScanSettings::default()
    }
}

/// The lowest severity `scan` and `check` report unless the manifest says otherwise.
pub const DEFAULT_MIN_SEVERITY: Severity = Severity::Medium;

fn default_min_severity() -> Severity {
    DEFAULT_MIN_SEVERITY
}

/// A reviewed change to one finding code's severity.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SeverityOverride {
    /// The severity findings with this code get instead of their default.
    pub level: Severity,
    /// Why the change is safe for this repository.
    #[schemars(length(min = 1))]
    pub reason: String,
}

/// Which targets a build renders.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(untagged)]
pub enum TargetSelection {
    /// `all`: every built-in target.
    All(AllTargets),
    /// Target ids; the id `all` adds every built-in target.
    List(#[schemars(length(min = 1))] Vec<String>),
}

/// The keyword `all`.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum AllTargets {
    /// Every built-in target.
    All,
}

/// The id that stands for every built-in target.
pub const ALL_TARGETS: &str = "all";

impl TargetSelection {
    /// The ids as written: `all` alone, or the list.
    pub fn written(&self) -> Vec<String> {
        match self {
            TargetSelection::All(_) => vec![ALL_TARGETS.to_owned()],
            TargetSelection::List(ids) => ids.clone(),
        }
    }
}

/// Where policies come from. Every built-in policy is compiled; leave one out with an override.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PolicySources {
    /// Directory of the repo's own policy files, relative to the manifest and inside the
    /// repository.
    #[serde(default = "default_policy_dir")]
    pub dir: String,
}

impl Default for PolicySources {
    fn default() -> Self {
        PolicySources {
            dir: default_policy_dir(),
        }
    }
}

fn default_policy_dir() -> String {
    DEFAULT_POLICY_DIR.to_owned()
}

/// How far a project is from production.
#[derive(
    Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// Throwaway code built to learn from users; no real auth, payments or personal data.
    Prototype,
    /// Internal tools that touch no customer data.
    Internal,
    /// Production code, held to the strictest rules.
    Production,
}

impl Tier {
    /// The tier's name as written in the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Prototype => "prototype",
            Tier::Internal => "internal",
            Tier::Production => "production",
        }
    }
}
