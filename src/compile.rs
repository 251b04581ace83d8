//! The pure middle of a build: sources in, a plan of files out. No disk, no printing.

use std::collections::BTreeMap;

use crate::agents::{Registry, TargetKind};
use crate::diagnostic::{Diagnostic, InputCode, Severity, SourceFile};
use crate::embedded;
use crate::load::tree::Tree;
use crate::model::lock::{self, LOCK_PATH, LockedFile};
use crate::model::manifest::{ALL_TARGETS, Manifest, Overlap};
use crate::model::policy::Policy;
use crate::model::target::Format;
use crate::model::target::OutputMode;
use crate::reconcile::{self, merge};
use crate::render::budget::{self, Measurement, ReadFile};
use crate::render::catalog::Catalog;
use crate::render::{Rendered, Renderer, Scene, SettingsRequest};
use crate::render::{overlap, shadow};
use crate::resolve::overrides::{self, Overrides};
use crate::resolve::pack::{self, BUILTIN_PREFIX};
use crate::resolve::{Origin, RuleSet, SourcedPolicy, resolve};
use crate::syntax::path::check_relative;
use crate::syntax::yaml::Position;
use crate::validate::schema::SchemaKind;
use crate::validate::{LoadedPolicy, Parsed, check_globs, check_policies, closest, parse_document};

/// The set of files a build produces, sorted by path.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Every generated file, and the entries for each settings file rulesmith merges into.
    pub files: Vec<Rendered>,
}

impl Plan {
    /// The plan of `files` (sorted by path) plus the lock file that lists them, with the
    /// settings entries rulesmith manages in each shared file and, given the digest of the
    /// inputs and the compilation's warnings, the record of the up-to-date fast path.
    pub fn with_lock(mut files: Vec<Rendered>, fresh: Option<(&str, &[Diagnostic])>) -> Plan {
        let record = fresh.and_then(|(inputs, warnings)| record(inputs, &files, warnings));
        let contents = lock::render_fresh(
            files.iter().map(|f| LockedFile {
                path: f.path.clone(),
                target: f.target.clone(),
                entries: match f.mode {
                    OutputMode::Settings => merge::entries_of(&f.contents),
                    _ => lock::Entries::new(),
                },
            }),
            record,
        );
        insert_lock(&mut files, contents);
        Plan { files }
    }
}

/// Inserts the lock file with `contents` into `files`, keeping them sorted by path.
fn insert_lock(files: &mut Vec<Rendered>, contents: String) {
    let at = files.partition_point(|f| f.path.as_str() < LOCK_PATH);
    files.insert(
        at,
        Rendered {
            path: LOCK_PATH.to_owned(),
            target: LOCK_TARGET.to_owned(),
            contents,
            format: Format::Json,
            mode: OutputMode::Owned,
            groups: Vec::new(),
            unsafe_settings: Vec::new(),
        },
    );
}

