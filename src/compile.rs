//! The pure middle of a build: sources in, a plan of files out. No disk, no printing.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{Code, Diagnostic, SourceFile};
use crate::load::yaml::Position;
use crate::lock::{self, LOCK_PATH};
use crate::manifest::Manifest;
use crate::overrides::{self, Overrides};
use crate::ownership::OutputMode;
use crate::pack::{self, BUILTIN_PREFIX};
use crate::policy::model::Policy;
use crate::policy::schema::SchemaKind;
use crate::policy::validate::{LoadedPolicy, Parsed, check_policies, closest, parse_document};
use crate::resolve::{Origin, RuleSet, SourcedPolicy, resolve};
use crate::target::catalog::Catalog;
use crate::target::render::{Rendered, Renderer};

/// The set of files a build produces, sorted by path.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Every generated file.
    pub files: Vec<Rendered>,
}

impl Plan {
    /// The plan of `files` (sorted by path) plus the lock file that lists them.
    pub fn with_lock(mut files: Vec<Rendered>) -> Plan {
        let contents = lock::render(files.iter().map(|f| (f.path.as_str(), f.target.as_str())));
        let at = files.partition_point(|f| f.path.as_str() < LOCK_PATH);
        files.insert(
            at,
            Rendered {
                path: LOCK_PATH.to_owned(),
                target: LOCK_TARGET.to_owned(),
                contents,
                mode: OutputMode::Owned,
            },
        );
        Plan { files }
    }
}

/// The target name the lock file is listed under in a plan.
pub const LOCK_TARGET: &str = "rulesmith";

/// Parses and checks the manifest.
pub fn parse_manifest(source: &SourceFile) -> Result<Parsed<Manifest>, Vec<Diagnostic>> {
    parse_document(source, SchemaKind::Manifest)
}

/// Every policy of a build, before tier filtering, with the manifest's checked overrides.
pub struct Sources {
    /// The built-in pack followed by the repo's own policies.
    pub policies: Vec<SourcedPolicy>,
    /// The checked overrides.
    pub overrides: Overrides,
}

/// Parses the built-in pack and the repo's policies and checks the manifest against them.
pub fn load_sources(
    manifest_source: &SourceFile,
    manifest: &Parsed<Manifest>,
    repo_policies: &[SourceFile],
    catalog: &Catalog,
) -> Result<Sources, Vec<Diagnostic>> {
    let names = check_manifest_names(manifest_source, manifest, catalog);
    let sources = pack::sources()
        .into_iter()
        .chain(repo_policies.iter().cloned())
        .collect();
    let policies = parse_policies(sources)
        .map_err(|problems| names.iter().cloned().chain(problems).collect::<Vec<_>>())?;
    let refs: Vec<&Policy> = policies.iter().map(|p| &p.policy).collect();
    match overrides::check(manifest_source, manifest, &refs) {
        Ok(overrides) if names.is_empty() => Ok(Sources {
            policies,
            overrides,
        }),
        Ok(_) => Err(names),
        Err(problems) => Err(names.into_iter().chain(problems).collect()),
    }
}

/// Parses and cross-checks policy files; files named `<builtin>/…` are the built-in pack.
pub fn parse_policies(sources: Vec<SourceFile>) -> Result<Vec<SourcedPolicy>, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut loaded = Vec::new();
    for source in sources {
        match parse_document::<Policy>(&source, SchemaKind::Policy) {
            Ok(parsed) => loaded.push(LoadedPolicy { source, parsed }),
            Err(errors) => problems.extend(errors),
        }
    }
    problems.extend(check_policies(&loaded));
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(loaded
        .into_iter()
        .map(|l| SourcedPolicy {
            origin: if l.source.name.starts_with(BUILTIN_PREFIX) {
                Origin::Builtin
            } else {
                Origin::Repo
            },
            policy: l.parsed.value,
        })
        .collect())
}

/// Compiles a manifest and the repo's policy sources into a plan.
pub fn compile(
    manifest_source: &SourceFile,
    manifest: &Parsed<Manifest>,
    repo_policies: &[SourceFile],
    catalog: &Catalog,
) -> Result<(RuleSet, Plan), Vec<Diagnostic>> {
    let sources = load_sources(manifest_source, manifest, repo_policies, catalog)?;
    let rules = resolve(&manifest.value, sources.policies, &sources.overrides);
    render_plan(&manifest.value, &rules, catalog).map(|plan| (rules, plan))
}

