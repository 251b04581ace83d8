//! `rulesmith explain`: everything known about one rule, and why it does or does not reach the
//! project's agents. Pure: it reads already-loaded policies, overrides and the build plan.

use crate::compile::Plan;
use crate::diagnostic::{Diagnostic, InputCode};
use crate::model::manifest::Tier;
use crate::model::policy::{Example, Level, Policy};
use crate::resolve::overrides::{self, Action, Lookup, Overrides};
use crate::resolve::scope::describe as describe_scope;
use crate::resolve::{Origin, SourcedPolicy, applies};

/// The facts about one rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// `policy/rule`.
    pub qualified_id: String,
    /// The rule's own level, before any override.
    pub level: Level,
    /// The instruction.
    pub text: String,
    /// Why the rule exists.
    pub rationale: Option<String>,
    /// Good and bad example.
    pub example: Option<Example>,
    /// The policy's id.
    pub policy: String,
    /// The policy's title.
    pub policy_title: String,
    /// Built-in or the repo's own.
    pub origin: Origin,
    /// The rule's CWE, OWASP and URL references.
    pub references: Vec<String>,
    /// The policy's topic-level sources.
    pub sources: Vec<String>,
    /// When the rule was last reviewed.
    pub reviewed: Option<String>,
    /// Where the rule applies, in words; `None` means every file.
    pub scope: Option<String>,
    /// The tiers the rule reaches; empty means every tier.
    pub tiers: Vec<Tier>,
    /// What this project's overrides do to it, when anything.
    pub overridden: Option<Overridden>,
    /// The rule in the context of a project, when a manifest was found.
    pub project: Option<ProjectReach>,
}

/// An override that touches the rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overridden {
    /// "policy left out", "turned off" or "softened to SHOULD".
    pub change: String,
    /// The reason given in the manifest.
    pub reason: String,
}

/// Whether and where a rule reaches one project's agents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectReach {
    /// The project's tier.
    pub tier: Tier,
    /// Whether the rule is compiled, and the reason.
    pub status: Status,
    /// `(target, path)` of every generated file that carries the rule.
    pub files: Vec<(String, String)>,
}

/// Why a rule is or is not compiled for a project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Compiled; `softened` when an override lowered its level.
    Applies {
        /// The level the agents read, when an override changed it.
        softened: Option<Level>,
    },
    /// The rule or its policy is limited to other tiers.
    OtherTiers,
    /// An override left the policy out or turned the rule off.
    Overridden,
}

/// A project's compiled view, for [`explain`].
pub struct Project<'a> {
    /// The manifest's tier.
    pub tier: Tier,
    /// The files the build writes.
    pub plan: &'a Plan,
}

/// Explains the rule `name` (`policy/rule`, or a bare rule id that only one policy has).
pub fn explain(
    name: &str,
    policies: &[SourcedPolicy],
    overrides: &Overrides,
    project: Option<Project<'_>>,
) -> Result<Explanation, Diagnostic> {
    let refs: Vec<&Policy> = policies.iter().map(|p| &p.policy).collect();
    let (policy, index) = match overrides::find_rule(&refs, name) {
        Lookup::Found(policy, index) => (policy, index),
        Lookup::Ambiguous(candidates) => {
            return Err(Diagnostic::error(
                InputCode::UnknownRule,
                format!("rule id `{name}` is in several policies"),
            )
            .hint(format!("name one of: {}", candidates.join(", "))));
        }
        Lookup::Missing(suggestion) => {
            let hint = match suggestion {
                Some(best) => format!("did you mean `{best}`?"),
                None => {
                    "name a rule as `policy/rule`, e.g. `secrets/no-hardcoded-secrets`".to_owned()
                }
            };
            return Err(Diagnostic::error(
                InputCode::UnknownRule,
                format!("no rule named `{name}`"),
            )
            .hint(hint));
        }
    };
    let origin = policies
        .iter()
        .find(|p| std::ptr::eq(&p.policy, policy))
        .map_or(Origin::Repo, |p| p.origin);
    let rule = &policy.rules[index];
    let qualified_id = format!("{}/{}", policy.id, rule.id);
    let tiers = effective_tiers(&policy.tiers, &rule.tiers);
    let overridden = if let Some(o) = overrides.policies.get(&policy.id) {
        Some(Overridden {
            change: "policy left out".to_owned(),
            reason: o.reason.clone(),
        })
    } else {
        overrides.rules.get(&qualified_id).map(|o| Overridden {
            change: match o.action {
                Action::Disable => "turned off".to_owned(),
                Action::Soften(level) => format!("softened to {}", level.keyword()),
            },
            reason: o.reason.clone(),
        })
    };
    let project = project.map(|project| {
        let status = if !applies(&tiers, project.tier) {
            Status::OtherTiers
        } else {
            match (
                overrides.policies.contains_key(&policy.id),
                overrides.rules.get(&qualified_id).map(|o| o.action),
            ) {
                (true, _) | (false, Some(Action::Disable)) => Status::Overridden,
                (false, Some(Action::Soften(level))) => Status::Applies {
                    softened: Some(level),
                },
                (false, None) => Status::Applies { softened: None },
            }
        };
        let files = if matches!(status, Status::Applies { .. }) {
            let text = rule.text.trim();
            project
                .plan
                .files
                .iter()
                .filter(|file| file.contents.contains(text))
                .map(|file| (file.target.clone(), file.path.clone()))
                .collect()
        } else {
            Vec::new()
        };
        ProjectReach {
            tier: project.tier,
            status,
            files,
        }
    });
    Ok(Explanation {
        qualified_id,
        level: rule.level,
        text: rule.text.trim().to_owned(),
        rationale: rule.rationale.as_ref().map(|r| r.trim().to_owned()),
        example: rule.example.clone(),
        policy: policy.id.clone(),
        policy_title: policy.title.clone(),
        origin,
        references: rule.references.clone(),
        sources: policy.references.clone(),
        reviewed: rule.reviewed.clone(),
        scope: describe_scope(&rule.scope).or_else(|| describe_scope(&policy.scope)),
        tiers,
        overridden,
        project,
    })
}

