//! `rulesmith import`: hand-written agent files turned into typed policies.
//!
//! Every file goes through the scanner first: a file with findings is withheld, reported and
//! never imported. The rest are split into one policy per file or top-level section and one
//! rule per list item or sentence that states a level ([`markdown`]); the level is inferred
//! from the wording ([`level`]) and the text is kept as written, so the rebuilt files say what
//! the originals said. Scope comes from the file's frontmatter globs (Cursor `globs`, Claude
//! `paths`, Copilot `applyTo`, Windsurf `globs`, Kiro `fileMatchPattern`) or its directory.
//! A rule found in several files is imported once, where it is first met.
//!
//! Pure: the files' text goes in, policies and a report per file come out.

pub mod level;
pub mod markdown;

use std::collections::BTreeSet;

use crate::agents::{FileKind, Registry};
use crate::diagnostic::finding::Finding;
use crate::model::policy::{Policy, Rule, Scope};
use crate::scan::{self, ScanConfig};
use crate::syntax::{header, yaml};
use markdown::{Document, Section, one_line};

/// The rules sources of other rules tools, read besides the agents' own files: ruler's
/// `.ruler/` Markdown, rulesync's `.rulesync/` rules and ai-rulez's YAML.
pub const TOOL_SOURCES: &[(&str, &str)] = &[
    ("ruler", ".ruler/**/*.md"),
    ("rulesync", ".rulesync/**/*.md"),
    ("ai-rulez", "ai-rulez.{yaml,yml}"),
    ("ai-rulez", ".ai-rulez/**/*.{yaml,yml,md}"),
];

/// The longest rule text the policy schema allows.
const MAX_RULE: usize = 1000;
/// The longest title the policy schema allows.
const MAX_TITLE: usize = 120;

/// One file to import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    /// Repository-relative path with `/` separators.
    pub path: String,
    /// The file's text.
    pub text: String,
}

/// Where a file to import comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// An agent's rules or instructions file, by the agent's target id.
    Agent(String),
    /// Another rules tool's source (`ruler`, `rulesync`, `ai-rulez`).
    Tool(&'static str),
}

impl Origin {
    /// Where a path comes from, if import reads it: agents' rules and instruction files and
    /// the other tools' sources; skills, commands, settings and ignore files are not rules.
    pub fn of(path: &str, registry: &Registry) -> Option<Origin> {
        if let Some((tool, _)) = TOOL_SOURCES.iter().find(|(_, glob)| {
            crate::agents::read_glob(glob).is_ok_and(|g| g.compile_matcher().is_match(path))
        }) {
            return Some(Origin::Tool(tool));
        }
        registry
            .classify(path)
            .filter(|file| matches!(file.kind, FileKind::Rules | FileKind::Instructions))
            .map(|file| Origin::Agent(file.agent))
    }

    /// The origin's name: an agent's target id or a tool's name.
    pub fn name(&self) -> &str {
        match self {
            Origin::Agent(id) => id,
            Origin::Tool(tool) => tool,
        }
    }
}

/// What became of one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Its rules are in the policies (some perhaps as duplicates of rules imported before).
    Imported,
    /// Only `@path` references to other files: nothing of its own to import.
    References,
    /// The scanner found hidden or risky content: nothing of it was imported.
    Withheld,
    /// rulesmith generated it: it is an output, not a source.
    Generated,
    /// It holds no text at all.
    Empty,
}

/// The report for one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileReport {
    /// Repository-relative path.
    pub path: String,
    /// The agent or tool it belongs to.
    pub origin: Origin,
    /// What became of it.
    pub status: Status,
    /// The policies made from it.
    pub policies: Vec<String>,
    /// Rules imported from it.
    pub rules: usize,
    /// Rules left out because an earlier file had the same text.
    pub duplicates: usize,
    /// Hidden-content findings in pieces left out of the import.
    pub left_out: usize,
}

impl FileReport {
    /// Whether the file may be replaced by generated files: everything it says is in the
    /// policies.
    pub fn replaceable(&self) -> bool {
        matches!(
            self.status,
            Status::Imported | Status::References | Status::Empty
        )
    }
}

/// What an import found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Imported {
    /// The policies, in the order of the files and sections they come from.
    pub policies: Vec<Policy>,
    /// Each file, in the order given.
    pub files: Vec<FileReport>,
    /// The scanner's findings in withheld files and in pieces of text left out.
    pub findings: Vec<Finding>,
}

