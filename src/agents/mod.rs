//! The agent registry: what every target in the catalogue says about the files its agent
//! reads and the settings that switch its prompts off, compiled for lookups.
//!
//! `scan` discovers agent files with it, `check` spots agent files rulesmith did not generate,
//! and the write-time guard refuses unsafe settings in the files an agent reads. Built-in and
//! repository targets count alike, so a new agent needs a folder under `targets/`, not Rust.

pub mod settings;

use std::sync::{Arc, OnceLock};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::embedded;
pub use crate::model::agent::{
    Effect, FileKind, ReadSpec, Scalar, Status, TargetKind, UnsafeSetting,
};
use crate::model::target::TargetSpec;
use crate::syntax::yaml;

/// A known agent file: which agent reads it, what for, and which of its settings are unsafe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentFile {
    /// The reading agent's target id, e.g. `claude`; `agents` for the shared `AGENTS.md`.
    pub agent: String,
    /// The file's role.
    pub kind: FileKind,
    /// The agent's unsafe settings, checked in its settings and MCP files.
    pub unsafe_settings: Arc<[UnsafeSetting]>,
}

/// One glob of the registry and the file it classifies.
#[derive(Clone, Debug)]
struct Entry {
    /// How many literal characters the glob has: more means more specific.
    literal: usize,
    /// What matching files are.
    file: AgentFile,
}

/// Every agent's reads and unsafe settings, from one catalogue.
#[derive(Clone, Debug)]
pub struct Registry {
    entries: Vec<Entry>,
    globs: GlobSet,
    unsafe_settings: Vec<(String, Arc<[UnsafeSetting]>)>,
}

impl Registry {
    /// The registry of the agents `specs` describe. Globs that do not compile are left out;
    /// the catalogue reports them when it loads.
    pub fn new<'a>(specs: impl IntoIterator<Item = &'a TargetSpec>) -> Registry {
        let mut entries = Vec::new();
        let mut builder = GlobSetBuilder::new();
        let mut unsafe_settings = Vec::new();
        for spec in specs {
            let rules: Arc<[UnsafeSetting]> = spec.unsafe_settings.clone().into();
            unsafe_settings.push((spec.id.clone(), Arc::clone(&rules)));
            // A file another target writes is classified by its writer's entry.
            for read in spec.reads.iter().filter(|read| read.from.is_none()) {
                let Ok(glob) = read_glob(&read.path) else {
                    continue;
                };
                builder.add(glob);
                entries.push(Entry {
                    literal: literal_len(&read.path),
                    file: AgentFile {
                        agent: spec.id.clone(),
                        kind: read.kind,
                        unsafe_settings: Arc::clone(&rules),
                    },
                });
            }
        }
        let globs = builder.build().unwrap_or_else(|_| GlobSet::empty());
        Registry {
            entries,
            globs,
            unsafe_settings,
        }
    }

    /// The registry of the built-in targets.
    pub fn builtin() -> &'static Registry {
        static REGISTRY: OnceLock<Registry> = OnceLock::new();
        REGISTRY.get_or_init(|| Registry::new(&builtin_specs()))
    }

    /// Classifies a repository-relative, `/`-separated path as a known agent file. When
    /// several globs match, the one with the most literal characters wins, then the first.
    pub fn classify(&self, path: &str) -> Option<AgentFile> {
        let path = path.strip_prefix("./").unwrap_or(path);
        self.globs
            .matches(path)
            .into_iter()
            .min_by_key(|&index| (std::cmp::Reverse(self.entries[index].literal), index))
            .map(|index| self.entries[index].file.clone())
    }

    /// The settings a file written at `path` by target `target` may not hold: those of the
    /// agent that reads the file and those of the writing target, each once.
    pub fn unsafe_settings_for(&self, path: &str, target: &str) -> Vec<UnsafeSetting> {
        let reader = self.classify(path).map(|file| file.unsafe_settings);
        let writer = self
            .unsafe_settings
            .iter()
            .find(|(id, _)| id == target)
            .map(|(_, rules)| Arc::clone(rules));
        let mut out: Vec<UnsafeSetting> = Vec::new();
        for rule in reader
            .iter()
            .chain(writer.iter())
            .flat_map(|rules| rules.iter())
        {
            if !out.contains(rule) {
                out.push(rule.clone());
            }
        }
        out
    }
}

