//! The answers `rulesmith init` needs: from flags, from prompts on a terminal, or the defaults.
//! Flags and prompts are checked by the same functions, so both reject the same input.

use std::sync::OnceLock;

use crate::diagnostic::{Diagnostic, InputCode};
use crate::model::agreement;
use crate::model::manifest::{BlockPlacement, Tier};
use crate::render::catalog::Catalog;
use crate::scaffold::harness::Harness;
use crate::validate::closest;

/// Everything init needs to know about the new repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answers {
    /// The project's name.
    pub project: String,
    /// Its tier.
    pub tier: Tier,
    /// The stack's id.
    pub stack: String,
    /// The agent target ids.
    pub agents: Vec<String>,
    /// The engineering lane's owner, for CODEOWNERS.
    pub engineering_owner: Option<String>,
    /// Where `--adopt` puts a new managed block in an existing agent file.
    pub managed_block: BlockPlacement,
}

/// What the command line gave; `None` where a flag was not used.
#[derive(Clone, Debug, Default)]
pub struct Given {
    /// `--project`.
    pub project: Option<String>,
    /// `--tier`.
    pub tier: Option<String>,
    /// `--stack`.
    pub stack: Option<String>,
    /// `--agents`.
    pub agents: Option<Vec<String>>,
    /// `--engineering-owner`.
    pub engineering_owner: Option<String>,
    /// `--managed-block`.
    pub managed_block: Option<BlockPlacement>,
}

/// The answers taken when neither a flag nor a prompt gives one.
#[derive(Clone, Debug)]
pub struct Defaults {
    /// The directory's name, cleaned up.
    pub project: String,
    /// The detected stack, or the harness's default.
    pub stack: String,
    /// The common set of agents, plus any whose files are already in the directory when
    /// adopting.
    pub agents: Vec<String>,
}

/// The tiers init accepts, in order.
const TIERS: [Tier; 3] = [Tier::Prototype, Tier::Internal, Tier::Production];

/// Settles every answer: a flag wins, then a prompt (when `prompter` is given), then the
/// default. Every bad flag is reported at once.
pub fn gather(
    given: &Given,
    defaults: &Defaults,
    harness: &Harness,
    catalog: &Catalog,
    mut prompter: Option<&mut dyn Ask>,
) -> Result<Answers, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let project = keep(
        answer(
            given.project.as_deref(),
            &mut prompter,
            "Project name",
            &defaults.project,
            parse_project,
        ),
        &mut problems,
    );
    let tier = keep(
        answer(
            given.tier.as_deref(),
            &mut prompter,
            "Tier (prototype, internal, production)",
            Tier::Prototype.as_str(),
            parse_tier,
        ),
        &mut problems,
    );
    let stacks: Vec<&str> = harness.stacks.keys().map(String::as_str).collect();
    let stack = keep(
        answer(
            given.stack.as_deref(),
            &mut prompter,
            &format!("Stack ({})", stacks.join(", ")),
            &defaults.stack,
            |text| parse_stack(text, harness),
        ),
        &mut problems,
    );
    let agents_flag = given.agents.as_ref().map(|list| list.join(","));
    let agents = keep(
        answer(
            agents_flag.as_deref(),
            &mut prompter,
            "Agents, comma-separated (`rulesmith targets` lists them)",
            &defaults.agents.join(","),
            |text| parse_agents(text, catalog),
        ),
        &mut problems,
    );
    let owner = keep(
        answer(
            given.engineering_owner.as_deref(),
            &mut prompter,
            "Engineering owner for CODEOWNERS, e.g. @acme/platform (empty for none)",
            "",
            parse_owner,
        ),
        &mut problems,
    );
    match (project, tier, stack, agents, owner) {
        (Some(project), Some(tier), Some(stack), Some(agents), Some(engineering_owner)) => {
            Ok(Answers {
                project,
                tier,
                stack,
                agents,
                engineering_owner,
                managed_block: given.managed_block.unwrap_or_default(),
            })
        }
        _ => Err(problems),
    }
}

/// The value of `result`, or `None` with its problem kept.
fn keep<T>(result: Result<T, Diagnostic>, problems: &mut Vec<Diagnostic>) -> Option<T> {
    result.map_err(|problem| problems.push(problem)).ok()
}

/// Where `init` asks its questions: a terminal, or a script in tests.
pub trait Ask {
    /// Asks `question`; an empty answer, or the end of input, takes `default`.
    fn ask(&mut self, question: &str, default: &str) -> String;

    /// Says why an answer was refused, before the question is asked again.
    fn complain(&mut self, problem: &Diagnostic);

    /// Whether the input has ended, so asking again would not help.
    fn at_end(&self) -> bool;
}

