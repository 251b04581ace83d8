//! Target specs: what an agent reads, described as data in `targets/<id>/target.yaml`.
//!
//! A spec lists the agent's outputs (which file, from which template, once or per scope), the
//! frontmatter each file carries (line by line in the form the vendor documents), the size budgets the agent
//! is known to enforce, the permission entries it merges into settings files, and which files it
//! reads in place of others. It also says which files the agent reads, which of its settings
//! switch prompts off, where the agent is documented and whether it is maintained (see
//! [`crate::agents`]). Adding an agent needs a spec and templates, not Rust.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::agent::{Caveat, ReadSpec, Status, TargetKind, UnsafeSetting};
use crate::syntax::header::CommentStyle;

/// One agent's target: the files rulesmith renders for it.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TargetSpec {
    /// Target id used in the manifest's `targets` list.
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub id: String,
    /// The agent's product name.
    pub name: String,
    /// One sentence on what the target produces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// What the target is: an agent (the default) or the working agreement.
    #[serde(default)]
    pub kind: TargetKind,
    /// Whether the agent is still maintained.
    #[serde(default)]
    pub status: Status,
    /// The vendor's documentation pages the facts in this spec come from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub docs: Vec<String>,
    /// How the agent limits a rule to part of the repository.
    #[serde(default)]
    pub scoping: Scoping,
    /// Other targets this one needs (e.g. Codex settings need the `AGENTS.md` files); they are
    /// built whenever this one is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<String>,
    /// The files this target writes; none for an agent rulesmith only reads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<OutputSpec>,
    /// The files the agent reads, for `scan` and for `check`'s shadow rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reads: Vec<ReadSpec>,
    /// Settings that switch the agent's prompts or protections off: `build` refuses to write
    /// them, `check` and `scan` report them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unsafe_settings: Vec<UnsafeSetting>,
    /// Protections this target writes that the agent's documentation says are not a security
    /// boundary.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_a_boundary: Vec<Caveat>,
    /// Size limits the agent is known to have.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub budgets: Vec<Budget>,
    /// Rules files the agent reads only the first of, in its order; rulesmith warns when a build
    /// writes several of them and the agent's own target is not selected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reads_first_of: Vec<String>,
    /// Where the facts in this spec come from and what is left out for lack of evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// How an agent limits a rule to part of the repository.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Scoping {
    /// It cannot: scoped rules go in the main file under a heading naming where they apply.
    #[default]
    None,
    /// Per file, by path globs in the rule file's frontmatter.
    Globs,
    /// Per directory, by instruction files nested in the directories they cover.
    Directories,
}

impl Scoping {
    /// The mechanism's name as `rulesmith targets` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            Scoping::None => "none (headings)",
            Scoping::Globs => "path globs",
            Scoping::Directories => "nested directories",
        }
    }
}

/// One generated file, or one per group or directory.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OutputSpec {
    /// Output path relative to the repository root, with `/` separators. `{group}` stands for
    /// the group id (with `each: group`); `{directory}/` for the directory (with
    /// `each: directory`), and disappears at the repository root.
    pub path: String,
    /// How many files this output makes.
    #[serde(default)]
    pub each: Each,
    /// Which rule groups the output covers.
    #[serde(default)]
    pub select: Select,
    /// Template file, relative to the target's directory; absent for settings outputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The comment syntax of the generated file, for the rulesmith header; required with a
    /// template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<CommentStyle>,
    /// What the file holds; rulesmith parses structured files to refuse unsafe settings.
    #[serde(default)]
    pub format: Format,
    /// The frontmatter, written line by line in the form the vendor's documentation shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frontmatter: Option<FrontmatterSpec>,
    /// Skip the file when its rendered body is empty (e.g. an ignore file with nothing to
    /// ignore, since some agents read an empty ignore file as "ignore everything").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skip_empty: bool,
    /// Permission entries merged into an existing JSON settings file instead of a template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<SettingsSpec>,
}

/// How many files an output makes.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Each {
    /// One file with every selected group.
    #[default]
    Once,
    /// One file per selected group; the path names it with `{group}`.
    Group,
    /// One file at the repository root and one in each directory a scoped group covers; the
    /// path names it with `{directory}/`.
    Directory,
}

/// Which rule groups an output covers.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Select {
    /// Every group.
    #[default]
    All,
    /// Groups that apply everywhere.
    Unscoped,
    /// Groups that apply to part of the repository.
    Scoped,
}

/// What a generated file holds.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Markdown instructions, optionally with frontmatter.
    #[default]
    Markdown,
    /// Plain text, such as an ignore file.
    Text,
    /// A YAML configuration file.
    Yaml,
    /// A TOML configuration file.
    Toml,
    /// A JSON settings file, merged (with `settings`).
    Json,
}

/// An output's frontmatter: the vendor's documented example and the keys written after it.
///
/// Agents read frontmatter with readers of their own, some of them not YAML at all (Cursor takes
/// `key: rest-of-line` verbatim), so each key is written in exactly one documented form and a
/// value that form cannot carry is refused, never escaped.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FrontmatterSpec {
    /// The vendor page that documents the frontmatter.
    pub follows: String,
    /// The example on that page the fields follow, quoted as the page shows it.
    pub example: String,
    /// The keys, in the order they are written.
    pub fields: Vec<FrontmatterField>,
}

