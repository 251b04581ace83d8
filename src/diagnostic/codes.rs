//! The one registry of codes: input errors (`RS0xxx`), drift findings of `check` (`RS1xxx`) and
//! findings of `scan` (`RS2xxx`).
//!
//! Each family is an enum, so a code can never be looked up and missing at run time; [`Code`]
//! unions them. Every code's string, meaning, default severity and fix are written here and
//! nowhere else. A code never changes meaning once released; a new problem gets a new code.

use std::fmt;

use crate::diagnostic::finding::Severity;

/// Declares a family of codes and the list of all its members, so the list cannot miss one.
macro_rules! family {
    ($(#[$meta:meta])* $name:ident { $($(#[$variant_meta:meta])* $variant:ident,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$variant_meta])* $variant,)*
        }

        impl $name {
            /// Every code of the family, in code order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
        }
    };
}

family! {
    /// An error or warning about rulesmith's input: the manifest, policies, targets, the files
    /// it reads and writes, and the command line.
    InputCode {
        /// No `rulesmith.yaml` in the working directory or its parents.
        ManifestNotFound,
        /// A file could not be read.
        ReadFailed,
        /// A file is not valid UTF-8.
        NotUtf8,
        /// A file is larger than rulesmith accepts.
        FileTooLarge,
        /// A path is a symlink or otherwise not a regular file where one is required.
        NotARegularFile,
        /// An input file or directory lies outside the repository, as written or through a
        /// symlink.
        InputOutsideRepo,
        /// YAML that does not parse.
        YamlSyntax,
        /// A key the schema does not know.
        UnknownKey,
        /// A value of the wrong type.
        WrongType,
        /// A value outside the allowed set or format.
        InvalidValue,
        /// A required key is missing.
        MissingKey,
        /// Two policies share an id.
        DuplicatePolicy,
        /// Two rules of one policy share an id.
        DuplicateRule,
        /// The manifest names a target that does not exist.
        UnknownTarget,
        /// The manifest names a policy that does not exist.
        UnknownPolicy,
        /// Policy text contains invisible or direction-changing characters.
        HiddenUnicode,
        /// Policy text contains text hidden from the rendered view (HTML comments, hidden HTML).
        HiddenText,
        /// Policy text contains a secret.
        SecretInPolicy,
        /// The manifest changes the severity of a scan code that does not exist.
        UnknownScanCode,
        /// A rule name matches no rule, or a bare rule id matches rules in several policies.
        UnknownRule,
        /// An override is malformed: a blank reason, both or neither of its keys, not a
        /// softening, or a second override of the same thing.
        InvalidOverride,
        /// An override turns off or softens a policy or rule that its pack locks.
        LockedOverride,
        /// A target template failed to compile or render.
        TemplateError,
        /// A target spec is invalid.
        TargetSpecError,
        /// A generated file is over a size limit its agent enforces.
        BudgetExceeded,
        /// A generated file is over a size its agent's documentation advises.
        BudgetAdvisory,
        /// A settings file would switch an agent's permission prompts off.
        UnsafeSetting,
        /// One agent would read another target's file in place of the one meant for it.
        ShadowedFile,
        /// A policy value a target's frontmatter cannot carry in the form its vendor documents.
        FrontmatterValue,
        /// An agent file over a size limit its agent enforces because of its hand-written or
        /// imported text: the agent reads every rule rulesmith states, but not the whole file.
        BudgetHandWritten,
        /// An output path leaves the repository.
        PathEscapesRepo,
        /// rulesmith refuses to overwrite a file it did not generate.
        NotGenerated,
        /// A file could not be written.
        WriteFailed,
        /// A managed block's markers are missing, duplicated or nested.
        BrokenMarkers,
        /// A settings file rulesmith merges into cannot be merged.
        SettingsMerge,
        /// An output path lies inside a version-control directory or on a file another tool
        /// owns.
        OutsideBoundary,
        /// A build failed midway and could not put every file back as it was.
        PartiallyWritten,
        /// `.gitignore` hides an output, so it would never be committed.
        IgnoredOutput,
        /// `rulesmith init` would write a file that already exists.
        InitConflict,
        /// `rulesmith init` was given a directory it cannot set up.
        InitDirectory,
        /// `rulesmith init` was given a directory inside another rulesmith project.
        NestedProject,
        /// `rulesmith init` was given a stack or tier it does not know.
        UnknownChoice,
    }
}

