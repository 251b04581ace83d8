//! The table of scan finding codes: one entry per kind of finding, each with a stable code, a
//! default severity and a one-line fix.
//!
//! Codes are `RS2xxx`: `RS20xx` files the scanner could not read, `RS21xx` hidden Unicode,
//! `RS22xx` text hidden from the rendered view, `RS23xx` risky instructions, `RS24xx` dangerous
//! agent settings, `RS25xx` secrets. A code never changes meaning once released.

use crate::diagnostic::finding::Severity;

/// The five classes of risk the scanner looks for, plus files it could not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// The scanner could not read the whole file.
    Unscanned,
    /// Invisible or deceptive Unicode.
    HiddenUnicode,
    /// Text hidden from the rendered view.
    HiddenText,
    /// Instructions that make an agent run, destroy, leak or hide things.
    RiskyInstruction,
    /// Agent settings that switch prompts or protections off.
    DangerousSetting,
    /// Credentials in the file.
    Secret,
}

/// One kind of finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScanCode {
    /// The stable code, e.g. `RS2104`.
    pub code: &'static str,
    /// Short kebab-case name.
    pub kind: &'static str,
    /// Which class of risk it belongs to.
    pub class: Class,
    /// The severity unless the manifest overrides it.
    pub severity: Severity,
    /// What the finding means, for documentation.
    pub summary: &'static str,
    /// How to fix it, in one line.
    pub fix: &'static str,
}

const fn code(
    code: &'static str,
    kind: &'static str,
    class: Class,
    severity: Severity,
    summary: &'static str,
    fix: &'static str,
) -> ScanCode {
    ScanCode {
        code,
        kind,
        class,
        severity,
        summary,
        fix,
    }
}

use Class::{DangerousSetting, HiddenText, HiddenUnicode, RiskyInstruction, Secret, Unscanned};
use Severity::{Critical, High, Info, Low, Medium};

/// File too large or binary.
pub const UNSCANNED_FILE: &str = "RS2001";
/// A lone invisible character.
pub const INVISIBLE_CHARACTER: &str = "RS2101";
/// A run of invisible characters.
pub const INVISIBLE_SEQUENCE: &str = "RS2102";
/// A bidirectional control outside right-to-left text.
pub const BIDI_CONTROL: &str = "RS2103";
/// Unicode tag characters.
pub const TAG_CHARACTERS: &str = "RS2104";
/// Variation selectors carrying bytes.
pub const VARIATION_SELECTOR_PAYLOAD: &str = "RS2105";
/// A word mixing Latin with a look-alike script.
pub const MIXED_SCRIPT_WORD: &str = "RS2106";
/// Terminal control characters.
pub const CONTROL_CHARACTERS: &str = "RS2107";
/// An HTML comment or Markdown comment.
pub const HIDDEN_COMMENT: &str = "RS2201";
/// Hidden text that addresses the agent.
pub const HIDDEN_INSTRUCTION: &str = "RS2202";
/// HTML styled or marked to be invisible.
pub const HIDDEN_HTML: &str = "RS2203";
/// Content pushed out of view by blank lines or spaces.
pub const CONTENT_OUT_OF_VIEW: &str = "RS2204";
/// A comment-like field in a JSON config.
pub const COMMENT_FIELD: &str = "RS2205";
/// Download piped into an interpreter.
pub const FETCH_AND_EXECUTE: &str = "RS2301";
/// Decoded text executed.
pub const OBFUSCATED_EXECUTION: &str = "RS2302";
/// A command that destroys data.
pub const DESTRUCTIVE_COMMAND: &str = "RS2303";
/// "Ignore previous instructions".
pub const INSTRUCTION_OVERRIDE: &str = "RS2304";
/// "Do not tell the user".
pub const BEHAVIOUR_SUPPRESSION: &str = "RS2305";
/// Sending secrets or source to a remote place.
pub const EXFILTRATION: &str = "RS2306";
/// Claude Code `!` or Gemini `!{}` command execution at load time.
pub const DYNAMIC_COMMAND: &str = "RS2307";
/// A mode that switches every approval prompt off.
pub const APPROVAL_BYPASS: &str = "RS2401";
/// A sandbox, trust or approval layer switched off.
pub const PROTECTION_DISABLED: &str = "RS2402";
/// Tools approved without a prompt.
pub const AUTO_APPROVED_TOOLS: &str = "RS2403";
/// Any shell command allowed.
pub const BLANKET_ALLOW: &str = "RS2404";
/// A whole command family allowed.
pub const BROAD_ALLOW: &str = "RS2405";
/// Every project MCP server enabled.
pub const ALL_MCP_SERVERS_ENABLED: &str = "RS2406";
/// An MCP server run from an unpinned package.
pub const MCP_UNPINNED_PACKAGE: &str = "RS2407";
/// An MCP server downloaded and run on start.
pub const MCP_AUTO_INSTALL: &str = "RS2408";
/// Shell syntax in an MCP command.
pub const MCP_SHELL_COMMAND: &str = "RS2409";
/// A credential written into an MCP config.
pub const MCP_INLINE_CREDENTIAL: &str = "RS2410";
/// Hooks that run commands automatically.
pub const HOOK_COMMAND: &str = "RS2411";
/// The whole environment passed to commands, or network opened in the sandbox.
pub const ENVIRONMENT_EXPOSED: &str = "RS2412";
/// A private key block.
pub const PRIVATE_KEY: &str = "RS2501";
/// A token in a well-known format.
pub const KNOWN_TOKEN: &str = "RS2502";
/// A high-entropy value assigned to a secret-looking name.
pub const SECRET_ASSIGNMENT: &str = "RS2503";

