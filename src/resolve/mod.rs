//! The resolve stage: manifest and policies in, the one rule set every target renders.
//!
//! Resolution is pure: it filters by tier, orders deterministically and computes the wording
//! templates need, so the templates hold layout only.

pub mod agreement;
pub mod languages;
pub mod overrides;
pub mod pack;
pub mod scope;

use serde::Serialize;

use crate::model::manifest::{Manifest, Tier};
use crate::model::policy::{Language, Level, Permissions, Policy, Rule, Scope};
use crate::resolve::agreement::AgreementView;
use crate::resolve::overrides::{Action, Overrides};

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
    /// The working agreement, when the manifest has one.
    pub agreement: Option<AgreementView>,
    /// The same rules split by where they apply: each policy's rules under its own scope first,
    /// then one group per distinct narrower rule scope.
    pub groups: Vec<Group>,
    /// The permission intents of every applicable policy, merged.
    pub permissions: ResolvedPermissions,
    /// Every override in the manifest, with its reason, ordered by id.
    pub overrides: Vec<ShownOverride>,
    /// The overrides that leave out, turn off or soften a security policy of the built-in pack,
    /// one per policy or rule, ordered by id; `check` reports each at high severity.
    #[serde(skip)]
    pub guardrails: Vec<ShownOverride>,
    /// Who owns the manifest: the owner of the last line of the agreement's CODEOWNERS block
    /// that matches `rulesmith.yaml`, when the manifest has an agreement with one.
    #[serde(skip)]
    pub manifest_owner: Option<String>,
}

/// An override as the generated files and `rulesmith check` show it.
#[derive(Clone, Debug, Serialize)]
pub struct ShownOverride {
    /// The policy ids or `policy/rule` ids one manifest entry names, sorted.
    pub ids: Vec<String>,
    /// What the override does, in words: "left out", "turned off", "softened to SHOULD".
    pub change: String,
    /// Why, as written in the manifest.
    pub reason: String,
    /// The manifest line of the override, for findings; not shown in generated files.
    #[serde(skip)]
    pub line: u32,
}

/// Rules that share one scope: the unit a target writes into one scoped file or section.
#[derive(Clone, Debug, Serialize)]
pub struct Group {
    /// `policy` for the policy's own scope, `policy-rule` for a rule's narrower one; unique
    /// across the build and safe in file names.
    pub id: String,
    /// The policy the rules belong to.
    pub policy: String,
    /// The policy's title.
    pub title: String,
    /// The policy's description.
    pub description: Option<String>,
    /// Whether the group applies to part of the repository only.
    pub scoped: bool,
    /// The path globs the group applies to; empty when unscoped.
    pub globs: Vec<String>,
    /// The directories the globs stay inside, when every glob fixes one; empty otherwise.
    pub directories: Vec<String>,
    /// Where the group applies, in words, when scoped.
    pub applies_to: Option<String>,
    /// The rules, in file order.
    pub rules: Vec<ResolvedRule>,
    /// Whether the group is the team's own text, kept as written: every rule verbatim (as
    /// import writes them), or prose without rules. Such groups come after rulesmith's rules
    /// and count like hand-written text against size budgets.
    pub team_text: bool,
}

#[cfg(test)]
impl Group {
    /// An unscoped group with no rules, for tests of the stages after resolve.
    pub(crate) fn unscoped(id: &str, title: &str) -> Group {
        Group {
            id: id.into(),
            policy: id.into(),
            title: title.into(),
            description: None,
            scoped: false,
            globs: vec![],
            directories: vec![],
            applies_to: None,
            rules: vec![],
            team_text: false,
        }
    }
}

/// Permission intents merged across policies, each list in first-seen order without duplicates.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct ResolvedPermissions {
    /// Files agents must not read (gitignore-style globs).
    pub deny_read: Vec<String>,
    /// Command prefixes to ask before.
    pub ask_commands: Vec<String>,
    /// Command prefixes to refuse.
    pub deny_commands: Vec<String>,
    /// Programs that must not run a piped-in script.
    pub deny_piped_to: Vec<String>,
    /// Whether the built-in web fetch tool must ask first.
    pub ask_web_fetch: bool,
}