impl InputCode {
    /// The code as printed, e.g. `RS0102`, and what it means, for the README's table.
    const fn entry(self) -> (&'static str, &'static str) {
        match self {
            InputCode::ManifestNotFound => (
                "RS0001",
                "no `rulesmith.yaml` here or in a parent directory",
            ),
            InputCode::ReadFailed => ("RS0002", "a file cannot be read"),
            InputCode::NotUtf8 => ("RS0003", "a file is not valid UTF-8"),
            InputCode::FileTooLarge => ("RS0004", "a file is over 1 MiB"),
            InputCode::NotARegularFile => (
                "RS0005",
                "a symlink or other special file where a regular file is needed",
            ),
            InputCode::InputOutsideRepo => (
                "RS0006",
                "a policy or target directory, a file in one, or the manifest that lies outside the repository (written so, or through a symlink)",
            ),
            InputCode::YamlSyntax => (
                "RS0101",
                "YAML that does not parse (one document per file; depth, node and alias budgets stop alias bombs)",
            ),
            InputCode::UnknownKey => ("RS0102", "an unknown key (with the closest known one)"),
            InputCode::WrongType => ("RS0103", "a value of the wrong type"),
            InputCode::InvalidValue => ("RS0104", "an invalid value (with the allowed ones)"),
            InputCode::MissingKey => ("RS0105", "a required key is missing"),
            InputCode::DuplicatePolicy => ("RS0201", "two policies share an id"),
            InputCode::DuplicateRule => ("RS0202", "two rules of one policy share an id"),
            InputCode::UnknownTarget => ("RS0203", "an unknown target"),
            InputCode::UnknownPolicy => ("RS0204", "an unknown built-in policy"),
            InputCode::HiddenUnicode => ("RS0205", "hidden Unicode in policy text"),
            InputCode::HiddenText => (
                "RS0206",
                "hidden text in policy text, such as an HTML comment",
            ),
            InputCode::SecretInPolicy => ("RS0207", "a secret in policy text"),
            InputCode::UnknownScanCode => (
                "RS0208",
                "`scan.severity` names a code that is not a scan finding code",
            ),
            InputCode::UnknownRule => (
                "RS0209",
                "a rule name that matches no rule, or a bare rule id that matches rules in several policies",
            ),
            InputCode::InvalidOverride => (
                "RS0210",
                "a bad override: a blank reason, both or neither of its keys, not a softening, or a second override of the same thing",
            ),
            InputCode::LockedOverride => (
                "RS0211",
                "an override of a policy or rule its pack locks (`locked: true`), or a disable of one it lets you only soften (`locked: soften`)",
            ),
            InputCode::TemplateError => (
                "RS0301",
                "a target template that does not compile or render",
            ),
            InputCode::TargetSpecError => ("RS0302", "an invalid target spec"),
            InputCode::BudgetExceeded => (
                "RS0303",
                "a generated file over a size limit its agent enforces",
            ),
            InputCode::BudgetAdvisory => (
                "RS0304",
                "a generated file over the size its agent's documentation advises (a warning)",
            ),
            InputCode::UnsafeSetting => (
                "RS0305",
                "a settings file that would switch an agent's permission prompts off (refused)",
            ),
            InputCode::ShadowedFile => (
                "RS0306",
                "one agent would read another target's file in place of the one meant for it (a warning)",
            ),
            InputCode::FrontmatterValue => (
                "RS0307",
                "a glob or title a target's frontmatter cannot carry in its vendor's documented form (a comma, a quote or a line break; refused, never escaped)",
            ),
            InputCode::BudgetHandWritten => (
                "RS0308",
                "an agent file over a size limit its agent enforces because of its hand-written or imported text, with every rule rulesmith states inside the limit (a warning)",
            ),
            InputCode::PathEscapesRepo => (
                "RS0401",
                "an output path that leaves the repository or passes through a symlink",
            ),
            InputCode::NotGenerated => (
                "RS0402",
                "a file rulesmith did not generate, which it does not overwrite without `--force`",
            ),
            InputCode::WriteFailed => ("RS0403", "a file cannot be written"),
            InputCode::BrokenMarkers => (
                "RS0404",
                "a managed block's markers are missing, duplicated or nested",
            ),
            InputCode::SettingsMerge => (
                "RS0405",
                "a settings file rulesmith merges into cannot be merged",
            ),
            InputCode::OutsideBoundary => (
                "RS0406",
                "an output path inside `.git/` (or another version-control directory) or on a file another tool owns; refused even with `--force`",
            ),
            InputCode::PartiallyWritten => (
                "RS0407",
                "a build failed midway and could not put every file back; the message names each file left behind",
            ),
            InputCode::IgnoredOutput => (
                "RS0408",
                "`.gitignore` hides an output, so it is never committed and a fresh clone's `check` reports it missing (a warning naming the negation lines to add; `--fix-gitignore` adds them)",
            ),
            InputCode::InitConflict => ("RS0501", "`init`: a file that already exists"),
            InputCode::InitDirectory => (
                "RS0502",
                "`init`: a directory that is a file or cannot be written",
            ),
            InputCode::NestedProject => ("RS0503", "`init`: a directory inside another project"),
            InputCode::UnknownChoice => ("RS0504", "`init`: an unknown stack or tier"),
        }
    }

