//! Listings for `rulesmith targets` and `rulesmith stats`, as text or as JSON.

mod json;

use clap::ValueEnum;

use crate::agents::TargetKind;
use crate::compile::Build;
use crate::model::target::OutputMode;
use crate::model::target::{
    Across, Budget, BudgetKind, Each, Format, OutputSpec, Select, TargetSpec,
};
use crate::render::Rendered;
use crate::render::budget::thousands;
use crate::render::catalog::Catalog;
use crate::render::overlap;
use crate::syntax::safe;

/// How `targets` and `stats` print.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ListingFormat {
    /// Aligned text, for people.
    #[default]
    Human,
    /// One versioned JSON document on stdout.
    Json,
}

/// Every target with its files, scoping, limits and requirements, and what the registry knows
/// about its agent, in `format`.
pub fn targets(catalog: &Catalog, format: ListingFormat) -> String {
    match format {
        ListingFormat::Human => targets_text(catalog),
        ListingFormat::Json => json::targets(catalog),
    }
}

fn targets_text(catalog: &Catalog) -> String {
    let mut out = String::new();
    for target in catalog.targets.values() {
        let spec = &target.spec;
        let origin = if target.builtin {
            ""
        } else {
            " (this repository)"
        };
        out.push_str(&format!(
            "{}: {}{origin}\n",
            shown(&spec.id),
            shown(&spec.name)
        ));
        if let Some(description) = &spec.description {
            out.push_str(&format!("  {}\n", shown(description)));
        }
        if spec.outputs.is_empty() {
            out.push_str("  writes   nothing: rulesmith only reads this agent's files\n");
        }
        for output in &spec.outputs {
            out.push_str(&format!(
                "  file     {} ({})\n",
                shown(&output.path),
                shown(&describe_output(output))
            ));
        }
        if !spec.outputs.is_empty() {
            out.push_str(&format!("  scoping  {}\n", spec.scoping.as_str()));
        }
        if spec.budgets.is_empty() && !spec.outputs.is_empty() {
            out.push_str("  limits   none documented\n");
        }
        for budget in &spec.budgets {
            out.push_str(&format!(
                "  limit    {}: {}\n",
                shown(&budget.files),
                describe_budget(budget)
            ));
        }
        if !spec.requires.is_empty() {
            out.push_str(&format!(
                "  requires {}\n",
                shown(&spec.requires.join(", "))
            ));
        }
        agent_facts(spec, &mut out);
        out.push('\n');
    }
    out.push_str(TEMPLATE_FIELDS);
    out
}

/// Text from a target spec or a plan, which a repository can write, on one line with every
/// control or hidden character escaped.
fn shown(text: &str) -> String {
    safe::one_line(text)
}

/// What the registry knows about the target's agent: the files it reads, the settings
/// rulesmith refuses, its status and documentation.
fn agent_facts(spec: &TargetSpec, out: &mut String) {
    if spec.kind != TargetKind::Agent {
        return;
    }
    let own = spec.reads.iter().filter(|r| r.from.is_none()).count();
    if own > 0 {
        out.push_str(&format!("  reads    {own} file globs\n"));
    }
    for read in spec.reads.iter().filter(|r| r.from.is_some()) {
        let from = read.from.as_deref().unwrap_or_default();
        let source = read.source.as_deref().unwrap_or_default();
        out.push_str(&format!(
            "  loads    {}, from target `{}` ({})\n",
            shown(&read.path),
            shown(from),
            shown(source)
        ));
        if let Some(note) = &read.note {
            out.push_str(&format!("           {}\n", shown(note)));
        }
    }
    if !spec.unsafe_settings.is_empty() {
        let settings: Vec<&str> = spec
            .unsafe_settings
            .iter()
            .map(|rule| rule.setting.as_str())
            .collect();
        out.push_str(&format!("  refuses  {}\n", shown(&settings.join(", "))));
    }
    for caveat in &spec.not_a_boundary {
        out.push_str(&format!(
            "  caveat   {} is not a security boundary: {}\n",
            caveat.mechanism, caveat.why
        ));
    }
    out.push_str(&format!("  status   {}\n", spec.status.as_str()));
    for link in &spec.docs {
        out.push_str(&format!("  docs     {}\n", shown(link)));
    }
}

/// What templates, frontmatter values and paths can use, for authors of custom targets.
const TEMPLATE_FIELDS: &str = "\
Templates see: project, tier, pack_version, target.id, target.name, file (the output's file
name), policies, groups (the output's rule groups: id, policy, title, description, scoped, globs,
directories, applies_to, rules), group (with `each: group`), directory (with `each: directory`;
empty at the root), permissions (deny_read, ask_commands, deny_commands, deny_piped_to,
ask_web_fetch), overrides (ids, change, reason) and, when the manifest has one, agreement (lanes,
handoff, review, done, codeowners, unowned). Rules carry keyword, text, rationale, example
(good, bad) and softened (from, reason). Shared partials: intro, legend, rules, group-section,
group-file, rule-list, nested, ignore.
";

