//! The last check before anything is written: no settings file rulesmith writes may switch an
//! agent's permission prompts off, and no target may add allow rules.
//!
//! The check reads the final bytes of every structured output (merged settings included, so a
//! prompt-disabling key already in a user's file is refused too) and also requires generated
//! TOML and YAML to parse.

use serde_json::Value;

use crate::diagnostic::{Diagnostic, InputCode};
use crate::model::target::Format;
use crate::model::target::OutputMode;
use crate::render::Rendered;
use crate::syntax::yaml;

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

/// A settings value that switches prompts off.
struct Forbidden {
    /// Path suffixes of the files it applies to.
    files: &'static [&'static str],
    /// JSON pointer; `*` matches any key.
    pointer: &'static str,
    /// The value that is refused.
    value: Refused,
    /// What the value does.
    why: &'static str,
}

/// A refused value.
enum Refused {
    /// This string.
    Text(&'static str),
    /// `true`.
    True,
    /// Any non-empty list.
    NonEmpty,
}

const CLAUDE: &[&str] = &[".claude/settings.json", ".claude/settings.local.json"];
const CODEX: &[&str] = &[".codex/config.toml"];
const GEMINI: &[&str] = &[".gemini/settings.json"];

const FORBIDDEN: &[Forbidden] = &[
    Forbidden {
        files: CLAUDE,
        pointer: "/permissions/defaultMode",
        value: Refused::Text("bypassPermissions"),
        why: "bypassPermissions mode skips every permission prompt",
    },
    Forbidden {
        files: CLAUDE,
        pointer: "/enableAllProjectMcpServers",
        value: Refused::True,
        why: "it starts every MCP server in .mcp.json without asking",
    },
    Forbidden {
        files: CLAUDE,
        pointer: "/skipDangerousModePermissionPrompt",
        value: Refused::True,
        why: "it skips the confirmation before bypass mode",
    },
    Forbidden {
        files: CODEX,
        pointer: "/approval_policy",
        value: Refused::Text("never"),
        why: "Codex would never ask before running a command",
    },
    Forbidden {
        files: CODEX,
        pointer: "/sandbox_mode",
        value: Refused::Text("danger-full-access"),
        why: "Codex would run commands outside its sandbox",
    },
    Forbidden {
        files: CODEX,
        pointer: "/profiles/*/approval_policy",
        value: Refused::Text("never"),
        why: "Codex would never ask before running a command",
    },
    Forbidden {
        files: CODEX,
        pointer: "/profiles/*/sandbox_mode",
        value: Refused::Text("danger-full-access"),
        why: "Codex would run commands outside its sandbox",
    },
    Forbidden {
        files: GEMINI,
        pointer: "/mcpServers/*/trust",
        value: Refused::True,
        why: "Gemini CLI would call the server's tools without confirmation",
    },
    Forbidden {
        files: GEMINI,
        pointer: "/general/defaultApprovalMode",
        value: Refused::Text("yolo"),
        why: "YOLO mode approves every tool call",
    },
    Forbidden {
        files: &[".kiro/settings/mcp.json"],
        pointer: "/mcpServers/*/autoApprove",
        value: Refused::NonEmpty,
        why: "Kiro would call these tools without asking",
    },
    Forbidden {
        files: &[".vscode/settings.json"],
        pointer: "/chat.tools.global.autoApprove",
        value: Refused::True,
        why: "VS Code would approve every tool call",
    },
    Forbidden {
        files: &[".aider.conf.yml"],
        pointer: "/yes-always",
        value: Refused::True,
        why: "Aider would answer yes to every confirmation",
    },
];

/// Checks the final `contents` of one output (for a settings file, after the merge); returns
/// one error per refused setting.
pub fn check(file: &Rendered, contents: &str) -> Vec<Diagnostic> {
    if file.mode == OutputMode::Owned {
        return Vec::new();
    }
    let parsed = match file.format {
        Format::Markdown | Format::Text => return Vec::new(),
        Format::Json => serde_json::from_str::<Value>(contents).map_err(|e| e.to_string()),
        Format::Toml => toml::from_str::<Value>(contents).map_err(|e| e.to_string()),
        Format::Yaml => yaml::parse(contents)
            .map(|node| node.to_json())
            .map_err(|e| e.message),
    };
    let value = match parsed {
        Ok(value) => value,
        Err(err) => {
            return vec![
                Diagnostic::error(
                    InputCode::TemplateError,
                    format!(
                        "target `{}` renders {} that does not parse: {}",
                        file.target,
                        file.path,
                        err.lines().next().unwrap_or_default()
                    ),
                )
                .hint("fix the target's template"),
            ];
        }
    };
    let mut problems = Vec::new();
    for rule in FORBIDDEN
        .iter()
        .filter(|r| r.files.iter().any(|f| ends_with_path(&file.path, f)))
    {
        for (pointer, found) in matches(&value, rule.pointer) {
            let refused = match (&rule.value, found) {
                (Refused::Text(text), Value::String(s)) => s == text,
                (Refused::True, Value::Bool(b)) => *b,
                (Refused::NonEmpty, Value::Array(items)) => !items.is_empty(),
                _ => false,
            };
            if refused {
                problems.push(unsafe_setting(
                    file,
                    &format!("`{pointer}` is {found}"),
                    rule.why,
                ));
            }
        }
    }
    let mut flags = Vec::new();
    dangerous_flags(&value, &mut flags);
    for flag in flags {
        problems.push(unsafe_setting(
            file,
            &format!("it contains `{flag}`"),
            "`--dangerously-*` flags switch permission checks off",
        ));
    }
    problems
}

fn unsafe_setting(file: &Rendered, what: &str, why: &str) -> Diagnostic {
    Diagnostic::error(
        InputCode::UnsafeSetting,
        format!("refusing to write {}: {what}, and {why}", file.path),
    )
    .hint(format!(
        "rulesmith never writes settings that switch permission prompts off; remove the setting from {} (or from target `{}`), and keep such settings in personal, uncommitted files if you need them",
        file.path, file.target
    ))
}

/// Whether `path` is `suffix` or ends with `/suffix`.
fn ends_with_path(path: &str, suffix: &str) -> bool {
    path == suffix || path.ends_with(&format!("/{suffix}"))
}

/// Values at a pointer whose segments may be `*`, with their concrete pointers.
fn matches<'v>(value: &'v Value, pointer: &str) -> Vec<(String, &'v Value)> {
    let mut found = vec![(String::new(), value)];
    for segment in pointer.split('/').skip(1) {
        found = found
            .into_iter()
            .flat_map(|(at, value)| -> Vec<(String, &'v Value)> {
                let Value::Object(map) = value else {
                    return Vec::new();
                };
                if segment == "*" {
                    map.iter().map(|(k, v)| (format!("{at}/{k}"), v)).collect()
                } else {
                    map.get(segment)
                        .map(|v| (format!("{at}/{segment}"), v))
                        .into_iter()
                        .collect()
                }
            })
            .collect();
    }
    found
}

fn dangerous_flags(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => {
            for word in s
                .split_whitespace()
                .filter(|w| w.starts_with("--dangerously-"))
            {
                out.push(word.to_owned());
            }
        }
        Value::Array(items) => items.iter().for_each(|v| dangerous_flags(v, out)),
        Value::Object(map) => map.values().for_each(|v| dangerous_flags(v, out)),
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