    /// The code as printed, e.g. `RS0102`.
    pub const fn as_str(self) -> &'static str {
        self.entry().0
    }

    /// What the code means, in one line.
    pub const fn meaning(self) -> &'static str {
        self.entry().1
    }
}

family! {
    /// A kind of drift finding `check` reports.
    DriftCode {
        /// An output that should exist does not.
        Missing,
        /// The bytes differ and rulesmith cannot tell why: the header is missing or damaged.
        Changed,
        /// Only line endings or the final newline differ.
        LineEndings,
        /// The output was edited by hand since it was generated.
        HandEdited,
        /// The output is as generated, but the policies or templates changed since.
        Stale,
        /// rulesmith generated the file earlier and no target produces it now.
        Orphaned,
        /// A file rulesmith did not generate is where an output goes.
        NotGenerated,
        /// An agent instructions file that rulesmith does not generate.
        ShadowRules,
        /// The manifest leaves out or softens a rule; shown so the exception and its reason
        /// stay visible.
        Override,
        /// A temporary file left by a build that was stopped midway.
        StrayTemporary,
        /// The manifest leaves out, turns off or softens a security rule of the built-in pack.
        GuardrailOff,
        /// A file `init` scaffolded for one tier while the manifest names another.
        TierChanged,
    }
}

impl DriftCode {
    /// The code, kind, default severity and meaning.
    const fn entry(self) -> (&'static str, &'static str, Severity, &'static str) {
        match self {
            DriftCode::Missing => (
                "RS1001",
                "missing",
                Severity::High,
                "an output the policies produce does not exist",
            ),
            DriftCode::Changed => (
                "RS1002",
                "changed",
                Severity::High,
                "an output's bytes differ and its header is missing or damaged, so rulesmith cannot tell why",
            ),
            DriftCode::LineEndings => (
                "RS1003",
                "line-endings",
                Severity::Low,
                "an output differs only in line endings (CRLF against LF) or its final newline",
            ),
            DriftCode::HandEdited => (
                "RS1004",
                "hand-edited",
                Severity::High,
                "an output was edited by hand since rulesmith generated it",
            ),
            DriftCode::Stale => (
                "RS1005",
                "stale",
                Severity::High,
                "an output is as generated, but the policies or templates changed and nobody rebuilt",
            ),
            DriftCode::Orphaned => (
                "RS1006",
                "orphaned",
                Severity::High,
                "a file rulesmith generated earlier that no selected target produces any more",
            ),
            DriftCode::NotGenerated => (
                "RS1007",
                "not-generated",
                Severity::High,
                "a file rulesmith did not write sits where an output goes",
            ),
            DriftCode::ShadowRules => (
                "RS1008",
                "shadow-rules",
                Severity::High,
                "an agent reads instructions from a file rulesmith does not generate (`.cursorrules`, `.windsurfrules`, `GEMINI.md`, `.github/copilot-instructions.md`, `.cursor/rules/*.mdc`, skills, commands, …) and that is not accepted, with its current bytes, under `shadow-rules` in the manifest",
            ),
            DriftCode::Override => (
                "RS1010",
                "override",
                Severity::Info,
                "information, not drift: the manifest leaves out a policy or turns off or softens a rule, for the reason it gives (exit status unaffected)",
            ),
            DriftCode::StrayTemporary => (
                "RS1011",
                "stray-temporary",
                Severity::Low,
                "a temporary file left by a build that was stopped midway; the next build removes it",
            ),
            DriftCode::GuardrailOff => (
                "RS1012",
                "guardrail-off",
                Severity::High,
                "the manifest leaves out, turns off or softens a security policy of the built-in pack; the finding names the policy, the reason and the manifest's owner, and stays until the override goes",
            ),
            DriftCode::TierChanged => (
                "RS1013",
                "tier-changed",
                Severity::Medium,
                "a file `init` scaffolded for one tier (the workflow, the pre-commit config, SECURITY.md) while `rulesmith.yaml` names another; update the file and its `rulesmith tier` line",
            ),
        }
    }