/// Every scan code.
pub const CODES: &[ScanCode] = &[
    code(
        UNSCANNED_FILE,
        "unscanned-file",
        Unscanned,
        Medium,
        "An agent file is too large or binary, so the scanner did not read all of it.",
        "shrink the file below the size cap, or review it by hand and trust it with `rulesmith scan --trust`",
    ),
    code(
        INVISIBLE_CHARACTER,
        "invisible-character",
        HiddenUnicode,
        Low,
        "A zero-width or other default-ignorable character that shows nothing.",
        "delete the character",
    ),
    code(
        INVISIBLE_SEQUENCE,
        "invisible-sequence",
        HiddenUnicode,
        High,
        "A run of invisible characters, enough to encode hidden data.",
        "delete the invisible characters and review who added them",
    ),
    code(
        BIDI_CONTROL,
        "bidi-control",
        HiddenUnicode,
        High,
        "A bidirectional control that reorders how text is displayed (Trojan Source).",
        "delete the control character; right-to-left prose needs no overrides",
    ),
    code(
        TAG_CHARACTERS,
        "unicode-tags",
        HiddenUnicode,
        Critical,
        "Unicode tag characters, which spell ASCII text that no one sees but the agent reads.",
        "delete the tag characters and treat the file as compromised until reviewed",
    ),
    code(
        VARIATION_SELECTOR_PAYLOAD,
        "variation-selector-payload",
        HiddenUnicode,
        Critical,
        "A run of variation selectors used as a hidden byte channel.",
        "delete the variation selectors and treat the file as compromised until reviewed",
    ),
    code(
        MIXED_SCRIPT_WORD,
        "mixed-script-word",
        HiddenUnicode,
        Medium,
        "A word mixing Latin letters with look-alike letters from another script (homoglyphs).",
        "retype the word in one script",
    ),
    code(
        CONTROL_CHARACTERS,
        "control-characters",
        HiddenUnicode,
        High,
        "Terminal control characters (ANSI escapes, lone carriage returns) that can hide, recolour or overwrite text when the file is shown in a terminal.",
        "delete the control characters",
    ),
    code(
        HIDDEN_COMMENT,
        "hidden-comment",
        HiddenText,
        Info,
        "A comment that the rendered view hides but the agent may read.",
        "keep comments to tooling markers, or make the text visible",
    ),
    code(
        HIDDEN_INSTRUCTION,
        "hidden-instruction",
        HiddenText,
        Medium,
        "Hidden text that addresses the agent, links somewhere or carries a risky instruction.",
        "move the text into the visible document or delete it",
    ),
    code(
        HIDDEN_HTML,
        "hidden-html",
        HiddenText,
        High,
        "HTML marked hidden or styled invisible, so reviewers never see its text.",
        "delete the hidden element or make its text visible",
    ),
    code(
        CONTENT_OUT_OF_VIEW,
        "content-out-of-view",
        HiddenText,
        Medium,
        "Content pushed far below or far to the right of what a reviewer sees.",
        "remove the padding so all content is in view",
    ),
    code(
        COMMENT_FIELD,
        "comment-field",
        HiddenText,
        Info,
        "A comment-like field in a JSON config that the tool ignores but the agent may read.",
        "delete the field or move the note to documentation",
    ),
    code(
        FETCH_AND_EXECUTE,
        "fetch-and-execute",
        RiskyInstruction,
        High,
        "A download piped straight into a shell or interpreter.",
        "download, review and pin the script, or install through a package manager",
    ),
    code(
        OBFUSCATED_EXECUTION,
        "obfuscated-execution",
        RiskyInstruction,
        High,
        "Encoded text decoded and executed, hiding what runs.",
        "replace the encoded payload with the plain command, after reviewing it",
    ),
    code(
        DESTRUCTIVE_COMMAND,
        "destructive-command",
        RiskyInstruction,
        High,
        "A command that deletes or overwrites data beyond the project.",
        "delete the instruction, or narrow it to a project path and require confirmation",
    ),
    code(
        INSTRUCTION_OVERRIDE,
        "instruction-override",
        RiskyInstruction,
        High,
        "Text telling the agent to ignore its other instructions.",
        "delete the override; agent files add rules, they never cancel them",
    ),
    code(
        BEHAVIOUR_SUPPRESSION,
        "behaviour-suppression",
        RiskyInstruction,
        High,
        "Text telling the agent to hide what it does from the user.",
        "delete the instruction; an agent must report what it does",
    ),
    code(
        EXFILTRATION,
        "exfiltration",
        RiskyInstruction,
        Critical,
        "An instruction that sends environment variables, keys or source code to a remote place.",
        "delete the instruction and check whether the secrets it names have leaked",
    ),
    code(
        DYNAMIC_COMMAND,
        "dynamic-command",
        RiskyInstruction,
        Medium,
        "A command the agent runs while loading the file, before anyone approves it.",
        "remove the inline command or make it a read-only, pinned invocation",
    ),
    code(
        APPROVAL_BYPASS,
        "approval-bypass",
        DangerousSetting,
        Critical,
        "A setting that switches every approval prompt off.",
        "remove the setting; grant specific commands instead",
    ),
    code(
        PROTECTION_DISABLED,
        "protection-disabled",
        DangerousSetting,
        High,
        "A setting that switches off the sandbox, folder trust or approvals.",
        "restore the default (sandboxed, trusted folders only, approvals on request)",
    ),
    code(
        AUTO_APPROVED_TOOLS,
        "auto-approved-tools",
        DangerousSetting,
        Medium,
        "Tools or servers approved without a prompt.",
        "remove the auto-approval, or list only read-only tools",
    ),
    code(
        BLANKET_ALLOW,
        "blanket-allow",
        DangerousSetting,
        High,
        "A permission rule that allows every shell command.",
        "allow the specific commands the project needs",
    ),
    code(
        BROAD_ALLOW,
        "broad-allow",
        DangerousSetting,
        Low,
        "A permission rule that allows a whole command family without a prompt.",
        "narrow the rule to the subcommands the project needs",
    ),
    code(
        ALL_MCP_SERVERS_ENABLED,
        "all-mcp-servers-enabled",
        DangerousSetting,
        Medium,
        "Every MCP server a repository declares is enabled without review.",
        "remove the setting and enable servers by name",
    ),
    code(
        MCP_UNPINNED_PACKAGE,
        "mcp-unpinned-package",
        DangerousSetting,
        Medium,
        "An MCP server downloaded and run from an unpinned package (no version, a range or `@latest`).",
        "pin an exact version (`pkg@1.2.3`) or install the server as a project dependency",
    ),
    code(
        MCP_AUTO_INSTALL,
        "mcp-auto-install",
        DangerousSetting,
        Low,
        "An MCP server downloaded and run from a package registry on start.",
        "install the server as a reviewed, locked dependency",
    ),
    code(
        MCP_SHELL_COMMAND,
        "mcp-shell-command",
        DangerousSetting,
        High,
        "An MCP server command that runs through a shell or contains shell syntax.",
        "run the server binary directly with plain arguments",
    ),
    code(
        MCP_INLINE_CREDENTIAL,
        "mcp-inline-credential",
        DangerousSetting,
        High,
        "A credential written into an MCP server's `env` or headers.",
        "reference an environment variable (`${TOKEN}`) or an input prompt instead, and rotate the credential",
    ),
    code(
        HOOK_COMMAND,
        "hook-command",
        DangerousSetting,
        Low,
        "Hooks that run commands automatically on agent events.",
        "review the hook commands; keep them pinned and inside the repository",
    ),
    code(
        ENVIRONMENT_EXPOSED,
        "environment-exposed",
        DangerousSetting,
        Medium,
        "Commands get the whole environment, secrets included, or unrestricted network access.",
        "pass only the variables commands need, and keep sandbox network access off",
    ),
    code(
        PRIVATE_KEY,
        "private-key",
        Secret,
        Critical,
        "A private key block.",
        "delete the key, rotate it and load it from a secret store",
    ),
    code(
        KNOWN_TOKEN,
        "token",
        Secret,
        Critical,
        "An access token in a well-known format.",
        "delete the token, revoke it and read it from the environment",
    ),
    code(
        SECRET_ASSIGNMENT,
        "secret-assignment",
        Secret,
        High,
        "A high-entropy value assigned to a name that suggests a secret.",
        "move the value to the environment or a secret store, and rotate it",
    ),
];

