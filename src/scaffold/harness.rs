//! The harness: the files `rulesmith init` scaffolds once, as data and handlebars templates in
//! `templates/` (embedded in the binary).
//!
//! `templates/init.yaml` lists the files and the defaults, `templates/stacks/<id>.yaml` holds
//! what differs per stack (ignore patterns, environment variables, CI steps), and
//! `templates/files/*.hbs` are the templates. Adding a stack needs a YAML file, not Rust.

use std::collections::BTreeMap;

use handlebars::{Handlebars, no_escape};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, InputCode, SourceFile};
use crate::embedded;
use crate::model::manifest::Tier;
use crate::model::policy::Language;
use crate::render::{join_helper, normalize};
use crate::syntax::yaml;

/// `templates/init.yaml`: what init writes and its defaults.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitSpec {
    /// The agents selected when `--agents` is not given.
    pub agents: Vec<String>,
    /// The stack used when none is given or detected.
    pub stack: String,
    /// Every action and hook repository the templates use, by `owner/repo`, pinned to a commit.
    #[serde(default)]
    pub pins: BTreeMap<String, Pin>,
    /// The scaffolded files.
    pub files: Vec<HarnessFile>,
}

/// A repository pinned to the full commit SHA of one of its release tags.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    /// The commit, 40 hexadecimal digits.
    pub sha: String,
    /// The release tag the commit carries, written beside the SHA for people and update tools.
    pub version: String,
}

impl Pin {
    /// Whether the SHA is a full commit id: a tag or a short SHA can be moved or collide.
    pub fn is_full_sha(&self) -> bool {
        self.sha.len() == 40
            && self
                .sha
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }
}

/// One scaffolded file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HarnessFile {
    /// Path relative to the new repository's root.
    pub path: String,
    /// Template under `templates/files/`.
    pub template: String,
    /// The tiers that get the file; every tier when empty.
    #[serde(default)]
    pub tiers: Vec<Tier>,
}

/// What differs between stacks.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Stack {
    /// The id given to `--stack`.
    pub id: String,
    /// The stack's name for people.
    pub name: String,
    /// Other names `--stack` accepts.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Files whose presence in the directory selects the stack when none is given.
    #[serde(default)]
    pub detect: Vec<String>,
    /// The languages the stack's code is written in, written to the manifest's `languages:`.
    #[serde(default)]
    pub languages: Vec<Language>,
    /// `NAME=placeholder` lines for `.env.example`.
    #[serde(default)]
    pub env: Vec<String>,
    /// Ignore patterns for files of this stack that hold credentials.
    #[serde(default)]
    pub secrets: Vec<String>,
    /// Ignore patterns for dependencies and build output.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// The steps of the CI test job after checkout.
    #[serde(default)]
    pub ci: Vec<CiStep>,
}

/// One step of the CI test job.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CiStep {
    /// The step's name.
    pub name: String,
    /// An action to run, as `owner/repo` pinned in `templates/init.yaml`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uses: Option<String>,
    /// The action's inputs.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub with: BTreeMap<String, String>,
    /// Globs (`hashFiles` syntax): the step runs only when one matches a file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<String>,
    /// Globs (`hashFiles` syntax): the step is skipped when one matches a file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unless: Vec<String>,
    /// The tiers whose workflow has the step; every tier when empty.
    #[serde(default, skip_serializing)]
    pub tiers: Vec<Tier>,
    /// A shell command.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
}

impl Stack {
    /// The stack as the templates of a project at `tier` see it: only the CI steps of the tier.
    pub fn for_tier(&self, tier: Tier) -> Stack {
        let mut stack = self.clone();
        stack
            .ci
            .retain(|step| step.tiers.is_empty() || step.tiers.contains(&tier));
        stack
    }
}

/// The harness templates and data, compiled.
pub struct Harness {
    /// The file list and defaults.
    pub spec: InitSpec,
    /// Stacks by id.
    pub stacks: BTreeMap<String, Stack>,
    registry: Handlebars<'static>,
}