    /// The code as printed, e.g. `RS1002`.
    pub const fn as_str(self) -> &'static str {
        self.entry().0
    }

    /// Short kebab-case name, e.g. `changed`.
    pub const fn kind(self) -> &'static str {
        self.entry().1
    }

    /// How serious the finding is.
    pub const fn severity(self) -> Severity {
        self.entry().2
    }

    /// What the code means, in one line.
    pub const fn meaning(self) -> &'static str {
        self.entry().3
    }
}

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

/// What the registry says about one scan code.
struct ScanEntry {
    code: &'static str,
    kind: &'static str,
    class: Class,
    severity: Severity,
    summary: &'static str,
    fix: &'static str,
}

family! {
    /// A kind of finding `scan` reports: `RS20xx` files the scanner could not read, `RS21xx`
    /// hidden Unicode, `RS22xx` text hidden from the rendered view, `RS23xx` risky
    /// instructions, `RS24xx` dangerous agent settings, `RS25xx` secrets.
    ScanCode {
        /// File too large or binary.
        UnscannedFile,
        /// A lone invisible character.
        InvisibleCharacter,
        /// A run of invisible characters.
        InvisibleSequence,
        /// A bidirectional control outside right-to-left text.
        BidiControl,
        /// Unicode tag characters.
        TagCharacters,
        /// Variation selectors carrying bytes.
        VariationSelectorPayload,
        /// A word mixing Latin with a look-alike script.
        MixedScriptWord,
        /// Terminal control characters.
        ControlCharacters,
        /// An invisible character splitting a word.
        InvisibleInWord,
        /// An HTML comment or Markdown comment.
        HiddenComment,
        /// Hidden text that addresses the agent.
        HiddenInstruction,
        /// HTML styled or marked to be invisible.
        HiddenHtml,
        /// Content pushed out of view by blank lines or spaces.
        ContentOutOfView,
        /// A comment-like field in a JSON config.
        CommentField,
        /// Download piped into an interpreter.
        FetchAndExecute,
        /// Decoded text executed.
        ObfuscatedExecution,
        /// A command that destroys data.
        DestructiveCommand,
        /// "Ignore previous instructions".
        InstructionOverride,
        /// "Do not tell the user".
        BehaviourSuppression,
        /// Sending secrets or source to a remote place.
        Exfiltration,
        /// Claude Code `!` or Gemini `!{}` command execution at load time.
        DynamicCommand,
        /// Weakening tests, checks, TLS or authentication; a backdoor.
        Sabotage,
        /// A mode that switches every approval prompt off.
        ApprovalBypass,
        /// A sandbox, trust or approval layer switched off.
        ProtectionDisabled,
        /// Tools approved without a prompt.
        AutoApprovedTools,
        /// Any shell command allowed.
        BlanketAllow,
        /// A whole command family allowed.
        BroadAllow,
        /// Every project MCP server enabled.
        AllMcpServersEnabled,
        /// An MCP server run from an unpinned package.
        McpUnpinnedPackage,
        /// An MCP server downloaded and run on start.
        McpAutoInstall,
        /// Shell syntax in an MCP command.
        McpShellCommand,
        /// A credential written into an MCP config.
        McpInlineCredential,
        /// Hooks that run commands automatically.
        HookCommand,
        /// The whole environment passed to commands, or network opened in the sandbox.
        EnvironmentExposed,
        /// Plugins or a plugin marketplace from a third party.
        ThirdPartyPlugin,
        /// A private key block.
        PrivateKey,
        /// A token in a well-known format.
        KnownToken,
        /// A high-entropy value assigned to a secret-looking name.
        SecretAssignment,
        /// A password written into a connection URL.
        UrlCredential,
    }
}