/// Renders a resolved rule set for every target the manifest selects.
pub fn render_plan(
    manifest: &Manifest,
    rules: &RuleSet,
    catalog: &Catalog,
) -> Result<Plan, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let targets = &manifest.targets;
    let renderer = Renderer::new(catalog, targets)?;
    let mut files = Vec::new();
    for id in dedup(targets) {
        match renderer.render(id, rules) {
            Ok(rendered) => files.extend(rendered),
            Err(errors) => problems.extend(errors),
        }
    }
    problems.extend(check_output_paths(&files));
    if !problems.is_empty() {
        return Err(problems);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    Ok(Plan::with_lock(files))
}

fn dedup(ids: &[String]) -> Vec<&String> {
    let mut seen = BTreeSet::new();
    ids.iter().filter(|id| seen.insert(id.as_str())).collect()
}

/// Unknown target ids, pointed at in the manifest.
fn check_manifest_names(
    source: &SourceFile,
    manifest: &Parsed<Manifest>,
    catalog: &Catalog,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let known_targets = catalog.ids();
    for (index, id) in manifest.value.targets.iter().enumerate() {
        if !catalog.targets.contains_key(id) {
            let position = position(manifest, &format!("/targets/{index}"));
            problems.push(unknown_name(
                source,
                position,
                Code::UnknownTarget,
                "target",
                id,
                &known_targets,
            ));
        }
    }
    problems
}

fn position(parsed: &Parsed<Manifest>, pointer: &str) -> Position {
    parsed
        .node
        .at_pointer(pointer)
        .map_or_else(Position::default, |n| n.position)
}

fn unknown_name(
    source: &SourceFile,
    position: Position,
    code: Code,
    what: &str,
    name: &str,
    known: &[String],
) -> Diagnostic {
    let list = known.join(", ");
    let hint = match closest(name, known) {
        Some(best) => format!("did you mean `{best}`? known: {list}"),
        None => format!("known: {list}"),
    };
    Diagnostic::error(code, format!("unknown {what} `{name}`"))
        .at(source.span(position, name.chars().count()))
        .hint(hint)
}

/// Output paths must stay inside the repository, and two targets may not write one path
/// differently.
fn check_output_paths(files: &[Rendered]) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut by_path: BTreeMap<&str, &Rendered> = BTreeMap::new();
    for file in files {
        if let Err(reason) = check_relative(&file.path) {
            problems.push(
                Diagnostic::error(
                    Code::PathEscapesRepo,
                    format!(
                        "target `{}` writes to `{}`, {reason}",
                        file.target, file.path
                    ),
                )
                .hint("output paths are relative to the repository root and may not contain `..`"),
            );
            continue;
        }
        if file.path.starts_with(RULESMITH_DIR) {
            problems.push(
                Diagnostic::error(
                    Code::PathEscapesRepo,
                    format!(
                        "target `{}` writes to `{}`, inside rulesmith's own directory",
                        file.target, file.path
                    ),
                )
                .hint("choose an output path outside .rulesmith/"),
            );
            continue;
        }
        if let Some(other) = by_path.insert(&file.path, file)
            && other.contents != file.contents
        {
            problems.push(
                Diagnostic::error(
                    Code::TargetSpecError,
                    format!(
                        "targets `{}` and `{}` both write `{}` with different contents",
                        other.target, file.target, file.path
                    ),
                )
                .hint("select only one of these targets in the manifest"),
            );
        }
    }
    problems
}

/// rulesmith's own directory: policies and the lock file; no target writes here.
const RULESMITH_DIR: &str = ".rulesmith/";

/// Checks that `path` is a plain relative path inside the repository.
pub fn check_relative(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("which is empty");
    }
    if path.starts_with('/') || path.starts_with('\\') || path.chars().nth(1) == Some(':') {
        return Err("which is absolute");
    }
    if path.contains('\\') {
        return Err("which uses `\\` separators");
    }
    if path
        .split('/')
        .any(|part| part == ".." || part == "." || part.is_empty())
    {
        return Err("which leaves the repository or is not normalized");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_confined() {
        assert!(check_relative("CLAUDE.md").is_ok());
        assert!(check_relative(".cursor/rules/a.mdc").is_ok());
        for bad in ["/etc/passwd", "../x", "a/../../x", "C:\\x", "a//b", ""] {
            assert!(check_relative(bad).is_err(), "{bad}");
        }
    }
}