/// Where the manifest template is registered.
const MANIFEST_TEMPLATE: &str = "rulesmith.yaml.hbs";

impl Harness {
    /// Loads the harness from `(path, text)` pairs relative to `templates/`.
    pub fn from_files<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Harness, Vec<Diagnostic>> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(no_escape);
        registry.register_helper("join", Box::new(join_helper));
        registry.register_helper("yaml", Box::new(yaml_helper));
        let mut spec = None;
        let mut stacks = BTreeMap::new();
        let mut problems = Vec::new();
        for (path, text) in files {
            let source = SourceFile::new(format!("templates/{path}"), text);
            if path == "init.yaml" {
                match data::<InitSpec>(&source) {
                    Ok(value) => spec = Some(value),
                    Err(problem) => problems.push(problem),
                }
            } else if let Some(file) = path.strip_prefix("stacks/") {
                match data::<Stack>(&source) {
                    Ok(stack) if file.strip_suffix(".yaml") == Some(stack.id.as_str()) => {
                        stacks.insert(stack.id.clone(), stack);
                    }
                    Ok(stack) => problems.push(invalid(
                        &source,
                        &format!("stack id `{}` does not match its file name", stack.id),
                    )),
                    Err(problem) => problems.push(problem),
                }
            } else if path.ends_with(".hbs")
                && let Err(err) = registry
                    .register_template_string(path.strip_prefix("files/").unwrap_or(path), text)
            {
                problems.push(
                    Diagnostic::error(
                        InputCode::TemplateError,
                        format!("template does not compile: {}", err.reason()),
                    )
                    .at(source.whole()),
                );
            }
        }
        let Some(spec) = spec else {
            problems.push(Diagnostic::error(
                InputCode::TargetSpecError,
                "templates/init.yaml is missing",
            ));
            return Err(problems);
        };
        for file in &spec.files {
            if !registry.has_template(&file.template) {
                problems.push(Diagnostic::error(
                    InputCode::TargetSpecError,
                    format!(
                        "templates/init.yaml names template `{}`, which does not exist",
                        file.template
                    ),
                ));
            }
        }
        for (name, pin) in &spec.pins {
            if !pin.is_full_sha() {
                problems.push(Diagnostic::error(
                    InputCode::TargetSpecError,
                    format!(
                        "templates/init.yaml pins `{name}` to `{}`, which is not a full commit SHA",
                        pin.sha
                    ),
                ));
            }
        }
        register_pins(&mut registry, &spec.pins);
        if !stacks.contains_key(&spec.stack) {
            problems.push(Diagnostic::error(
                InputCode::TargetSpecError,
                format!("the default stack `{}` does not exist", spec.stack),
            ));
        }
        if problems.is_empty() {
            Ok(Harness {
                spec,
                stacks,
                registry,
            })
        } else {
            Err(problems)
        }
    }

    /// The harness embedded in the binary.
    pub fn builtin() -> Harness {
        Harness::from_files(embedded::TEMPLATES.iter().copied())
            .expect("embedded templates are checked by the test suite")
    }

    /// The stack named `name`, by id or alias, case-insensitively.
    pub fn stack(&self, name: &str) -> Option<&Stack> {
        let name = name.to_ascii_lowercase();
        self.stacks
            .values()
            .find(|stack| stack.id == name || stack.aliases.contains(&name))
    }

    /// The first stack, in id order, one of whose marker files is in `present`.
    pub fn detect(&self, present: impl Fn(&str) -> bool) -> Option<&Stack> {
        self.stacks
            .values()
            .find(|stack| stack.detect.iter().any(|file| present(file)))
    }

    /// Every file name a stack is detected by.
    pub fn markers(&self) -> impl Iterator<Item = &str> {
        self.stacks
            .values()
            .flat_map(|stack| stack.detect.iter().map(String::as_str))
    }

    /// Renders the manifest from `view`.
    pub fn render_manifest(&self, view: &impl Serialize) -> Result<String, Diagnostic> {
        self.render(MANIFEST_TEMPLATE, view)
    }

    /// Renders every file for `tier` from `view`, as `(path, contents)` in the spec's order.
    pub fn render_files(
        &self,
        tier: Tier,
        view: &impl Serialize,
    ) -> Result<Vec<(String, String)>, Vec<Diagnostic>> {
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for file in &self.spec.files {
            if !file.tiers.is_empty() && !file.tiers.contains(&tier) {
                continue;
            }
            match self.render(&file.template, view) {
                Ok(text) => out.push((file.path.clone(), text)),
                Err(problem) => problems.push(problem),
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(problems)
        }
    }

    fn render(&self, template: &str, view: &impl Serialize) -> Result<String, Diagnostic> {
        self.registry
            .render(template, view)
            .map(|text| normalize(&text))
            .map_err(|err| {
                Diagnostic::error(
                    InputCode::TemplateError,
                    format!("template templates/{template} failed: {err}"),
                )
            })
    }
}