impl ScanCode {
    const fn entry(self) -> ScanEntry {
        use Class::{
            DangerousSetting, HiddenText, HiddenUnicode, RiskyInstruction, Secret, Unscanned,
        };
        use Severity::{Critical, High, Info, Low, Medium};
        let (code, kind, class, severity, summary, fix) = match self {
            ScanCode::UnscannedFile => (
                "RS2001",
                "unscanned-file",
                Unscanned,
                Medium,
                "An agent file is too large or binary, so the scanner did not read all of it.",
                "shrink the file below the size cap, or review it by hand and trust it with `rulesmith scan --trust`",
            ),
            ScanCode::InvisibleCharacter => (
                "RS2101",
                "invisible-character",
                HiddenUnicode,
                Medium,
                "A zero-width or other default-ignorable character that shows nothing.",
                "delete the character",
            ),
            ScanCode::InvisibleSequence => (
                "RS2102",
                "invisible-sequence",
                HiddenUnicode,
                High,
                "A run of invisible characters, enough to encode hidden data.",
                "delete the invisible characters and review who added them",
            ),
            ScanCode::BidiControl => (
                "RS2103",
                "bidi-control",
                HiddenUnicode,
                High,
                "A bidirectional control that reorders how text is displayed (Trojan Source).",
                "delete the control character; right-to-left prose needs no overrides",
            ),
            ScanCode::TagCharacters => (
                "RS2104",
                "unicode-tags",
                HiddenUnicode,
                Critical,
                "Unicode tag characters, which spell ASCII text that no one sees but the agent reads.",
                "delete the tag characters and treat the file as compromised until reviewed",
            ),
            ScanCode::VariationSelectorPayload => (
                "RS2105",
                "variation-selector-payload",
                HiddenUnicode,
                Critical,
                "A run of variation selectors used as a hidden byte channel.",
                "delete the variation selectors and treat the file as compromised until reviewed",
            ),
            ScanCode::MixedScriptWord => (
                "RS2106",
                "mixed-script-word",
                HiddenUnicode,
                Medium,
                "A word mixing Latin letters with look-alike letters from another script (homoglyphs).",
                "retype the word in one script",
            ),
            ScanCode::ControlCharacters => (
                "RS2107",
                "control-characters",
                HiddenUnicode,
                High,
                "Terminal control characters (ANSI escapes, lone carriage returns) that can hide, recolour or overwrite text when the file is shown in a terminal.",
                "delete the control characters",
            ),
            ScanCode::InvisibleInWord => (
                "RS2108",
                "invisible-in-word",
                HiddenUnicode,
                Medium,
                "An invisible character inside a word, so the word reads differently to a person, a search and the agent.",
                "delete the character",
            ),
            ScanCode::HiddenComment => (
                "RS2201",
                "hidden-comment",
                HiddenText,
                Info,
                "A comment that the rendered view hides but the agent may read.",
                "keep comments to tooling markers, or make the text visible",
            ),
            ScanCode::HiddenInstruction => (
                "RS2202",
                "hidden-instruction",
                HiddenText,
                Medium,
                "Hidden text that addresses the agent, links somewhere or carries a risky instruction.",
                "move the text into the visible document or delete it",
            ),
            ScanCode::HiddenHtml => (
                "RS2203",
                "hidden-html",
                HiddenText,
                High,
                "HTML marked hidden or styled invisible, so reviewers never see its text.",
                "delete the hidden element or make its text visible",
            ),
            ScanCode::ContentOutOfView => (
                "RS2204",
                "content-out-of-view",
                HiddenText,
                Medium,
                "Content pushed far below or far to the right of what a reviewer sees.",
                "remove the padding so all content is in view",
            ),
            ScanCode::CommentField => (
                "RS2205",
                "comment-field",
                HiddenText,
                Info,
                "A comment-like field in a JSON config that the tool ignores but the agent may read.",
                "delete the field or move the note to documentation",
            ),
            ScanCode::FetchAndExecute => (
                "RS2301",
                "fetch-and-execute",
                RiskyInstruction,
                High,
                "A download piped straight into a shell or interpreter.",
                "download, review and pin the script, or install through a package manager",
            ),
            ScanCode::ObfuscatedExecution => (
                "RS2302",
                "obfuscated-execution",
                RiskyInstruction,
                High,
                "Encoded text decoded and executed, hiding what runs.",
                "replace the encoded payload with the plain command, after reviewing it",
            ),
            ScanCode::DestructiveCommand => (
                "RS2303",
                "destructive-command",
                RiskyInstruction,
                High,
                "A command that deletes or overwrites data beyond the project.",
                "delete the instruction, or narrow it to a project path and require confirmation",
            ),
            ScanCode::InstructionOverride => (
                "RS2304",
                "instruction-override",
                RiskyInstruction,
                High,
                "Text telling the agent to ignore its other instructions.",
                "delete the override; agent files add rules, they never cancel them",
            ),
            ScanCode::BehaviourSuppression => (
                "RS2305",
                "behaviour-suppression",
                RiskyInstruction,
                High,
                "Text telling the agent to hide what it does from the user.",
                "delete the instruction; an agent must report what it does",
            ),
            ScanCode::Exfiltration => (
                "RS2306",
                "exfiltration",
                RiskyInstruction,
                Critical,
                "An instruction that sends environment variables, keys or source code to a remote place.",
                "delete the instruction and check whether the secrets it names have leaked",
            ),
            ScanCode::DynamicCommand => (
                "RS2307",
                "dynamic-command",
                RiskyInstruction,
                Medium,
                "A command the agent runs while loading the file, before anyone approves it.",
                "remove the inline command or make it a read-only, pinned invocation",
            ),
            ScanCode::Sabotage => (
                "RS2308",
                "sabotage",
                RiskyInstruction,
                High,
                "Text telling the agent to weaken tests, checks, hooks, TLS or authentication, or to plant a backdoor.",
                "delete the instruction; fix what fails instead of switching the check off",
            ),
            ScanCode::ApprovalBypass => (
                "RS2401",
                "approval-bypass",
                DangerousSetting,
                Critical,
                "A setting that switches every approval prompt off.",
                "remove the setting; grant specific commands instead",
            ),
            ScanCode::ProtectionDisabled => (
                "RS2402",
                "protection-disabled",
                DangerousSetting,
                High,
                "A setting that switches off the sandbox, folder trust or approvals.",
                "restore the default (sandboxed, trusted folders only, approvals on request)",
            ),
            ScanCode::AutoApprovedTools => (
                "RS2403",
                "auto-approved-tools",
                DangerousSetting,
                Medium,
                "Tools or servers approved without a prompt.",
                "remove the auto-approval, or list only read-only tools",
            ),
            ScanCode::BlanketAllow => (
                "RS2404",
                "blanket-allow",
                DangerousSetting,
                High,
                "A permission rule that allows every shell command.",
                "allow the specific commands the project needs",
            ),
            ScanCode::BroadAllow => (
                "RS2405",
                "broad-allow",
                DangerousSetting,
                Low,
                "A permission rule that allows a whole command family without a prompt.",
                "narrow the rule to the subcommands the project needs",
            ),
            ScanCode::AllMcpServersEnabled => (
                "RS2406",
                "all-mcp-servers-enabled",
                DangerousSetting,
                Medium,
                "Every MCP server a repository declares is enabled without review.",
                "remove the setting and enable servers by name",
            ),
            ScanCode::McpUnpinnedPackage => (
                "RS2407",
                "mcp-unpinned-package",
                DangerousSetting,
                Medium,
                "An MCP server downloaded and run from an unpinned package (no version, a range or `@latest`).",
                "pin an exact version (`pkg@1.2.3`) or install the server as a project dependency",
            ),
            ScanCode::McpAutoInstall => (
                "RS2408",
                "mcp-auto-install",
                DangerousSetting,
                Low,
                "An MCP server downloaded and run from a package registry on start.",
                "install the server as a reviewed, locked dependency",
            ),
            ScanCode::McpShellCommand => (
                "RS2409",
                "mcp-shell-command",
                DangerousSetting,
                High,
                "An MCP server command that runs through a shell or contains shell syntax.",
                "run the server binary directly with plain arguments",
            ),
            ScanCode::McpInlineCredential => (
                "RS2410",
                "mcp-inline-credential",
                DangerousSetting,
                High,
                "A credential written into an MCP server's `env` or headers.",
                "reference an environment variable (`${TOKEN}`) or an input prompt instead, and rotate the credential",
            ),
            ScanCode::HookCommand => (
                "RS2411",
                "hook-command",
                DangerousSetting,
                Low,
                "Hooks that run commands automatically on agent events.",
                "review the hook commands; keep them pinned and inside the repository",
            ),
            ScanCode::EnvironmentExposed => (
                "RS2412",
                "environment-exposed",
                DangerousSetting,
                Medium,
                "Commands get the whole environment, secrets included, or unrestricted network access.",
                "pass only the variables commands need, and keep sandbox network access off",
            ),
            ScanCode::ThirdPartyPlugin => (
                "RS2413",
                "third-party-plugin",
                DangerousSetting,
                Medium,
                "Plugins, or a marketplace of them, from a third party: their hooks, MCP servers and commands run with the agent's permissions.",
                "review the plugin's source and pin it to a commit, or install it per user instead of from the repository",
            ),
            ScanCode::PrivateKey => (
                "RS2501",
                "private-key",
                Secret,
                Critical,
                "A private key block.",
                "delete the key, rotate it and load it from a secret store",
            ),
            ScanCode::KnownToken => (
                "RS2502",
                "token",
                Secret,
                Critical,
                "An access token in a well-known format.",
                "delete the token, revoke it and read it from the environment",
            ),
            ScanCode::SecretAssignment => (
                "RS2503",
                "secret-assignment",
                Secret,
                High,
                "A high-entropy value assigned to a name that suggests a secret.",
                "move the value to the environment or a secret store, and rotate it",
            ),
            ScanCode::UrlCredential => (
                "RS2504",
                "url-credential",
                Secret,
                High,
                "A password written into a connection URL (`scheme://user:password@host`).",
                "read the URL or its password from the environment, and rotate the password",
            ),
        };
        ScanEntry {
            code,
            kind,
            class,
            severity,
            summary,
            fix,
        }
    }
}

