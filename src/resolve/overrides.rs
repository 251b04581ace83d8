//! Manifest overrides: the reasoned exceptions a project takes from the compiled rules.
//!
//! Every override names one policy or rule that exists, carries a reason, and either turns its
//! target off or softens a rule by one step (`must` to `should`, `must-not` to `should-not`).
//! Checking is pure; the resolver applies the result.

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, InputCode, SourceFile};
use crate::model::manifest::{Manifest, Override};
use crate::model::policy::{Level, Policy};
use crate::syntax::yaml::Position;
use crate::validate::{Parsed, closest};

/// What an override does to a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// The rule is left out.
    Disable,
    /// The rule keeps its text at this weaker level.
    Soften(Level),
}

/// A checked override of one rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleOverride {
    /// What happens to the rule.
    pub action: Action,
    /// Why, as written in the manifest.
    pub reason: String,
    /// The manifest line the override starts on; zero when it was not read from a file.
    pub line: u32,
}

/// A checked override that leaves a whole policy out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyOverride {
    /// Why, as written in the manifest.
    pub reason: String,
    /// The ids of the policy's locked rules, which stay in force with its permissions.
    pub kept: Vec<String>,
    /// The manifest line the override starts on; zero when it was not read from a file.
    pub line: u32,
}

/// The checked overrides of a build, keyed by policy id and by `policy/rule`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Policies left out.
    pub policies: BTreeMap<String, PolicyOverride>,
    /// Rules turned off or softened.
    pub rules: BTreeMap<String, RuleOverride>,
}

/// Checks the manifest's overrides against the policies of the build, reporting every problem.
pub fn check(
    source: &SourceFile,
    manifest: &Parsed<Manifest>,
    policies: &[&Policy],
) -> Result<Overrides, Vec<Diagnostic>> {
    let mut checker = Checker {
        source,
        manifest,
        policies,
        problems: Vec::new(),
        result: Overrides::default(),
    };
    for (index, entry) in manifest.value.overrides.iter().enumerate() {
        checker.entry(index, entry);
    }
    if checker.problems.is_empty() {
        Ok(checker.result)
    } else {
        Err(checker.problems)
    }
}

/// Finds a rule by `policy/rule` or by a bare rule id that only one policy has.
pub fn find_rule<'a>(policies: &[&'a Policy], name: &str) -> Lookup<'a> {
    let matches: Vec<(&Policy, usize)> = policies
        .iter()
        .flat_map(|policy| {
            policy
                .rules
                .iter()
                .enumerate()
                .filter(move |(_, rule)| match name.split_once('/') {
                    Some((p, r)) => policy.id == p && rule.id == r,
                    None => rule.id == name,
                })
                .map(move |(index, _)| (*policy, index))
        })
        .collect();
    match matches.as_slice() {
        [] => Lookup::Missing(suggest_rule(policies, name)),
        [(policy, index)] => Lookup::Found(policy, *index),
        many => Lookup::Ambiguous(
            many.iter()
                .map(|(p, i)| format!("{}/{}", p.id, p.rules[*i].id))
                .collect(),
        ),
    }
}

/// The outcome of looking a rule up by name.
pub enum Lookup<'a> {
    /// The policy and the index of the rule in it.
    Found(&'a Policy, usize),
    /// A bare id several policies share: their qualified ids.
    Ambiguous(Vec<String>),
    /// No such rule; the closest qualified id, if any is near.
    Missing(Option<String>),
}

fn suggest_rule(policies: &[&Policy], name: &str) -> Option<String> {
    let qualified: Vec<String> = policies
        .iter()
        .flat_map(|p| p.rules.iter().map(move |r| format!("{}/{}", p.id, r.id)))
        .collect();
    if name.contains('/') {
        return closest(name, &qualified);
    }
    let bare: Vec<String> = qualified
        .iter()
        .map(|q| q.split_once('/').map_or(q.as_str(), |(_, r)| r).to_owned())
        .collect();
    let best = closest(name, &bare)?;
    qualified
        .into_iter()
        .find(|q| q.ends_with(&format!("/{best}")))
}

