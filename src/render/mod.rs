//! The render stage: one handlebars registry, built once, turns a rule set into files.
//!
//! Each output of a target spec becomes one file, one per rule group, or one per directory.
//! Templates write the body; rulesmith adds the frontmatter (in each vendor's form) and the
//! header. Settings outputs become entry lists that the merge stage folds into existing files.

pub mod budget;
pub mod catalog;
pub mod frontmatter;
pub mod guard;
pub mod overlap;
pub mod shadow;

use std::collections::{BTreeMap, BTreeSet};

use handlebars::{Handlebars, RenderErrorReason, no_escape};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, InputCode, SourceFile};
use crate::model::agent::UnsafeSetting;
use crate::model::manifest::Tier;
use crate::model::target::OutputMode;
use crate::model::target::{
    Each, EntrySpec, FieldValue, Format, FrontmatterSpec, Intent, OutputSpec, Select,
};
use crate::render::catalog::{Catalog, Target};
use crate::resolve::agreement::AgreementView;
use crate::resolve::{Group, ResolvedPermissions, ResolvedPolicy, RuleSet, ShownOverride};
use crate::syntax::header;
use crate::syntax::yaml::Position;

/// A rendered file, not yet written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// Path relative to the repository root, `/`-separated.
    pub path: String,
    /// The target that produced it.
    pub target: String,
    /// The full file contents, header included; for a settings file, rulesmith's entries.
    pub contents: String,
    /// What the file holds.
    pub format: Format,
    /// How the contents combine with the file already on disk.
    pub mode: OutputMode,
    /// Ids of the rule groups the file holds, for size reports.
    pub groups: Vec<String>,
    /// Settings the file may not hold: those of the agent that reads it and of the target
    /// that writes it.
    pub unsafe_settings: Vec<UnsafeSetting>,
}

/// Permission entries a target wants in a JSON settings file.
#[derive(Clone, Debug, PartialEq)]
pub struct SettingsRequest {
    /// Path relative to the repository root.
    pub path: String,
    /// The target that asks for it.
    pub target: String,
    /// The object a new file starts from.
    pub initial: Map<String, Value>,
    /// Entries by JSON pointer, in order, without duplicates.
    pub entries: BTreeMap<String, Vec<String>>,
}

/// Everything one target renders.
#[derive(Clone, Debug, Default)]
pub struct TargetOutput {
    /// Files rulesmith writes whole.
    pub files: Vec<Rendered>,
    /// Settings files rulesmith merges entries into.
    pub settings: Vec<SettingsRequest>,
}

/// A compiled set of templates for the selected targets.
pub struct Renderer<'c> {
    registry: Handlebars<'c>,
    catalog: &'c Catalog,
}

/// What templates see, built once per build: the rule set is serialized a single time and each
/// file only swaps in its own few fields (`target`, `file`, `groups`, `group`, `directory`).
///
/// Serializing the whole rule set for every file made builds quadratic in the number of rule
/// groups; the scene keeps them linear.
pub struct Scene {
    context: handlebars::Context,
    /// Each rule group, serialized once, in `RuleSet::groups` order. A slot is empty while its
    /// value is lent to the context.
    groups: Vec<Value>,
}

#[derive(Serialize)]
struct Base<'a> {
    project: &'a str,
    tier: Tier,
    pack_version: &'a str,
    policies: &'a [ResolvedPolicy],
    permissions: &'a ResolvedPermissions,
    agreement: Option<&'a AgreementView>,
    overrides: &'a [ShownOverride],
    target: Option<()>,
    file: Option<()>,
    groups: [(); 0],
    imports: [(); 0],
    group: Option<()>,
    directory: Option<()>,
}

impl Scene {
    /// Serializes the rule set once.
    pub fn new(rules: &RuleSet) -> Scene {
        let base = Base {
            project: &rules.project,
            tier: rules.tier,
            pack_version: rules.pack_version,
            policies: &rules.policies,
            permissions: &rules.permissions,
            agreement: rules.agreement.as_ref(),
            overrides: &rules.overrides,
            target: None,
            file: None,
            groups: [],
            imports: [],
            group: None,
            directory: None,
        };
        let context = handlebars::Context::wraps(&base).expect("rule sets serialize");
        let groups = rules
            .groups
            .iter()
            .map(|g| serde_json::to_value(g).expect("groups serialize"))
            .collect();
        Scene { context, groups }
    }

    fn fields(&mut self) -> &mut Map<String, Value> {
        self.context
            .data_mut()
            .as_object_mut()
            .expect("the scene is an object")
    }

