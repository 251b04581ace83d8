//! The `rulesmith.yaml` manifest model.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::agreement::Agreement;
use crate::diagnostic::{Code, Diagnostic, SourceFile, Span};
use crate::finding::Severity;
use crate::policy::model::Level;
use crate::policy::validate::{Parsed, glob_problem};

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

fn default_min_severity() -> Severity {
    crate::scan::DEFAULT_MIN_SEVERITY
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

/// Where the manifest names its policy directory, when it does.
pub fn policy_dir_span(source: &SourceFile, parsed: &Parsed<Manifest>) -> Option<Span> {
    let node = parsed.node.at_pointer("/policies/dir")?;
    Some(source.span(node.position, parsed.value.policies.dir.chars().count()))
}

/// Checks what the schema cannot express: the policy directory is a relative path that stays
/// inside the repository, and every lane path is a glob that parses.
pub fn check(source: &SourceFile, parsed: &Parsed<Manifest>) -> Vec<Diagnostic> {
    let mut problems = check_policy_dir(source, parsed);
    problems.extend(check_lane_paths(source, parsed));
    problems
}

/// Every lane path that is not a valid glob, at its position.
fn check_lane_paths(source: &SourceFile, parsed: &Parsed<Manifest>) -> Vec<Diagnostic> {
    let Some(lanes) = parsed
        .value
        .agreement
        .as_ref()
        .and_then(|a| a.lanes.as_ref())
    else {
        return Vec::new();
    };
    let named = [
        ("builder", &lanes.builder),
        ("engineering", &lanes.engineering),
        ("shared", &lanes.shared),
    ];
    let mut problems = Vec::new();
    for (name, lane) in named {
        for (index, path) in lane.paths.iter().enumerate() {
            if let Err(wrong) = crate::scope::check_glob(&path.0) {
                let pointer = format!("/agreement/lanes/{name}/paths/{index}");
                let position = parsed
                    .node
                    .at_pointer(&pointer)
                    .map(|n| n.position)
                    .unwrap_or_default();
                problems.push(glob_problem(source, position, &path.0, &wrong));
            }
        }
    }
    problems
}

/// The policy directory, when it is empty, absolute or leaves the repository with `..`.
/// Policies from outside the repository would need a pack, which is not supported yet.
fn check_policy_dir(source: &SourceFile, parsed: &Parsed<Manifest>) -> Vec<Diagnostic> {
    let dir = &parsed.value.policies.dir;
    let (code, wrong) = if dir.trim().is_empty() {
        (Code::InvalidValue, "is empty")
    } else if dir.chars().any(char::is_control) {
        (Code::InvalidValue, "contains a control character")
    } else if dir.starts_with(['/', '\\']) || dir.chars().nth(1) == Some(':') {
        (Code::InputOutsideRepo, "is an absolute path")
    } else if dir.split(['/', '\\']).any(|part| part == "..") {
        (Code::InputOutsideRepo, "leaves the repository with `..`")
    } else {
        return Vec::new();
    };
    let problem = Diagnostic::error(
        code,
        format!("the policy directory `{}` {wrong}", dir.escape_debug()),
    )
    .hint(format!(
        "name a directory inside the repository, relative to {MANIFEST_FILE}, such as `{DEFAULT_POLICY_DIR}`; policies shared between repositories (packs) are not supported yet"
    ));
    vec![match policy_dir_span(source, parsed) {
        Some(span) => problem.at(span),
        None => problem,
    }]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::parse_manifest;

    fn problems(extra: &str) -> Vec<(Code, String, u32)> {
        let text = format!("project: demo\ntier: prototype\ntargets: [claude]\n{extra}");
        parse_manifest(&SourceFile::new(MANIFEST_FILE, text))
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|d| (d.code, d.message, d.span.map_or(0, |s| s.position.line)))
            .collect()
    }

    #[test]
    fn policy_dir_must_stay_inside_the_repository() {
        for (dir, wrong) in [
            ("/etc", "is an absolute path"),
            ("C:/policies", "is an absolute path"),
            ("a/../../b", "leaves the repository with `..`"),
            ("\"\"", "is empty"),
        ] {
            let found = problems(&format!("policies:\n  dir: {dir}\n"));
            assert_eq!(found.len(), 1, "{dir}: {found:?}");
            assert!(found[0].1.ends_with(wrong), "{dir}: {found:?}");
            assert_eq!(found[0].2, 5, "{dir}: {found:?}");
        }
        assert!(problems("policies:\n  dir: ./team/policies\n").is_empty());
    }

    #[test]
    fn lane_paths_must_be_valid_globs() {
        let found = problems(
            "agreement:\n  lanes:\n    builder:\n      work: [Prototypes]\n    engineering:\n      owner: \"@acme/platform\"\n      paths: [\"**/auth/**\", \"src/[a-\"]\n      work: [Production code]\n    shared:\n      work: [Evals]\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, Code::InvalidValue);
        assert_eq!(found[0].2, 10);
        assert!(found[0].1.contains("src/[a-"), "{found:?}");
    }
}
