//! `rulesmith init`: bootstraps a repository in which every agent follows the policies, CI fails
//! when the rules drift, and the handoff to engineering is prepared from the first day.
//!
//! Init writes two kinds of files. The manifest and the compiled outputs (agent files, the
//! working agreement, the lock) are managed: `build` rewrites them and `check` verifies them.
//! The harness (`.gitignore`, CI workflow, pre-commit config, pull-request template, HANDOFF.md,
//! SECURITY.md, …) is scaffolded once from `templates/` and then belongs to the project.
//!
//! [`plan`] is pure: the answers, the templates and what the directory holds go in, the exact
//! bytes of every file come out. Nothing existing is ever replaced, except agent files that
//! `--adopt` wraps in a managed block, keeping their text byte for byte.

pub mod answers;
pub mod harness;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::compile::{self, Budgets};
use crate::diagnostic::{Diagnostic, InputCode, SourceFile};
use crate::embedded;
use crate::load::tree::{Existing, Tree};
use crate::model::agreement::Lanes;
use crate::model::lock::{Entries, LOCK_PATH};
use crate::model::manifest::{BlockPlacement, MANIFEST_FILE};
use crate::model::policy::Language;
use crate::model::target::{Format, OutputMode};
use crate::reconcile::gitignore::{self, GITIGNORE, Hidden};
use crate::reconcile::ownership::{self, Refusal};
use crate::render::catalog::Catalog;
use crate::resolve::RuleSet;
use crate::syntax::header::{self, CommentStyle};
use crate::validate::schema::{SchemaKind, schema_text};

pub use answers::Answers;
use harness::{Harness, Stack};

/// What init does with one path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Writes a new file.
    Create,
    /// Replaces an existing agent file with its text kept and the rules in a managed block.
    Adopt,
    /// Leaves an existing file as it is (`--adopt`).
    Keep,
    /// Appends lines to an existing file, its text kept (`--fix-gitignore`).
    Extend,
}

/// One file of the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitFile {
    /// Path relative to the repository root.
    pub path: String,
    /// What happens to it.
    pub action: Action,
    /// The bytes to write; for [`Action::Keep`], empty.
    pub contents: String,
    /// For [`Action::Adopt`] and [`Action::Extend`], the file's current text, to restore if writing fails.
    pub original: Option<String>,
}

/// Every file init writes or keeps, sorted by path.
#[derive(Clone, Debug, Default)]
pub struct InitPlan {
    /// The files.
    pub files: Vec<InitFile>,
    /// Warnings from compiling the policies, such as size budgets; init goes on.
    pub warnings: Vec<Diagnostic>,
}

/// Every path init may write: the manifest, the lock, the harness and the output of every
/// target, so the load stage can read what is there.
pub fn candidate_paths(harness: &Harness, catalog: &Catalog) -> Vec<String> {
    let mut paths: Vec<String> = [MANIFEST_FILE, LOCK_PATH]
        .iter()
        .map(|p| (*p).to_owned())
        .chain(harness.spec.files.iter().map(|f| f.path.clone()))
        .chain(
            catalog
                .targets
                .values()
                .flat_map(|t| t.spec.outputs.iter().filter_map(|o| root_path(&o.path))),
        )
        .chain(harness.markers().map(str::to_owned))
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// The agent targets with an output already in the directory: adopting a repository selects
/// them, so their files are wrapped rather than left as rules that bypass the policies.
pub fn present_agents(catalog: &Catalog, tree: &Tree) -> Vec<String> {
    catalog
        .agent_ids()
        .into_iter()
        .filter(|id| {
            catalog.targets[id]
                .spec
                .outputs
                .iter()
                .filter_map(|o| root_path(&o.path))
                .any(|path| tree.files.contains_key(&path))
        })
        .collect()
}

/// The path an output has at the repository root, if it is one fixed path there:
/// `{directory}/AGENTS.md` is `AGENTS.md` at the root; `{group}` paths depend on the policies.
fn root_path(path: &str) -> Option<String> {
    let path = path.strip_prefix("{directory}/").unwrap_or(path);
    (!path.contains('{')).then(|| path.to_owned())
}

/// `.gitattributes` patterns for the whole files the selected targets write, for which `whole`
/// holds: exact paths, with `*` for the per-group part of a name (so files of policies added
/// later match too) and no directory for per-directory files (a pattern without `/` matches at
/// any depth). Settings files, which rulesmith merges entries into, stay the user's.
fn generated_patterns(
    catalog: &Catalog,
    targets: &[String],
    whole: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut patterns: Vec<String> = targets
        .iter()
        .filter_map(|id| catalog.targets.get(id))
        .flat_map(|target| &target.spec.outputs)
        .filter(|output| output.settings.is_none())
        .map(|output| {
            output
                .path
                .strip_prefix("{directory}/")
                .unwrap_or(&output.path)
                .replace("{group}", "*")
        })
        .chain([LOCK_PATH.to_owned()])
        .filter(|pattern| pattern.contains('*') || whole(pattern))
        .collect();
    patterns.sort();
    patterns.dedup();
    patterns
}

#[derive(Serialize)]
struct ManifestView<'a> {
    project: &'a str,
    tier: &'static str,
    agents: &'a [String],
    languages: &'a [Language],
    lanes: Lanes,
    managed_block_last: bool,
}