    /// Lends the instance's groups and names to the context.
    fn enter(&mut self, target: &Target, instance: &Instance<'_>, imports: &[String]) {
        let lent: Vec<Value> = instance
            .groups
            .iter()
            .map(|(index, _)| std::mem::take(&mut self.groups[*index]))
            .collect();
        let group = match (instance.group, lent.first()) {
            (Some(_), Some(value)) => value.clone(),
            _ => Value::Null,
        };
        let fields = self.fields();
        fields.insert(
            "target".into(),
            serde_json::json!({ "id": target.spec.id, "name": target.spec.name }),
        );
        let file = instance.path.rsplit('/').next().unwrap_or(&instance.path);
        fields.insert("file".into(), Value::from(file));
        fields.insert("groups".into(), Value::Array(lent));
        fields.insert(
            "imports".into(),
            Value::Array(imports.iter().map(|i| Value::from(i.as_str())).collect()),
        );
        fields.insert("group".into(), group);
        fields.insert(
            "directory".into(),
            instance.directory.map_or(Value::Null, Value::from),
        );
    }

    /// Takes the lent groups back.
    fn leave(&mut self, instance: &Instance<'_>) {
        let lent = match self
            .fields()
            .insert("groups".into(), Value::Array(Vec::new()))
        {
            Some(Value::Array(lent)) => lent,
            _ => Vec::new(),
        };
        for ((index, _), value) in instance.groups.iter().zip(lent) {
            self.groups[*index] = value;
        }
    }
}

/// One file of an output: the groups it holds (with their index in the rule set) and what
/// names it.
struct Instance<'a> {
    path: String,
    groups: Vec<(usize, &'a Group)>,
    group: Option<&'a Group>,
    directory: Option<&'a str>,
}

impl<'c> Renderer<'c> {
    /// Compiles the templates of `selected` targets and every shared partial.
    pub fn new(catalog: &'c Catalog, selected: &[String]) -> Result<Self, Vec<Diagnostic>> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(no_escape);
        registry.register_helper("join", Box::new(join_helper));
        registry.register_helper("item", Box::new(item_helper));
        let mut problems = Vec::new();
        for (name, source) in &catalog.partials {
            if let Err(err) = registry.register_partial(name, &source.text) {
                problems.push(template_error(source, &err));
            }
        }
        for id in selected {
            let Some(target) = catalog.targets.get(id) else {
                continue;
            };
            for (file, source) in &target.templates {
                let text = inline_partials(&source.text, &catalog.partials, 0);
                if let Err(err) = registry.register_template_string(&template_name(id, file), &text)
                {
                    problems.push(template_error(source, &err));
                }
            }
        }
        if problems.is_empty() {
            Ok(Renderer { registry, catalog })
        } else {
            Err(problems)
        }
    }

    /// Renders every output of target `id`.
    pub fn render(
        &self,
        id: &str,
        rules: &RuleSet,
        scene: &mut Scene,
    ) -> Result<TargetOutput, Vec<Diagnostic>> {
        self.render_without(id, rules, scene, &overlap::Shared::default())
    }