/// Registers `{{action "owner/repo"}}`, which writes `owner/repo@<sha> # <version>` for a
/// workflow's `uses:`, and `{{pinned "owner/repo" "sha"}}` (or `"version"`), which writes one
/// field. A repository without a pin is a render error, so no template can use a moving tag.
fn register_pins(registry: &mut Handlebars<'static>, pins: &BTreeMap<String, Pin>) {
    fn lookup<'a>(
        pins: &'a BTreeMap<String, Pin>,
        h: &handlebars::Helper<'_>,
    ) -> Result<(&'a str, &'a Pin), handlebars::RenderError> {
        let name = h.param(0).and_then(|p| p.value().as_str()).unwrap_or("");
        pins.get_key_value(name)
            .map(|(name, pin)| (name.as_str(), pin))
            .ok_or_else(|| {
                handlebars::RenderErrorReason::Other(format!(
                    "`{name}` has no pin in templates/init.yaml"
                ))
                .into()
            })
    }
    let action = pins.clone();
    registry.register_helper(
        "action",
        Box::new(
            move |h: &handlebars::Helper<'_>,
                  _: &Handlebars<'_>,
                  _: &handlebars::Context,
                  _: &mut handlebars::RenderContext<'_, '_>,
                  out: &mut dyn handlebars::Output|
                  -> handlebars::HelperResult {
                let (name, pin) = lookup(&action, h)?;
                out.write(&format!("{name}@{} # {}", pin.sha, pin.version))?;
                Ok(())
            },
        ),
    );
    let pinned = pins.clone();
    registry.register_helper(
        "pinned",
        Box::new(
            move |h: &handlebars::Helper<'_>,
                  _: &Handlebars<'_>,
                  _: &handlebars::Context,
                  _: &mut handlebars::RenderContext<'_, '_>,
                  out: &mut dyn handlebars::Output|
                  -> handlebars::HelperResult {
                let (_, pin) = lookup(&pinned, h)?;
                let field = h.param(1).and_then(|p| p.value().as_str());
                out.write(match field {
                    Some("sha") => &pin.sha,
                    Some("version") => &pin.version,
                    _ => {
                        return Err(handlebars::RenderErrorReason::Other(
                            "`pinned` takes a repository and `sha` or `version`".to_owned(),
                        )
                        .into());
                    }
                })?;
                Ok(())
            },
        ),
    );
}

/// Parses embedded YAML data into `T`.
fn data<T: DeserializeOwned>(source: &SourceFile) -> Result<T, Diagnostic> {
    let node = yaml::parse(&source.text).map_err(|err| {
        Diagnostic::error(
            InputCode::YamlSyntax,
            format!("invalid YAML: {}", err.message),
        )
        .at(source.span(err.position, 1))
    })?;
    serde_json::from_value(node.to_json()).map_err(|err| invalid(source, &err.to_string()))
}

fn invalid(source: &SourceFile, message: &str) -> Diagnostic {
    Diagnostic::error(
        InputCode::TargetSpecError,
        format!("{} is invalid: {message}", source.name),
    )
    .at(source.whole())
}