#[derive(Serialize)]
struct FilesView<'a> {
    #[serde(flatten)]
    rules: &'a RuleSet,
    stack: &'a Stack,
    generated: Vec<String>,
    engineering_owner: Option<&'a str>,
    rulesmith: Version,
    manifest_schema: String,
}

#[derive(Serialize)]
struct Version {
    version: &'static str,
    /// This repository's address.
    repository: &'static str,
    /// `owner/name` of this repository, for the action's `uses:` line.
    action: &'static str,
    /// The release commit the action is pinned to, when this binary is a release build.
    commit: Option<&'static str>,
}

/// The manifest init writes for `answers`.
pub fn manifest_text(answers: &Answers, harness: &Harness) -> Result<String, Diagnostic> {
    let mut lanes = Lanes::standard();
    lanes.engineering.owner = answers.engineering_owner.clone();
    harness.render_manifest(&ManifestView {
        project: &answers.project,
        tier: answers.tier.as_str(),
        agents: &answers.agents,
        languages: &harness.stacks[&answers.stack].languages,
        lanes,
        managed_block_last: answers.managed_block == BlockPlacement::Last,
    })
}

/// Plans every file of a new repository for `answers`, given what the directory holds
/// (`tree`) and the policies already under `.rulesmith/policies/`.
///
/// Existing files are conflicts, all reported at once, unless `adopt` is set: then agent files
/// get a managed block before their text (after it with `managed-block: last`; CODEOWNERS
/// always after) and other files are kept. Size budgets are checked on the files as adopted.
pub fn plan(
    answers: &Answers,
    adopt: bool,
    tree: &Tree,
    repo_policies: &[SourceFile],
    harness: &Harness,
    catalog: &Catalog,
) -> Result<InitPlan, Vec<Diagnostic>> {
    let text = manifest_text(answers, harness).map_err(|d| vec![d])?;
    let source = SourceFile::new(MANIFEST_FILE, text);
    let parsed = crate::validate::manifest::parse(&source)?;
    let mut sources = compile::load_sources(&source, &parsed, repo_policies, catalog)?;
    // A new repository has no targets of its own: the digest a later build computes.
    let no_targets = compile::digest_of([]);
    sources.inputs = Some(compile::inputs_digest(
        &source,
        &no_targets,
        repo_policies,
        None,
    ));
    let mut build = compile::compile_sources(&parsed.value, sources, catalog, Budgets::Measure)?;
    let (rules, outputs) = (&build.rules, &build.plan);
    let stack = &harness.stacks[&answers.stack];
    let scaffolded: Vec<&str> = harness
        .spec
        .files
        .iter()
        .filter(|f| f.tiers.is_empty() || f.tiers.contains(&answers.tier))
        .map(|f| f.path.as_str())
        .collect();
    let generated = generated_patterns(catalog, &build.targets, |path| {
        !tree.files.contains_key(path) && !scaffolded.contains(&path)
    });
    let view = FilesView {
        rules,
        stack,
        generated,
        engineering_owner: answers.engineering_owner.as_deref(),
        rulesmith: Version {
            version: env!("CARGO_PKG_VERSION"),
            repository: embedded::REPOSITORY,
            action: embedded::action_name(),
            commit: embedded::RELEASE_COMMIT,
        },
        manifest_schema: schema_text(SchemaKind::Manifest),
    };
    let mut problems = Vec::new();
    let scaffolds: BTreeMap<String, String> = harness
        .render_files(answers.tier, &view)?
        .into_iter()
        .collect();
    let mut wanted: Vec<(&str, String, Option<Managed>)> =
        vec![(MANIFEST_FILE, source.text.clone(), None)];
    for (path, text) in &scaffolds {
        if !outputs.files.iter().any(|f| &f.path == path) {
            wanted.push((path, text.clone(), None));
        }
    }
    for output in &outputs.files {
        if tree.files.contains_key(&output.path) {
            wanted.push((
                &output.path,
                output.contents.clone(),
                Some((output.mode, output.format)),
            ));
            continue;
        }
        // A scaffold with a managed block (CODEOWNERS) gets the output in its block.
        let scaffold = scaffolds.get(&output.path).map(String::as_str);
        let contents = match ownership::finalize(
            &output.path,
            &output.contents,
            output.mode,
            scaffold,
            &Entries::new(),
        ) {
            Ok(done) => done.contents,
            Err(refusal) => {
                problems.push(refused(&output.path, refusal, output.mode));
                continue;
            }
        };
        wanted.push((&output.path, contents, Some((output.mode, output.format))));
    }
    let mut files = Vec::new();
    let agent_ids = catalog.agent_ids();
    for (path, contents, managed) in wanted {
        // Agent files get the rules where the manifest says; CODEOWNERS keeps its block last,
        // since its last matching line wins.
        let is_agent_file = outputs
            .files
            .iter()
            .any(|f| f.path == path && agent_ids.contains(&f.target));
        let placement = if is_agent_file {
            parsed.value.managed_block
        } else {
            BlockPlacement::Last
        };
        match place(
            path,
            contents,
            managed,
            tree.files.get(path),
            adopt,
            placement,
        ) {
            Ok(file) => files.push(file),
            Err(problem) => problems.push(problem),
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    if let Err(errors) = enforce_budgets(&mut build, &mut files, &parsed.value, catalog) {
        problems.extend(errors);
    }
    if problems.is_empty() {
        Ok(InitPlan {
            files,
            warnings: build.warnings,
        })
    } else {
        Err(problems)
    }
}

/// Checks the size budgets on the files as init leaves them, adopted text included, and keeps
/// the lock it writes in step with the warnings.
fn enforce_budgets(
    build: &mut compile::Build,
    files: &mut [InitFile],
    manifest: &crate::model::manifest::Manifest,
    catalog: &Catalog,
) -> Result<(), Vec<Diagnostic>> {
    let placed = Tree::from_texts(
        files
            .iter()
            .filter(|f| f.action != Action::Keep)
            .map(|f| (f.path.clone(), f.contents.clone())),
    );
    let measurements = build.measure_read(&placed, catalog);
    build.enforce_budgets(measurements, manifest)?;
    let lock = build.plan.files.iter().find(|f| f.path == LOCK_PATH);
    let written = files
        .iter_mut()
        .find(|f| f.path == LOCK_PATH && f.action == Action::Create);
    if let (Some(lock), Some(written)) = (lock, written) {
        written.contents.clone_from(&lock.contents);
    }
    Ok(())
}

/// The files of the plan the repository's `.gitignore` (as the plan leaves it) would hide, with
/// the lines that keep them; with `fix`, those lines are appended to the planned `.gitignore`,
/// every other line kept.
pub fn hidden_files(dir: &Path, files: &mut [InitFile], tree: &Tree, fix: bool) -> Hidden {
    let Some(index) = files.iter().position(|f| f.path == GITIGNORE) else {
        return Hidden::default();
    };
    let text = match (&files[index].action, tree.files.get(GITIGNORE)) {
        (Action::Keep, Some(Existing::Text(text))) => text.clone(),
        (Action::Keep, _) => return Hidden::default(),
        _ => files[index].contents.clone(),
    };
    let written: Vec<&str> = files
        .iter()
        .filter(|f| f.action != Action::Keep)
        .map(|f| f.path.as_str())
        .collect();
    let hidden = gitignore::hidden(dir, &text, &written);
    if fix && !hidden.is_empty() {
        let file = &mut files[index];
        if file.action == Action::Keep {
            file.action = Action::Extend;
            file.original = Some(text.clone());
        }
        file.contents = hidden.fixed(&text);
    }
    hidden
}

/// How an output rulesmith manages is written, and what it holds.
type Managed = (OutputMode, Format);

/// What to do with `path`, given what exists there.
fn place(
    path: &str,
    contents: String,
    managed: Option<Managed>,
    existing: Option<&Existing>,
    adopt: bool,
    placement: BlockPlacement,
) -> Result<InitFile, Diagnostic> {
    match (existing, managed) {
        (None, _) => Ok(create(path, contents)),
        (Some(_), _) if path == MANIFEST_FILE => Err(conflict(
            path,
            "the directory is a rulesmith project already; run `rulesmith build` there",
        )),
        (Some(_), None) if adopt => Ok(InitFile {
            path: path.to_owned(),
            action: Action::Keep,
            contents: String::new(),
            original: None,
        }),
        (Some(existing), Some((mode, format))) if adopt => {
            adopt_file(path, existing, &contents, (mode, format), placement)
        }
        (Some(_), _) => Err(conflict(
            path,
            "rerun with `--adopt` to keep it (agent files get the rules in a managed block before their text), or move it away",
        )),
    }
}

fn create(path: &str, contents: String) -> InitFile {
    InitFile {
        path: path.to_owned(),
        action: Action::Create,
        contents,
        original: None,
    }
}

fn conflict(path: &str, hint: &str) -> Diagnostic {
    Diagnostic::error(InputCode::InitConflict, format!("{path} already exists"))
        .at(SourceFile::new(path, "").whole())
        .hint(hint)
}

fn refused(path: &str, refusal: Refusal, mode: OutputMode) -> Diagnostic {
    let message = match (refusal, mode) {
        (Refusal::Markers(error), OutputMode::Text(style)) => {
            format!("broken managed block in {path}: {}", error.describe(style))
        }
        _ => format!("cannot place rulesmith's managed block in {path}"),
    };
    Diagnostic::error(InputCode::BrokenMarkers, message)
        .at(SourceFile::new(path, "").whole())
        .hint("keep exactly one begin line followed by one end line, or remove both; nothing was written")
}

/// The adopted form of an existing output: its text kept, the rendered rules in a managed block
/// placed as `placement` says (or in the block it already has).
fn adopt_file(
    path: &str,
    existing: &Existing,
    rendered: &str,
    (mode, format): Managed,
    placement: BlockPlacement,
) -> Result<InitFile, Diagnostic> {
    let text = match existing {
        Existing::Text(text) => text,
        Existing::Symlink { .. } => {
            return Err(conflict(
                path,
                "it is a symlink, and rulesmith never writes through symlinks; replace it with a file or move it away",
            ));
        }
        Existing::Opaque { reason } => {
            return Err(conflict(
                path,
                &format!("it {reason}, so rulesmith cannot keep its text; move it away"),
            ));
        }
    };
    let base = match mode {
        OutputMode::Text(style)
            if !matches!(ownership::find_block(text, style), Ok(Some(_)) | Err(_))
                && crate::syntax::header::find(text).is_none() =>
        {
            wrap(text, style, placement, format)
        }
        _ => text.clone(),
    };
    let done = ownership::finalize(path, rendered, mode, Some(&base), &Entries::new())
        .map_err(|r| refused(path, r, mode))?;
    Ok(InitFile {
        path: path.to_owned(),
        action: Action::Adopt,
        contents: done.contents,
        original: Some(text.clone()),
    })
}

/// `text` with an empty managed block in its own line endings: after a byte order mark and
/// frontmatter and before the rest when `placement` is first, after everything when last.
/// TOML ignores `placement`: keys after a `[table]` header belong to that table, so the block
/// goes after the file's top-level keys and before its first header, keeping both the file's
/// keys and the block's own tables where they were meant to be.
fn wrap(text: &str, style: CommentStyle, placement: BlockPlacement, format: Format) -> String {
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    if format == Format::Toml {
        let Some(table) = first_table_header(text) else {
            return wrap(text, style, BlockPlacement::Last, Format::Markdown);
        };
        let mut out = wrap(
            &text[..table],
            style,
            BlockPlacement::Last,
            Format::Markdown,
        );
        out.push_str(newline);
        out.push_str(&text[table..]);
        return out;
    }
    let mut block = String::new();
    for word in [header::BEGIN, header::END] {
        block.push_str(&ownership::marker(style, word));
        block.push_str(newline);
    }
    if placement == BlockPlacement::First {
        let (head, rest) = text.split_at(preamble_end(text));
        let mut out = format!("{head}{block}");
        if rest.trim().is_empty() {
            out.push_str(rest.trim_start_matches(['\r', '\n']));
        } else {
            out.push_str(newline);
            out.push_str(rest);
        }
        return out;
    }
    let mut out = text.to_owned();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(newline);
    }
    if !out.trim().is_empty() && !out.ends_with(&format!("{newline}{newline}")) {
        out.push_str(newline);
    }
    out.push_str(&block);
    out
}

/// Where the text that must stay at the top of a file ends: a byte order mark and a
/// frontmatter block between `---` lines, when the file has them.
fn preamble_end(text: &str) -> usize {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = &text[bom..];
    let mut lines = body.split_inclusive('\n');
    let Some(first) = lines.next() else {
        return bom;
    };
    if first.trim_end() != "---" {
        return bom;
    }
    let mut offset = bom + first.len();
    for line in lines {
        offset += line.len();
        if line.trim_end() == "---" {
            return offset;
        }
    }
    // An unclosed frontmatter is not one.
    bom
}

/// Where the first `[table]` or `[[array]]` header of a TOML document starts.
fn first_table_header(text: &str) -> Option<usize> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with('[') {
            return Some(start);
        }
        start += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_whose_files_exist_are_found() {
        let spec = |id: &str, path: &str| {
            format!(
                "id: {id}\nname: X\noutputs:\n  - path: {path}\n    template: t.hbs\n    comment: html\n"
            )
        };
        let (a, b) = (spec("a", "A.md"), spec("b", "B.md"));
        let catalog = Catalog::from_files(
            [
                ("a/target.yaml", a.as_str()),
                ("a/t.hbs", "x"),
                ("b/target.yaml", b.as_str()),
                ("b/t.hbs", "x"),
            ],
            "t/",
        )
        .unwrap();
        let mut tree = Tree::default();
        tree.files
            .insert("B.md".into(), Existing::Text("mine".into()));
        assert_eq!(present_agents(&catalog, &tree), ["b"]);
    }

    #[test]
    fn wrapping_last_keeps_the_text_as_a_prefix_in_its_line_endings() {
        let last = BlockPlacement::Last;
        assert_eq!(
            wrap("# Mine", CommentStyle::Html, last, Format::Markdown),
            "# Mine\n\n<!-- rulesmith:begin -->\n<!-- rulesmith:end -->\n"
        );
        assert_eq!(
            wrap("a\r\nb\r\n", CommentStyle::Hash, last, Format::Markdown),
            "a\r\nb\r\n\r\n# rulesmith:begin\r\n# rulesmith:end\r\n"
        );
        assert_eq!(
            wrap("", CommentStyle::Html, last, Format::Markdown),
            "<!-- rulesmith:begin -->\n<!-- rulesmith:end -->\n"
        );
    }

    #[test]
    fn wrapping_first_puts_the_block_after_a_byte_order_mark_and_frontmatter() {
        let first = BlockPlacement::First;
        assert_eq!(
            wrap("# Mine\n", CommentStyle::Html, first, Format::Markdown),
            "<!-- rulesmith:begin -->\n<!-- rulesmith:end -->\n\n# Mine\n"
        );
        assert_eq!(
            wrap(
                "\u{feff}---\ntrigger: always_on\n---\nBody\r\n",
                CommentStyle::Html,
                first,
                Format::Markdown
            ),
            "\u{feff}---\ntrigger: always_on\n---\n<!-- rulesmith:begin -->\r\n<!-- rulesmith:end -->\r\n\r\nBody\r\n"
        );
        // An unclosed frontmatter is text like any other.
        assert_eq!(
            wrap("---\nno end\n", CommentStyle::Html, first, Format::Markdown),
            "<!-- rulesmith:begin -->\n<!-- rulesmith:end -->\n\n---\nno end\n"
        );
        assert_eq!(
            wrap("", CommentStyle::Html, first, Format::Markdown),
            "<!-- rulesmith:begin -->\n<!-- rulesmith:end -->\n"
        );
    }
}