fn describe_output(output: &OutputSpec) -> String {
    if let Some(settings) = &output.settings {
        let pointers: Vec<&str> = settings.entries.keys().map(String::as_str).collect();
        return format!("settings merged into the file: {}", pointers.join(", "));
    }
    let kind = match output.format {
        Format::Markdown => None,
        Format::Text => Some("plain text"),
        Format::Yaml => Some("YAML configuration"),
        Format::Toml => Some("TOML configuration"),
        Format::Json => Some("JSON"),
    };
    if let Some(kind) = kind {
        let when = if output.skip_empty {
            "; only when not empty"
        } else {
            ""
        };
        return format!("{kind}{when}");
    }
    let groups = match output.select {
        Select::All => "rules",
        Select::Unscoped => "rules that apply everywhere",
        Select::Scoped => "scoped rules",
    };
    let mut text = match output.each {
        Each::Once => groups.to_owned(),
        Each::Group => format!("one file per group of {groups}"),
        Each::Directory => format!("{groups}, at the root and in each directory a scope covers"),
    };
    if output.skip_empty {
        text.push_str("; only when not empty");
    }
    if let Some(frontmatter) = &output.frontmatter {
        let keys: Vec<&str> = frontmatter.fields.iter().map(|f| f.key.as_str()).collect();
        text.push_str(&format!("; frontmatter {}", keys.join(", ")));
    }
    text
}

fn describe_budget(budget: &Budget) -> String {
    let across = match budget.across {
        Across::File => "per file",
        Across::All => "for all together",
        Across::Chain => "per chain from the root down",
    };
    let kind = match budget.kind {
        BudgetKind::Hard => "hard",
        BudgetKind::Advisory => "advisory",
    };
    format!(
        "{} {} {across} ({kind})",
        thousands(budget.limit),
        budget.unit.as_str()
    )
}

/// Every measured budget, the size of each file without one, and what each selected agent
/// loads, in `format`.
pub fn stats(build: &Build, catalog: &Catalog, format: ListingFormat) -> String {
    match format {
        ListingFormat::Human => {
            let mut out = stats_text(build);
            out.push_str(&loads_text(build, catalog));
            out
        }
        ListingFormat::Json => json::stats(build, catalog),
    }
}

/// What one selected agent loads of a build.
struct AgentLoad<'b> {
    /// The agent's target id.
    id: &'b str,
    /// The agent's name.
    name: &'b str,
    /// Every instruction file it loads: its own, then other targets' it reads.
    files: Vec<&'b Rendered>,
}

impl AgentLoad<'_> {
    fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.contents.len() as u64).sum()
    }

    fn characters(&self) -> u64 {
        self.files
            .iter()
            .map(|f| f.contents.chars().count() as u64)
            .sum()
    }
}

/// Each selected agent with the instruction files it loads, in target order; agents that load
/// none are left out.
fn agent_loads<'b>(build: &'b Build, catalog: &'b Catalog) -> Vec<AgentLoad<'b>> {
    catalog
        .targets
        .values()
        .filter(|t| t.spec.kind == TargetKind::Agent && build.targets.contains(&t.spec.id))
        .map(|t| AgentLoad {
            id: &t.spec.id,
            name: &t.spec.name,
            files: overlap::loaded_files(catalog, &t.spec.id, &build.targets, &build.plan.files),
        })
        .filter(|load| !load.files.is_empty())
        .collect()
}

