//! The render stage: one handlebars registry, built once, turns a rule set into files.

use std::collections::BTreeMap;

use handlebars::{Handlebars, RenderErrorReason, no_escape};
use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic, SourceFile};
use crate::header;
use crate::load::yaml::Position;
use crate::ownership::OutputMode;
use crate::resolve::RuleSet;
use crate::target::catalog::{Catalog, Target};
use crate::target::spec::OutputSpec;

/// A rendered file, not yet written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// Path relative to the repository root, `/`-separated.
    pub path: String,
    /// The target that produced it.
    pub target: String,
    /// The full file contents, header included.
    pub contents: String,
    /// How the contents combine with the file already on disk.
    pub mode: OutputMode,
}

/// A compiled set of templates for the selected targets.
pub struct Renderer<'c> {
    registry: Handlebars<'c>,
    catalog: &'c Catalog,
}

#[derive(Serialize)]
struct TargetView<'a> {
    id: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct View<'a> {
    #[serde(flatten)]
    rules: &'a RuleSet,
    target: TargetView<'a>,
}

impl<'c> Renderer<'c> {
    /// Compiles the templates of `selected` targets and every shared partial.
    pub fn new(catalog: &'c Catalog, selected: &[String]) -> Result<Self, Vec<Diagnostic>> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(no_escape);
        registry.register_helper("join", Box::new(join_helper));
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
    pub fn render(&self, id: &str, rules: &RuleSet) -> Result<Vec<Rendered>, Vec<Diagnostic>> {
        let target = &self.catalog.targets[id];
        let view = View {
            rules,
            target: TargetView {
                id,
                name: &target.spec.name,
            },
        };
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for output in &target.spec.outputs {
            match self.render_output(target, output, &view) {
                Ok(rendered) => out.push(rendered),
                Err(problem) => problems.push(problem),
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(problems)
        }
    }

    fn render_output(
        &self,
        target: &Target,
        output: &OutputSpec,
        view: &View<'_>,
    ) -> Result<Rendered, Diagnostic> {
        let id = &target.spec.id;
        let body = self
            .registry
            .render(&template_name(id, &output.template), view)
            .map_err(|err| {
                let source = &target.templates[&output.template];
                let position = Position {
                    line: err.line_no.unwrap_or(0) as u32,
                    column: err.column_no.unwrap_or(0) as u32,
                };
                let detail = match err.reason() {
                    RenderErrorReason::MissingVariable(Some(name)) => {
                        format!("unknown variable `{name}`")
                    }
                    other => other.to_string(),
                };
                Diagnostic::error(
                    Code::TemplateError,
                    format!("template of target `{id}` failed: {detail}"),
                )
                .at(source.span(position, 1))
                .hint("fix the template; `rulesmith targets` lists the fields templates can use")
            })?;
        let body = normalize(&body);
        Ok(Rendered {
            path: output.path.clone(),
            target: id.clone(),
            contents: format!("{}{body}", header::render(output.comment, id, &body)),
            mode: OutputMode::Text(output.comment),
        })
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

fn template_error(source: &SourceFile, err: &handlebars::TemplateError) -> Diagnostic {
    let position = err
        .pos()
        .map(|(line, column)| Position {
            line: line as u32,
            column: column as u32,
        })
        .unwrap_or_default();
    Diagnostic::error(
        Code::TemplateError,
        format!("template does not compile: {}", err.reason()),
    )
    .at(source.span(position, 1))
    .hint("fix the handlebars syntax (every `{{#each}}` and `{{#if}}` needs its closing tag)")
}

/// Normalizes rendered text: `\n` line endings, no trailing spaces, no runs of blank lines, and
/// exactly one final newline.
fn normalize(text: &str) -> String {
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

fn join_helper(
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let rules = RuleSet {
            project: "p".into(),
            tier: crate::manifest::Tier::Prototype,
            pack_version: crate::pack::VERSION,
            policies: vec![],
            overrides: vec![],
        };
        let errors = renderer.render("x", &rules).unwrap_err();
        assert_eq!(errors[0].code, Code::TemplateError);
        assert!(errors[0].message.contains("nope"), "{}", errors[0].message);
    }
}
