//! What a target spec says about its agent beyond the files rulesmith writes: the files the
//! agent reads, the settings that switch its prompts or protections off, where it is
//! documented, and whether it is still maintained.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What a target is.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum TargetKind {
    /// An AI coding agent: the manifest's `targets` list selects it.
    #[default]
    Agent,
    /// The working agreement: the manifest's `agreement` section selects it, not `targets`.
    Agreement,
}

/// Whether the agent is still maintained.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// No source says either way.
    #[default]
    Unknown,
    /// Maintained, per the documentation cited.
    Active,
    /// Shut down or archived by its vendor; kept for existing installations.
    EndOfLife,
}

impl Status {
    /// The status as `rulesmith targets` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unknown => "not known",
            Status::Active => "active",
            Status::EndOfLife => "end of life",
        }
    }
}

/// What role a file plays for the agent that reads it.
#[derive(
    Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// A top-level instruction file loaded into every session (`CLAUDE.md`, `AGENTS.md`).
    Instructions,
    /// A rule file, often scoped by globs (`.cursor/rules/*.mdc`, `.claude/rules/*.md`).
    Rules,
    /// A skill definition or one of its supporting files (`SKILL.md`).
    Skill,
    /// A custom command, prompt file or workflow the user can invoke.
    Command,
    /// A subagent, custom agent or chat mode definition.
    Subagent,
    /// Agent settings and permission files.
    Settings,
    /// An MCP server configuration.
    Mcp,
    /// A file telling an agent which files to ignore.
    Ignore,
}

impl FileKind {
    /// The kind's name as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Instructions => "instructions",
            FileKind::Rules => "rules",
            FileKind::Skill => "skill",
            FileKind::Command => "command",
            FileKind::Subagent => "subagent",
            FileKind::Settings => "settings",
            FileKind::Mcp => "mcp",
            FileKind::Ignore => "ignore",
        }
    }

    /// Whether the file's text is read by the agent as instructions (as opposed to settings,
    /// MCP configuration or ignore patterns).
    pub fn is_prose(self) -> bool {
        matches!(
            self,
            FileKind::Instructions
                | FileKind::Rules
                | FileKind::Skill
                | FileKind::Command
                | FileKind::Subagent
        )
    }

    /// Whether the file is structured configuration that can switch prompts off.
    pub fn is_config(self) -> bool {
        matches!(self, FileKind::Settings | FileKind::Mcp)
    }
}

/// Files the agent reads, by glob.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ReadSpec {
    /// Glob over repository-relative paths with `/` separators; `*` stays within a directory
    /// and `**/` matches at any depth. When several agents' globs match a file, the glob with
    /// the most literal characters names its reader.
    pub path: String,
    /// What the agent reads the file for.
    pub kind: FileKind,
    /// The target that writes the file, when it is another target's output the agent reads as
    /// well as its own (`agents` for `AGENTS.md`). When both targets are selected, this
    /// target's files leave out the rule groups the other target's files already carry (see
    /// the manifest's `overlap`). Such a read does not classify the file: its writer does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The vendor page, one of the spec's `docs`, that says the agent reads the file; required
    /// with `from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What a user should know about the read, as one clause without a final stop (a setting
    /// that switches it off, a surface of the product that does not read it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A setting that switches the agent's prompts or protections off. rulesmith refuses to write
/// a file holding it, and `scan` and `check` report it in the agent's settings files.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct UnsafeSetting {
    /// JSON pointer into the parsed file (`/general/defaultApprovalMode`); `*` matches any key,
    /// and a dotted key written flat (`"chat.tools.autoApprove"`) is found too.
    #[schemars(regex(pattern = r"^/"))]
    pub setting: String,
    /// The value that is unsafe; absent with `non-empty`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Scalar>,
    /// Any non-empty list is unsafe.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub non_empty: bool,
    /// What the setting switches off, which sets the scan finding's code.
    pub effect: Effect,
    /// What the setting does, as one clause without a final stop; `scan` and `check` print it
    /// as the finding's message and `build` after the setting it refuses.
    pub why: String,
}

/// A setting's value.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(untagged)]
pub enum Scalar {
    /// `true` or `false`.
    Bool(bool),
    /// A string.
    Text(String),
}

/// What an unsafe setting switches off.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// Every approval prompt.
    ApprovalBypass,
    /// A sandbox, trust or approval layer.
    ProtectionDisabled,
    /// Prompts for some tools.
    AutoApprovedTools,
    /// Prompts for every shell command.
    BlanketAllow,
    /// The review of project MCP servers before they start.
    AllMcpServersEnabled,
}

/// A protection rulesmith writes for an agent that the agent's own documentation says is not a
/// security boundary; `rulesmith targets` says so instead of implying protection.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Caveat {
    /// The mechanism, as the file and key rulesmith writes (`.gemini/settings.json` `tools.exclude`).
    pub mechanism: String,
    /// What the vendor's documentation says about it, as one clause without a final stop.
    pub why: String,
}
