//! Class 4 for MCP servers: packages downloaded and run unpinned, commands that go through a
//! shell, credentials written inline, and tools approved without a prompt.
//!
//! Servers are found under every key the agents use: `mcpServers` (Claude Code, Cursor, Gemini,
//! Kiro, Cline, Roo, Amazon Q, Junie, Continue), `servers` (VS Code), `mcp_servers` (Codex),
//! `context_servers` (Zed) and `mcp` (opencode).

use crate::diagnostic::ScanCode;
use crate::scan::secrets;
use crate::scan::settings::{as_str, get};
use crate::scan::text::quote;
use crate::scan::{Hit, Location, instructions};
use crate::syntax::yaml::{Node, NodeKind, Position};

const SERVER_KEYS: &[&str] = &[
    "mcpServers",
    "servers",
    "mcp_servers",
    "context_servers",
    "mcp",
];

/// One MCP server entry, as the checks need it.
struct Server<'a> {
    name: String,
    node: &'a Node,
    /// The launch command and its arguments.
    argv: Vec<String>,
    command_position: Position,
}

fn strings(node: &Node) -> Vec<String> {
    match &node.kind {
        NodeKind::Seq(items) => items.iter().filter_map(as_str).map(str::to_owned).collect(),
        NodeKind::String(s) => s.split_whitespace().map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

fn servers(root: &Node) -> Vec<Server<'_>> {
    let mut out = Vec::new();
    for key in SERVER_KEYS {
        let Some(collection) = get(root, key) else {
            continue;
        };
        let entries: Vec<(String, &Node)> = match &collection.kind {
            NodeKind::Map(entries) => entries.iter().map(|(_, k, v)| (k.clone(), v)).collect(),
            NodeKind::Seq(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let name = get(v, "name")
                        .and_then(as_str)
                        .map_or_else(|| i.to_string(), str::to_owned);
                    (name, v)
                })
                .collect(),
            _ => continue,
        };
        for (name, node) in entries {
            if !matches!(node.kind, NodeKind::Map(_)) {
                continue;
            }
            let command = get(node, "command");
            let mut argv = command.map(strings).unwrap_or_default();
            if let Some(args) = get(node, "args") {
                argv.extend(strings(args));
            }
            out.push(Server {
                name,
                node,
                argv,
                command_position: command.map_or(node.position, |c| c.position),
            });
        }
    }
    out
}

/// Runs every MCP check on a config tree.
pub(super) fn detect(root: &Node, hits: &mut Vec<Hit>) {
    for server in servers(root) {
        launcher(&server, hits);
        shell(&server, hits);
        credentials(&server, hits);
        auto_approval(&server, hits);
    }
}

fn hit(code: ScanCode, position: Position, message: String) -> Hit {
    Hit {
        code,
        location: Location::At(position),
        message,
    }
}

fn program(argv: &[String]) -> String {
    let first = argv.first().map_or("", String::as_str);
    let base = first.rsplit(['/', '\\']).next().unwrap_or(first);
    base.trim_end_matches(".exe")
        .trim_end_matches(".cmd")
        .to_ascii_lowercase()
}

/// How a package runner names its package: the runner's words, and the flags whose next
/// argument is the package or must be skipped.
fn package_argument(argv: &[String]) -> Option<(String, &str, bool)> {
    let program = program(argv);
    let rest: Vec<&str> = argv.iter().skip(1).map(String::as_str).collect();
    let (runner, after): (&str, &[&str]) = match (program.as_str(), rest.as_slice()) {
        ("npx" | "bunx" | "pnpx" | "dnx" | "uvx", _) => (program.as_str(), &rest[..]),
        ("pnpm" | "yarn" | "bun", [sub @ ("dlx" | "x"), tail @ ..]) => (sub, tail),
        ("npm", ["exec", tail @ ..]) => ("npm exec", tail),
        ("uv", ["tool", "run", tail @ ..]) => ("uv tool run", tail),
        ("pipx", ["run", tail @ ..]) => ("pipx run", tail),
        ("deno", ["run", tail @ ..]) => ("deno run", tail),
        ("docker" | "podman", ["run", tail @ ..]) => ("docker run", tail),
        _ => return None,
    };
    let auto_yes = after.iter().any(|a| matches!(*a, "-y" | "--yes"));
    let takes_value = |flag: &str| {
        matches!(
            flag,
            "-e" | "--env"
                | "-v"
                | "--volume"
                | "--name"
                | "-p"
                | "--publish"
                | "--network"
                | "--mount"
                | "-w"
                | "--workdir"
                | "--env-file"
                | "-u"
                | "--user"
                | "--entrypoint"
                | "--platform"
                | "--python"
                | "--index-url"
                | "--registry"
        )
    };
    let mut iter = after.iter().copied();
    while let Some(arg) = iter.next() {
        if matches!(arg, "-p" | "--package" | "--from") && runner != "docker run" {
            return iter.next().map(|p| (runner.to_owned(), p, auto_yes));
        }
        if let Some(p) = arg
            .strip_prefix("--package=")
            .or_else(|| arg.strip_prefix("--from="))
        {
            return Some((runner.to_owned(), p, auto_yes));
        }
        if arg.starts_with('-') {
            if takes_value(arg) {
                iter.next();
            }
            continue;
        }
        if runner == "deno run"
            && !(arg.starts_with("npm:") || arg.starts_with("jsr:") || arg.starts_with("http"))
        {
            return None;
        }
        return Some((runner.to_owned(), arg, auto_yes));
    }
    None
}