struct Checker<'a> {
    source: &'a SourceFile,
    manifest: &'a Parsed<Manifest>,
    policies: &'a [&'a Policy],
    problems: Vec<Diagnostic>,
    result: Overrides,
}

impl Checker<'_> {
    fn entry(&mut self, index: usize, entry: &Override) {
        let base = format!("/overrides/{index}");
        let mut ok = true;
        if entry.reason.trim().is_empty() {
            self.error(
                &format!("{base}/reason"),
                InputCode::InvalidOverride,
                "override has a blank `reason`".to_owned(),
                "say why this project departs from the rule; the reason is shown in every generated file",
            );
            ok = false;
        }
        if entry.disable == entry.level.is_some() {
            self.error(
                &base,
                InputCode::InvalidOverride,
                "an override sets exactly one of `disable: true` or `level`".to_owned(),
                "use `disable: true` to turn the rule off, or `level` to soften it",
            );
            ok = false;
        }
        match (&entry.policy, &entry.rule) {
            (Some(policies), None) => {
                let ids = policies.ids();
                if ids.is_empty() {
                    self.error(
                        &format!("{base}/policy"),
                        InputCode::InvalidOverride,
                        "override lists no policy".to_owned(),
                        "name at least one policy to leave out",
                    );
                    ok = false;
                }
                if entry.level.is_some() {
                    self.error(
                        &format!("{base}/level"),
                        InputCode::InvalidOverride,
                        "policies can only be left out with `disable: true`".to_owned(),
                        "to soften one of their rules, name it with `rule: policy/rule`",
                    );
                    ok = false;
                }
                if ok {
                    for (id, suffix) in ids {
                        self.policy(index, id, &format!("{base}/policy{suffix}"), entry);
                    }
                }
            }
            (None, Some(rule)) => {
                if ok {
                    self.rule(index, rule, entry);
                }
            }
            _ => self.error(
                &base,
                InputCode::InvalidOverride,
                "an override names exactly one of `policy` or `rule`".to_owned(),
                "write `policy: <id>` to leave a policy out, or `rule: <policy>/<rule>` for one rule",
            ),
        }
    }

    fn policy(&mut self, index: usize, id: &str, pointer: &str, entry: &Override) {
        if !self.policies.iter().any(|p| p.id == id) {
            let known: Vec<String> = self.policies.iter().map(|p| p.id.clone()).collect();
            let hint = match closest(id, &known) {
                Some(best) => format!("did you mean `{best}`? known: {}", known.join(", ")),
                None => format!("known: {}", known.join(", ")),
            };
            self.error(
                pointer,
                InputCode::UnknownPolicy,
                format!("override names unknown policy `{id}`"),
                &hint,
            );
            return;
        }
        let policy = self
            .policies
            .iter()
            .find(|p| p.id == id)
            .expect("the policy exists");
        if !policy.locked.allows_disable() {
            self.error(
                pointer,
                InputCode::LockedOverride,
                format!("policy `{id}` is locked by its pack and cannot be left out"),
                "remove the override; the pack's maintainers decide whether its rules may be turned off",
            );
            return;
        }
        let kept = policy
            .rules
            .iter()
            .filter(|rule| !rule.lock(policy).allows_disable())
            .map(|rule| rule.id.clone())
            .collect();
        let line = self.line(index);
        let previous = self.result.policies.insert(
            id.to_owned(),
            PolicyOverride {
                reason: entry.reason.trim().to_owned(),
                kept,
                line,
            },
        );
        if previous.is_some() {
            self.duplicate(pointer, id);
        }
    }

    fn rule(&mut self, index: usize, name: &str, entry: &Override) {
        let pointer = format!("/overrides/{index}/rule");
        let (policy, rule_index) = match find_rule(self.policies, name) {
            Lookup::Found(policy, rule_index) => (policy, rule_index),
            Lookup::Ambiguous(candidates) => {
                self.error(
                    &pointer,
                    InputCode::UnknownRule,
                    format!("rule id `{name}` is in several policies"),
                    &format!("name one of: {}", candidates.join(", ")),
                );
                return;
            }
            Lookup::Missing(suggestion) => {
                let hint = match suggestion {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => "name a rule as `policy/rule`; `rulesmith explain <rule>` shows one"
                        .to_owned(),
                };
                self.error(
                    &pointer,
                    InputCode::UnknownRule,
                    format!("override names unknown rule `{name}`"),
                    &hint,
                );
                return;
            }
        };
        let rule = &policy.rules[rule_index];
        let qualified = format!("{}/{}", policy.id, rule.id);
        let action = match entry.level {
            None => Action::Disable,
            Some(level) if rule.level.softened() == Some(level) => Action::Soften(level),
            Some(level) => {
                let hint = match rule.level.softened() {
                    Some(soft) => format!(
                        "`{qualified}` is a `{}` rule: soften it to `{}`, or turn it off with `disable: true`",
                        level_name(rule.level),
                        level_name(soft)
                    ),
                    None => format!(
                        "`{qualified}` is already a `{}` rule: turn it off with `disable: true`",
                        level_name(rule.level)
                    ),
                };
                self.error(
                    &format!("/overrides/{index}/level"),
                    InputCode::InvalidOverride,
                    format!(
                        "`level: {}` does not soften `{qualified}`",
                        level_name(level)
                    ),
                    &hint,
                );
                return;
            }
        };
        let lock = rule.lock(policy);
        let allowed = match action {
            Action::Disable => lock.allows_disable(),
            Action::Soften(_) => lock.allows_soften(),
        };
        if !allowed {
            let hint = if lock.allows_soften() {
                format!(
                    "its pack allows softening it only: write `level: {}` instead of `disable: true`",
                    rule.level.softened().map_or("should", level_name)
                )
            } else {
                "remove the override; the pack's maintainers decide whether the rule may be changed"
                    .to_owned()
            };
            let verb = match action {
                Action::Disable => "turned off",
                Action::Soften(_) => "softened",
            };
            self.error(
                &pointer,
                InputCode::LockedOverride,
                format!("rule `{qualified}` is locked by its pack and cannot be {verb}"),
                &hint,
            );
            return;
        }
        let line = self.line(index);
        let previous = self.result.rules.insert(
            qualified.clone(),
            RuleOverride {
                action,
                reason: entry.reason.trim().to_owned(),
                line,
            },
        );
        if previous.is_some() {
            self.duplicate(&pointer, &qualified);
        }
    }

    fn line(&self, index: usize) -> u32 {
        self.manifest
            .node
            .at_pointer(&format!("/overrides/{index}"))
            .map_or(0, |n| n.position.line)
    }

    fn duplicate(&mut self, pointer: &str, id: &str) {
        self.error(
            pointer,
            InputCode::InvalidOverride,
            format!("`{id}` is overridden more than once"),
            "keep one override per policy or rule",
        );
    }

    fn error(&mut self, pointer: &str, code: InputCode, message: String, hint: &str) {
        let node = self.manifest.node.at_pointer(pointer);
        let position = node.map_or_else(Position::default, |n| n.position);
        let width = node
            .and_then(|n| match &n.kind {
                crate::syntax::yaml::NodeKind::String(s) => Some(s.chars().count()),
                _ => None,
            })
            .unwrap_or(1);
        self.problems.push(
            Diagnostic::error(code, message)
                .at(self.source.span(position, width))
                .hint(hint),
        );
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Must => "must",
        Level::MustNot => "must-not",
        Level::Should => "should",
        Level::ShouldNot => "should-not",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::parse_document;
    use crate::validate::schema::SchemaKind;

    fn policies() -> Vec<Policy> {
        [
            "id: injection\ntitle: I\nrules:\n  - {id: sql, level: must-not, text: build SQL from input.}\n  - {id: shared, level: must, text: do a.}\n",
            "id: web\ntitle: W\nrules:\n  - {id: csp, level: should, text: send a CSP.}\n  - {id: shared, level: must, text: do b.}\n",
        ]
        .iter()
        .map(|text| {
            parse_document::<Policy>(&SourceFile::new("p.yaml", *text), SchemaKind::Policy)
                .unwrap_or_else(|e| panic!("{e:?}"))
                .value
        })
        .collect()
    }

    fn run(overrides: &str) -> Result<Overrides, Vec<(InputCode, String, String)>> {
        let text =
            format!("project: p\ntier: production\ntargets: [claude]\noverrides:\n{overrides}");
        let source = SourceFile::new("rulesmith.yaml", text);
        let manifest = parse_document::<Manifest>(&source, SchemaKind::Manifest)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let owned = policies();
        let refs: Vec<&Policy> = owned.iter().collect();
        check(&source, &manifest, &refs).map_err(|problems| {
            problems
                .into_iter()
                .map(|d| (d.code, d.message, d.hint.unwrap_or_default()))
                .collect()
        })
    }

    #[test]
    fn valid_overrides_resolve_to_qualified_ids() {
        let overrides = run(
            "  - {policy: web, disable: true, reason: No browser UI.}\n  - {rule: sql, level: should-not, reason: Reporting DSL only.}\n",
        )
        .unwrap();
        assert_eq!(
            overrides.policies["web"],
            PolicyOverride {
                reason: "No browser UI.".into(),
                kept: vec![],
                line: 5
            }
        );
        assert_eq!(
            overrides.rules["injection/sql"],
            RuleOverride {
                action: Action::Soften(Level::ShouldNot),
                reason: "Reporting DSL only.".into(),
                line: 6
            }
        );
    }

    #[test]
    fn several_policies_share_one_override() {
        let overrides =
            run("  - policy: [web, injection]\n    disable: true\n    reason: Not a web app.\n")
                .unwrap();
        let ids: Vec<&str> = overrides.policies.keys().map(String::as_str).collect();
        assert_eq!(ids, ["injection", "web"]);
        let problems =
            run("  - policy: [web, injectoin]\n    disable: true\n    reason: x\n").unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].1, "override names unknown policy `injectoin`");
    }

    #[test]
    fn unknown_rules_get_a_suggestion() {
        let problems = run("  - {rule: injection/sqll, disable: true, reason: x}\n").unwrap_err();
        assert_eq!(problems[0].0, InputCode::UnknownRule);
        assert_eq!(problems[0].2, "did you mean `injection/sql`?");
        let problems = run("  - {rule: sqll, disable: true, reason: x}\n").unwrap_err();
        assert_eq!(problems[0].2, "did you mean `injection/sql`?");
        let problems = run("  - {policy: wbe, disable: true, reason: x}\n").unwrap_err();
        assert_eq!(problems[0].0, InputCode::UnknownPolicy);
        assert!(problems[0].2.starts_with("did you mean `web`?"));
    }

    #[test]
    fn blank_reasons_ambiguity_and_hardening_are_rejected() {
        let problems = run(
            "  - {rule: injection/sql, disable: true, reason: '  '}\n  - {rule: shared, disable: true, reason: x}\n  - {rule: injection/sql, level: must, reason: x}\n  - {rule: web/csp, level: should-not, reason: x}\n  - {policy: web, level: should, reason: x}\n  - {rule: web/csp, reason: x}\n",
        )
        .unwrap_err();
        let messages: Vec<&str> = problems.iter().map(|p| p.1.as_str()).collect();
        assert_eq!(
            messages,
            [
                "override has a blank `reason`",
                "rule id `shared` is in several policies",
                "`level: must` does not soften `injection/sql`",
                "`level: should-not` does not soften `web/csp`",
                "policies can only be left out with `disable: true`",
                "an override sets exactly one of `disable: true` or `level`",
            ]
        );
        let codes: Vec<InputCode> = problems.iter().map(|p| p.0).collect();
        assert_eq!(codes[1], InputCode::UnknownRule);
        assert!(
            codes
                .iter()
                .filter(|c| **c == InputCode::InvalidOverride)
                .count()
                == 5
        );
    }

    #[test]
    fn duplicates_are_rejected() {
        let problems = run(
            "  - {rule: injection/sql, disable: true, reason: x}\n  - {rule: sql, level: should-not, reason: later}\n",
        )
        .unwrap_err();
        assert_eq!(
            problems[0].1,
            "`injection/sql` is overridden more than once"
        );
    }
}
