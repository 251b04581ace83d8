//! The typed policy model: what a policy file may say.
//!
//! These types are the single source of truth for the policy schema: serde reads them and
//! schemars turns them into the JSON Schema that `rulesmith schema` prints.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::manifest::Tier;

/// A policy: a named group of rules about one topic, or, without rules, a description that
/// gives agents context (text imported from a hand-written file).
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(extend("anyOf" = [{ "required": ["rules"] }, { "required": ["description"] }]))]
pub struct Policy {
    /// Unique policy id, lowercase words joined by hyphens (e.g. `secrets`).
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"), length(max = 64))]
    pub id: String,
    /// Short title used as the policy's heading in generated files.
    #[schemars(length(min = 1, max = 120))]
    pub title: String,
    /// One or two sentences that tell the agent what the policy is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where every rule of this policy applies; rules may narrow it further.
    #[serde(default, skip_serializing_if = "Scope::is_empty")]
    pub scope: Scope,
    /// Tiers this policy applies to; empty means every tier.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<Tier>,
    /// Sources the policy's topic draws on (URLs of standards or public rule sets), cited at
    /// topic level; shown by `rulesmith explain` and in the coverage table, not in agent files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// The rules, in the order they are rendered; a policy without rules needs a description.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(min = 1))]
    pub rules: Vec<Rule>,
    /// What agents may not do, compiled into each agent's permission and ignore files.
    #[serde(default, skip_serializing_if = "Permissions::is_empty")]
    pub permissions: Permissions,
    /// Whether a repository's manifest may override the policy's rules: `true` locks every rule
    /// (a rule's own `locked` can still allow softening), `soften` lets overrides soften them but
    /// never turn them off.
    #[serde(default, skip_serializing_if = "Lock::is_open")]
    pub locked: Lock,
}

impl Policy {
    /// Every path glob the policy writes, with the JSON pointer of where it is written: the
    /// scope paths of the policy and of each rule, and the files agents must not read.
    pub fn path_globs(&self) -> Vec<(String, &str)> {
        let scopes = std::iter::once(("/scope".to_owned(), &self.scope)).chain(
            self.rules
                .iter()
                .enumerate()
                .map(|(index, rule)| (format!("/rules/{index}/scope"), &rule.scope)),
        );
        let mut globs: Vec<(String, &str)> = scopes
            .flat_map(|(pointer, scope)| {
                scope
                    .paths
                    .iter()
                    .enumerate()
                    .map(move |(i, path)| (format!("{pointer}/paths/{i}"), path.as_str()))
            })
            .collect();
        globs.extend(
            self.permissions
                .deny_read
                .iter()
                .enumerate()
                .map(|(i, glob)| (format!("/permissions/deny-read/{i}"), glob.0.as_str())),
        );
        globs
    }
}

/// One instruction an agent must follow.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Rule {
    /// Rule id, unique within its policy (e.g. `no-hardcoded-secrets`).
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"), length(max = 64))]
    pub id: String,
    /// How binding the rule is.
    pub level: Level,
    /// The instruction: one sentence that reads on from the level's keyword, so it starts with
    /// a verb in lower case (level `must-not`, text "build SQL from user input; use bound
    /// parameters" renders as "MUST NOT build SQL from user input; use bound parameters").
    /// Write must-not rules as the action to avoid, never as a double negative.
    #[schemars(length(min = 1, max = 1000))]
    pub text: String,
    /// Render the text as written, without the level's keyword before it: for rules imported
    /// from hand-written files (`rulesmith import`), whose wording states its own force.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub verbatim: bool,
    /// Why the rule exists, in one short sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    /// CWE ids (`CWE-89`), OWASP ids (`A03:2021`) or URLs backing the rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// Narrows where the rule applies, within the policy's scope.
    #[serde(default, skip_serializing_if = "Scope::is_empty")]
    pub scope: Scope,
    /// Tiers this rule applies to; empty means every tier the policy applies to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<Tier>,
    /// The date the rule was last checked against current APIs and advice, as `YYYY-MM-DD`;
    /// required for the built-in pack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"))]
    pub reviewed: Option<String>,
    /// A short example of code that follows the rule and code that breaks it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Example>,
    /// Whether a repository's manifest may override the rule: `true` forbids turning it off or
    /// softening it, `soften` allows softening only; when absent, the policy's `locked` holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked: Option<Lock>,
}

impl Rule {
    /// How far overrides may go with the rule in `policy`: its own `locked`, else the policy's.
    pub fn lock(&self, policy: &Policy) -> Lock {
        self.locked.unwrap_or(policy.locked)
    }
}

/// How far a repository's overrides may go with a rule a pack locks.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(untagged)]
pub enum Lock {
    /// `false` (open: overrides may turn the rule off or soften it) or `true` (neither).
    Flag(bool),
    /// `soften`: overrides may soften the rule but never turn it off.
    Partial(SoftenOnly),
    /// Absent: open.
    #[default]
    #[serde(skip)]
    Open,
}

/// The keyword `soften`.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum SoftenOnly {
    /// Overrides may soften, not disable.
    Soften,
}

impl Lock {
    /// Whether overrides may do anything with the rule.
    pub fn is_open(&self) -> bool {
        matches!(self, Lock::Open | Lock::Flag(false))
    }

    /// Whether an override may turn the rule off or leave it out.
    pub fn allows_disable(self) -> bool {
        self.is_open()
    }

    /// Whether an override may soften the rule.
    pub fn allows_soften(self) -> bool {
        !matches!(self, Lock::Flag(true))
    }
}