impl ResolvedPermissions {
    fn add(&mut self, intents: &Permissions) {
        fn extend(into: &mut Vec<String>, items: impl Iterator<Item = String>) {
            for item in items {
                if !into.contains(&item) {
                    into.push(item);
                }
            }
        }
        extend(
            &mut self.deny_read,
            intents.deny_read.iter().map(|g| g.0.clone()),
        );
        extend(
            &mut self.ask_commands,
            intents.ask_commands.iter().map(|c| c.0.clone()),
        );
        extend(
            &mut self.deny_commands,
            intents.deny_commands.iter().map(|c| c.0.clone()),
        );
        extend(
            &mut self.deny_piped_to,
            intents.deny_piped_to.iter().map(|c| c.0.clone()),
        );
        self.ask_web_fetch |= intents.ask_web_fetch;
    }
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
    /// Whether the text is shown as written, without the keyword.
    pub verbatim: bool,
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
    let guardrails = guardrails(&policies, overrides);
    let mut applicable: Vec<SourcedPolicy> = policies
        .into_iter()
        .filter(|p| applies(&p.policy.tiers, tier))
        .collect();
    applicable.sort_by(|a, b| a.policy.id.cmp(&b.policy.id));
    let mut permissions = ResolvedPermissions::default();
    let resolved: Vec<ResolvedPolicy> = applicable
        .into_iter()
        .filter_map(|SourcedPolicy { policy, origin }| {
            // A policy left out keeps its locked rules, and with them its permissions.
            let left_out = overrides.policies.contains_key(&policy.id);
            let rules: Vec<ResolvedRule> = policy
                .rules
                .iter()
                .filter(|rule| !left_out || !rule.lock(&policy).allows_disable())
                .filter(|rule| applies(&rule.tiers, tier))
                .filter(|rule| {
                    in_repository(&policy.scope, &rule.scope, manifest.languages.as_deref())
                })
                .filter_map(|rule| resolve_rule(&policy.id, rule, overrides))
                .collect();
            // A policy written without rules is context (text imported from a hand-written
            // file); one whose rules all fell away for this tier or these languages is empty.
            if rules.is_empty() && !policy.rules.is_empty() {
                return None;
            }
            permissions.add(&policy.permissions);
            Some(ResolvedPolicy {
                applies_to: scope::describe(&policy.scope),
                id: policy.id,
                title: policy.title,
                description: policy.description,
                scope: policy.scope,
                origin,
                rules,
            })
        })
        .collect();
    let agreement = manifest
        .agreement
        .as_ref()
        .map(|agreement| agreement::resolve(agreement, tier, &resolved));
    RuleSet {
        project: manifest.project.clone(),
        tier,
        manifest_owner: agreement
            .as_ref()
            .and_then(|view| view.owner_of(crate::model::manifest::MANIFEST_FILE)),
        agreement,
        guardrails,
        pack_version: pack::VERSION,
        groups: by_severity(resolved.iter().flat_map(groups_of).collect()),
        policies: resolved,
        permissions,
        overrides: show_overrides(overrides),
    }
}

/// Whether a rule concerns the repository's languages: its effective languages (its own, or
/// else its policy's) are none, or one of them is in `repository`, or the manifest lists none.
fn in_repository(policy: &Scope, rule: &Scope, repository: Option<&[Language]>) -> bool {
    let languages = if rule.languages.is_empty() {
        &policy.languages
    } else {
        &rule.languages
    };
    match repository {
        None => true,
        Some(repository) => {
            languages.is_empty() || languages.iter().any(|l| repository.contains(l))
        }
    }
}

/// Orders `groups` for readers that stop early (Copilot code review reads 4,000 characters,
/// Codex 32 KiB): in each group the requirements (`must`, `must-not`) come before the defaults
/// (`should`, `should-not`), and groups holding a requirement come before groups of defaults
/// only. The team's own text (imported rules kept as written) comes after every rule
/// rulesmith states, so the built-in requirements stay within a hard limit. The sorts are
/// stable, so the order within a level stays the written one.
fn by_severity(mut groups: Vec<Group>) -> Vec<Group> {
    for group in &mut groups {
        group.rules.sort_by_key(|rule| !rule.level.is_requirement());
    }
    groups.sort_by_key(|group| {
        (
            group.team_text,
            !group.rules.iter().any(|r| r.level.is_requirement()),
        )
    });
    groups
}

