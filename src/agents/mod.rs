//! The catalogue of files that AI coding agents read: one table, used to discover agent files
//! in a repository (`scan`) and to spot agent rules that rulesmith did not generate (`check`).
//!
//! Paths are repository-relative with `/` separators. Every pattern matches at any depth,
//! because agents read nested files (a `CLAUDE.md` in a subdirectory, a `.claude/` in a
//! monorepo package). Earlier entries win, so specific locations come before general names.

use std::sync::OnceLock;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// What role a file plays for its agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
}

/// A known agent file: which agent reads it and what for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AgentFile {
    /// The agent's id, e.g. `claude`, `cursor`; `agents` for the shared `AGENTS.md` convention.
    pub agent: &'static str,
    /// The file's role.
    pub kind: FileKind,
}

/// One catalogue entry: a glob over repository-relative paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The glob, matched with `/` as a literal separator; `**/` makes it match at any depth.
    pub pattern: &'static str,
    /// Which agent reads matching files, and what for.
    pub file: AgentFile,
}

const fn entry(pattern: &'static str, agent: &'static str, kind: FileKind) -> Entry {
    Entry {
        pattern,
        file: AgentFile { agent, kind },
    }
}

use FileKind::{Command, Ignore, Instructions, Mcp, Rules, Settings, Skill, Subagent};