/// Whether a package spec names an exact version.
fn pinned(runner: &str, spec: &str) -> bool {
    let exact = |version: &str| {
        let version = version.trim_start_matches('v');
        let mut parts = version.split(['.', '-', '+']);
        parts
            .next()
            .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
            && version.chars().filter(|&c| c == '.').count() >= 2
            && !version.contains(['*', 'x', '^', '~', '>', '<', ' '])
    };
    if runner == "docker run" {
        let name = spec.rsplit('/').next().unwrap_or(spec);
        return spec.contains("@sha256:")
            || name
                .split_once(':')
                .is_some_and(|(_, tag)| tag != "latest" && !tag.is_empty());
    }
    if let Some((_, version)) = spec.split_once("==") {
        return exact(version);
    }
    let spec = spec.trim_start_matches("npm:").trim_start_matches("jsr:");
    let (scope, rest) = match spec.strip_prefix('@') {
        Some(rest) => ("@", rest),
        None => ("", spec),
    };
    let _ = scope;
    rest.rsplit_once('@')
        .is_some_and(|(_, version)| exact(version))
}

fn launcher(server: &Server<'_>, hits: &mut Vec<Hit>) {
    let Some((runner, package, auto_yes)) = package_argument(&server.argv) else {
        return;
    };
    if package.starts_with(['.', '/', '$', '~']) || package.contains("${") {
        return;
    }
    let name = quote(&server.name, 40);
    let shown = quote(&server.argv.join(" "), 100);
    let yes = if auto_yes {
        ", installing without a prompt"
    } else {
        ""
    };
    if pinned(&runner, package) {
        hits.push(hit(
            ScanCode::McpAutoInstall,
            server.command_position,
            format!(
                "MCP server `{name}` is downloaded and run by `{runner}` on start{yes}: `{shown}`"
            ),
        ));
    } else {
        hits.push(hit(
            ScanCode::McpUnpinnedPackage,
            server.command_position,
            format!("MCP server `{name}` runs whatever version of `{}` is published next{yes}: `{shown}`", quote(package, 60)),
        ));
    }
}

fn shell(server: &Server<'_>, hits: &mut Vec<Hit>) {
    let program = program(&server.argv);
    let via_shell = matches!(
        program.as_str(),
        "sh" | "bash" | "zsh" | "dash" | "cmd" | "powershell" | "pwsh"
    ) && server.argv.iter().any(|a| {
        matches!(
            a.to_ascii_lowercase().as_str(),
            "-c" | "/c" | "-command" | "-lc"
        )
    });
    let metacharacter = server.argv.iter().find(|arg| {
        let cleaned = arg.replace("${", "");
        ["&&", "||", ";", "|", "`", "$(", ">", "<"]
            .iter()
            .any(|m| cleaned.contains(m))
    });
    let command = server.argv.join(" ");
    if let Some((code, what)) = instructions::risky_command(&command) {
        hits.push(hit(
            code,
            server.command_position,
            format!(
                "MCP server `{}` command {what}: `{}`",
                quote(&server.name, 40),
                quote(&command, 100)
            ),
        ));
    }
    if via_shell || metacharacter.is_some() {
        hits.push(hit(
            ScanCode::McpShellCommand,
            server.command_position,
            format!(
                "MCP server `{}` starts through a shell: `{}`",
                quote(&server.name, 40),
                quote(&command, 100)
            ),
        ));
    }
}

/// Whether a value is a reference to a secret kept elsewhere rather than the secret itself.
fn is_reference(value: &str) -> bool {
    value.contains("${")
        || value.starts_with('$')
        || value.contains("{env:")
        || value.contains("{{")
        || value.starts_with('%')
        || value.starts_with("op://")
}

fn secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "KEY",
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "PWD",
        "CREDENTIAL",
        "AUTH",
        "PAT",
        "BEARER",
    ]
    .iter()
    .any(|w| upper.contains(w))
}

