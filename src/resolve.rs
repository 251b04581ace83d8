//! The resolve stage: manifest and policies in, the one rule set every target renders.
//!
//! Resolution is pure: it filters by tier, orders deterministically and computes the wording
//! templates need, so the templates hold layout only.

use serde::Serialize;

use crate::manifest::{Manifest, Tier};
use crate::overrides::{Action, Overrides};
use crate::pack;
use crate::policy::model::{Level, Policy, Rule, Scope};

/// Where a policy came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// The pack embedded in rulesmith.
    Builtin,
    /// The repository's own policy directory.
    Repo,
}

/// The rules of one build: what every target renders.
#[derive(Clone, Debug, Serialize)]
pub struct RuleSet {
    /// The project's name.
    pub project: String,
    /// The project's tier.
    pub tier: Tier,
    /// The version of the built-in policy pack.
    pub pack_version: &'static str,
    /// Policies with at least one rule for this tier, ordered by id.
    pub policies: Vec<ResolvedPolicy>,
    /// Every override in the manifest, with its reason, ordered by id.
    pub overrides: Vec<ShownOverride>,
}

/// An override as the generated files and `rulesmith check` show it.
#[derive(Clone, Debug, Serialize)]
pub struct ShownOverride {
    /// The policy id or `policy/rule`.
    pub id: String,
    /// What the override does, in words: "left out", "turned off", "softened to SHOULD".
    pub change: String,
    /// Why, as written in the manifest.
    pub reason: String,
    /// The manifest line of the override, for findings; not shown in generated files.
    #[serde(skip)]
    pub line: u32,
}

/// A policy after tier filtering.
#[derive(Clone, Debug, Serialize)]
pub struct ResolvedPolicy {
    /// Policy id.
    pub id: String,
    /// Heading.
    pub title: String,
    /// Optional description.
    pub description: Option<String>,
    /// Where the whole policy applies.
    pub scope: Scope,
    /// Where the policy applies, in words, when scoped.
    pub applies_to: Option<String>,
    /// Built-in or the repo's own.
    pub origin: Origin,
    /// The rules that apply at this tier, in file order.
    pub rules: Vec<ResolvedRule>,
}

/// A rule with its rendered wording.
#[derive(Clone, Debug, Serialize)]
pub struct ResolvedRule {
    /// `policy/rule`, unique across the build.
    pub qualified_id: String,
    /// Rule id.
    pub id: String,
    /// Level.
    pub level: Level,
    /// `MUST`, `MUST NOT`, `SHOULD` or `SHOULD NOT`.
    pub keyword: &'static str,
    /// The instruction.
    pub text: String,
    /// Why.
    pub rationale: Option<String>,
    /// CWE, OWASP or URL references.
    pub references: Vec<String>,
    /// The rule's own scope.
    pub scope: Scope,
    /// Where the rule applies, in words, when it narrows its policy's scope.
    pub applies_to: Option<String>,
    /// Set when a manifest override softened the rule.
    pub softened: Option<Softened>,
    /// Good and bad code, when the rule has an example.
    pub example: Option<ShownExample>,
}

/// A rule's example with both sides present as values (absent sides are null), for templates.
#[derive(Clone, Debug, Serialize)]
pub struct ShownExample {
    /// Code that follows the rule.
    pub good: Option<String>,
    /// Code that breaks it.
    pub bad: Option<String>,
}

/// A rule's original level and the reason it was softened.
#[derive(Clone, Debug, Serialize)]
pub struct Softened {
    /// The keyword the rule had before the override.
    pub from: &'static str,
    /// Why, as written in the manifest.
    pub reason: String,
}

/// A policy with where it came from, as handed to the resolver.
#[derive(Clone, Debug)]
pub struct SourcedPolicy {
    /// The policy.
    pub policy: Policy,
    /// Its origin.
    pub origin: Origin,
}

/// Resolves the policies for the manifest's tier, applying checked overrides.
pub fn resolve(
    manifest: &Manifest,
    policies: Vec<SourcedPolicy>,
    overrides: &Overrides,
) -> RuleSet {
    let tier = manifest.tier;
    let mut resolved: Vec<ResolvedPolicy> = policies
        .into_iter()
        .filter(|p| applies(&p.policy.tiers, tier))
        .filter(|p| !overrides.policies.contains_key(&p.policy.id))
        .filter_map(|SourcedPolicy { policy, origin }| {
            let rules: Vec<ResolvedRule> = policy
                .rules
                .iter()
                .filter(|rule| applies(&rule.tiers, tier))
                .filter_map(|rule| resolve_rule(&policy.id, rule, overrides))
                .collect();
            (!rules.is_empty()).then(|| ResolvedPolicy {
                applies_to: describe_scope(&policy.scope),
                id: policy.id,
                title: policy.title,
                description: policy.description,
                scope: policy.scope,
                origin,
                rules,
            })
        })
        .collect();
    resolved.sort_by(|a, b| a.id.cmp(&b.id));
    RuleSet {
        project: manifest.project.clone(),
        tier,
        pack_version: pack::VERSION,
        policies: resolved,
        overrides: show_overrides(overrides),
    }
}

/// Whether a policy or rule limited to `tiers` applies at `tier`.
pub fn applies(tiers: &[Tier], tier: Tier) -> bool {
    tiers.is_empty() || tiers.contains(&tier)
}