    /// Renders every output of target `id`, leaving the rule groups `shared` names out of its
    /// files and giving its templates the import lines (they reach its agent through another
    /// target's files; see [`overlap`]).
    pub fn render_without(
        &self,
        id: &str,
        rules: &RuleSet,
        scene: &mut Scene,
        shared: &overlap::Shared,
    ) -> Result<TargetOutput, Vec<Diagnostic>> {
        let target = &self.catalog.targets[id];
        let mut out = TargetOutput::default();
        let mut problems = Vec::new();
        for output in &target.spec.outputs {
            if let Some(settings) = &output.settings {
                match self.settings(target, output, settings, &rules.permissions) {
                    Ok(request) => out.settings.push(request),
                    Err(problem) => problems.push(problem),
                }
                continue;
            }
            for instance in instances(output, &rules.groups, &shared.left_out) {
                scene.enter(target, &instance, &shared.imports);
                let rendered = self.render_instance(target, output, scene, &instance);
                scene.leave(&instance);
                match rendered {
                    Ok(Some(rendered)) => out.files.push(rendered),
                    Ok(None) => {}
                    Err(problem) => problems.push(problem),
                }
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(problems)
        }
    }

    fn render_instance(
        &self,
        target: &Target,
        output: &OutputSpec,
        scene: &Scene,
        instance: &Instance<'_>,
    ) -> Result<Option<Rendered>, Diagnostic> {
        let id = &target.spec.id;
        let template = output
            .template
            .as_ref()
            .expect("the catalog checks that non-settings outputs have a template");
        let body = self
            .registry
            .render_with_context(&template_name(id, template), &scene.context)
            .map_err(|err| render_error(&target.templates[template], id, &err))?;
        let body = normalize(&body);
        if output.skip_empty && body.trim().is_empty() {
            return Ok(None);
        }
        let before = match &output.frontmatter {
            Some(spec) => self.frontmatter(target, spec, instance, scene)?,
            None => String::new(),
        };
        let style = output
            .comment
            .expect("the catalog checks that templated outputs have a comment style");
        Ok(Some(Rendered {
            path: instance.path.clone(),
            target: id.clone(),
            contents: header::stamp(style, id, &before, &body),
            format: output.format,
            mode: OutputMode::Text(style),
            groups: instance.groups.iter().map(|(_, g)| g.id.clone()).collect(),
            unsafe_settings: Vec::new(),
        }))
    }

    fn frontmatter(
        &self,
        target: &Target,
        spec: &FrontmatterSpec,
        instance: &Instance<'_>,
        scene: &Scene,
    ) -> Result<String, Diagnostic> {
        let id = &target.spec.id;
        let mut fields = Vec::new();
        for field in &spec.fields {
            let text = |template: &str| -> Result<String, Diagnostic> {
                let rendered = self
                    .registry
                    .render_template_with_context(template, &scene.context)
                    .map_err(|err| render_error(&target.source, id, &err))?;
                Ok(rendered.trim().to_owned())
            };
            let value = match &field.value {
                FieldValue::Literal(word) => frontmatter::Value::Literal(word.clone()),
                FieldValue::Text(template) => frontmatter::Value::Text(text(template)?),
                FieldValue::QuotedText(template) => frontmatter::Value::QuotedText(text(template)?),
                FieldValue::Globs(form) => {
                    let mut all: Vec<String> = Vec::new();
                    for glob in instance.groups.iter().flat_map(|(_, g)| &g.globs) {
                        let expanded = frontmatter::expand_braces(glob)
                            .map_err(|reason| refused(id, instance, &field.key, glob, &reason))?;
                        for glob in expanded {
                            if !all.contains(&glob) {
                                all.push(glob);
                            }
                        }
                    }
                    frontmatter::Value::Globs(*form, all)
                }
            };
            let empty = match &value {
                frontmatter::Value::Text(t) | frontmatter::Value::QuotedText(t) => t.is_empty(),
                frontmatter::Value::Globs(_, globs) => globs.is_empty(),
                frontmatter::Value::Literal(_) => false,
            };
            if !empty {
                fields.push((field.key.clone(), value));
            }
        }
        if fields.is_empty() {
            return Ok(String::new());
        }
        frontmatter::render(&fields).map_err(|r| refused(id, instance, &r.key, &r.value, &r.reason))
    }

    fn settings(
        &self,
        target: &Target,
        output: &OutputSpec,
        settings: &crate::model::target::SettingsSpec,
        permissions: &ResolvedPermissions,
    ) -> Result<SettingsRequest, Diagnostic> {
        let mut entries = BTreeMap::new();
        for (pointer, specs) in &settings.entries {
            let mut list: Vec<String> = Vec::new();
            for spec in specs {
                for item in intent_items(spec, permissions) {
                    for each in &spec.each {
                        let entry = self
                            .registry
                            .render_template(each, &item)
                            .map_err(|err| render_error(&target.source, &target.spec.id, &err))?;
                        let entry = entry.trim().to_owned();
                        if !entry.is_empty() && !list.contains(&entry) {
                            list.push(entry);
                        }
                    }
                }
            }
            entries.insert(pointer.clone(), list);
        }
        Ok(SettingsRequest {
            path: output.path.clone(),
            target: target.spec.id.clone(),
            initial: settings.initial.clone(),
            entries,
        })
    }
}

/// The files an output makes from the rule groups.
fn instances<'g>(
    output: &OutputSpec,
    groups: &'g [Group],
    left_out: &BTreeSet<String>,
) -> Vec<Instance<'g>> {
    let selected: Vec<(usize, &Group)> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| !left_out.contains(&g.id))
        .filter(|(_, g)| match output.select {
            Select::All => true,
            Select::Unscoped => !g.scoped,
            Select::Scoped => g.scoped,
        })
        .collect();
    match output.each {
        Each::Once => vec![Instance {
            path: output.path.clone(),
            groups: selected,
            group: None,
            directory: None,
        }],
        Each::Group => selected
            .into_iter()
            .map(|(index, group)| Instance {
                path: output.path.replace("{group}", &group.id),
                groups: vec![(index, group)],
                group: Some(group),
                directory: None,
            })
            .collect(),
        Each::Directory => {
            let mut directories: Vec<&str> = vec![""];
            for (_, group) in &selected {
                for dir in &group.directories {
                    if !directories.contains(&dir.as_str()) {
                        directories.push(dir);
                    }
                }
            }
            directories.sort_unstable();
            directories
                .into_iter()
                .map(|dir| Instance {
                    path: if dir.is_empty() {
                        output.path.replacen("{directory}/", "", 1)
                    } else {
                        output.path.replacen("{directory}", dir, 1)
                    },
                    groups: selected
                        .iter()
                        .filter(|(_, g)| {
                            if dir.is_empty() {
                                g.directories.is_empty()
                            } else {
                                g.directories.iter().any(|d| d == dir)
                            }
                        })
                        .copied()
                        .collect(),
                    group: None,
                    directory: Some(dir),
                })
                .collect()
        }
    }
}