fn credentials(server: &Server<'_>, hits: &mut Vec<Hit>) {
    for section in ["env", "environment", "headers", "http_headers"] {
        let Some(NodeKind::Map(entries)) = get(server.node, section).map(|n| &n.kind) else {
            continue;
        };
        for (_, key, value) in entries {
            let Some(text) = as_str(value) else {
                continue;
            };
            let secret = text
                .strip_prefix("Bearer ")
                .or_else(|| text.strip_prefix("bearer "))
                .or_else(|| text.strip_prefix("token "))
                .unwrap_or(text)
                .trim();
            if !secret_name(key)
                || secret.chars().count() < 8
                || is_reference(secret)
                || secrets::is_placeholder(secret)
            {
                continue;
            }
            hits.push(hit(
                ScanCode::McpInlineCredential,
                value.position,
                format!(
                    "MCP server `{}` has `{}` written inline (`{}`)",
                    quote(&server.name, 40),
                    quote(key, 40),
                    secrets::mask(secret)
                ),
            ));
        }
    }
}

fn auto_approval(server: &Server<'_>, hits: &mut Vec<Hit>) {
    let name = quote(&server.name, 40);
    for key in ["autoApprove", "alwaysAllow"] {
        let Some(node) = get(server.node, key) else {
            continue;
        };
        let tools = strings(node);
        let everything =
            matches!(node.kind, NodeKind::Bool(true)) || tools.iter().any(|t| t == "*");
        if everything || !tools.is_empty() {
            let which = if everything {
                "every tool".to_owned()
            } else {
                format!("{} tool(s): {}", tools.len(), quote(&tools.join(", "), 80))
            };
            hits.push(hit(
                ScanCode::AutoApprovedTools,
                node.position,
                format!("MCP server `{name}` runs {which} without asking (`{key}`)"),
            ));
        }
    }
    if let Some(node) = get(server.node, "trust").filter(|n| matches!(n.kind, NodeKind::Bool(true)))
    {
        hits.push(hit(
            ScanCode::AutoApprovedTools,
            node.position,
            format!("MCP server `{name}` is trusted, so its tool calls skip confirmation"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(json: &str) -> Vec<(ScanCode, String)> {
        let node = crate::syntax::jsonc::parse(json).unwrap();
        crate::scan::hits_of(|hits| detect(&node, hits))
    }

    fn codes_of(json: &str) -> Vec<ScanCode> {
        run(json).into_iter().map(|(c, _)| c).collect()
    }

    #[test]
    fn unpinned_and_pinned_packages() {
        assert_eq!(
            codes_of(
                r#"{"mcpServers": {"a": {"command": "npx", "args": ["-y", "@scope/server"]}, "b": {"command": "npx", "args": ["pkg@latest"]}, "c": {"command": "npx", "args": ["-y", "pkg@1.2.3"]}, "d": {"command": "uvx", "args": ["mcp-server-git==0.6.2"]}, "e": {"command": "docker", "args": ["run", "-i", "--rm", "-e", "TOKEN", "ghcr.io/x/server"]}}}"#
            ),
            [
                ScanCode::McpUnpinnedPackage,
                ScanCode::McpUnpinnedPackage,
                ScanCode::McpAutoInstall,
                ScanCode::McpAutoInstall,
                ScanCode::McpUnpinnedPackage
            ]
        );
        assert!(codes_of(r#"{"servers": {"local": {"command": "node", "args": ["./server.js"]}, "remote": {"url": "https://x/mcp"}}}"#).is_empty());
    }

    #[test]
    fn shell_commands_and_inline_credentials() {
        let hits = run(
            r#"{"mcpServers": {"s": {"command": "bash", "args": ["-c", "cd x && ./run"], "env": {"GITHUB_TOKEN": "ghp_8fK2pQ9xLmN4vR7tY1wZ3bC6dE0gH5jS2aU9", "API_KEY": "${API_KEY}", "DEBUG": "1"}}}}"#,
        );
        let codes: Vec<_> = hits.iter().map(|h| h.0).collect();
        assert_eq!(
            codes,
            [ScanCode::McpShellCommand, ScanCode::McpInlineCredential]
        );
        assert!(!hits[1].1.contains("8fK2"));
    }

    #[test]
    fn auto_approval_keys() {
        assert_eq!(
            codes_of(
                r#"{"mcpServers": {"k": {"command": "k", "autoApprove": ["*"]}, "g": {"command": "g", "trust": true}, "c": {"command": "c", "alwaysAllow": []}}}"#
            ),
            [ScanCode::AutoApprovedTools, ScanCode::AutoApprovedTools]
        );
    }

    #[test]
    fn codex_and_continue_shapes() {
        let node = crate::syntax::toml::parse(
            "[mcp_servers.chrome]\ncommand = \"npx\"\nargs = [\"chrome-devtools-mcp@latest\"]\n",
        )
        .unwrap();
        let mut hits = Vec::new();
        detect(&node, &mut hits);
        assert_eq!(hits[0].code, ScanCode::McpUnpinnedPackage);
        let node = crate::syntax::yaml::parse(
            "mcpServers:\n  - name: db\n    command: npx\n    args: [\"-y\", \"db-mcp\"]\n",
        )
        .unwrap();
        let mut hits = Vec::new();
        detect(&node, &mut hits);
        assert_eq!(hits[0].code, ScanCode::McpUnpinnedPackage);
    }
}