/// One answer: the flag when given, else asked at the prompt until it passes `parse` (or input
/// ends), else the default.
fn answer<T>(
    flag: Option<&str>,
    prompter: &mut Option<&mut dyn Ask>,
    question: &str,
    default: &str,
    parse: impl Fn(&str) -> Result<T, Diagnostic>,
) -> Result<T, Diagnostic> {
    if let Some(value) = flag {
        return parse(value);
    }
    let Some(prompter) = prompter.as_mut() else {
        return parse(default);
    };
    loop {
        let text = prompter.ask(question, default);
        match parse(&text) {
            Ok(value) => return Ok(value),
            Err(problem) if prompter.at_end() => return Err(problem),
            Err(problem) => prompter.complain(&problem),
        }
    }
}

/// A project name: one line of 1 to 120 characters.
pub fn parse_project(text: &str) -> Result<String, Diagnostic> {
    let name = text.trim();
    let length = name.chars().count();
    if (1..=120).contains(&length) && !name.chars().any(char::is_control) {
        Ok(name.to_owned())
    } else {
        Err(Diagnostic::error(
            InputCode::InvalidValue,
            format!("invalid project name `{name}`"),
        )
        .hint("give one line of 1 to 120 characters"))
    }
}

/// A tier by name.
pub fn parse_tier(text: &str) -> Result<Tier, Diagnostic> {
    let text = text.trim().to_ascii_lowercase();
    TIERS
        .into_iter()
        .find(|tier| tier.as_str() == text)
        .ok_or_else(|| {
            let names: Vec<String> = TIERS.iter().map(|t| t.as_str().to_owned()).collect();
            unknown(
                InputCode::UnknownChoice,
                "tier",
                &text,
                &names,
                &names.join(", "),
            )
        })
}

/// A stack by id or alias, as its id.
pub fn parse_stack(text: &str, harness: &Harness) -> Result<String, Diagnostic> {
    let text = text.trim();
    harness
        .stack(text)
        .map(|stack| stack.id.clone())
        .ok_or_else(|| {
            let ids: Vec<String> = harness.stacks.keys().cloned().collect();
            let valid = harness
                .stacks
                .values()
                .map(|s| {
                    if s.aliases.is_empty() {
                        s.id.clone()
                    } else {
                        format!("{} (or {})", s.id, s.aliases.join(", "))
                    }
                })
                .collect::<Vec<_>>()
                .join("; ");
            unknown(InputCode::UnknownChoice, "stack", text, &ids, &valid)
        })
}

/// Agent target ids, separated by commas or spaces; each once, in the order given. `all`, as
/// in the manifest's `targets: all`, selects every agent.
pub fn parse_agents(text: &str, catalog: &Catalog) -> Result<Vec<String>, Diagnostic> {
    let known = catalog.agent_ids();
    if text.split([',', ' ']).any(|id| id.trim() == "all") {
        return Ok(catalog.builtin_ids());
    }
    let mut agents: Vec<String> = Vec::new();
    for id in text
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if !known.iter().any(|k| k == id) {
            return Err(unknown(
                InputCode::UnknownTarget,
                "agent",
                id,
                &known,
                &format!("{}, or all", known.join(", ")),
            ));
        }
        if !agents.iter().any(|a| a == id) {
            agents.push(id.to_owned());
        }
    }
    if agents.is_empty() {
        return Err(
            Diagnostic::error(InputCode::InvalidValue, "no agents selected")
                .hint(format!("name at least one of: {}", known.join(", "))),
        );
    }
    Ok(agents)
}

/// An owner handle for CODEOWNERS, or none for an empty answer.
pub fn parse_owner(text: &str) -> Result<Option<String>, Diagnostic> {
    static PATTERN: OnceLock<jsonschema::Validator> = OnceLock::new();
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let validator = PATTERN.get_or_init(|| {
        jsonschema::validator_for(&serde_json::json!({ "pattern": agreement::OWNER_PATTERN }))
            .expect("the owner pattern compiles")
    });
    if validator.is_valid(&serde_json::json!(text)) {
        Ok(Some(text.to_owned()))
    } else {
        Err(Diagnostic::error(
            InputCode::InvalidValue,
            format!("invalid engineering owner `{text}`"),
        )
        .hint(agreement::pattern_hint(agreement::OWNER_PATTERN).unwrap_or_default()))
    }
}

fn unknown(code: InputCode, what: &str, name: &str, known: &[String], valid: &str) -> Diagnostic {
    let hint = match closest(name, known) {
        Some(best) => format!("did you mean `{best}`? valid {what}s: {valid}"),
        None => format!("valid {what}s: {valid}"),
    };
    Diagnostic::error(code, format!("unknown {what} `{name}`")).hint(hint)
}