/// Splits a policy's rules by effective scope: a rule's own paths or languages replace the
/// policy's, the rest inherit them.
fn groups_of(policy: &ResolvedPolicy) -> Vec<Group> {
    let mut groups: Vec<(Scope, Group)> = Vec::new();
    for rule in &policy.rules {
        let scope = if rule.scope.is_empty() {
            policy.scope.clone()
        } else {
            Scope {
                paths: if rule.scope.paths.is_empty() {
                    policy.scope.paths.clone()
                } else {
                    rule.scope.paths.clone()
                },
                languages: if rule.scope.languages.is_empty() {
                    policy.scope.languages.clone()
                } else {
                    rule.scope.languages.clone()
                },
            }
        };
        if let Some((_, group)) = groups.iter_mut().find(|(s, _)| *s == scope) {
            group.rules.push(rule.clone());
            continue;
        }
        let globs = scope::globs(&scope);
        let id = if scope == policy.scope {
            policy.id.clone()
        } else {
            format!("{}-{}", policy.id, rule.id)
        };
        let group = Group {
            id,
            policy: policy.id.clone(),
            title: policy.title.clone(),
            description: policy.description.clone(),
            scoped: !globs.is_empty(),
            directories: scope::directories(&globs),
            applies_to: scope::describe(&scope),
            globs,
            rules: vec![rule.clone()],
            team_text: false,
        };
        groups.push((scope, group));
    }
    if groups.is_empty() {
        let globs = scope::globs(&policy.scope);
        groups.push((
            policy.scope.clone(),
            Group {
                id: policy.id.clone(),
                policy: policy.id.clone(),
                title: policy.title.clone(),
                description: policy.description.clone(),
                scoped: !globs.is_empty(),
                directories: scope::directories(&globs),
                applies_to: scope::describe(&policy.scope),
                globs,
                rules: Vec::new(),
                team_text: true,
            },
        ));
    }
    // The policy's own group leads, whatever rule came first.
    groups.sort_by_key(|(scope, _)| *scope != policy.scope);
    groups
        .into_iter()
        .map(|(_, mut group)| {
            group.team_text = group.rules.iter().all(|r| r.verbatim);
            group
        })
        .collect()
}

/// Whether a policy or rule limited to `tiers` applies at `tier`.
pub fn applies(tiers: &[Tier], tier: Tier) -> bool {
    tiers.is_empty() || tiers.contains(&tier)
}

/// Whether a policy is one of the built-in pack's security policies: every built-in policy but
/// the tier policies, which hold the definition of done.
pub fn is_guardrail(policy: &SourcedPolicy) -> bool {
    policy.origin == Origin::Builtin && !policy.policy.id.starts_with("tier-")
}