/// The fields an entry template sees for each item of an intent.
fn intent_items(spec: &EntrySpec, permissions: &ResolvedPermissions) -> Vec<Value> {
    let commands = |list: &[String]| -> Vec<Value> {
        list.iter()
            .map(|command| {
                let wildcard = command.split(' ').any(|word| word == "*");
                serde_json::json!({ "command": command, "wildcard": wildcard })
            })
            .collect()
    };
    match spec.from {
        Intent::DenyRead => permissions
            .deny_read
            .iter()
            .map(|glob| {
                let has_directory = glob.trim_end_matches('/').contains('/');
                let anywhere = if has_directory {
                    glob.clone()
                } else {
                    format!("**/{glob}")
                };
                let anchored = if has_directory {
                    format!("/{glob}")
                } else {
                    anywhere.clone()
                };
                serde_json::json!({ "glob": glob, "anywhere": anywhere, "anchored": anchored })
            })
            .collect(),
        Intent::AskCommands => commands(&permissions.ask_commands),
        Intent::DenyCommands => commands(&permissions.deny_commands),
        Intent::DenyPipedTo => commands(&permissions.deny_piped_to),
        Intent::AskWebFetch if permissions.ask_web_fetch => vec![serde_json::json!({})],
        Intent::AskWebFetch => Vec::new(),
    }
}

/// How deeply partials may include partials when inlined.
const MAX_PARTIAL_DEPTH: usize = 8;

