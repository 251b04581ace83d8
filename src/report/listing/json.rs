//! `targets` and `stats` as versioned JSON documents, for scripts and editors.
//!
//! Keys are kebab-case, lists keep the text listing's order, and a key whose value is unknown
//! or empty is left out. Incompatible changes bump `version`.

use serde::Serialize;

use super::{AgentLoad, agent_loads, describe_output};
use crate::agents::TargetKind;
use crate::compile::Build;
use crate::model::agent::Caveat;
use crate::model::manifest::Overlap;
use crate::model::target::{Across, BudgetKind, OutputMode, Unit};
use crate::render::Rendered;
use crate::render::catalog::Catalog;

/// The format version of both documents; bumped only on incompatible changes.
const VERSION: u32 = 1;

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct TargetsDocument<'a> {
    version: u32,
    tool_version: &'static str,
    targets: Vec<TargetView<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct TargetView<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    kind: TargetKind,
    builtin: bool,
    status: crate::agents::Status,
    outputs: Vec<OutputView<'a>>,
    scoping: crate::model::target::Scoping,
    limits: Vec<LimitView<'a>>,
    requires: &'a [String],
    /// Other targets' files the agent loads as well as its own.
    loads: Vec<SharedRead<'a>>,
    /// The globs of the files the agent reads, for `scan` and `check`.
    reads: Vec<&'a str>,
    refuses: Vec<&'a str>,
    not_a_boundary: &'a [Caveat],
    docs: &'a [String],
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct OutputView<'a> {
    path: &'a str,
    description: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct LimitView<'a> {
    files: &'a str,
    limit: u64,
    unit: Unit,
    across: Across,
    kind: BudgetKind,
    reason: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct SharedRead<'a> {
    path: &'a str,
    from: &'a str,
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

/// Every target, as `rulesmith targets --format json` prints it.
pub(super) fn targets(catalog: &Catalog) -> String {
    let targets = catalog
        .targets
        .values()
        .map(|target| {
            let spec = &target.spec;
            TargetView {
                id: &spec.id,
                name: &spec.name,
                description: spec.description.as_deref(),
                kind: spec.kind,
                builtin: target.builtin,
                status: spec.status,
                outputs: spec
                    .outputs
                    .iter()
                    .map(|o| OutputView {
                        path: &o.path,
                        description: describe_output(o),
                    })
                    .collect(),
                scoping: spec.scoping,
                limits: spec
                    .budgets
                    .iter()
                    .map(|b| LimitView {
                        files: &b.files,
                        limit: b.limit,
                        unit: b.unit,
                        across: b.across,
                        kind: b.kind,
                        reason: &b.reason,
                    })
                    .collect(),
                requires: &spec.requires,
                loads: spec
                    .reads
                    .iter()
                    .filter_map(|r| {
                        Some(SharedRead {
                            path: &r.path,
                            from: r.from.as_deref()?,
                            source: r.source.as_deref().unwrap_or_default(),
                            note: r.note.as_deref(),
                        })
                    })
                    .collect(),
                reads: spec
                    .reads
                    .iter()
                    .filter(|r| r.from.is_none())
                    .map(|r| r.path.as_str())
                    .collect(),
                refuses: spec
                    .unsafe_settings
                    .iter()
                    .map(|u| u.setting.as_str())
                    .collect(),
                not_a_boundary: &spec.not_a_boundary,
                docs: &spec.docs,
            }
        })
        .collect();
    render(&TargetsDocument {
        version: VERSION,
        tool_version: env!("CARGO_PKG_VERSION"),
        targets,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct StatsDocument<'a> {
    version: u32,
    tool_version: &'static str,
    overlap: Overlap,
    budgets: Vec<BudgetView<'a>>,
    files: Vec<FileView<'a>>,
    agents: Vec<AgentView<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct BudgetView<'a> {
    target: &'a str,
    subject: &'a str,
    size: u64,
    limit: u64,
    unit: Unit,
    across: Across,
    kind: BudgetKind,
    over: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct FileView<'a> {
    path: &'a str,
    target: &'a str,
    bytes: u64,
    characters: u64,
    lines: u64,
    groups: &'a [String],
}

impl<'a> FileView<'a> {
    fn of(file: &'a Rendered) -> FileView<'a> {
        FileView {
            path: &file.path,
            target: &file.target,
            bytes: Unit::Bytes.measure(&file.contents),
            characters: Unit::Characters.measure(&file.contents),
            lines: Unit::Lines.measure(&file.contents),
            groups: &file.groups,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct AgentView<'a> {
    target: &'a str,
    name: &'a str,
    files: Vec<LoadedFile<'a>>,
    total_bytes: u64,
    total_characters: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct LoadedFile<'a> {
    path: &'a str,
    from: &'a str,
    bytes: u64,
    characters: u64,
}

/// A build's sizes, as `rulesmith stats --format json` prints them.
pub(super) fn stats(build: &Build, catalog: &Catalog) -> String {
    let budgets = build
        .measurements
        .iter()
        .map(|m| BudgetView {
            target: &m.target,
            subject: &m.subject,
            size: m.size,
            limit: m.budget.limit,
            unit: m.budget.unit,
            across: m.budget.across,
            kind: m.budget.kind,
            over: m.over(),
        })
        .collect();
    let files = build
        .plan
        .files
        .iter()
        .filter(|f| matches!(f.mode, OutputMode::Text(_)))
        .map(FileView::of)
        .collect();
    let agents = agent_loads(build, catalog)
        .into_iter()
        .map(|load: AgentLoad<'_>| AgentView {
            target: load.id,
            name: load.name,
            total_bytes: load.bytes(),
            total_characters: load.characters(),
            files: load
                .files
                .iter()
                .map(|f| LoadedFile {
                    path: &f.path,
                    from: &f.target,
                    bytes: Unit::Bytes.measure(&f.contents),
                    characters: Unit::Characters.measure(&f.contents),
                })
                .collect(),
        })
        .collect();
    render(&StatsDocument {
        version: VERSION,
        tool_version: env!("CARGO_PKG_VERSION"),
        overlap: build.overlap,
        budgets,
        files,
        agents,
    })
}

fn render(document: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(document).expect("listings serialize");
    text.push('\n');
    text
}