/// The overrides of built-in security policies and their rules, one entry per id.
fn guardrails(policies: &[SourcedPolicy], overrides: &Overrides) -> Vec<ShownOverride> {
    let guarded = |id: &str| {
        policies
            .iter()
            .any(|p| p.policy.id == id && is_guardrail(p))
    };
    let mut guarded_overrides: Vec<ShownOverride> = show_overrides(overrides)
        .into_iter()
        .flat_map(|shown| {
            shown
                .ids
                .iter()
                .filter(|id| guarded(id.split_once('/').map_or(id.as_str(), |(p, _)| p)))
                .map(|id| ShownOverride {
                    ids: vec![id.clone()],
                    ..shown.clone()
                })
                .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>();
    guarded_overrides.sort_by(|a, b| a.ids.cmp(&b.ids));
    guarded_overrides
}

/// The overrides as generated files and findings show them: one entry per manifest entry, so
/// policies left out together share a line, ordered by their first id.
fn show_overrides(overrides: &Overrides) -> Vec<ShownOverride> {
    let policies = overrides.policies.iter().map(|(id, o)| {
        let change = if o.kept.is_empty() {
            "left out".to_owned()
        } else {
            let kept: Vec<String> = o.kept.iter().map(|r| format!("`{id}/{r}`")).collect();
            format!(
                "left out except its locked rules {} and its permissions",
                kept.join(", ")
            )
        };
        (id, change, &o.reason, o.line)
    });
    let rules = overrides.rules.iter().map(|(id, o)| {
        let change = match o.action {
            Action::Disable => "turned off".to_owned(),
            Action::Soften(level) => format!("softened to {}", level.keyword()),
        };
        (id, change, &o.reason, o.line)
    });
    let mut shown: Vec<ShownOverride> = Vec::new();
    for (id, change, reason, line) in policies.chain(rules) {
        match shown
            .iter_mut()
            .find(|o| o.line == line && o.change == change && o.reason == *reason)
        {
            Some(entry) => entry.ids.push(id.clone()),
            None => shown.push(ShownOverride {
                ids: vec![id.clone()],
                change,
                reason: reason.clone(),
                line,
            }),
        }
    }
    for entry in &mut shown {
        entry.ids.sort();
    }
    shown.sort_by(|a, b| a.ids.cmp(&b.ids));
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
        verbatim: rule.verbatim,
        rationale: rule.rationale.as_ref().map(|r| r.trim().to_owned()),
        references: rule.references.clone(),
        scope: rule.scope.clone(),
        applies_to: scope::describe(&rule.scope),
        softened,
        example: rule.example.as_ref().map(|e| ShownExample {
            good: e.good.clone(),
            bad: e.bad.clone(),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::manifest::PolicySources;
    use crate::model::policy::{Command, PathGlob};

    fn manifest(tier: Tier) -> Manifest {
        Manifest {
            project: "demo".into(),
            tier,
            targets: crate::model::manifest::TargetSelection::List(vec!["claude".into()]),
            policies: PolicySources::default(),
            agreement: None,
            overrides: vec![],
            scan: Default::default(),
            languages: None,
            acknowledge: vec![],
            overlap: Default::default(),
            managed_block: Default::default(),
            shadow_rules: vec![],
        }
    }

    fn rule(id: &str, tiers: Vec<Tier>) -> Rule {
        Rule {
            id: id.into(),
            level: Level::MustNot,
            text: "do a thing".into(),
            verbatim: false,
            rationale: None,
            references: vec![],
            scope: Scope::default(),
            tiers,
            reviewed: None,
            example: None,
            locked: None,
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
                permissions: Permissions::default(),
                locked: Default::default(),
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
    fn rules_for_languages_the_repository_lacks_drop_out() {
        let lang = |names: &[&str]| names.iter().map(|n| Language((*n).into())).collect();
        let mut go = policy("lang-go", vec![rule("a", vec![])]);
        go.policy.scope.languages = lang(&["go"]);
        let mut mixed = policy("mixed", vec![rule("plain", vec![]), rule("py", vec![])]);
        mixed.policy.rules[1].scope.languages = lang(&["python"]);
        let mut ts = rule("ts", vec![]);
        ts.scope.languages = lang(&["typescript", "go"]);
        mixed.policy.rules.push(ts);
        let ids = |languages: Option<Vec<Language>>| {
            let mut manifest = manifest(Tier::Production);
            manifest.languages = languages;
            let set = resolve(
                &manifest,
                vec![go.clone(), mixed.clone()],
                &Overrides::default(),
            );
            set.policies
                .iter()
                .flat_map(|p| p.rules.iter().map(|r| r.qualified_id.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(Some(lang(&["typescript"]))),
            ["mixed/plain", "mixed/ts"]
        );
        assert_eq!(ids(Some(vec![])), ["mixed/plain"]);
        assert_eq!(
            ids(None),
            ["lang-go/a", "mixed/plain", "mixed/py", "mixed/ts"]
        );
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
        use crate::resolve::overrides::{PolicyOverride, RuleOverride};
        let mut overrides = Overrides::default();
        overrides.policies.insert(
            "a".into(),
            PolicyOverride {
                reason: "No A here.".into(),
                kept: vec![],
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
        let shown: Vec<(String, &str)> = set
            .overrides
            .iter()
            .map(|o| (o.ids.join(" "), o.change.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("a".to_owned(), "left out"),
                ("b/x".to_owned(), "softened to SHOULD NOT"),
                ("b/y".to_owned(), "turned off")
            ]
        );
    }

    #[test]
    fn rule_scopes_split_a_policy_into_groups() {
        let mut scoped = rule("ts", vec![]);
        scoped.scope.paths = vec!["src/**/*.ts".into()];
        let set = resolve(
            &manifest(Tier::Production),
            vec![policy(
                "p",
                vec![scoped, rule("a", vec![]), rule("b", vec![])],
            )],
            &Overrides::default(),
        );
        let groups: Vec<(&str, usize, &[String])> = set
            .groups
            .iter()
            .map(|g| (g.id.as_str(), g.rules.len(), g.directories.as_slice()))
            .collect();
        assert_eq!(
            groups,
            [("p", 2, &[][..]), ("p-ts", 1, &["src".to_owned()][..])]
        );
        assert!(set.groups[1].scoped && !set.groups[0].scoped);
    }

    #[test]
    fn permissions_merge_without_duplicates() {
        let mut a = policy("a", vec![rule("x", vec![])]);
        a.policy.permissions.ask_commands = vec![Command("git push".into())];
        let mut b = policy("b", vec![rule("x", vec![])]);
        b.policy.permissions.ask_commands =
            vec![Command("git push".into()), Command("npm install".into())];
        b.policy.permissions.ask_web_fetch = true;
        let mut c = policy("c", vec![rule("x", vec![Tier::Prototype])]);
        c.policy.permissions.deny_read = vec![PathGlob(".env".into())];
        let set = resolve(
            &manifest(Tier::Production),
            vec![b, a, c],
            &Overrides::default(),
        );
        assert_eq!(set.permissions.ask_commands, ["git push", "npm install"]);
        assert!(set.permissions.ask_web_fetch);
        assert!(
            set.permissions.deny_read.is_empty(),
            "c has no rule at this tier"
        );
    }
}
