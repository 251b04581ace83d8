//! The catalogue of targets: the embedded ones, parsed and checked.

use std::collections::BTreeMap;

use crate::agents::{self, Registry, TargetKind};
use crate::diagnostic::{Diagnostic, InputCode, SourceFile};
use crate::embedded;
use crate::model::target::{Each, FieldValue, Format, TargetSpec};
use crate::render::guard;
use crate::validate::parse_document;
use crate::validate::schema::SchemaKind;

/// The directory of templates shared by every target, registered as partials.
pub const SHARED_DIR: &str = "_shared";

/// A target: its spec and its templates by file name.
#[derive(Clone, Debug)]
pub struct Target {
    /// The parsed spec.
    pub spec: TargetSpec,
    /// The spec's source, for diagnostics.
    pub source: SourceFile,
    /// Templates keyed by their path inside the target's directory.
    pub templates: BTreeMap<String, SourceFile>,
    /// Whether the target ships with rulesmith (rather than the repository's own).
    pub builtin: bool,
}

/// Every known target plus the shared partials.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    /// Targets by id.
    pub targets: BTreeMap<String, Target>,
    /// Shared partials by name (file stem).
    pub partials: BTreeMap<String, SourceFile>,
}

impl Catalog {
    /// The agent registry of this catalogue's targets: which files each agent reads and which
    /// of its settings are unsafe.
    pub fn registry(&self) -> Registry {
        Registry::new(self.targets.values().map(|target| &target.spec))
    }

