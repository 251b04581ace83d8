//! The last check before anything is written: no settings file rulesmith writes may switch an
//! agent's permission prompts off, and no target may add allow rules.
//!
//! The check reads the final bytes of every structured output (merged settings included, so a
//! prompt-disabling key already in a user's file is refused too) and also requires generated
//! TOML and YAML to parse. Which settings are refused comes from the agent registry: the
//! `unsafe-settings` of the agent reading the file and of the target writing it.

use crate::agents::settings;
use crate::diagnostic::{Diagnostic, InputCode};
use crate::model::target::{Format, OutputMode};
use crate::render::Rendered;
use crate::syntax::yaml::{self, Node, NodeKind};
use crate::syntax::{jsonc, toml as toml_syntax};

/// The last segments of settings pointers that hold allow rules; targets may not add entries
/// there, since rulesmith only emits deny and ask rules.
pub const ALLOW_LISTS: &[&str] = &[
    "allow",
    "allowed",
    "always_allow",
    "alwaysAllow",
    "autoApprove",
    "trusted_folders",
];

/// Checks the final `contents` of one output (for a settings file, after the merge); returns
/// one error per refused setting.
pub fn check(file: &Rendered, contents: &str) -> Vec<Diagnostic> {
    if file.mode == OutputMode::Owned {
        return Vec::new();
    }
    let parsed = match file.format {
        Format::Markdown | Format::Text => return Vec::new(),
        Format::Json => jsonc::parse(contents),
        Format::Toml => toml_syntax::parse(contents),
        Format::Yaml => yaml::parse(contents),
    };
    let root = match parsed {
        Ok(root) => root,
        Err(err) => {
            return vec![
                Diagnostic::error(
                    InputCode::TemplateError,
                    format!(
                        "target `{}` renders {} that does not parse: {}",
                        file.target,
                        file.path,
                        err.message.lines().next().unwrap_or_default()
                    ),
                )
                .hint("fix the target's template"),
            ];
        }
    };
    let mut problems = Vec::new();
    for rule in &file.unsafe_settings {
        for (pointer, found) in settings::find(&root, rule) {
            problems.push(unsafe_setting(
                file,
                &format!("`{pointer}` is {}", shown(found)),
                &rule.why,
            ));
        }
    }
    let mut flags = Vec::new();
    dangerous_flags(&root, &mut flags);
    for flag in flags {
        problems.push(unsafe_setting(
            file,
            &format!("a value holds `{flag}`"),
            "`--dangerously-*` flags switch permission checks off",
        ));
    }
    problems
}

/// A scalar as JSON writes it.
fn shown(node: &Node) -> String {
    match &node.kind {
        NodeKind::String(text) => serde_json::Value::String(text.clone()).to_string(),
        NodeKind::Bool(value) => value.to_string(),
        NodeKind::Seq(items) => format!("a list of {}", items.len()),
        _ => "set".to_owned(),
    }
}

fn unsafe_setting(file: &Rendered, what: &str, why: &str) -> Diagnostic {
    Diagnostic::error(
        InputCode::UnsafeSetting,
        format!("refusing to write {}, where {what}: {why}", file.path),
    )
    .hint(format!(
        "rulesmith never writes settings that switch permission prompts off; remove the setting from {} (or from target `{}`), and keep such settings in personal, uncommitted files if you need them",
        file.path, file.target
    ))
}

fn dangerous_flags(node: &Node, out: &mut Vec<String>) {
    match &node.kind {
        NodeKind::String(s) => {
            for word in s
                .split_whitespace()
                .filter(|w| w.starts_with("--dangerously-"))
            {
                out.push(word.to_owned());
            }
        }
        NodeKind::Seq(items) => items.iter().for_each(|v| dangerous_flags(v, out)),
        NodeKind::Map(entries) => entries.iter().for_each(|(_, _, v)| dangerous_flags(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, format: Format, contents: &str) -> Rendered {
        Rendered {
            path: path.into(),
            target: "t".into(),
            contents: contents.into(),
            format,
            mode: OutputMode::Text(crate::syntax::header::CommentStyle::Hash),
            groups: vec![],
            unsafe_settings: crate::agents::Registry::builtin().unsafe_settings_for(path, "t"),
        }
    }

    #[test]
    fn prompt_disabling_settings_are_refused() {
        let cases = [
            (
                ".claude/settings.json",
                Format::Json,
                r#"{"permissions": {"defaultMode": "bypassPermissions"}}"#,
            ),
            (
                ".claude/settings.json",
                Format::Json,
                r#"{"enableAllProjectMcpServers": true}"#,
            ),
            (
                ".codex/config.toml",
                Format::Toml,
                "approval_policy = \"never\"\n",
            ),
            (
                ".codex/config.toml",
                Format::Toml,
                "sandbox_mode = \"danger-full-access\"\n",
            ),
            (
                ".codex/config.toml",
                Format::Toml,
                "[profiles.fast]\napproval_policy = \"never\"\n",
            ),
            (
                ".gemini/settings.json",
                Format::Json,
                r#"{"mcpServers": {"gh": {"command": "x", "trust": true}}}"#,
            ),
            (
                ".kiro/settings/mcp.json",
                Format::Json,
                r#"{"mcpServers": {"gh": {"autoApprove": ["*"]}}}"#,
            ),
            (".aider.conf.yml", Format::Yaml, "yes-always: true\n"),
            (
                ".gemini/settings.json",
                Format::Json,
                r#"{"general": {"defaultApprovalMode": "yolo"}}"#,
            ),
            (
                ".gemini/settings.json",
                Format::Json,
                r#"{"tools": {"autoAccept": true}}"#,
            ),
            (
                ".vscode/settings.json",
                Format::Json,
                r#"{"chat.tools.global.autoApprove": true}"#,
            ),
            (
                "scripts/agent.json",
                Format::Json,
                r#"{"run": "claude --dangerously-skip-permissions"}"#,
            ),
        ];
        for (path, format, contents) in cases {
            let errors = check(&file(path, format, contents), contents);
            assert_eq!(errors.len(), 1, "{path}: {contents}");
            assert_eq!(errors[0].code, InputCode::UnsafeSetting);
            assert!(
                errors[0].message.contains("refusing to write"),
                "{}",
                errors[0].message
            );
        }
    }

    #[test]
    fn safe_settings_pass() {
        let cases = [
            (
                ".claude/settings.json",
                Format::Json,
                r#"{"permissions": {"defaultMode": "default", "deny": ["Read(.env)"]}, "enableAllProjectMcpServers": false}"#,
            ),
            (
                ".codex/config.toml",
                Format::Toml,
                "sandbox_mode = \"workspace-write\"\napproval_policy = \"on-request\"\n",
            ),
            (
                "CLAUDE.md",
                Format::Markdown,
                "Never run `claude --dangerously-skip-permissions`.",
            ),
        ];
        for (path, format, contents) in cases {
            assert!(
                check(&file(path, format, contents), contents).is_empty(),
                "{path}"
            );
        }
    }

    #[test]
    fn generated_config_must_parse() {
        let contents = "sandbox_mode = \n";
        let errors = check(
            &file(".codex/config.toml", Format::Toml, contents),
            contents,
        );
        assert_eq!(errors[0].code, InputCode::TemplateError);
    }
}