/// Replaces each plain `{{> name}}` with the partial's text before compiling.
///
/// Handlebars renders a partial by cloning the whole render context, which makes a template
/// built from partials several times slower; inlining them keeps the same output at the cost of
/// compiling them once per template. Partial calls with arguments are left to handlebars.
fn inline_partials(text: &str, partials: &BTreeMap<String, SourceFile>, depth: usize) -> String {
    if depth >= MAX_PARTIAL_DEPTH || !text.contains("{{>") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{>") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 3..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = after[..end].trim();
        match partials.get(name) {
            Some(partial)
                if name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
            {
                out.push_str(&inline_partials(&partial.text, partials, depth + 1));
            }
            _ => out.push_str(&rest[start..start + 3 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

fn template_name(target: &str, file: &str) -> String {
    format!("{target}/{file}")
}

/// A policy value the target's frontmatter cannot carry.
fn refused(id: &str, instance: &Instance<'_>, key: &str, value: &str, reason: &str) -> Diagnostic {
    let policies: Vec<&str> = instance
        .groups
        .iter()
        .map(|(_, g)| g.policy.as_str())
        .collect();
    Diagnostic::error(
        InputCode::FrontmatterValue,
        format!(
            "target `{id}` cannot write `{key}` in `{}`: `{}` {reason} (policy `{}`)",
            instance.path,
            crate::syntax::safe::one_line(value),
            policies.join("`, `")
        ),
    )
    .hint(
        "rewrite the glob or title without it (braces `{a,b}` for alternatives), or leave the target out; frontmatter is written in the form the agent's documentation shows, never escaped",
    )
}

fn render_error(source: &SourceFile, id: &str, err: &handlebars::RenderError) -> Diagnostic {
    let position = Position {
        line: err.line_no.unwrap_or(0) as u32,
        column: err.column_no.unwrap_or(0) as u32,
    };
    let detail = match err.reason() {
        RenderErrorReason::MissingVariable(Some(name)) => format!("unknown variable `{name}`"),
        other => other.to_string(),
    };
    Diagnostic::error(
        InputCode::TemplateError,
        format!("template of target `{id}` failed: {detail}"),
    )
    .at(source.span(position, 1))
    .hint("fix the template; `rulesmith targets` lists the fields templates can use")
}

fn template_error(source: &SourceFile, err: &handlebars::TemplateError) -> Diagnostic {
    let position = err
        .pos()
        .map(|(line, column)| Position {
            line: line as u32,
            column: column as u32,
        })
        .unwrap_or_default();
    Diagnostic::error(
        InputCode::TemplateError,
        format!("template does not compile: {}", err.reason()),
    )
    .at(source.span(position, 1))
    .hint("fix the handlebars syntax (every `{{#each}}` and `{{#if}}` needs its closing tag)")
}

/// Normalizes rendered text: `\n` line endings, no trailing spaces, no runs of blank lines, and
/// exactly one final newline.
pub(crate) fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.replace("\r\n", "\n").lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

pub(crate) fn join_helper(
    h: &handlebars::Helper<'_>,
    _: &Handlebars<'_>,
    _: &handlebars::Context,
    _: &mut handlebars::RenderContext<'_, '_>,
    out: &mut dyn handlebars::Output,
) -> handlebars::HelperResult {
    let items = h
        .param(0)
        .and_then(|p| p.value().as_array())
        .cloned()
        .unwrap_or_default();
    let separator = h.param(1).and_then(|p| p.value().as_str()).unwrap_or(", ");
    let text: Vec<String> = items
        .iter()
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
        .collect();
    out.write(&text.join(separator))?;
    Ok(())
}

/// `{{item text}}`: text for a Markdown list item, each line after the first indented by two
/// spaces (blank lines stay blank) so that a rule written on several lines stays one item
/// with its line breaks.
fn item_helper(
    h: &handlebars::Helper<'_>,
    _: &Handlebars<'_>,
    _: &handlebars::Context,
    _: &mut handlebars::RenderContext<'_, '_>,
    out: &mut dyn handlebars::Output,
) -> handlebars::HelperResult {
    let text = h.param(0).and_then(|p| p.value().as_str()).unwrap_or("");
    let mut lines = text.lines();
    out.write(lines.next().unwrap_or(""))?;
    for line in lines {
        out.write(if line.is_empty() { "\n" } else { "\n  " })?;
        out.write(line)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::manifest::Tier;

    fn empty_rules() -> RuleSet {
        RuleSet {
            project: "p".into(),
            tier: Tier::Prototype,
            pack_version: crate::resolve::pack::VERSION,
            guardrails: vec![],
            manifest_owner: None,
            policies: vec![],
            agreement: None,
            groups: vec![],
            permissions: ResolvedPermissions::default(),
            overrides: vec![],
        }
    }

    #[test]
    fn plain_partials_are_inlined_and_others_left_alone() {
        let partials = BTreeMap::from([
            ("a".to_owned(), SourceFile::new("a", "A{{> b}}")),
            ("b".to_owned(), SourceFile::new("b", "B")),
        ]);
        assert_eq!(
            inline_partials("x{{> a}}y{{> a ctx}}z{{> missing}}", &partials, 0),
            "xABy{{> a ctx}}z{{> missing}}"
        );
    }

    #[test]
    fn the_scene_lends_groups_and_takes_them_back() {
        let spec = "id: x\nname: X\noutputs:\n  - path: \"{group}.md\"\n    template: g.hbs\n    comment: html\n    each: group\n  - path: ALL.md\n    template: a.hbs\n    comment: html\n";
        let catalog = Catalog::from_files(
            [
                ("x/target.yaml", spec),
                (
                    "x/g.hbs",
                    "{{group.title}}/{{#each groups}}{{title}}{{/each}}\n",
                ),
                (
                    "x/a.hbs",
                    "{{#each groups}}{{title}};{{/each}}{{target.id}}\n",
                ),
            ],
            "t/",
        )
        .unwrap();
        let renderer = Renderer::new(&catalog, &["x".into()]).unwrap();
        let mut rules = empty_rules();
        for id in ["a", "b"] {
            rules.groups.push(Group::unscoped(id, &id.to_uppercase()));
        }
        let mut scene = Scene::new(&rules);
        for _ in 0..2 {
            let files = renderer.render("x", &rules, &mut scene).unwrap().files;
            let bodies: Vec<&str> = files
                .iter()
                .map(|f| f.contents.lines().last().unwrap())
                .collect();
            assert_eq!(bodies, ["A/A", "B/B", "A;B;x"]);
        }
    }

    #[test]
    fn every_builtin_template_inlines_its_partials() {
        let catalog = Catalog::builtin();
        for target in catalog.targets.values() {
            for template in target.templates.values() {
                let text = inline_partials(&template.text, &catalog.partials, 0);
                assert!(!text.contains("{{>"), "{}: {text}", template.name);
            }
        }
    }

    #[test]
    fn every_frontmatter_cites_the_vendor_page_and_example_it_follows() {
        let catalog = Catalog::builtin();
        let mut cited = 0;
        for target in catalog.targets.values() {
            for output in &target.spec.outputs {
                let Some(frontmatter) = &output.frontmatter else {
                    continue;
                };
                assert!(
                    target.spec.docs.contains(&frontmatter.follows)
                        || frontmatter.follows.starts_with("https://"),
                    "{}: {}",
                    target.spec.id,
                    frontmatter.follows
                );
                for field in &frontmatter.fields {
                    assert!(
                        frontmatter.example.contains(&format!("{}:", field.key))
                            || !matches!(field.value, FieldValue::Globs(_)),
                        "{}: the example shows no `{}`",
                        target.spec.id,
                        field.key
                    );
                }
                cited += 1;
            }
        }
        assert!(cited >= 10, "{cited}");
    }

    #[test]
    fn a_glob_a_vendor_form_cannot_carry_is_refused_with_rs0307() {
        let catalog = Catalog::builtin();
        let renderer = Renderer::new(&catalog, &["cursor".into(), "claude".into()]).unwrap();
        let mut rules = empty_rules();
        let mut group = Group::unscoped("odd", "Odd");
        group.scoped = true;
        group.globs = vec!["data/a,b.csv".into()];
        rules.groups.push(group);
        let errors = renderer
            .render("cursor", &rules, &mut Scene::new(&rules))
            .unwrap_err();
        assert_eq!(errors[0].code, InputCode::FrontmatterValue);
        assert!(errors[0].message.contains("`data/a,b.csv` holds a comma"));
        // A YAML list has no comma to split on.
        let files = renderer
            .render("claude", &rules, &mut Scene::new(&rules))
            .unwrap()
            .files;
        assert!(
            files
                .iter()
                .any(|f| f.contents.contains("  - \"data/a,b.csv\"\n"))
        );
    }

    #[test]
    fn normalize_collapses_blank_runs_and_trailing_space() {
        assert_eq!(normalize("\n\na  \n\n\n\nb\r\n\n"), "a\n\nb\n");
    }

    #[test]
    fn an_unknown_variable_is_a_template_error() {
        let spec =
            "id: x\nname: X\noutputs:\n  - path: X.md\n    template: x.hbs\n    comment: html\n";
        let catalog =
            Catalog::from_files([("x/target.yaml", spec), ("x/x.hbs", "{{nope}}\n")], "t/")
                .unwrap();
        let renderer = Renderer::new(&catalog, &["x".into()]).unwrap();
        let rules = empty_rules();
        let errors = renderer
            .render("x", &rules, &mut Scene::new(&rules))
            .unwrap_err();
        assert_eq!(errors[0].code, InputCode::TemplateError);
        assert!(errors[0].message.contains("nope"), "{}", errors[0].message);
    }

    #[test]
    fn empty_ignore_files_are_skipped() {
        let spec = "id: x\nname: X\noutputs:\n  - path: .xignore\n    template: i.hbs\n    comment: hash\n    format: text\n    skip-empty: true\n";
        let template = "{{#each permissions.deny_read}}{{this}}\n{{/each}}";
        let catalog =
            Catalog::from_files([("x/target.yaml", spec), ("x/i.hbs", template)], "t/").unwrap();
        let renderer = Renderer::new(&catalog, &["x".into()]).unwrap();
        let mut rules = empty_rules();
        let render = |rules: &RuleSet| renderer.render("x", rules, &mut Scene::new(rules));
        assert!(render(&rules).unwrap().files.is_empty());
        rules.permissions.deny_read = vec![".env".into()];
        let files = render(&rules).unwrap().files;
        assert!(
            files[0].contents.ends_with("\n.env\n"),
            "{}",
            files[0].contents
        );
    }
}