/// `{{yaml value}}`: the value as a YAML scalar, plain when that reads back as the same string,
/// double-quoted otherwise.
fn yaml_helper(
    h: &handlebars::Helper<'_>,
    _: &Handlebars<'_>,
    _: &handlebars::Context,
    _: &mut handlebars::RenderContext<'_, '_>,
    out: &mut dyn handlebars::Output,
) -> handlebars::HelperResult {
    let value = h
        .param(0)
        .map(|p| p.value().clone())
        .unwrap_or(serde_json::Value::Null);
    out.write(&yaml_scalar(&value))?;
    Ok(())
}

/// A JSON value as a YAML flow scalar.
pub fn yaml_scalar(value: &serde_json::Value) -> String {
    match value.as_str() {
        Some(text) if is_plain(text) => text.to_owned(),
        // A JSON string is a valid YAML double-quoted scalar.
        _ => value.to_string(),
    }
}

/// Whether `text` can be written as a plain YAML scalar and read back as the same string.
fn is_plain(text: &str) -> bool {
    const RESERVED: &[&str] = &["true", "false", "null", "yes", "no", "on", "off", "y", "n"];
    let Some(first) = text.chars().next() else {
        return false;
    };
    first.is_ascii_alphabetic()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " ,.()/_-+=".contains(c))
        && !text.ends_with(' ')
        && !RESERVED.contains(&text.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_builtin_harness_loads_with_every_required_stack() {
        let harness = Harness::builtin();
        for id in ["node", "python", "go", "rust", "java"] {
            assert!(harness.stacks.contains_key(id), "missing stack {id}");
        }
        assert_eq!(harness.stack("TypeScript").unwrap().id, "node");
        assert_eq!(harness.stack("golang").unwrap().id, "go");
        assert!(harness.stack("cobol").is_none());
    }

    #[test]
    fn every_stack_names_languages_a_scope_knows() {
        let known: Vec<&str> = crate::model::policy::LANGUAGES
            .iter()
            .map(|l| l.0)
            .collect();
        for stack in Harness::builtin().stacks.values() {
            assert!(
                !stack.languages.is_empty(),
                "stack {} lists no languages",
                stack.id
            );
            for language in &stack.languages {
                assert!(
                    known.contains(&language.0.as_str()),
                    "{}: {}",
                    stack.id,
                    language.0
                );
            }
        }
    }

    #[test]
    fn stacks_are_detected_by_their_marker_files() {
        let harness = Harness::builtin();
        let found = harness.detect(|file| file == "go.mod").unwrap();
        assert_eq!(found.id, "go");
        assert!(harness.detect(|_| false).is_none());
    }

    #[test]
    fn scalars_are_plain_only_when_they_read_back_the_same() {
        for (text, expected) in [
            (
                "Prototypes and concept tests",
                "Prototypes and concept tests",
            ),
            ("npm test --if-present", "npm test --if-present"),
            ("**/auth/**", "\"**/auth/**\""),
            ("@acme/platform", "\"@acme/platform\""),
            ("yes", "\"yes\""),
            ("a: b", "\"a: b\""),
            ("22", "\"22\""),
            ("", "\"\""),
            ("say \"hi\" # now", "\"say \\\"hi\\\" # now\""),
        ] {
            let written = yaml_scalar(&json!(text));
            assert_eq!(written, expected, "{text}");
            let back = yaml::parse(&format!("k: {written}\n")).unwrap().to_json();
            assert_eq!(back["k"], json!(text), "{text}");
        }
    }

    #[test]
    fn a_stack_whose_id_differs_from_its_file_is_an_error() {
        let errors = Harness::from_files([
            ("init.yaml", "agents: [claude]\nstack: a\nfiles: []\n"),
            ("stacks/a.yaml", "id: b\nname: B\n"),
        ])
        .err()
        .unwrap();
        assert!(errors.iter().any(|e| e.message.contains("`b`")));
    }
}