    /// Builds the catalogue from `(path, text)` pairs laid out as `targets/`.
    pub fn from_files<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
        display_prefix: &str,
    ) -> Result<Catalog, Vec<Diagnostic>> {
        let mut specs = Vec::new();
        let mut templates: BTreeMap<String, BTreeMap<String, SourceFile>> = BTreeMap::new();
        let mut partials = BTreeMap::new();
        for (path, text) in files {
            let Some((dir, file)) = path.split_once('/') else {
                continue;
            };
            let source = SourceFile::new(format!("{display_prefix}{path}"), text);
            if dir == SHARED_DIR {
                if let Some(stem) = file
                    .strip_suffix(".hbs")
                    .map(|f| f.split('.').next().unwrap_or(f))
                {
                    partials.insert(stem.to_owned(), source);
                }
            } else if file == "target.yaml" {
                specs.push((dir.to_owned(), source));
            } else if file.ends_with(".hbs") {
                templates
                    .entry(dir.to_owned())
                    .or_default()
                    .insert(file.to_owned(), source);
            }
        }
        let mut problems = Vec::new();
        let mut targets = BTreeMap::new();
        for (dir, source) in specs {
            match parse_document::<TargetSpec>(&source, SchemaKind::Target) {
                Ok(parsed) => {
                    let spec = parsed.value;
                    if spec.id != dir {
                        problems.push(
                            Diagnostic::error(
                                InputCode::TargetSpecError,
                                format!(
                                    "target id `{}` does not match its directory `{dir}`",
                                    spec.id
                                ),
                            )
                            .at(source.whole())
                            .hint(format!("set `id: {dir}` or rename the directory")),
                        );
                        continue;
                    }
                    let own = templates.remove(&dir).unwrap_or_default();
                    problems.extend(check_spec(&spec, &own, &source, display_prefix));
                    targets.insert(
                        dir,
                        Target {
                            spec,
                            source,
                            templates: own,
                            builtin: display_prefix == BUILTIN_PREFIX,
                        },
                    );
                }
                Err(errors) => problems.extend(errors),
            }
        }
        if problems.is_empty() {
            Ok(Catalog { targets, partials })
        } else {
            Err(problems)
        }
    }

    /// The targets embedded in the binary.
    pub fn builtin() -> Catalog {
        Catalog::from_files(embedded::TARGETS.iter().copied(), BUILTIN_PREFIX)
            .expect("embedded targets are checked by the test suite")
    }

    /// Adds a repository's own targets; their ids and partial names may not clash with these.
    pub fn with(mut self, repo: Catalog) -> Result<Catalog, Vec<Diagnostic>> {
        let mut problems = Vec::new();
        for (id, target) in repo.targets {
            if let std::collections::btree_map::Entry::Vacant(slot) = self.targets.entry(id.clone())
            {
                slot.insert(target);
            } else {
                problems.push(
                    Diagnostic::error(
                        InputCode::TargetSpecError,
                        format!("target `{id}` is already a built-in target"),
                    )
                    .at(target.source.whole())
                    .hint("give the repository's target its own id and directory name"),
                );
            }
        }
        for (name, source) in repo.partials {
            if let std::collections::btree_map::Entry::Vacant(slot) =
                self.partials.entry(name.clone())
            {
                slot.insert(source);
            } else {
                problems.push(
                    Diagnostic::error(
                        InputCode::TargetSpecError,
                        format!("partial `{name}` is already a built-in partial"),
                    )
                    .at(source.whole())
                    .hint("rename the partial"),
                );
            }
        }
        for target in self.targets.values() {
            for from in target.spec.reads.iter().filter_map(|r| r.from.as_ref()) {
                if !self.targets.contains_key(from) {
                    problems.push(
                        Diagnostic::error(
                            InputCode::TargetSpecError,
                            format!(
                                "target `{}` reads files of target `{from}`, which does not exist",
                                target.spec.id
                            ),
                        )
                        .at(target.source.whole())
                        .hint("fix the `from` of the `reads` entry"),
                    );
                }
            }
            for required in &target.spec.requires {
                if !self.targets.contains_key(required) {
                    problems.push(
                        Diagnostic::error(
                            InputCode::TargetSpecError,
                            format!(
                                "target `{}` requires target `{required}`, which does not exist",
                                target.spec.id
                            ),
                        )
                        .at(target.source.whole())
                        .hint("fix the `requires` list"),
                    );
                }
            }
        }
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(problems)
        }
    }

    /// Ids of every target, sorted.
    pub fn ids(&self) -> Vec<String> {
        self.targets.keys().cloned().collect()
    }

    /// Ids of the targets a manifest's `targets` list may name: every agent target with
    /// outputs. The working agreement is selected by the manifest's `agreement` section, and
    /// agents rulesmith only reads have nothing to build.
    pub fn agent_ids(&self) -> Vec<String> {
        self.buildable_agents(|_| true)
    }

    /// Ids of the built-in agent targets with outputs, sorted: what `targets: all` selects.
    pub fn builtin_ids(&self) -> Vec<String> {
        self.buildable_agents(|t| t.builtin)
    }

    /// Ids of the targets of kind `kind`, sorted.
    pub fn ids_of_kind(&self, kind: TargetKind) -> Vec<String> {
        self.targets
            .values()
            .filter(|t| t.spec.kind == kind)
            .map(|t| t.spec.id.clone())
            .collect()
    }

    fn buildable_agents(&self, keep: impl Fn(&Target) -> bool) -> Vec<String> {
        self.targets
            .values()
            .filter(|t| t.spec.kind == TargetKind::Agent && !t.spec.outputs.is_empty() && keep(t))
            .map(|t| t.spec.id.clone())
            .collect()
    }

    /// The selected ids with the targets they require, each once, in order.
    pub fn with_required(&self, ids: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut stack: Vec<String> = ids.iter().rev().cloned().collect();
        while let Some(id) = stack.pop() {
            if out.contains(&id) {
                continue;
            }
            if let Some(target) = self.targets.get(&id) {
                stack.extend(target.spec.requires.iter().rev().cloned());
            }
            out.push(id);
        }
        out
    }
}

/// The display prefix of built-in target files.
pub const BUILTIN_PREFIX: &str = "targets/";