/// The record of the up-to-date fast path for `files` compiled from inputs with digest `inputs`;
/// none when a warning points into a source file, which the lock cannot carry.
fn record(inputs: &str, files: &[Rendered], warnings: &[Diagnostic]) -> Option<lock::Unsealed> {
    let warnings = warnings
        .iter()
        .map(|w| {
            (w.severity == Severity::Warning && w.span.is_none()).then(|| lock::LockedWarning {
                code: w.code.as_str().to_owned(),
                message: w.message.clone(),
                hint: w.hint.clone(),
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let outputs = files
        .iter()
        .map(|f| {
            let recorded = lock::RecordedOutput {
                format: f.format,
                mode: lock::mode_name(f.mode).to_owned(),
                digest: lock::sha256(f.contents.as_bytes()),
                contents: (f.mode == OutputMode::Settings).then(|| f.contents.clone()),
            };
            (f.path.clone(), recorded)
        })
        .collect();
    Some(lock::Unsealed {
        inputs: inputs.to_owned(),
        warnings,
        outputs,
    })
}

/// The plan a sealed lock records, when every output on disk still has the rendered bytes the
/// lock records: the same plan a compilation of the same inputs produces, rebuilt from the files
/// themselves (settings outputs, which are merged into the user's file, from the lock). `None`
/// when any output differs (or is missing), so the caller compiles.
pub fn recorded_plan<'a>(
    lock_text: &str,
    lock: &lock::Lock,
    text_of: impl Fn(&str) -> Option<&'a str>,
    agents: &Registry,
) -> Option<(Plan, Vec<Diagnostic>)> {
    let fresh = lock.fresh.as_ref()?;
    let mut files = Vec::with_capacity(lock.files.len() + 1);
    for locked in &lock.files {
        let recorded = fresh.outputs.get(&locked.path)?;
        let contents = match &recorded.contents {
            Some(contents) => contents.as_str(),
            None => text_of(&locked.path)?,
        };
        if crate::model::boundary::violation(&locked.path).is_some()
            || lock::sha256(contents.as_bytes()) != recorded.digest
        {
            return None;
        }
        files.push(Rendered {
            path: locked.path.clone(),
            target: locked.target.clone(),
            contents: contents.to_owned(),
            format: recorded.format,
            mode: lock::mode_named(&recorded.mode)?,
            groups: Vec::new(),
            unsafe_settings: agents.unsafe_settings_for(&locked.path, &locked.target),
        });
    }
    if fresh.outputs.len() != files.len() {
        return None;
    }
    insert_lock(&mut files, lock_text.to_owned());
    let warnings = fresh
        .warnings
        .iter()
        .map(|w| {
            let code = InputCode::ALL.iter().find(|c| c.as_str() == w.code)?;
            let mut warning = Diagnostic::warning(*code, w.message.clone());
            if let Some(hint) = &w.hint {
                warning = warning.hint(hint.clone());
            }
            Some(warning)
        })
        .collect::<Option<Vec<_>>>()?;
    Some((Plan { files }, warnings))
}

/// The target name the lock file is listed under in a plan.
pub const LOCK_TARGET: &str = "rulesmith";

/// What a successful compilation yields.
#[derive(Clone, Debug)]
pub struct Build {
    /// The resolved rules.
    pub rules: RuleSet,
    /// The files to write.
    pub plan: Plan,
    /// The selected targets, required ones included, in order.
    pub targets: Vec<String>,
    /// Every budget measured, for `rulesmith stats`.
    pub measurements: Vec<Measurement>,
    /// Warnings to show; the build goes on.
    pub warnings: Vec<Diagnostic>,
    /// How rules shared by files one agent reads were written.
    pub overlap: Overlap,
    /// The digest of the inputs, when the sources carried one: the lock's record is sealed
    /// with it.
    pub inputs: Option<String>,
}

impl Build {
    /// Every budget measured on the files as their agents read them after a build over `tree`:
    /// each text output with the hand-written text around its managed block, and the
    /// hand-written agent files on the chains and in the sets of files the budgets count.
    pub fn measure_read(&self, tree: &Tree, catalog: &Catalog) -> Vec<Measurement> {
        let targets: Vec<&str> = self.targets.iter().map(String::as_str).collect();
        let files = reconcile::read_files(&self.plan.files, tree, |path| {
            budget::counts_hand_written(catalog, &targets, path)
        });
        budget::measure(catalog, &files, &self.rules)
    }

    /// Checks `measurements` (from [`Build::measure_read`]) and keeps them: an error when a
    /// rule lies past a hard limit, else the warnings, not acknowledged in `manifest`, joined
    /// to the build's and recorded in the lock so the up-to-date fast path repeats them.
    pub fn enforce_budgets(
        &mut self,
        measurements: Vec<Measurement>,
        manifest: &Manifest,
    ) -> Result<(), Vec<Diagnostic>> {
        let mut problems = budget::check(&measurements);
        self.measurements = measurements;
        problems.retain(|problem| !manifest.acknowledges(problem.code.as_str()));
        if problems.iter().any(|p| p.severity == Severity::Error) {
            problems.append(&mut self.warnings);
            return Err(problems);
        }
        if problems.is_empty() {
            return Ok(());
        }
        problems.append(&mut self.warnings);
        self.warnings = problems;
        if let Some(inputs) = &self.inputs {
            let mut files = std::mem::take(&mut self.plan.files);
            files.retain(|f| !(f.path == LOCK_PATH && f.target == LOCK_TARGET));
            self.plan = Plan::with_lock(files, Some((inputs, &self.warnings)));
        }
        Ok(())
    }
}

/// Whether exceeding a size budget stops the compilation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budgets {
    /// Hard limits are errors and advisory ones warnings, measured on the rendered files alone;
    /// `build` and `check` measure the files as agents read them instead
    /// ([`Build::enforce_budgets`]).
    Enforce,
    /// Only measure, so the sizes can be shown even when they are over.
    Measure,
}

/// Every policy of a build, before tier filtering, with the manifest's checked overrides.
pub struct Sources {
    /// The built-in pack followed by the repo's own policies.
    pub policies: Vec<SourcedPolicy>,
    /// The checked overrides.
    pub overrides: Overrides,
    /// The digest of every input the outputs depend on, when the caller computed one; the lock
    /// then records what the up-to-date fast path needs.
    pub inputs: Option<String>,
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
            inputs: None,
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
    problems.extend(check_policy_paths(&loaded));
    problems.extend(check_globs(&loaded));
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

/// SHA-256 over `parts`, each preceded by its length so that no two lists share a digest.
pub fn digest_of<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut all = Vec::new();
    for part in parts {
        all.extend_from_slice(&(part.len() as u64).to_le_bytes());
        all.extend_from_slice(part.as_bytes());
    }
    lock::sha256(&all)
}

/// The digest of every input a build's outputs depend on: this binary (its version and embedded
/// pack, targets and templates), the manifest, the repository's targets (`targets_digest`, from
/// [`digest_of`] over their paths and texts), its policy files, each with its name, and the
/// languages detected from its files when the manifest lists none (`detected`), since they
/// select rules as much as the manifest does.
pub fn inputs_digest(
    manifest: &SourceFile,
    targets_digest: &str,
    repo: &[SourceFile],
    detected: Option<&str>,
) -> String {
    let mut inputs: Vec<&str> = Vec::with_capacity(2 * repo.len() + 6);
    if let Some(languages) = detected {
        inputs.extend(["<detected languages>", languages]);
    }
    inputs.extend([
        embedded_digest(),
        targets_digest,
        &manifest.name,
        &manifest.text,
    ]);
    for file in repo {
        inputs.extend([file.name.as_str(), file.text.as_str()]);
    }
    digest_of(inputs)
}

/// The digest of this binary's version and everything it embeds, computed once.
fn embedded_digest() -> &'static str {
    static DIGEST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DIGEST.get_or_init(|| {
        let files = [embedded::POLICIES, embedded::TARGETS, embedded::TEMPLATES]
            .into_iter()
            .flatten()
            .flat_map(|(path, text)| [*path, *text]);
        digest_of([env!("CARGO_PKG_VERSION")].into_iter().chain(files))
    })
}

/// Compiles a manifest and the repo's policy sources into a plan.
pub fn compile(
    manifest_source: &SourceFile,
    manifest: &Parsed<Manifest>,
    repo_policies: &[SourceFile],
    catalog: &Catalog,
    budgets: Budgets,
) -> Result<Build, Vec<Diagnostic>> {
    let sources = load_sources(manifest_source, manifest, repo_policies, catalog)?;
    compile_sources(&manifest.value, sources, catalog, budgets)
}

/// Compiles parsed and checked sources into a plan: resolve, render, measure, plan.
pub fn compile_sources(
    manifest: &Manifest,
    sources: Sources,
    catalog: &Catalog,
    budgets: Budgets,
) -> Result<Build, Vec<Diagnostic>> {
    let sources_inputs = sources.inputs;
    let rules = resolve(manifest, sources.policies, &sources.overrides);
    let mut problems = Vec::new();
    let targets = selected_targets(manifest, catalog);
    let renderer = Renderer::new(catalog, &targets)?;
    let mut scene = Scene::new(&rules);
    let mut files = Vec::new();
    let mut settings = Vec::new();
    for id in overlap::render_order(catalog, &targets) {
        let shared = match manifest.overlap {
            Overlap::Dedupe => overlap::shared(catalog, &id, &targets, &files),
            Overlap::Duplicate => overlap::Shared::default(),
        };
        match renderer.render_without(&id, &rules, &mut scene, &shared) {
            Ok(output) => {
                files.extend(output.files);
                settings.extend(output.settings);
            }
            Err(errors) => problems.extend(errors),
        }
    }
    problems.extend(check_output_paths(&files, &settings));
    if !problems.is_empty() {
        return Err(problems);
    }
    let rendered: Vec<ReadFile> = files.iter().map(ReadFile::rendered).collect();
    let measurements = budget::measure(catalog, &rendered, &rules);
    if budgets == Budgets::Enforce {
        problems.extend(budget::check(&measurements));
    }
    problems.extend(shadow::check(catalog, &targets, &files, &rules));
    if problems.iter().any(|p| p.severity == Severity::Error) {
        return Err(problems);
    }
    files.extend(
        settings
            .iter()
            .filter(|request| request.entries.values().any(|list| !list.is_empty()))
            .map(merge::planned),
    );
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let agents = catalog.registry();
    for file in &mut files {
        file.unsafe_settings = agents.unsafe_settings_for(&file.path, &file.target);
    }
    // Warnings the manifest acknowledges, with a reason, are not printed again.
    problems.retain(|problem| !manifest.acknowledges(problem.code.as_str()));
    Ok(Build {
        rules,
        plan: Plan::with_lock(
            files,
            sources_inputs.as_deref().map(|i| (i, problems.as_slice())),
        ),
        targets,
        measurements,
        warnings: problems,
        overlap: manifest.overlap,
        inputs: sources_inputs,
    })
}

/// The target ids a manifest selects: `all` expanded to the built-in targets, required targets
/// and the working agreement (when the manifest has one) added, each once.
pub fn selected_targets(manifest: &Manifest, catalog: &Catalog) -> Vec<String> {
    let mut ids = Vec::new();
    for id in manifest.targets.written() {
        if id == ALL_TARGETS {
            ids.extend(catalog.builtin_ids());
        } else {
            ids.push(id);
        }
    }
    if manifest.agreement.is_some() {
        ids.extend(catalog.ids_of_kind(TargetKind::Agreement));
    }
    catalog.with_required(&ids)
}

/// Unknown target ids, pointed at in the manifest.
fn check_manifest_names(
    source: &SourceFile,
    manifest: &Parsed<Manifest>,
    catalog: &Catalog,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut known_targets = catalog.agent_ids();
    known_targets.push(ALL_TARGETS.to_owned());
    let agreements = catalog.ids_of_kind(TargetKind::Agreement);
    for (index, id) in manifest.value.targets.written().iter().enumerate() {
        if agreements.contains(id) {
            let position = position(manifest, &format!("/targets/{index}"));
            problems.push(
                Diagnostic::error(InputCode::UnknownTarget, format!("`{id}` is not an agent target"))
                .at(source.span(position, id.chars().count()))
                .hint("remove it from `targets`; an `agreement:` section in the manifest renders WORKING-AGREEMENT.md and the CODEOWNERS block"),
            );
        } else if !known_targets.contains(id) && catalog.targets.contains_key(id) {
            let position = position(manifest, &format!("/targets/{index}"));
            problems.push(
                Diagnostic::error(
                    InputCode::UnknownTarget,
                    format!(
                        "target `{id}` writes no files: rulesmith only reads this agent's files"
                    ),
                )
                .at(source.span(position, id.chars().count()))
                .hint("remove it from `targets`; `check` and `scan` cover its files without it"),
            );
        } else if !known_targets.contains(id) {
            let position = position(manifest, &format!("/targets/{index}"));
            problems.push(unknown_name(
                source,
                position,
                InputCode::UnknownTarget,
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
    code: InputCode,
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

/// Output paths must stay inside the repository, and no two outputs may write one path.
fn check_output_paths(files: &[Rendered], settings: &[SettingsRequest]) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut by_path: BTreeMap<&str, &str> = BTreeMap::new();
    let outputs = files
        .iter()
        .map(|f| (f.path.as_str(), f.target.as_str()))
        .chain(
            settings
                .iter()
                .map(|s| (s.path.as_str(), s.target.as_str())),
        );
    for (path, target) in outputs {
        if let Err(reason) = check_relative(path) {
            problems.push(
                Diagnostic::error(
                    InputCode::PathEscapesRepo,
                    format!("target `{target}` writes to `{path}`, {reason}"),
                )
                .hint("output paths are relative to the repository root and may not contain `..`"),
            );
            continue;
        }
        if path.starts_with(RULESMITH_DIR) {
            problems.push(
                Diagnostic::error(
                    InputCode::PathEscapesRepo,
                    format!(
                        "target `{target}` writes to `{path}`, inside rulesmith's own directory"
                    ),
                )
                .hint("choose an output path outside .rulesmith/"),
            );
            continue;
        }
        if let Some(other) = by_path.insert(path, target) {
            let message = if other == target {
                format!("target `{target}` writes `{path}` twice")
            } else {
                format!("targets `{other}` and `{target}` both write `{path}`")
            };
            problems.push(
                Diagnostic::error(InputCode::TargetSpecError, message)
                    .hint("select only one of these targets, or give the outputs different paths"),
            );
        }
    }
    problems
}

/// rulesmith's own directory: policies, custom targets and the lock file; no target writes here.
const RULESMITH_DIR: &str = ".rulesmith/";

/// Scope paths and deny-read globs must stay inside the repository.
fn check_policy_paths(policies: &[LoadedPolicy]) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for loaded in policies {
        let policy = &loaded.parsed.value;
        for (pointer, path) in policy.path_globs() {
            if let Err(reason) = check_relative(path.trim_end_matches('/')) {
                let position = loaded
                    .parsed
                    .node
                    .at_pointer(&pointer)
                    .map_or_else(Position::default, |n| n.position);
                problems.push(
                    Diagnostic::error(
                        InputCode::PathEscapesRepo,
                        format!("path `{path}` in policy `{}` {reason}", policy.id),
                    )
                    .at(loaded.source.span(position, path.chars().count()))
                    .hint("write paths relative to the repository root, without `..` or a leading `/`"),
                );
            }
        }
    }
    problems
}