/// Per agent, every instruction file it loads and the total it sees.
fn loads_text(build: &Build, catalog: &Catalog) -> String {
    let loads = agent_loads(build, catalog);
    if loads.is_empty() {
        return String::new();
    }
    let width = loads
        .iter()
        .flat_map(|l| &l.files)
        .map(|f| shown(&f.path).chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::from("\nWhat each agent loads:\n");
    for load in &loads {
        let noun = if load.files.len() == 1 {
            "file"
        } else {
            "files"
        };
        out.push_str(&format!(
            "{} ({}): {} {noun}, {} bytes, {} characters\n",
            shown(load.id),
            shown(load.name),
            load.files.len(),
            thousands(load.bytes()),
            thousands(load.characters())
        ));
        for file in &load.files {
            let writer = if file.target == load.id {
                String::new()
            } else {
                format!("  (from `{}`)", shown(&file.target))
            };
            out.push_str(&format!(
                "  {:<width$}  {:>10} bytes{writer}\n",
                shown(&file.path),
                thousands(file.contents.len() as u64)
            ));
        }
    }
    out
}

/// The hand-written part of a measured size, when there is one: `, 38,012 hand-written`.
fn hand_written(size: u64) -> String {
    if size == 0 {
        String::new()
    } else {
        format!(", {} hand-written", thousands(size))
    }
}

fn stats_text(build: &Build) -> String {
    let mut rows: Vec<[String; 5]> = vec![[
        "TARGET".into(),
        "FILE".into(),
        "SIZE".into(),
        "LIMIT".into(),
        "STATUS".into(),
    ]];
    let mut measured: Vec<&str> = Vec::new();
    for m in &build.measurements {
        let status = match (m.over(), m.budget.kind) {
            (false, _) => "ok",
            (true, BudgetKind::Hard) if m.fails() => "OVER",
            (true, BudgetKind::Hard) => "OVER (hand-written text past it)",
            (true, BudgetKind::Advisory) => "over advice",
        };
        rows.push([
            shown(&m.target),
            shown(&m.subject),
            format!("{} {}", thousands(m.size), m.budget.unit.as_str())
                + &hand_written(m.hand_written),
            describe_budget(&m.budget),
            status.into(),
        ]);
        measured.extend(
            build
                .plan
                .files
                .iter()
                .filter(|f| f.target == m.target && m.subject.starts_with(&f.path))
                .map(|f| f.path.as_str()),
        );
    }
    // Settings and the lock are merged or written at the end; their size is not the agent's.
    let rules_files = build
        .plan
        .files
        .iter()
        .filter(|f| matches!(f.mode, OutputMode::Text(_)));
    for file in rules_files {
        if !measured.contains(&file.path.as_str()) {
            rows.push([
                shown(&file.target),
                shown(&file.path),
                format!("{} bytes", thousands(file.contents.len() as u64)),
                "-".into(),
                "-".into(),
            ]);
        }
    }
    let widths: Vec<usize> = (0..5)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let line: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, cell)| format!("{cell:<width$}", width = widths[i]))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::Status;

    /// The README's agent table, one row per built-in agent, as the catalogue describes it.
    fn readme_table(catalog: &Catalog) -> String {
        let mut out = String::from(
            "| Target | Agent | Files rulesmith writes | Scoping | Limits | Status | Docs |\n| --- | --- | --- | --- | --- | --- | --- |\n",
        );
        for target in catalog.targets.values() {
            let spec = &target.spec;
            if spec.kind != TargetKind::Agent {
                continue;
            }
            let (files, scoping) = if spec.outputs.is_empty() {
                ("none: read only".to_owned(), "–".to_owned())
            } else {
                let mut paths: Vec<String> = Vec::new();
                for output in &spec.outputs {
                    let path = format!("`{}`", output.path);
                    if !paths.contains(&path) {
                        paths.push(path);
                    }
                }
                (paths.join(", "), spec.scoping.as_str().to_owned())
            };
            let mut limits: Vec<String> = spec.budgets.iter().map(describe_budget).collect();
            limits.dedup();
            let limits = if limits.is_empty() {
                "–".to_owned()
            } else {
                limits.join("; ")
            };
            let docs: Vec<String> = spec
                .docs
                .iter()
                .enumerate()
                .map(|(i, link)| format!("[{}]({link})", i + 1))
                .collect();
            out.push_str(&format!(
                "| `{}` | {} | {files} | {scoping} | {limits} | {} | {} |\n",
                spec.id,
                spec.name,
                spec.status.as_str(),
                docs.join(" ")
            ));
        }
        out
    }

    #[test]
    fn the_readme_agent_table_matches_the_catalogue() {
        let table = readme_table(&Catalog::builtin());
        let readme = include_str!("../../README.md");
        assert!(
            readme.contains(&table),
            "README.md's agent table is out of date; it should read:\n\n{table}"
        );
    }

    #[test]
    fn every_builtin_agent_has_a_doc_link_and_there_are_at_least_34() {
        let catalog = Catalog::builtin();
        let agents: Vec<&TargetSpec> = catalog
            .targets
            .values()
            .map(|t| &t.spec)
            .filter(|s| s.kind == TargetKind::Agent)
            .collect();
        assert!(agents.len() >= 34, "{} agents", agents.len());
        for spec in agents {
            assert!(
                spec.docs.iter().any(|d| d.starts_with("https://")),
                "{} has no documentation link",
                spec.id
            );
        }
        let listing = targets(&catalog, ListingFormat::Human);
        assert!(listing.contains("continue: Continue\n") && listing.contains("roo: Roo Code\n"));
        for id in ["continue", "roo"] {
            assert_eq!(
                catalog.targets[id].spec.status,
                Status::EndOfLife,
                "{id} is end of life"
            );
        }
    }
}