/// Imports `inputs`, giving policies ids not in `taken` (the ids of existing policies).
pub fn import(
    inputs: &[(Input, Origin)],
    taken: &BTreeSet<String>,
    registry: &Registry,
    config: &ScanConfig,
) -> Imported {
    let mut out = Imported::default();
    let mut ids = taken.clone();
    let mut seen_rules = Seen::default();
    let mut seen_blocks = Seen::default();
    // Files that apply everywhere go first, so a rule they share with a scoped file is kept
    // where it applies most widely; the reports and policies keep the order given.
    let mut order: Vec<(usize, Scope)> = inputs
        .iter()
        .map(|(input, _)| scope(&input.path, split_frontmatter(&input.text).0))
        .enumerate()
        .collect();
    order.sort_by_key(|(index, scope)| (!scope.paths.is_empty(), *index));
    let mut reports: Vec<(usize, FileReport)> = Vec::new();
    let mut policies: Vec<(usize, Policy)> = Vec::new();
    for (index, scope) in order {
        let (input, origin) = &inputs[index];
        let mut report = FileReport {
            path: input.path.clone(),
            origin: origin.clone(),
            status: Status::Imported,
            policies: Vec::new(),
            rules: 0,
            duplicates: 0,
            left_out: 0,
        };
        if header::find(&input.text).is_some() {
            report.status = Status::Generated;
            reports.push((index, report));
            continue;
        }
        let findings = withheld(input, registry, config);
        if !findings.is_empty() {
            report.status = Status::Withheld;
            out.findings.extend(findings);
            reports.push((index, report));
            continue;
        }
        let (_, body) = split_frontmatter(&input.text);
        let document = match origin {
            Origin::Tool("ai-rulez") if !input.path.ends_with(".md") => ai_rulez(body),
            _ => markdown::parse(body),
        };
        let mut sections = document.sections;
        let before = out.findings.len();
        for section in &mut sections {
            section
                .rules
                .retain(|rule| clean(rule, input, config, &mut out.findings));
            section
                .blocks
                .retain(|block| clean(block, input, config, &mut out.findings));
        }
        report.left_out = out.findings.len() - before;
        for section in &mut sections {
            let before = section.rules.len();
            section
                .rules
                .retain(|rule| seen_rules.first(&scope, one_line(rule).to_lowercase()));
            report.duplicates += before - section.rules.len();
            section
                .blocks
                .retain(|block| seen_blocks.first(&scope, block.clone()));
        }
        let total: usize = sections.iter().map(|s| s.rules.len()).sum();
        let text_left = sections.iter().any(|s| !s.blocks.is_empty());
        if total == 0 && !text_left {
            report.status = match (text_left, report.duplicates, document.references) {
                (false, _, _) if report.duplicates > 0 => Status::Imported,
                (false, _, refs) if refs > 0 => Status::References,
                _ => Status::Empty,
            };
            reports.push((index, report));
            continue;
        }
        for policy in policies_of(&input.path, fold(sections), &scope, &mut ids) {
            report.rules += policy.rules.len();
            report.policies.push(policy.id.clone());
            policies.push((index, policy));
        }
        reports.push((index, report));
    }
    reports.sort_by_key(|(index, _)| *index);
    policies.sort_by_key(|(index, _)| *index);
    out.policies = policies.into_iter().map(|(_, policy)| policy).collect();
    out.files = reports.into_iter().map(|(_, report)| report).collect();
    out
}

/// Texts already imported, by the paths they apply to (none: everywhere).
#[derive(Default)]
struct Seen(BTreeSet<(Vec<String>, String)>);

impl Seen {
    /// Whether `text` is new where `scope` applies: not imported before for everywhere or for
    /// the same paths. Records it.
    fn first(&mut self, scope: &Scope, text: String) -> bool {
        if self.0.contains(&(Vec::new(), text.clone())) {
            return false;
        }
        self.0.insert((scope.paths.clone(), text))
    }
}

/// The scanner's findings in a file at or above the configured severity: any withholds the
/// whole file.
fn withheld(input: &Input, registry: &Registry, config: &ScanConfig) -> Vec<Finding> {
    let file = registry.classify(&input.path);
    scan::scan_text(&input.path, file.as_ref(), &input.text, config)
        .into_iter()
        .filter(|f| f.severity >= config.min_severity)
        .collect()
}

/// Whether a piece of imported text is free of what policy validation rejects (hidden text
/// such as HTML comments, hidden Unicode, secrets); if not, its problems become findings at
/// their place in the file, and the piece is left out.
fn clean(piece: &str, input: &Input, config: &ScanConfig, findings: &mut Vec<Finding>) -> bool {
    let problems = scan::policy_text_problems(piece);
    if problems.is_empty() {
        return true;
    }
    let probe: String = piece.chars().take(40).collect();
    let first_line = input.text.find(&probe).map_or(0, |at| {
        u32::try_from(input.text[..at].matches('\n').count()).unwrap_or(u32::MAX)
    });
    findings.extend(problems.into_iter().map(|problem| Finding {
        code: problem.code.into(),
        severity: config.severity(problem.code),
        path: input.path.clone(),
        line: first_line.saturating_add(problem.position.line),
        column: problem.position.column,
        message: format!("{}; left out of the import", problem.message),
        fix: problem.code.fix().to_owned(),
        excerpt: None,
        diff: None,
    }));
    false
}