/// The tiers a rule reaches given its own and its policy's limits; empty means every tier.
fn effective_tiers(policy: &[Tier], rule: &[Tier]) -> Vec<Tier> {
    match (policy.is_empty(), rule.is_empty()) {
        (true, _) => rule.to_vec(),
        (false, true) => policy.to_vec(),
        (false, false) => rule
            .iter()
            .copied()
            .filter(|t| policy.contains(t))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::SourceFile;
    use crate::render::Rendered;
    use crate::resolve::overrides::RuleOverride;
    use crate::validate::parse_document;
    use crate::validate::schema::SchemaKind;

    fn policies() -> Vec<SourcedPolicy> {
        let text = "id: web\ntitle: Web\ntiers: [internal, production]\nreferences: [https://example.org/web]\nrules:\n  - {id: csp, level: must, text: send a CSP., tiers: [production], reviewed: 2026-01-02, references: [CWE-693]}\n  - {id: cors, level: must, text: list CORS origins.}\n";
        let policy = parse_document::<Policy>(&SourceFile::new("p.yaml", text), SchemaKind::Policy)
            .unwrap_or_else(|e| panic!("{e:?}"))
            .value;
        vec![SourcedPolicy {
            policy,
            origin: Origin::Builtin,
        }]
    }

    fn plan() -> Plan {
        Plan {
            files: vec![Rendered {
                path: "AGENTS.md".into(),
                target: "agents".into(),
                contents: "- **MUST** send a CSP.\n- **MUST** list CORS origins.\n".into(),
                format: crate::model::target::Format::Markdown,
                mode: crate::model::target::OutputMode::Owned,
                groups: vec![],
                unsafe_settings: Vec::new(),
            }],
        }
    }

    #[test]
    fn a_rule_is_explained_with_its_tiers_and_files() {
        let plan = plan();
        let explanation = explain(
            "csp",
            &policies(),
            &Overrides::default(),
            Some(Project {
                tier: Tier::Production,
                plan: &plan,
            }),
        )
        .unwrap();
        assert_eq!(explanation.qualified_id, "web/csp");
        assert_eq!(explanation.tiers, [Tier::Production]);
        assert_eq!(explanation.sources, ["https://example.org/web"]);
        let reach = explanation.project.unwrap();
        assert_eq!(reach.status, Status::Applies { softened: None });
        assert_eq!(reach.files, [("agents".to_owned(), "AGENTS.md".to_owned())]);
    }

    #[test]
    fn tiers_and_overrides_explain_why_a_rule_is_off() {
        let plan = plan();
        let at = |tier, overrides: &Overrides| {
            explain(
                "web/cors",
                &policies(),
                overrides,
                Some(Project { tier, plan: &plan }),
            )
            .unwrap()
        };
        let off = at(Tier::Prototype, &Overrides::default());
        assert_eq!(off.tiers, [Tier::Internal, Tier::Production]);
        assert_eq!(off.project.unwrap().status, Status::OtherTiers);
        let mut overrides = Overrides::default();
        overrides.rules.insert(
            "web/cors".into(),
            RuleOverride {
                action: Action::Disable,
                reason: "No browser clients.".into(),
                line: 0,
            },
        );
        let disabled = at(Tier::Production, &overrides);
        assert_eq!(
            disabled.overridden.unwrap(),
            Overridden {
                change: "turned off".into(),
                reason: "No browser clients.".into()
            }
        );
        let reach = disabled.project.unwrap();
        assert_eq!(reach.status, Status::Overridden);
        assert!(reach.files.is_empty());
    }

    #[test]
    fn unknown_names_get_a_suggestion() {
        let err = explain("web/csq", &policies(), &Overrides::default(), None).unwrap_err();
        assert_eq!(err.code, InputCode::UnknownRule);
        assert_eq!(err.hint.as_deref(), Some("did you mean `web/csp`?"));
    }
}