/// Looks up a code.
pub fn lookup(code: &str) -> Option<&'static ScanCode> {
    CODES.iter().find(|entry| entry.code == code)
}

/// Looks up a code the scanner itself emits.
pub(crate) fn info(code: &'static str) -> &'static ScanCode {
    lookup(code).expect("scanner codes are in the table")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_kinds_are_unique_and_well_formed() {
        let mut codes = std::collections::BTreeSet::new();
        let mut kinds = std::collections::BTreeSet::new();
        for entry in CODES {
            assert!(codes.insert(entry.code), "duplicate code {}", entry.code);
            assert!(kinds.insert(entry.kind), "duplicate kind {}", entry.kind);
            assert!(entry.code.starts_with("RS2") && entry.code.len() == 6);
            assert!(
                !entry.fix.ends_with('.'),
                "{}: fixes are one clause",
                entry.code
            );
        }
    }

    #[test]
    fn code_ranges_match_classes() {
        for entry in CODES {
            let expected = match &entry.code[..4] {
                "RS20" => Class::Unscanned,
                "RS21" => Class::HiddenUnicode,
                "RS22" => Class::HiddenText,
                "RS23" => Class::RiskyInstruction,
                "RS24" => Class::DangerousSetting,
                _ => Class::Secret,
            };
            assert_eq!(entry.class, expected, "{}", entry.code);
        }
    }
}