/// Checks what the schema cannot: the target writes or reads something, templates exist, each
/// output is either templated or a settings merge, placeholders match `each`, globs compile,
/// and each unsafe setting names exactly one value.
fn check_spec(
    spec: &TargetSpec,
    templates: &BTreeMap<String, SourceFile>,
    source: &SourceFile,
    display_prefix: &str,
) -> Vec<Diagnostic> {
    let id = &spec.id;
    let mut problems = Vec::new();
    let mut problem = |message: String, hint: String| {
        problems.push(
            Diagnostic::error(
                InputCode::TargetSpecError,
                format!("target `{id}`: {message}"),
            )
            .at(source.whole())
            .hint(hint),
        );
    };
    if spec.outputs.is_empty() && spec.reads.is_empty() {
        problem(
            "has neither `outputs` nor `reads`".into(),
            "list the files the agent reads, the files rulesmith writes for it, or both".into(),
        );
    }
    for read in &spec.reads {
        if let Err(err) = agents::read_glob(&read.path) {
            problem(
                format!("`reads` glob `{}` is invalid: {err}", read.path),
                "fix the `path` glob".into(),
            );
        }
        let cited = read.source.as_ref().is_some_and(|s| spec.docs.contains(s));
        if read.from.is_some() && !cited {
            problem(
                format!(
                    "`reads` entry `{}` names the target that writes it but no `source` among the spec's `docs`",
                    read.path
                ),
                "add `source:` with the vendor page (listed under `docs`) that says the agent reads the file".into(),
            );
        }
    }
    for rule in &spec.unsafe_settings {
        if rule.equals.is_some() == rule.non_empty {
            problem(
                format!(
                    "unsafe setting `{}` needs exactly one of `equals` and `non-empty`",
                    rule.setting
                ),
                "write `equals: <value>` or `non-empty: true`".into(),
            );
        }
    }
    for output in &spec.outputs {
        let path = &output.path;
        match (&output.template, &output.settings) {
            (Some(template), None) => {
                if !templates.contains_key(template) {
                    problem(
                        format!(
                            "output `{path}` names template `{template}`, which does not exist"
                        ),
                        format!("add {display_prefix}{id}/{template} or fix the `template` entry"),
                    );
                }
                if output.comment.is_none() {
                    problem(
                        format!("output `{path}` has a template but no `comment` style"),
                        "add `comment: html` (Markdown) or `comment: hash` (YAML, TOML, ignore files)".into(),
                    );
                }
                if output.format == Format::Json {
                    problem(
                        format!("output `{path}` renders JSON from a template"),
                        "JSON files cannot carry the rulesmith header; use `settings` to merge entries".into(),
                    );
                }
            }
            (None, Some(settings)) => {
                if output.format != Format::Json || output.each != Each::Once {
                    problem(
                        format!("settings output `{path}` must be `format: json` and `each: once`"),
                        "set `format: json` and remove `each`".into(),
                    );
                }
                for pointer in settings.entries.keys() {
                    let last = pointer.rsplit('/').next().unwrap_or_default();
                    if !pointer.starts_with('/') {
                        problem(
                            format!(
                                "settings pointer `{pointer}` of `{path}` does not start with `/`"
                            ),
                            "write JSON pointers like `/permissions/deny`".into(),
                        );
                    } else if guard::ALLOW_LISTS.contains(&last) {
                        problem(
                            format!("output `{path}` adds entries to `{pointer}`, an allow list"),
                            "rulesmith only writes deny and ask rules; allow rules stay with the user".into(),
                        );
                    }
                }
            }
            _ => problem(
                format!("output `{path}` needs exactly one of `template` and `settings`"),
                "render a file from a template, or merge entries into a JSON settings file".into(),
            ),
        }
        if let Some(frontmatter) = &output.frontmatter {
            if output.format != Format::Markdown {
                problem(
                    format!("output `{path}` has frontmatter but is not Markdown"),
                    "remove `frontmatter` or set `format: markdown`".into(),
                );
            }
            let word = |w: &str| {
                !w.is_empty()
                    && w.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
            };
            for field in &frontmatter.fields {
                let bad_word = match &field.value {
                    FieldValue::Literal(literal) => (!word(literal)).then_some(literal),
                    _ => None,
                };
                if !word(&field.key) || field.key.starts_with('-') {
                    problem(
                        format!("output `{path}` has the frontmatter key `{}`", field.key),
                        "keys are words of letters, digits, `_` and `-`".into(),
                    );
                }
                if let Some(literal) = bad_word {
                    problem(
                        format!(
                            "output `{path}` writes `{literal}` as a literal for `{}`",
                            field.key
                        ),
                        "a literal is one word of letters, digits, `_` and `-`, written as is; use `text` or `quoted-text` for anything else".into(),
                    );
                }
            }
        }
        let (needs, placeholder) = match output.each {
            Each::Once => (None, ""),
            Each::Group => (Some("{group}"), "{group}"),
            Each::Directory => (Some("{directory}/"), "{directory}/"),
        };
        for known in ["{group}", "{directory}/"] {
            let wanted = needs == Some(known);
            if path.contains(known) != wanted {
                problem(
                    if wanted {
                        format!("output `{path}` makes one file per {} but its path has no `{placeholder}`", if known == "{group}" { "group" } else { "directory" })
                    } else {
                        format!("output `{path}` uses `{known}` without the matching `each`")
                    },
                    "use `{group}` with `each: group` and a leading `{directory}/` with `each: directory`".into(),
                );
            }
        }
        if output.each == Each::Directory && !path.starts_with("{directory}/") {
            problem(
                format!("output `{path}` must start with `{{directory}}/`"),
                "write the path as `{directory}/FILE`".into(),
            );
        }
    }
    for budget in &spec.budgets {
        if let Err(err) = output_glob(&budget.files) {
            problem(
                format!("budget glob `{}` is invalid: {err}", budget.files),
                "fix the `files` glob".into(),
            );
        }
    }
    problems
}