/// Sections without rules joined to the section before them (the first to the one after),
/// heading included, so their text is kept; a file without any rule is one section of text,
/// titled as the file is.
fn fold(sections: Vec<Section>) -> Vec<Section> {
    let title = sections.first().and_then(|s| s.title.clone());
    let mut out: Vec<Section> = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    for mut section in sections {
        if section.rules.is_empty() {
            let text = section.heading.take().into_iter().chain(section.blocks);
            match out.last_mut() {
                Some(last) => last.blocks.extend(text),
                None => pending.extend(text),
            }
            continue;
        }
        if !pending.is_empty() {
            pending.append(&mut section.blocks);
            section.blocks = std::mem::take(&mut pending);
        }
        out.push(section);
    }
    if out.is_empty() && !pending.is_empty() {
        out.push(Section {
            title,
            blocks: pending,
            ..Section::default()
        });
    }
    out
}

/// One policy per section of the file at `path`.
fn policies_of(
    path: &str,
    sections: Vec<Section>,
    scope: &Scope,
    ids: &mut BTreeSet<String>,
) -> Vec<Policy> {
    let file_id = id_words(&path_stem(path), 3);
    let single = sections.len() == 1;
    sections
        .into_iter()
        .map(|section| {
            let base = match (&section.title, single) {
                (Some(title), false) => {
                    let words = id_words(title, 3);
                    if words.is_empty() {
                        file_id.clone()
                    } else {
                        format!("{file_id}-{words}")
                    }
                }
                _ => file_id.clone(),
            };
            let id = unique(&cap(&base), ids);
            let title = section
                .title
                .clone()
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| format!("Rules from {path}"));
            let mut rule_ids = BTreeSet::new();
            let mut blocks = section.blocks;
            let mut rules = Vec::new();
            for text in section.rules {
                if text.len() > MAX_RULE {
                    blocks.push(text);
                    continue;
                }
                let base = match id_words(&text, 4) {
                    s if s.is_empty() => "rule".to_owned(),
                    s => s,
                };
                rules.push(Rule {
                    id: unique(&cap(&base), &mut rule_ids),
                    level: level::infer(&text),
                    text,
                    verbatim: true,
                    rationale: None,
                    references: Vec::new(),
                    scope: Scope::default(),
                    tiers: Vec::new(),
                    reviewed: None,
                    example: None,
                    locked: None,
                });
            }
            Policy {
                id,
                title: truncate(&title, MAX_TITLE),
                description: (!blocks.is_empty()).then(|| blocks.join("\n\n")),
                scope: scope.clone(),
                tiers: Vec::new(),
                references: Vec::new(),
                rules,
                permissions: Default::default(),
                locked: Default::default(),
            }
        })
        .filter(|policy| !policy.rules.is_empty() || policy.description.is_some())
        .collect()
}

/// The words that name a file: its agent folder (`.cursor/` → `cursor`), the directory
/// it sits in within the project and its name without extensions, each word once:
/// `.cursor/rules/web.mdc` → `cursor web`, `apps/web/CLAUDE.md` → `web claude`,
/// `.github/copilot-instructions.md` → `copilot`, `.github/instructions/api.instructions.md`
/// → `copilot api`.
fn path_stem(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').collect();
    let (dirs, name) = segments.split_at(segments.len() - 1);
    let stem = name[0].trim_start_matches('.');
    let stem = stem.split('.').next().unwrap_or(stem);
    let stem = stem.strip_suffix("-instructions").unwrap_or(stem);
    let folder = dirs.iter().position(|d| d.starts_with('.'));
    let project = folder.map_or(dirs, |end| &dirs[..end]).last().copied();
    let agent = folder.map(|i| match dirs[i] {
        ".github" => "copilot",
        other => other.trim_start_matches('.'),
    });
    let mut words: Vec<String> = Vec::new();
    for word in [agent, project, Some(stem)].into_iter().flatten() {
        let word = word.to_ascii_lowercase();
        if !words.contains(&word) {
            words.push(word);
        }
    }
    words.join(" ")
}

/// Words too common to tell ids apart.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "of",
    "on", "or", "the", "this", "that", "to", "with", "you", "your",
];

/// An id of at most `max` words of `text`: lowercase ASCII letters and digits, without
/// common words or bare numbers (a heading's `3.`), joined by hyphens.
fn id_words(text: &str, max: usize) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !w.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_ascii_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .map(|w| w.chars().take(20).collect())
        .take(max)
        .collect();
    words.join("-")
}