/// The specs of the built-in targets, read from the embedded `target.yaml` files. The
/// catalogue validates the same files against their schema, and the test suite checks them.
fn builtin_specs() -> Vec<TargetSpec> {
    embedded::TARGETS
        .iter()
        .filter(|(path, _)| path.ends_with("/target.yaml"))
        .map(|(path, text)| {
            let node = yaml::parse(text).unwrap_or_else(|_| panic!("{path} parses"));
            serde_json::from_value(node.to_json()).unwrap_or_else(|e| panic!("{path}: {e}"))
        })
        .collect()
}

/// Compiles a `reads` glob: `*` stays within one directory.
pub fn read_glob(pattern: &str) -> Result<globset::Glob, globset::Error> {
    GlobBuilder::new(pattern).literal_separator(true).build()
}

/// The number of characters of a glob that match only themselves.
fn literal_len(pattern: &str) -> usize {
    pattern
        .chars()
        .filter(|c| !matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | ','))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use FileKind::{Command, Ignore, Instructions, Mcp, Rules, Settings, Skill, Subagent};

    fn kind(path: &str) -> Option<(String, FileKind)> {
        Registry::builtin()
            .classify(path)
            .map(|file| (file.agent, file.kind))
    }

    fn is(path: &str, agent: &str, expected: FileKind) {
        assert_eq!(kind(path), Some((agent.to_owned(), expected)), "{path}");
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
            // The `.agent.md` form is documented on Copilot CLI's custom agents page.
            (".github/agents/triage.agent.md", "copilot-cli", Subagent),
            (".github/agents/triage.md", "copilot", Subagent),
            (".vscode/settings.json", "copilot", Settings),
            (".vscode/mcp.json", "copilot", Mcp),
            (".windsurf/rules/style.md", "windsurf", Rules),
            (".devin/rules/style.md", "devin", Rules),
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
            (".continue/prompts/review.prompt", "continue", Command),
            (".continue/mcpServers/db.yaml", "continue", Mcp),
            (".rules", "zed", Rules),
            (".zed/settings.json", "zed", Settings),
            (".augment/rules/style.md", "augment", Rules),
            (".augment-guidelines", "augment", Instructions),
            (".augment/settings.json", "augment", Settings),
            (".openhands/microagents/repo.md", "openhands", Rules),
            (".openhands/skills/x/SKILL.md", "openhands", Skill),
            (".idx/airules.md", "firebase-studio", Instructions),
            (".idx/mcp.json", "firebase-studio", Mcp),
            (".aiexclude", "firebase-studio", Ignore),
            (".opencode/agents/review.md", "opencode", Subagent),
            ("opencode.json", "opencode", Settings),
            ("WARP.md", "warp", Instructions),
            ("AGENT.md", "agents", Instructions),
            ("plugins/release/skills/tag/SKILL.md", "agents", Skill),
        ];
        for (path, agent, expected) in cases {
            is(path, agent, expected);
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
    fn the_most_specific_glob_wins_across_agents() {
        is(".claude/skills/x/SKILL.md", "claude", Skill);
        is(".junie/AGENTS.md", "junie", Instructions);
        is(".gemini/skills/x/SKILL.md", "gemini", Skill);
        is("./CLAUDE.md", "claude", Instructions);
    }

    #[test]
    fn prose_kinds_are_the_instruction_carrying_ones() {
        assert!(Rules.is_prose() && Skill.is_prose() && Command.is_prose());
        assert!(!Settings.is_prose() && !Mcp.is_prose() && !Ignore.is_prose());
    }
}