/// Compiles a glob over output paths, where `*` stays within one directory.
pub fn output_glob(glob: &str) -> Result<globset::GlobMatcher, globset::Error> {
    Ok(globset::GlobBuilder::new(glob)
        .literal_separator(true)
        .build()?
        .compile_matcher())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::agent::FileKind;

    #[test]
    fn the_builtin_catalogue_loads() {
        let catalog = Catalog::from_files(embedded::TARGETS.iter().copied(), "targets/").unwrap();
        for id in ["agents", "claude", "cursorrules"] {
            assert!(catalog.targets.contains_key(id), "missing {id}");
        }
    }

    #[test]
    fn requirements_come_along_once() {
        let catalog = Catalog::builtin();
        let ids = catalog.with_required(&["codex".into(), "agents".into()]);
        assert_eq!(ids, ["codex", "agents"]);
    }

    #[test]
    fn placeholders_must_match_each() {
        let spec = "id: x\nname: X\noutputs:\n  - path: X.md\n    each: group\n    template: x.hbs\n    comment: html\n";
        let errors =
            Catalog::from_files([("x/target.yaml", spec), ("x/x.hbs", "")], "t/").unwrap_err();
        assert!(
            errors[0].message.contains("no `{group}`"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn targets_may_not_add_allow_rules() {
        let spec = "id: x\nname: X\noutputs:\n  - path: s.json\n    format: json\n    settings:\n      entries:\n        /permissions/allow:\n          - from: ask-commands\n            each: [\"Bash({{command}})\"]\n";
        let errors = Catalog::from_files([("x/target.yaml", spec)], "t/").unwrap_err();
        assert!(
            errors[0].message.contains("an allow list"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn repository_targets_may_not_shadow_builtin_ones() {
        let spec = "id: claude\nname: X\noutputs:\n  - path: X.md\n    template: x.hbs\n    comment: html\n";
        let repo = Catalog::from_files(
            [("claude/target.yaml", spec), ("claude/x.hbs", "")],
            ".rulesmith/targets/",
        )
        .unwrap();
        let errors = Catalog::builtin().with(repo).unwrap_err();
        assert!(errors[0].message.contains("already a built-in target"));
    }

    #[test]
    fn a_target_must_write_or_read_something() {
        let errors =
            Catalog::from_files([("x/target.yaml", "id: x\nname: X\n")], "t/").unwrap_err();
        assert!(
            errors[0].message.contains("neither"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn read_only_agents_and_the_agreement_are_not_buildable_agents() {
        let catalog = Catalog::builtin();
        let ids = catalog.agent_ids();
        assert!(ids.contains(&"claude".to_owned()));
        assert!(!ids.contains(&"warp".to_owned()) && !ids.contains(&"agreement".to_owned()));
        assert_eq!(catalog.ids_of_kind(TargetKind::Agreement), ["agreement"]);
    }

    #[test]
    fn a_spec_naming_a_missing_template_is_an_error() {
        let spec = "id: x\nname: X\noutputs:\n  - path: X.md\n    template: missing.hbs\n    comment: html\n";
        let errors = Catalog::from_files([("x/target.yaml", spec)], "targets/").unwrap_err();
        assert_eq!(errors[0].code, InputCode::TargetSpecError);
        assert!(errors[0].message.contains("missing.hbs"));
    }

    #[test]
    fn a_repository_target_adds_its_reads_and_settings() {
        let spec = "id: acme\nname: Acme\nreads:\n  - path: \"**/.acme/rules/*.md\"\n    kind: rules\n  - path: \"**/.acme/config.json\"\n    kind: settings\nunsafe-settings:\n  - setting: /autoRun\n    equals: true\n    effect: approval-bypass\n    why: Acme runs every tool without asking.\n";
        let repo = Catalog::from_files([("acme/target.yaml", spec)], ".rulesmith/targets/")
            .expect("the spec loads");
        let registry = Catalog::builtin().with(repo).expect("no clash").registry();
        let file = registry
            .classify("pkg/.acme/config.json")
            .expect("classified");
        assert_eq!(
            (file.agent.as_str(), file.kind),
            ("acme", FileKind::Settings)
        );
        assert_eq!(file.unsafe_settings[0].setting, "/autoRun");
        assert_eq!(
            registry.classify(".acme/rules/a.md").map(|f| f.kind),
            Some(FileKind::Rules)
        );
        assert!(registry.classify(".acme/rules/deep/a.md").is_none());
    }
}