/// The longest id import makes before a `-2` suffix: short enough to read and type.
const MAX_ID: usize = 40;

/// `id` cut after its last whole word within [`MAX_ID`] characters.
fn cap(id: &str) -> String {
    let mut out = String::new();
    for word in id.split('-') {
        if !out.is_empty() && out.len() + 1 + word.len() > MAX_ID {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    out
}

/// `base`, or `base-2`, `base-3`, … : the first not in `taken`, which then holds it.
fn unique(base: &str, taken: &mut BTreeSet<String>) -> String {
    let mut id = base.to_owned();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(id.clone());
    id
}

/// `text` cut to at most `max` characters, with an ellipsis when cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let kept: String = text.chars().take(max - 1).collect();
    format!("{}…", kept.trim_end())
}

/// A Markdown file's frontmatter (between `---` lines at its start) and its body.
fn split_frontmatter(text: &str) -> (&str, &str) {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return ("", text);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return (&rest[..offset], &rest[offset + line.len()..]);
        }
        offset += line.len();
    }
    ("", text)
}

/// The globs a frontmatter names, read as each agent writes them: `key: a,b` on one line
/// (Cursor reads the line verbatim, not as YAML) or a YAML list under the key.
fn frontmatter_globs(front: &str) -> Option<Vec<String>> {
    const KEYS: &[&str] = &["globs", "paths", "applyTo", "fileMatchPattern"];
    let mut lines = front.lines().peekable();
    let mut always = false;
    let mut found: Option<Vec<String>> = None;
    while let Some(line) = lines.next() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim();
        if key == "alwaysApply" && value.trim() == "true" {
            always = true;
        }
        if !KEYS.contains(&key) {
            continue;
        }
        let mut globs: Vec<String> = value
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .split(',')
            .map(unquote)
            .filter(|g| !g.is_empty())
            .collect();
        while let Some(item) = lines.peek().and_then(|l| l.trim().strip_prefix("- ")) {
            globs.push(unquote(item));
            lines.next();
        }
        if !globs.is_empty() {
            found.get_or_insert_with(Vec::new).extend(globs);
        }
    }
    found.filter(|_| !always)
}

fn unquote(text: &str) -> String {
    text.trim().trim_matches(['"', '\'']).trim().to_owned()
}

/// Where a file's rules apply: its frontmatter globs, else its directory (the part of its
/// path before the agent's own folder, such as `.cursor/`), else everywhere.
fn scope(path: &str, front: &str) -> Scope {
    let segments: Vec<&str> = path.split('/').collect();
    let end = segments[..segments.len() - 1]
        .iter()
        .position(|s| s.starts_with('.'))
        .unwrap_or(segments.len() - 1);
    let dir = segments[..end].join("/");
    let paths = match frontmatter_globs(front) {
        Some(globs) => globs
            .into_iter()
            .filter(|g| globset::Glob::new(g).is_ok() && !g.starts_with('/') && !g.contains(".."))
            .map(|g| match dir.as_str() {
                "" => g,
                dir => format!("{dir}/{}", g.trim_start_matches("./")),
            })
            .collect(),
        None if dir.is_empty() => Vec::new(),
        None => vec![format!("{dir}/**")],
    };
    Scope {
        paths,
        languages: Vec::new(),
    }
}

/// ai-rulez's YAML: each entry of `rules` and `sections` is a section, its `content` Markdown.
fn ai_rulez(text: &str) -> Document {
    let mut document = Document::default();
    let Ok(node) = yaml::parse(text) else {
        return document;
    };
    let value = node.to_json();
    for list in ["sections", "rules"] {
        for entry in value[list].as_array().into_iter().flatten() {
            let title = entry["name"].as_str().or(entry["title"].as_str());
            let Some(content) = entry["content"].as_str() else {
                continue;
            };
            let parsed = markdown::parse(content);
            document.references += parsed.references;
            let mut section = Section {
                title: title.map(one_line),
                ..Section::default()
            };
            for part in parsed.sections {
                section
                    .blocks
                    .extend(part.heading.into_iter().chain(part.blocks));
                section.rules.extend(part.rules);
            }
            document.sections.push(section);
        }
    }
    document
}

/// The policy file for `policy`, imported from `source`: a comment naming the source, then
/// the policy as YAML.
pub fn policy_file(policy: &Policy, source: &str) -> String {
    let yaml = serde_saphyr::to_string(policy).expect("policies serialize");
    format!(
        "# Imported by `rulesmith import` from {}; edit freely.\n{yaml}",
        source.replace(['\n', '\r'], " ")
    )
}

#[cfg(test)]
mod tests;