fn show_overrides(overrides: &Overrides) -> Vec<ShownOverride> {
    let policies = overrides.policies.iter().map(|(id, o)| ShownOverride {
        id: id.clone(),
        change: "left out".to_owned(),
        reason: o.reason.clone(),
        line: o.line,
    });
    let rules = overrides.rules.iter().map(|(id, o)| ShownOverride {
        id: id.clone(),
        change: match o.action {
            Action::Disable => "turned off".to_owned(),
            Action::Soften(level) => format!("softened to {}", level.keyword()),
        },
        reason: o.reason.clone(),
        line: o.line,
    });
    let mut shown: Vec<ShownOverride> = policies.chain(rules).collect();
    shown.sort_by(|a, b| a.id.cmp(&b.id));
    shown
}

fn resolve_rule(policy: &str, rule: &Rule, overrides: &Overrides) -> Option<ResolvedRule> {
    let qualified_id = format!("{policy}/{}", rule.id);
    let (level, softened) = match overrides.rules.get(&qualified_id) {
        None => (rule.level, None),
        Some(o) => match o.action {
            Action::Disable => return None,
            Action::Soften(level) => (
                level,
                Some(Softened {
                    from: rule.level.keyword(),
                    reason: o.reason.clone(),
                }),
            ),
        },
    };
    Some(ResolvedRule {
        qualified_id,
        id: rule.id.clone(),
        level,
        keyword: level.keyword(),
        text: rule.text.trim().to_owned(),
        rationale: rule.rationale.as_ref().map(|r| r.trim().to_owned()),
        references: rule.references.clone(),
        scope: rule.scope.clone(),
        applies_to: describe_scope(&rule.scope),
        softened,
        example: rule.example.as_ref().map(|e| ShownExample {
            good: e.good.clone(),
            bad: e.bad.clone(),
        }),
    })
}

/// Describes a scope in words: "`src/**/*.ts`; typescript".
pub fn describe_scope(scope: &Scope) -> Option<String> {
    if scope.is_empty() {
        return None;
    }
    let mut parts: Vec<String> = Vec::new();
    if !scope.paths.is_empty() {
        parts.push(
            scope
                .paths
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    if !scope.languages.is_empty() {
        parts.push(format!("{} code", scope.languages.join(", ")));
    }
    Some(parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::PolicySources;

    fn manifest(tier: Tier) -> Manifest {
        Manifest {
            project: "demo".into(),
            tier,
            targets: vec!["claude".into()],
            policies: PolicySources::default(),
            overrides: vec![],
        }
    }

    fn rule(id: &str, tiers: Vec<Tier>) -> Rule {
        Rule {
            id: id.into(),
            level: Level::MustNot,
            text: "do a thing".into(),
            rationale: None,
            references: vec![],
            scope: Scope::default(),
            tiers,
            reviewed: None,
            example: None,
        }
    }

    fn policy(id: &str, rules: Vec<Rule>) -> SourcedPolicy {
        SourcedPolicy {
            policy: Policy {
                id: id.into(),
                title: id.into(),
                description: None,
                scope: Scope::default(),
                tiers: vec![],
                references: vec![],
                rules,
            },
            origin: Origin::Repo,
        }
    }

    #[test]
    fn tiers_filter_rules_and_empty_policies_drop_out() {
        let set = resolve(
            &manifest(Tier::Prototype),
            vec![
                policy(
                    "b",
                    vec![rule("x", vec![]), rule("y", vec![Tier::Production])],
                ),
                policy("a", vec![rule("z", vec![Tier::Production])]),
            ],
            &Overrides::default(),
        );
        assert_eq!(set.policies.len(), 1);
        assert_eq!(set.policies[0].rules.len(), 1);
        assert_eq!(set.policies[0].rules[0].qualified_id, "b/x");
        assert_eq!(set.policies[0].rules[0].keyword, "MUST NOT");
    }

    #[test]
    fn policies_are_ordered_by_id() {
        let set = resolve(
            &manifest(Tier::Production),
            vec![
                policy("b", vec![rule("x", vec![])]),
                policy("a", vec![rule("x", vec![])]),
            ],
            &Overrides::default(),
        );
        let ids: Vec<_> = set.policies.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
    }

    #[test]
    fn overrides_drop_policies_and_rules_and_soften_levels() {
        use crate::overrides::{PolicyOverride, RuleOverride};
        let mut overrides = Overrides::default();
        overrides.policies.insert(
            "a".into(),
            PolicyOverride {
                reason: "No A here.".into(),
                line: 0,
            },
        );
        overrides.rules.insert(
            "b/x".into(),
            RuleOverride {
                action: Action::Soften(Level::ShouldNot),
                reason: "Legacy API.".into(),
                line: 0,
            },
        );
        overrides.rules.insert(
            "b/y".into(),
            RuleOverride {
                action: Action::Disable,
                reason: "Not used.".into(),
                line: 0,
            },
        );
        let set = resolve(
            &manifest(Tier::Production),
            vec![
                policy("a", vec![rule("x", vec![])]),
                policy("b", vec![rule("x", vec![]), rule("y", vec![])]),
            ],
            &overrides,
        );
        assert_eq!(set.policies.len(), 1);
        let rules = &set.policies[0].rules;
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].keyword, "SHOULD NOT");
        assert_eq!(rules[0].softened.as_ref().unwrap().from, "MUST NOT");
        let shown: Vec<(&str, &str)> = set
            .overrides
            .iter()
            .map(|o| (o.id.as_str(), o.change.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("a", "left out"),
                ("b/x", "softened to SHOULD NOT"),
                ("b/y", "turned off")
            ]
        );
    }

    #[test]
    fn scopes_are_described_in_words() {
        let scope = Scope {
            paths: vec!["src/**/*.ts".into()],
            languages: vec!["typescript".into()],
        };
        assert_eq!(
            describe_scope(&scope).unwrap(),
            "`src/**/*.ts`; typescript code"
        );
    }
}