/// One frontmatter key and how its value is written.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub struct FrontmatterField {
    /// The key.
    #[schemars(regex(pattern = r"^[A-Za-z][A-Za-z0-9_]*$"))]
    pub key: String,
    /// The value and its form.
    #[serde(flatten)]
    pub value: FieldValue,
}

/// A frontmatter value and the form it is written in.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub enum FieldValue {
    /// A fixed word written as is (`true`, `always_on`, `fileMatch`).
    Literal(String),
    /// A handlebars template rendered with the output's fields and written verbatim after the
    /// key, for agents that read the rest of the line as the value; the key is left out when
    /// it renders empty.
    Text(String),
    /// Like `text`, written inside double quotes for agents that read YAML.
    QuotedText(String),
    /// The group's path globs, braces expanded, in one documented form.
    Globs(GlobForm),
}

/// How a list of globs is written in frontmatter.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum GlobForm {
    /// `key: a,b`: one unquoted line, joined by commas without spaces.
    CommaList,
    /// `key: "a,b"`: one double-quoted line, joined by commas without spaces.
    QuotedCommaList,
    /// `key: ["a", "b"]`: a one-line list of double-quoted globs.
    QuotedFlowList,
    /// `key: "a"` for one glob, `key: ["a", "b"]` for several.
    QuotedSingleOrFlowList,
    /// `key:` followed by one `  - "a"` line per glob.
    QuotedList,
}

impl GlobForm {
    /// Whether the form separates globs with commas, so a glob may not hold one.
    pub fn comma_separated(self) -> bool {
        !matches!(self, GlobForm::QuotedList)
    }

    /// Whether the form writes globs inside double quotes.
    pub fn quoted(self) -> bool {
        !matches!(self, GlobForm::CommaList)
    }
}

/// Permission entries merged into a JSON settings file. Keys and entries the user wrote stay;
/// rulesmith adds its own entries and removes only entries it added before.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SettingsSpec {
    /// The JSON object a new file starts from.
    #[serde(default)]
    pub initial: serde_json::Map<String, serde_json::Value>,
    /// Lists of entries by JSON pointer (`/permissions/deny`).
    pub entries: BTreeMap<String, Vec<EntrySpec>>,
}

/// Entries made from one kind of permission intent.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EntrySpec {
    /// The intent the entries come from.
    pub from: Intent,
    /// Handlebars templates making each entry from one intent item; an entry that renders
    /// empty is left out. Paths offer `glob` (as written), `anywhere` (`**/` before a bare name)
    /// and `anchored` (`/` before a path with a directory, `**/` before a bare name); commands
    /// offer `command` and `wildcard` (whether a word is `*`).
    pub each: Vec<String>,
}

/// A kind of permission intent.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Intent {
    /// Files agents must not read.
    DenyRead,
    /// Commands to ask before.
    AskCommands,
    /// Commands to refuse.
    DenyCommands,
    /// Programs that must not run a piped-in script.
    DenyPipedTo,
    /// The built-in web fetch tool must ask first (one entry when set).
    AskWebFetch,
}

/// A size limit an agent enforces or advises.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Budget {
    /// Glob over this target's output paths (`*` stays within a directory).
    pub files: String,
    /// What the limit is measured over.
    pub across: Across,
    /// The limit.
    #[schemars(range(min = 1))]
    pub limit: u64,
    /// The unit of the limit.
    pub unit: Unit,
    /// Whether exceeding it fails the build or warns.
    pub kind: BudgetKind,
    /// What the agent does beyond the limit, and the source.
    pub reason: String,
}

/// What a budget is measured over.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Across {
    /// Each matching file on its own.
    File,
    /// All matching files together.
    All,
    /// Each matching file with the matching files in its parent directories, as an agent
    /// reads them from the repository root down.
    Chain,
}

/// A unit of size.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    /// UTF-8 bytes.
    Bytes,
    /// Unicode scalar values.
    Characters,
    /// Lines.
    Lines,
}

impl Unit {
    /// Measures `text` in this unit.
    pub fn measure(self, text: &str) -> u64 {
        match self {
            Unit::Bytes => text.len() as u64,
            Unit::Characters => text.chars().count() as u64,
            Unit::Lines => text.lines().count() as u64,
        }
    }

    /// The unit's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Bytes => "bytes",
            Unit::Characters => "characters",
            Unit::Lines => "lines",
        }
    }
}

/// Whether a budget is enforced by the agent or only advised.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum BudgetKind {
    /// The agent truncates or drops what is over: the build fails.
    Hard,
    /// The agent's documentation advises it: the build warns.
    Advisory,
}

/// How an output's final bytes relate to the file already on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputMode {
    /// A text file that carries rulesmith's header comment in this syntax. When the existing
    /// file holds managed-block markers, only the block is rulesmith's.
    Text(CommentStyle),
    /// A file in rulesmith's own `.rulesmith/` directory, such as the lock file: it carries no
    /// header and is replaced whole.
    Owned,
    /// A JSON settings file shared with the user: the output holds rulesmith's entries, which
    /// are merged into the file on disk; the user's keys and entries stay.
    Settings,
}