/// A project name made from a directory name.
pub fn project_from_dir(name: &str) -> String {
    let name = name.trim();
    if name.is_empty() || name.chars().any(char::is_control) {
        "project".to_owned()
    } else {
        name.chars().take(120).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers read from a script, one per line, the way a terminal prompt reads them.
    struct Script(std::vec::IntoIter<String>, bool);

    impl Ask for Script {
        fn ask(&mut self, _question: &str, default: &str) -> String {
            match self.0.next() {
                Some(line) if !line.trim().is_empty() => line.trim().to_owned(),
                Some(_) => default.to_owned(),
                None => {
                    self.1 = true;
                    default.to_owned()
                }
            }
        }

        fn complain(&mut self, _problem: &Diagnostic) {}

        fn at_end(&self) -> bool {
            self.1
        }
    }

    #[test]
    fn unknown_choices_list_the_valid_ones() {
        let err = parse_tier("prototyp").unwrap_err();
        assert_eq!(err.code, InputCode::UnknownChoice);
        let hint = err.hint.unwrap();
        assert!(hint.contains("did you mean `prototype`"), "{hint}");
        assert!(hint.contains("internal, production"), "{hint}");
        let harness = Harness::builtin();
        let hint = parse_stack("cobol", &harness).unwrap_err().hint.unwrap();
        for id in ["node", "python", "go", "rust", "java"] {
            assert!(hint.contains(id), "{hint}");
        }
        let err = parse_agents("claude,clade", &Catalog::builtin()).unwrap_err();
        assert_eq!(err.code, InputCode::UnknownTarget);
        assert!(err.hint.unwrap().contains("did you mean `claude`"));
    }

    #[test]
    fn agents_are_split_and_deduplicated_but_never_the_agreement() {
        let catalog = Catalog::builtin();
        assert_eq!(
            parse_agents(" claude, agents claude", &catalog).unwrap(),
            ["claude", "agents"]
        );
        assert!(parse_agents("agreement", &catalog).is_err());
        assert!(parse_agents(" , ", &catalog).is_err());
        assert_eq!(
            parse_agents("claude,all", &catalog).unwrap(),
            catalog.builtin_ids()
        );
        let hint = parse_stack("ruby", &Harness::builtin())
            .unwrap_err()
            .hint
            .unwrap();
        assert!(!hint.contains("did you mean"), "{hint}");
    }

    #[test]
    fn owners_are_handles_or_addresses() {
        assert_eq!(parse_owner("").unwrap(), None);
        for good in ["@acme/platform", "@jane", "eng@acme.com"] {
            assert_eq!(parse_owner(good).unwrap().as_deref(), Some(good));
        }
        for bad in ["acme", "@acme/platform team", "@-x", "# x"] {
            assert!(parse_owner(bad).is_err(), "{bad}");
        }
    }

    fn defaults() -> Defaults {
        Defaults {
            project: "dir".into(),
            stack: "node".into(),
            agents: vec!["claude".into(), "agents".into()],
        }
    }

    fn ask(input: &str, given: &Given) -> Result<Answers, Vec<Diagnostic>> {
        let lines: Vec<String> = input.lines().map(str::to_owned).collect();
        let mut prompter = Script(lines.into_iter(), false);
        let (harness, catalog) = (Harness::builtin(), Catalog::builtin());
        gather(given, &defaults(), &harness, &catalog, Some(&mut prompter))
    }

    #[test]
    fn prompts_ask_again_after_a_bad_answer_and_take_defaults_on_empty_lines() {
        let answers = ask(
            "My App\nprod\nproduction\n\nclaude\n@acme/eng\n",
            &Given::default(),
        )
        .unwrap();
        assert_eq!(
            answers,
            Answers {
                project: "My App".into(),
                tier: Tier::Production,
                stack: "node".into(),
                agents: vec!["claude".into()],
                engineering_owner: Some("@acme/eng".into()),
                managed_block: BlockPlacement::First,
            }
        );
    }

    #[test]
    fn flags_are_not_asked_for_and_the_end_of_input_takes_defaults() {
        let given = Given {
            stack: Some("py".into()),
            ..Given::default()
        };
        let answers = ask("", &given).unwrap();
        assert_eq!(answers.project, "dir");
        assert_eq!(answers.tier, Tier::Prototype);
        assert_eq!(answers.stack, "python");
        assert_eq!(answers.agents, ["claude", "agents"]);
        assert_eq!(answers.engineering_owner, None);
        let bad = Given {
            tier: Some("staging".into()),
            ..Given::default()
        };
        assert_eq!(ask("", &bad).unwrap_err()[0].code, InputCode::UnknownChoice);
    }

    #[test]
    fn project_names_come_from_directories() {
        assert_eq!(project_from_dir("my-app"), "my-app");
        assert_eq!(project_from_dir(""), "project");
        assert!(parse_project(&"x".repeat(121)).is_err());
    }
}