impl ScanCode {
    /// The code as printed, e.g. `RS2104`.
    pub const fn as_str(self) -> &'static str {
        self.entry().code
    }

    /// Short kebab-case name, e.g. `unicode-tags`.
    pub const fn kind(self) -> &'static str {
        self.entry().kind
    }

    /// Which class of risk the code belongs to.
    pub const fn class(self) -> Class {
        self.entry().class
    }

    /// The severity unless the manifest overrides it.
    pub const fn severity(self) -> Severity {
        self.entry().severity
    }

    /// What the finding means, in one sentence.
    pub const fn meaning(self) -> &'static str {
        self.entry().summary
    }

    /// How to fix it, in one line.
    pub const fn fix(self) -> &'static str {
        self.entry().fix
    }

    /// The scan code printed as `text`, if there is one.
    pub fn parse(text: &str) -> Option<ScanCode> {
        ScanCode::ALL
            .iter()
            .copied()
            .find(|code| code.as_str() == text)
    }
}

/// Any code rulesmith reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    /// An input error or warning.
    Input(InputCode),
    /// A drift finding of `check`.
    Drift(DriftCode),
    /// A finding of `scan`.
    Scan(ScanCode),
}

impl Code {
    /// Every code, in code order.
    pub fn all() -> impl Iterator<Item = Code> {
        let input = InputCode::ALL.iter().copied().map(Code::Input);
        let drift = DriftCode::ALL.iter().copied().map(Code::Drift);
        let scan = ScanCode::ALL.iter().copied().map(Code::Scan);
        input.chain(drift).chain(scan)
    }