/// A short good and bad example for a rule, each one line of code or a phrase.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(extend("minProperties" = 1))]
pub struct Example {
    /// Code or practice that follows the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 300))]
    pub good: Option<String>,
    /// Code or practice that breaks the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 300))]
    pub bad: Option<String>,
}

/// How binding a rule is, in RFC 2119 terms.
#[derive(
    Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord,
)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// The agent must do this.
    Must,
    /// The agent must never do this.
    MustNot,
    /// The agent should do this unless there is a good reason not to.
    Should,
    /// The agent should avoid this unless there is a good reason.
    ShouldNot,
}

impl Level {
    /// The weaker level of the same polarity: `must` softens to `should`, `must-not` to
    /// `should-not`; the soft levels have nothing weaker.
    pub fn softened(self) -> Option<Level> {
        match self {
            Level::Must => Some(Level::Should),
            Level::MustNot => Some(Level::ShouldNot),
            Level::Should | Level::ShouldNot => None,
        }
    }

    /// Whether the level is a requirement (`must`, `must-not`) rather than a default.
    pub fn is_requirement(self) -> bool {
        matches!(self, Level::Must | Level::MustNot)
    }

    /// The keyword agents read in the generated files.
    pub fn keyword(self) -> &'static str {
        match self {
            Level::Must => "MUST",
            Level::MustNot => "MUST NOT",
            Level::Should => "SHOULD",
            Level::ShouldNot => "SHOULD NOT",
        }
    }
}

/// Where a policy or rule applies: path globs and languages.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Scope {
    /// Path globs relative to the repository root (e.g. `src/**/*.ts`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    /// Languages the rule concerns (e.g. `python`, `typescript`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<Language>,
}

impl Scope {
    /// Whether the scope leaves the rule unrestricted.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && self.languages.is_empty()
    }
}

/// Every language a scope may name, with the file extensions that stand for it.
pub const LANGUAGES: &[(&str, &[&str])] = &[
    ("c", &["c", "h"]),
    ("cpp", &["cc", "cpp", "cxx", "hh", "hpp", "hxx"]),
    ("csharp", &["cs"]),
    ("css", &["css", "scss"]),
    ("dart", &["dart"]),
    ("elixir", &["ex", "exs"]),
    ("go", &["go"]),
    ("haskell", &["hs"]),
    ("html", &["html", "htm"]),
    ("java", &["java"]),
    ("javascript", &["js", "jsx", "mjs", "cjs"]),
    ("json", &["json"]),
    ("kotlin", &["kt", "kts"]),
    ("lua", &["lua"]),
    ("markdown", &["md", "mdx"]),
    ("php", &["php"]),
    ("powershell", &["ps1", "psm1"]),
    ("python", &["py", "pyi"]),
    ("ruby", &["rb"]),
    ("rust", &["rs"]),
    ("scala", &["scala"]),
    ("shell", &["sh", "bash", "zsh"]),
    ("sql", &["sql"]),
    ("swift", &["swift"]),
    ("terraform", &["tf", "tfvars"]),
    ("toml", &["toml"]),
    ("typescript", &["ts", "tsx", "mts", "cts"]),
    ("yaml", &["yaml", "yml"]),
];

/// A programming language a scope names; it stands for the file extensions in [`LANGUAGES`].
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(transparent)]
pub struct Language(pub String);

impl JsonSchema for Language {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Language".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = LANGUAGES.iter().map(|l| l.0).collect();
        schemars::json_schema!({
            "description": "A language, by its lowercase name; it selects the files with its extensions.",
            "type": "string",
            "enum": names,
        })
    }
}

/// Target-neutral permission intents: what agents must not read and which commands they must
/// not run, or must ask before running. Each target compiles them into its own settings and
/// ignore files; rulesmith never emits rules that allow anything.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Permissions {
    /// Files agents must not read, as gitignore-style globs relative to the repository root
    /// (`.env`, `.env.*`, `*.pem`, `secrets/**`). A glob without `/` matches at any depth.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deny_read: Vec<PathGlob>,
    /// Commands agents must ask before running, as command prefixes (`git push`, `npm install`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ask_commands: Vec<Command>,
    /// Commands agents must never run, as command prefixes (`rm -rf /`, `git commit --no-verify`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deny_commands: Vec<Command>,
    /// Programs that must never run a script piped into them, as in `curl … | sh`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deny_piped_to: Vec<Command>,
    /// Whether agents must ask before fetching a web page with their built-in fetch tool.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ask_web_fetch: bool,
}

impl Permissions {
    /// Whether no intent is set.
    pub fn is_empty(&self) -> bool {
        self.deny_read.is_empty()
            && self.ask_commands.is_empty()
            && self.deny_commands.is_empty()
            && self.deny_piped_to.is_empty()
            && !self.ask_web_fetch
    }
}

/// A gitignore-style path glob relative to the repository root.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[serde(transparent)]
pub struct PathGlob(
    /// The glob: no leading `/`, no `..`, no parentheses, quotes or control characters.
    #[schemars(
        regex(pattern = r#"^[^/()\\"'\s!#][^()\\"'\n\r\t]*$"#),
        length(max = 200)
    )]
    pub String,
);

/// A command prefix: words separated by single spaces, no shell operators. A word may be `*`,
/// standing for any arguments (`git commit * --no-verify`); agents that match only plain
/// prefixes skip such commands.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[serde(transparent)]
pub struct Command(
    /// The command: plain words or `*` after the first, no parentheses, quotes, pipes or other
    /// shell operators.
    #[schemars(
        regex(pattern = r#"^[^\s()|&;<>`$"'\\*]+( ([^\s()|&;<>`$"'\\*]+|\*))*$"#),
        length(max = 120)
    )]
    pub String,
);