/// Every known agent file location, most specific first.
pub const CATALOGUE: &[Entry] = &[
    // Claude Code.
    entry("**/.claude/skills/**/*.md", "claude", Skill),
    entry("**/.claude/commands/**/*.md", "claude", Command),
    entry("**/.claude/agents/**/*.md", "claude", Subagent),
    entry("**/.claude/rules/**/*.md", "claude", Rules),
    entry("**/.claude/CLAUDE.md", "claude", Instructions),
    entry("**/.claude/settings.json", "claude", Settings),
    entry("**/.claude/settings.local.json", "claude", Settings),
    entry("**/CLAUDE.md", "claude", Instructions),
    entry("**/CLAUDE.local.md", "claude", Instructions),
    entry("**/.mcp.json", "claude", Mcp),
    // OpenAI Codex.
    entry("**/AGENTS.override.md", "codex", Instructions),
    entry("**/.codex/config.toml", "codex", Settings),
    entry("**/.codex/rules/**/*.rules", "codex", Settings),
    entry("**/.codex/prompts/**/*.md", "codex", Command),
    entry("**/.codex/skills/**/*.md", "codex", Skill),
    entry("**/.agents/skills/**/*.md", "codex", Skill),
    // Cursor.
    entry("**/.cursor/rules/**/*.mdc", "cursor", Rules),
    entry("**/.cursor/rules/**/*.md", "cursor", Rules),
    entry("**/.cursor/commands/**/*.md", "cursor", Command),
    entry("**/.cursor/skills/**/*.md", "cursor", Skill),
    entry("**/.cursor/agents/**/*.md", "cursor", Subagent),
    entry("**/.cursor/cli.json", "cursor", Settings),
    entry("**/.cursor/mcp.json", "cursor", Mcp),
    entry("**/.cursorrules", "cursor", Rules),
    entry("**/.cursorignore", "cursor", Ignore),
    entry("**/.cursorindexingignore", "cursor", Ignore),
    // GitHub Copilot and VS Code.
    entry(
        "**/.github/copilot-instructions.md",
        "copilot",
        Instructions,
    ),
    entry(
        "**/.github/instructions/**/*.instructions.md",
        "copilot",
        Rules,
    ),
    entry("**/.github/prompts/**/*.prompt.md", "copilot", Command),
    entry("**/.github/chatmodes/**/*.chatmode.md", "copilot", Subagent),
    entry("**/.github/agents/**/*.md", "copilot", Subagent),
    entry("**/.github/skills/**/*.md", "copilot", Skill),
    entry("**/.vscode/settings.json", "copilot", Settings),
    entry("**/.vscode/mcp.json", "copilot", Mcp),
    // Windsurf / Devin Desktop.
    entry("**/.windsurf/rules/**/*.md", "windsurf", Rules),
    entry("**/.devin/rules/**/*.md", "windsurf", Rules),
    entry("**/.windsurf/workflows/**/*.md", "windsurf", Command),
    entry("**/.windsurfrules", "windsurf", Rules),
    entry("**/.codeiumignore", "windsurf", Ignore),
    // Cline.
    entry("**/.clinerules/workflows/**/*.md", "cline", Command),
    entry("**/.clinerules/**/*.md", "cline", Rules),
    entry("**/.clinerules/**/*.txt", "cline", Rules),
    entry("**/.clinerules", "cline", Rules),
    entry("**/.cline/rules/**/*.md", "cline", Rules),
    entry("**/.clineignore", "cline", Ignore),
    // Roo Code.
    entry("**/.roo/rules/**", "roo", Rules),
    entry("**/.roo/rules-*/**", "roo", Rules),
    entry("**/.roo/commands/**/*.md", "roo", Command),
    entry("**/.roo/mcp.json", "roo", Mcp),
    entry("**/.roorules", "roo", Rules),
    entry("**/.roorules-*", "roo", Rules),
    entry("**/.roomodes", "roo", Settings),
    entry("**/.rooignore", "roo", Ignore),
    // Gemini CLI.
    entry("**/GEMINI.md", "gemini", Instructions),
    entry("**/.gemini/settings.json", "gemini", Settings),
    entry("**/.gemini/policies/**/*.toml", "gemini", Settings),
    entry("**/.gemini/commands/**/*.toml", "gemini", Command),
    entry("**/.gemini/skills/**/*.md", "gemini", Skill),
    entry("**/.gemini/agents/**/*.md", "gemini", Subagent),
    entry("**/.geminiignore", "gemini", Ignore),
    // Aider.
    entry("**/.aider.conf.yml", "aider", Settings),
    entry("**/CONVENTIONS.md", "aider", Instructions),
    entry("**/.aiderignore", "aider", Ignore),
    // JetBrains Junie.
    entry("**/.junie/guidelines.md", "junie", Instructions),
    entry("**/.junie/AGENTS.md", "junie", Instructions),
    entry("**/.junie/playbook.md", "junie", Instructions),
    entry("**/.junie/rules/**/*.md", "junie", Rules),
    entry("**/.junie/mcp/mcp.json", "junie", Mcp),
    entry("**/.aiignore", "junie", Ignore),
    // Amazon Q Developer.
    entry("**/.amazonq/rules/**/*.md", "amazonq", Rules),
    entry("**/.amazonq/default.json", "amazonq", Mcp),
    entry("**/.amazonq/mcp.json", "amazonq", Mcp),
    entry("**/.amazonq/cli-agents/**/*.json", "amazonq", Subagent),
    // Kiro.
    entry("**/.kiro/steering/**/*.md", "kiro", Rules),
    entry("**/.kiro/settings/mcp.json", "kiro", Mcp),
    entry("**/.kiro/agents/**/*.json", "kiro", Subagent),
    entry("**/.kiro/hooks/**/*.kiro.hook", "kiro", Settings),
    entry("**/.kiroignore", "kiro", Ignore),
    // Continue.
    entry("**/.continue/rules/**/*.md", "continue", Rules),
    entry("**/.continue/prompts/**/*.{md,prompt}", "continue", Command),
    entry(
        "**/.continue/mcpServers/**/*.{yaml,yml,json}",
        "continue",
        Mcp,
    ),
    entry("**/.continue/config.yaml", "continue", Settings),
    entry("**/.continueignore", "continue", Ignore),
    // Zed.
    entry("**/.rules", "zed", Rules),
    entry("**/.zed/settings.json", "zed", Settings),
    // Augment.
    entry("**/.augment/rules/**/*.{md,mdx}", "augment", Rules),
    entry("**/.augment/commands/**/*.md", "augment", Command),
    entry("**/.augment/guidelines.md", "augment", Instructions),
    entry("**/.augment/settings.json", "augment", Settings),
    entry("**/.augment-guidelines", "augment", Instructions),
    entry("**/.augmentignore", "augment", Ignore),
    // OpenHands.
    entry("**/.openhands/microagents/**/*.md", "openhands", Rules),
    entry("**/.openhands/skills/**/*.md", "openhands", Skill),
    // Firebase Studio.
    entry("**/.idx/airules.md", "firebase-studio", Instructions),
    entry("**/.idx/mcp.json", "firebase-studio", Mcp),
    entry("**/.aiexclude", "firebase-studio", Ignore),
    // opencode.
    entry("**/.opencode/agents/**/*.md", "opencode", Subagent),
    entry("**/.opencode/agent/**/*.md", "opencode", Subagent),
    entry("**/.opencode/commands/**/*.md", "opencode", Command),
    entry("**/.opencode/command/**/*.md", "opencode", Command),
    entry("**/opencode.json", "opencode", Settings),
    entry("**/opencode.jsonc", "opencode", Settings),
    // Warp.
    entry("**/WARP.md", "warp", Instructions),
    // Shared conventions, read by several agents.
    entry("**/AGENTS.md", "agents", Instructions),
    entry("**/AGENT.md", "agents", Instructions),
    entry("**/SKILL.md", "agents", Skill),
];