    /// The code as printed, e.g. `RS0102`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Code::Input(code) => code.as_str(),
            Code::Drift(code) => code.as_str(),
            Code::Scan(code) => code.as_str(),
        }
    }

    /// What the code means, in one line.
    pub const fn meaning(self) -> &'static str {
        match self {
            Code::Input(code) => code.meaning(),
            Code::Drift(code) => code.meaning(),
            Code::Scan(code) => code.meaning(),
        }
    }

    /// The short kebab-case name of a finding code; input codes have none.
    pub const fn kind(self) -> Option<&'static str> {
        match self {
            Code::Input(_) => None,
            Code::Drift(code) => Some(code.kind()),
            Code::Scan(code) => Some(code.kind()),
        }
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Code {
    /// Codes sort as they print.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl From<DriftCode> for Code {
    fn from(code: DriftCode) -> Self {
        Code::Drift(code)
    }
}

impl From<ScanCode> for Code {
    fn from(code: ScanCode) -> Self {
        Code::Scan(code)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for InputCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's code tables, one row per code, as the registry describes them.
    fn readme_tables() -> String {
        let mut out = String::from("| code | problem |\n| --- | --- |\n");
        for code in InputCode::ALL {
            out.push_str(&format!("| {} | {} |\n", code.as_str(), code.meaning()));
        }
        out.push_str("\n| code | kind | what it means |\n| --- | --- | --- |\n");
        for code in DriftCode::ALL {
            out.push_str(&format!(
                "| {} | `{}` | {} |\n",
                code.as_str(),
                code.kind(),
                code.meaning()
            ));
        }
        out.push_str(
            "\n| code | kind | default severity | what it means |\n| --- | --- | --- | --- |\n",
        );
        for code in ScanCode::ALL {
            out.push_str(&format!(
                "| {} | `{}` | {} | {} |\n",
                code.as_str(),
                code.kind(),
                code.severity().as_str(),
                code.meaning()
            ));
        }
        out
    }

    #[test]
    fn every_code_and_kind_is_unique_and_well_formed() {
        let mut codes = std::collections::BTreeSet::new();
        let mut kinds = std::collections::BTreeSet::new();
        for code in Code::all() {
            let text = code.as_str();
            assert!(codes.insert(text), "duplicate code {text}");
            assert!(text.len() == 6 && text.starts_with("RS"), "{text}");
            assert!(text[2..].chars().all(|c| c.is_ascii_digit()), "{text}");
            let family = match code {
                Code::Input(_) => '0',
                Code::Drift(_) => '1',
                Code::Scan(_) => '2',
            };
            assert_eq!(text.as_bytes()[2] as char, family, "{text}");
            assert!(!code.meaning().is_empty() && !code.meaning().contains('\n'));
            if let Some(kind) = code.kind() {
                assert!(kinds.insert(kind), "duplicate kind {kind}");
                assert!(kind.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
            }
        }
    }

    #[test]
    fn codes_are_listed_in_code_order() {
        let all: Vec<Code> = Code::all().collect();
        assert!(all.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn scan_fixes_are_one_clause() {
        for code in ScanCode::ALL {
            assert!(!code.fix().ends_with('.'), "{}", code.as_str());
        }
    }

    #[test]
    fn scan_code_ranges_match_classes() {
        for code in ScanCode::ALL {
            let expected = match &code.as_str()[..4] {
                "RS20" => Class::Unscanned,
                "RS21" => Class::HiddenUnicode,
                "RS22" => Class::HiddenText,
                "RS23" => Class::RiskyInstruction,
                "RS24" => Class::DangerousSetting,
                _ => Class::Secret,
            };
            assert_eq!(code.class(), expected, "{}", code.as_str());
        }
    }

    #[test]
    fn the_readme_lists_every_code_with_its_meaning() {
        let readme = include_str!("../../README.md");
        for table in readme_tables().split("\n\n") {
            assert!(
                readme.contains(table),
                "README.md's code table is out of date; it should read:\n\n{table}"
            );
        }
    }
}
