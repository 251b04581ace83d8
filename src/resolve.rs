//! The resolve stage: manifest and policies in, the one rule set every target renders.
//!
//! Resolution is pure: it filters by tier, orders deterministically and computes the wording
//! templates need, so the templates hold layout only.

use serde::Serialize;

use crate::manifest::{Manifest, Tier};
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
    /// Policies with at least one rule for this tier, ordered by id.
    pub policies: Vec<ResolvedPolicy>,
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
}

/// A policy with where it came from, as handed to the resolver.
pub struct SourcedPolicy {
    /// The policy.
    pub policy: Policy,
    /// Its origin.
    pub origin: Origin,
}

/// Resolves the policies for the manifest's tier.
pub fn resolve(manifest: &Manifest, policies: Vec<SourcedPolicy>) -> RuleSet {
    let tier = manifest.tier;
    let mut resolved: Vec<ResolvedPolicy> = policies
        .into_iter()
        .filter(|p| applies(&p.policy.tiers, tier))
        .filter_map(|SourcedPolicy { policy, origin }| {
            let rules: Vec<ResolvedRule> = policy
                .rules
                .iter()
                .filter(|rule| applies(&rule.tiers, tier))
                .map(|rule| resolve_rule(&policy.id, rule))
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
        policies: resolved,
    }
}

fn applies(tiers: &[Tier], tier: Tier) -> bool {
    tiers.is_empty() || tiers.contains(&tier)
}

fn resolve_rule(policy: &str, rule: &Rule) -> ResolvedRule {
    ResolvedRule {
        qualified_id: format!("{policy}/{}", rule.id),
        id: rule.id.clone(),
        level: rule.level,
        keyword: rule.level.keyword(),
        text: rule.text.trim().to_owned(),
        rationale: rule.rationale.as_ref().map(|r| r.trim().to_owned()),
        references: rule.references.clone(),
        scope: rule.scope.clone(),
        applies_to: describe_scope(&rule.scope),
    }
}

/// Describes a scope in words: "`src/**/*.ts`; typescript".
fn describe_scope(scope: &Scope) -> Option<String> {
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
            scan: Default::default(),
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
        );
        let ids: Vec<_> = set.policies.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
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