fn matcher() -> &'static GlobSet {
    static SET: OnceLock<GlobSet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut builder = GlobSetBuilder::new();
        for entry in CATALOGUE {
            let glob = GlobBuilder::new(entry.pattern)
                .literal_separator(true)
                .build()
                .expect("catalogue patterns are valid globs");
            builder.add(glob);
        }
        builder.build().expect("catalogue patterns compile")
    })
}

/// Classifies a repository-relative, `/`-separated path as a known agent file.
pub fn classify(path: &str) -> Option<AgentFile> {
    let path = path.strip_prefix("./").unwrap_or(path);
    matcher()
        .matches(path)
        .into_iter()
        .min()
        .map(|index| CATALOGUE[index].file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(path: &str) -> Option<(&'static str, FileKind)> {
        classify(path).map(|file| (file.agent, file.kind))
    }

    #[test]
    fn every_agent_in_the_reference_is_covered() {
        let cases = [
            ("CLAUDE.md", "claude", Instructions),
            ("packages/api/CLAUDE.md", "claude", Instructions),
            (".claude/CLAUDE.md", "claude", Instructions),
            ("CLAUDE.local.md", "claude", Instructions),
            (".claude/rules/frontend/react.md", "claude", Rules),
            (".claude/skills/release/SKILL.md", "claude", Skill),
            (".claude/skills/release/reference/notes.md", "claude", Skill),
            (".claude/commands/deploy.md", "claude", Command),
            (".claude/agents/reviewer.md", "claude", Subagent),
            (".claude/settings.json", "claude", Settings),
            (".claude/settings.local.json", "claude", Settings),
            (".mcp.json", "claude", Mcp),
            ("AGENTS.md", "agents", Instructions),
            ("services/web/AGENTS.md", "agents", Instructions),
            ("AGENTS.override.md", "codex", Instructions),
            (".codex/config.toml", "codex", Settings),
            (".codex/rules/default.rules", "codex", Settings),
            (".agents/skills/lint/SKILL.md", "codex", Skill),
            (".cursor/rules/base.mdc", "cursor", Rules),
            (".cursor/rules/frontend/components.mdc", "cursor", Rules),
            (".cursorrules", "cursor", Rules),
            (".cursor/cli.json", "cursor", Settings),
            (".cursor/mcp.json", "cursor", Mcp),
            (".cursorignore", "cursor", Ignore),
            (".cursorindexingignore", "cursor", Ignore),
            (".github/copilot-instructions.md", "copilot", Instructions),
            (".github/instructions/ts.instructions.md", "copilot", Rules),
            (".github/prompts/plan.prompt.md", "copilot", Command),
            (".github/chatmodes/review.chatmode.md", "copilot", Subagent),
            (".github/agents/triage.agent.md", "copilot", Subagent),
            (".vscode/settings.json", "copilot", Settings),
            (".vscode/mcp.json", "copilot", Mcp),
            (".windsurf/rules/style.md", "windsurf", Rules),
            (".devin/rules/style.md", "windsurf", Rules),
            (".windsurfrules", "windsurf", Rules),
            (".windsurf/workflows/release.md", "windsurf", Command),
            (".codeiumignore", "windsurf", Ignore),
            (".clinerules", "cline", Rules),
            (".clinerules/01-style.md", "cline", Rules),
            (".clinerules/notes.txt", "cline", Rules),
            (".clinerules/workflows/pr.md", "cline", Command),
            (".clineignore", "cline", Ignore),
            (".roo/rules/style.md", "roo", Rules),
            (".roo/rules-code/style.md", "roo", Rules),
            (".roorules", "roo", Rules),
            (".roorules-architect", "roo", Rules),
            (".roomodes", "roo", Settings),
            (".roo/mcp.json", "roo", Mcp),
            (".rooignore", "roo", Ignore),
            ("GEMINI.md", "gemini", Instructions),
            (".gemini/settings.json", "gemini", Settings),
            (".gemini/commands/git/commit.toml", "gemini", Command),
            (".geminiignore", "gemini", Ignore),
            (".aider.conf.yml", "aider", Settings),
            ("CONVENTIONS.md", "aider", Instructions),
            (".aiderignore", "aider", Ignore),
            (".junie/guidelines.md", "junie", Instructions),
            (".junie/AGENTS.md", "junie", Instructions),
            (".junie/mcp/mcp.json", "junie", Mcp),
            (".aiignore", "junie", Ignore),
            (".amazonq/rules/cdk.md", "amazonq", Rules),
            (".amazonq/default.json", "amazonq", Mcp),
            (".amazonq/mcp.json", "amazonq", Mcp),
            (".kiro/steering/product.md", "kiro", Rules),
            (".kiro/settings/mcp.json", "kiro", Mcp),
            (".kiroignore", "kiro", Ignore),
            (".continue/rules/style.md", "continue", Rules),
            (".continue/mcpServers/db.yaml", "continue", Mcp),
            (".rules", "zed", Rules),
            (".zed/settings.json", "zed", Settings),
            (".augment/rules/style.md", "augment", Rules),
            (".augment-guidelines", "augment", Instructions),
            (".augment/settings.json", "augment", Settings),
            (".openhands/microagents/repo.md", "openhands", Rules),
            (".idx/airules.md", "firebase-studio", Instructions),
            (".idx/mcp.json", "firebase-studio", Mcp),
            (".aiexclude", "firebase-studio", Ignore),
            ("WARP.md", "warp", Instructions),
            ("AGENT.md", "agents", Instructions),
            ("plugins/release/skills/tag/SKILL.md", "agents", Skill),
        ];
        for (path, agent, expected) in cases {
            assert_eq!(kind(path), Some((agent, expected)), "{path}");
        }
    }

    #[test]
    fn ordinary_files_are_not_agent_files() {
        for path in [
            "README.md",
            "src/main.rs",
            "docs/claude.md",
            "package.json",
            ".github/workflows/ci.yml",
            ".github/instructions/notes.md",
            ".claude/hooks/format.sh",
            "CLAUDE.md.bak",
            "notCLAUDE.md",
            ".vscode/launch.json",
        ] {
            assert_eq!(kind(path), None, "{path}");
        }
    }

    #[test]
    fn specific_locations_win_over_shared_names() {
        assert_eq!(kind(".claude/skills/x/SKILL.md"), Some(("claude", Skill)));
        assert_eq!(kind("./CLAUDE.md"), Some(("claude", Instructions)));
    }

    #[test]
    fn prose_kinds_are_the_instruction_carrying_ones() {
        assert!(Rules.is_prose() && Skill.is_prose() && Command.is_prose());
        assert!(!Settings.is_prose() && !Mcp.is_prose() && !Ignore.is_prose());
    }
}
