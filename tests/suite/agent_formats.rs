//! The files of `examples/all-targets` are what each agent's documentation describes: frontmatter
//! with exactly the documented keys and types, settings files valid against the published
//! schemas, and configuration files that parse.
//!
//! The expectations here are written from the agents' documentation, not from the target specs,
//! so a spec that drifts from the documented format fails them.

use std::path::{Path, PathBuf};

use rulesmith::syntax::yaml;
use serde_json::Value;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/all-targets")
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(example().join(relative))
        .unwrap_or_else(|err| panic!("{relative}: {err}"))
}

fn files(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            let relative = path.strip_prefix(example()).unwrap();
            out.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// A frontmatter value type as the documentation gives it.
#[derive(Clone, Copy, Debug)]
enum Ty {
    Text,
    Bool,
    TextList,
    TextOrList,
    OneOf(&'static [&'static str]),
}

impl Ty {
    fn accepts(self, value: &Value) -> bool {
        let text_list = |v: &Value| {
            v.as_array()
                .is_some_and(|items| !items.is_empty() && items.iter().all(Value::is_string))
        };
        match self {
            Ty::Text => value.as_str().is_some_and(|s| !s.is_empty()),
            Ty::Bool => value.is_boolean(),
            Ty::TextList => text_list(value),
            Ty::TextOrList => value.is_string() || text_list(value),
            Ty::OneOf(allowed) => value.as_str().is_some_and(|s| allowed.contains(&s)),
        }
    }
}

/// What one agent's documentation says about a kind of rules file.
struct Documented {
    /// Glob over paths in the example.
    files: &'static str,
    /// Whether the file may start with frontmatter at all.
    frontmatter: bool,
    /// Whether the agent reads the frontmatter as YAML; Cursor reads `key: rest-of-line`.
    yaml: bool,
    /// Keys that must be present.
    required: &'static [(&'static str, Ty)],
    /// Keys that may be present.
    optional: &'static [(&'static str, Ty)],
    /// A key that must be present when another key has a value: (key, value, then required).
    when: Option<(&'static str, Value, &'static str)>,
}

fn documented() -> Vec<Documented> {
    let plain = |files| Documented {
        files,
        frontmatter: false,
        yaml: true,
        required: &[],
        optional: &[],
        when: None,
    };
    vec![
        // code.claude.com/docs/en/memory: `paths` is a YAML list of globs.
        Documented {
            files: ".claude/rules/*.md",
            frontmatter: true,
            yaml: true,
            required: &[],
            optional: &[("paths", Ty::TextList)],
            when: None,
        },
        // cursor.com/docs/rules: description, globs (comma-separated), alwaysApply; read as
        // `key: rest-of-line`, not YAML.
        Documented {
            files: ".cursor/rules/*.mdc",
            frontmatter: true,
            yaml: false,
            required: &[("alwaysApply", Ty::Bool)],
            optional: &[("description", Ty::Text), ("globs", Ty::Text)],
            when: Some(("alwaysApply", Value::Bool(false), "globs")),
        },
        // docs.github.com custom instructions: applyTo, excludeAgent.
        Documented {
            files: ".github/instructions/*.instructions.md",
            frontmatter: true,
            yaml: true,
            required: &[("applyTo", Ty::Text)],
            optional: &[("excludeAgent", Ty::OneOf(&["code-review", "coding-agent"]))],
            when: None,
        },
        // docs.windsurf.com rules: trigger, globs, description.
        Documented {
            files: ".windsurf/rules/*.md",
            frontmatter: true,
            yaml: true,
            required: &[(
                "trigger",
                Ty::OneOf(&["always_on", "manual", "model_decision", "glob"]),
            )],
            optional: &[("globs", Ty::TextList), ("description", Ty::Text)],
            when: Some(("trigger", Value::from("glob"), "globs")),
        },
        // cline docs: `paths` is the supported conditional.
        Documented {
            files: ".clinerules/*.md",
            frontmatter: true,
            yaml: true,
            required: &[],
            optional: &[("paths", Ty::TextList)],
            when: None,
        },
        // kiro.dev steering: inclusion, fileMatchPattern.
        Documented {
            files: ".kiro/steering/*.md",
            frontmatter: true,
            yaml: true,
            required: &[("inclusion", Ty::OneOf(&["always", "fileMatch", "manual"]))],
            optional: &[("fileMatchPattern", Ty::TextOrList)],
            when: Some(("inclusion", Value::from("fileMatch"), "fileMatchPattern")),
        },
        // continue docs: name, globs, regex, description, alwaysApply.
        Documented {
            files: ".continue/rules/*.md",
            frontmatter: true,
            yaml: true,
            required: &[("name", Ty::Text)],
            optional: &[
                ("globs", Ty::TextOrList),
                ("regex", Ty::TextOrList),
                ("description", Ty::Text),
                ("alwaysApply", Ty::Bool),
            ],
            when: None,
        },
        // docs.augmentcode.com rules: type, description.
        Documented {
            files: ".augment/rules/*.md",
            frontmatter: true,
            yaml: true,
            required: &[(
                "type",
                Ty::OneOf(&["always_apply", "agent_requested", "manual"]),
            )],
            optional: &[("description", Ty::Text)],
            when: Some(("type", Value::from("agent_requested"), "description")),
        },
        plain("CLAUDE.md"),
        plain("**/AGENTS.md"),
        plain("**/GEMINI.md"),
        plain(".cursorrules"),
        plain(".github/copilot-instructions.md"),
        plain(".junie/guidelines.md"),
        plain(".amazonq/rules/*.md"),
        plain(".rules"),
        plain("CONVENTIONS.md"),
        plain(".roo/rules/*.md"),
        plain(".kilocode/rules/*.md"),
        plain("QWEN.md"),
        plain(".openhands/microagents/repo.md"),
        plain(".idx/airules.md"),
    ]
}

/// The lines of the frontmatter block at the top of `text`, fences left out.
fn block<'t>(path: &str, text: &'t str) -> Option<&'t str> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest
        .find("\n---\n")
        .unwrap_or_else(|| panic!("{path}: unclosed frontmatter"));
    Some(&rest[..=end])
}

/// The frontmatter mapping at the top of `text`, parsed by a YAML parser.
fn frontmatter(path: &str, text: &str) -> Option<serde_json::Map<String, Value>> {
    let node = yaml::parse(block(path, text)?)
        .unwrap_or_else(|err| panic!("{path}: invalid YAML: {err:?}"));
    match node.to_json() {
        Value::Object(map) => Some(map),
        other => panic!("{path}: frontmatter is not a mapping: {other}"),
    }
}

/// A frontmatter value as a deliberately naive reader sees it.
#[derive(Debug, PartialEq)]
enum Naive {
    /// `key: rest-of-line`, verbatim.
    Line(String),
    /// `key:` followed by `  - item` lines, each item verbatim.
    Items(Vec<String>),
}

/// Reads frontmatter the way the simplest agent readers do (Cursor's, by public reports): each
/// `key: rest-of-line` verbatim, `  - item` lines under a key with nothing after it. No YAML,
/// no escapes, no trimming.
fn naive(path: &str, text: &str) -> Option<Vec<(String, Naive)>> {
    let mut fields: Vec<(String, Naive)> = Vec::new();
    for line in block(path, text)?.lines() {
        if let Some(item) = line.strip_prefix("  - ") {
            match fields.last_mut() {
                Some((_, Naive::Items(items))) => items.push(item.to_owned()),
                _ => panic!("{path}: list item outside a list: {line:?}"),
            }
        } else if let Some(key) = line.strip_suffix(':') {
            fields.push((key.to_owned(), Naive::Items(Vec::new())));
        } else {
            let (key, rest) = line
                .split_once(": ")
                .unwrap_or_else(|| panic!("{path}: not `key: value`: {line:?}"));
            fields.push((key.to_owned(), Naive::Line(rest.to_owned())));
        }
    }
    Some(fields)
}

/// The globs a naive reader takes from a value: a `[…]` line is a list written with `, `
/// between items, any other line is split on commas without trimming, and each item loses one
/// pair of enclosing double quotes, nothing else.
fn naive_globs(value: &Naive) -> Vec<String> {
    let unquote = |item: &str| {
        item.strip_prefix('"')
            .and_then(|i| i.strip_suffix('"'))
            .unwrap_or(item)
            .to_owned()
    };
    match value {
        Naive::Items(items) => items.iter().map(|i| unquote(i)).collect(),
        Naive::Line(line) => match line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            Some(list) => list.split(", ").map(unquote).collect(),
            None => unquote(line).split(',').map(str::to_owned).collect(),
        },
    }
}

/// A naive reading as JSON, for the documented-keys check of agents that do not read YAML.
fn naive_json(fields: Vec<(String, Naive)>) -> serde_json::Map<String, Value> {
    fields
        .into_iter()
        .map(|(key, value)| {
            let value = match value {
                Naive::Line(word) if word == "true" || word == "false" => {
                    Value::Bool(word == "true")
                }
                Naive::Line(line) => Value::from(line),
                Naive::Items(items) => Value::from(items),
            };
            (key, value)
        })
        .collect()
}

#[test]
fn every_rules_file_has_the_documented_frontmatter() {
    let mut all = Vec::new();
    files(&example(), &mut all);
    let documented = documented();
    let mut checked = 0;
    for path in all.iter().filter(|p| {
        p.ends_with(".md") || p.ends_with(".mdc") || *p == ".cursorrules" || *p == ".rules"
    }) {
        let doc = documented
            .iter()
            .find(|d| {
                globset::GlobBuilder::new(d.files)
                    .literal_separator(true)
                    .build()
                    .unwrap()
                    .compile_matcher()
                    .is_match(path)
            })
            .unwrap_or_else(|| panic!("{path}: no documented format to check it against"));
        let text = read(path);
        let fields = if doc.yaml {
            frontmatter(path, &text)
        } else {
            naive(path, &text).map(naive_json)
        };
        let Some(fields) = fields else {
            assert!(
                doc.required.is_empty(),
                "{path}: the agent needs frontmatter with {:?}",
                doc.required
            );
            checked += 1;
            continue;
        };
        assert!(doc.frontmatter, "{path}: the agent reads no frontmatter");
        for (key, ty) in doc.required {
            let value = fields
                .get(*key)
                .unwrap_or_else(|| panic!("{path}: missing `{key}`"));
            assert!(
                ty.accepts(value),
                "{path}: `{key}` is {value}, expected {ty:?}"
            );
        }
        for (key, value) in &fields {
            let ty = doc
                .required
                .iter()
                .chain(doc.optional)
                .find(|(k, _)| k == key)
                .map(|(_, ty)| *ty)
                .unwrap_or_else(|| panic!("{path}: `{key}` is not a documented key"));
            assert!(
                ty.accepts(value),
                "{path}: `{key}` is {value}, expected {ty:?}"
            );
        }
        if let Some((key, value, then)) = &doc.when
            && fields.get(*key) == Some(value)
        {
            assert!(
                fields.contains_key(*then),
                "{path}: `{key}: {value}` needs `{then}`"
            );
        }
        checked += 1;
    }
    assert!(checked > 40, "only {checked} files checked");
}

/// The globs each scoped rule group of the example applies to, braces expanded.
fn intended_globs(group: &str) -> Vec<&'static str> {
    match group {
        "web-output" => vec!["web/**/*.ts", "web/**/*.tsx", "**/*.html"],
        "api-handlers" => vec![
            "services/api/**/*.ts",
            "services/api/**/*.tsx",
            "services/api/**/*.mts",
            "services/api/**/*.cts",
        ],
        "conventions-reversible-migrations" => vec!["migrations/**/*.sql"],
        other => panic!("{other} is not a scoped group of the example"),
    }
}

#[test]
fn every_frontmatter_reads_back_its_globs_in_a_naive_reader() {
    let mut all = Vec::new();
    files(&example(), &mut all);
    let mut read_back = std::collections::BTreeSet::new();
    for path in &all {
        let text = read(path);
        let Some(fields) = naive(path, &text) else {
            continue;
        };
        let yaml = (!path.ends_with(".mdc")).then(|| frontmatter(path, &text).unwrap());
        for (key, value) in &fields {
            if !["paths", "globs", "applyTo", "fileMatchPattern"].contains(&key.as_str()) {
                continue;
            }
            let name = path.rsplit('/').next().unwrap();
            let group = name.split('.').next().unwrap();
            let intended = intended_globs(group);
            assert_eq!(naive_globs(value), intended, "{path}: `{key}`");
            // Agents that read YAML get the same globs.
            if let Some(yaml) = &yaml {
                let parsed = match &yaml[key] {
                    Value::String(one) => one.split(',').map(Value::from).collect(),
                    Value::Array(items) => items.clone(),
                    other => panic!("{path}: `{key}` is {other}"),
                };
                assert_eq!(parsed, intended, "{path}: `{key}` as YAML");
            }
            read_back.insert((path.split('/').next().unwrap().to_owned(), group.to_owned()));
        }
    }
    // Every agent that scopes by globs carried every scoped group.
    let folders = [
        ".claude",
        ".clinerules",
        ".continue",
        ".cursor",
        ".github",
        ".kiro",
        ".windsurf",
    ];
    for folder in folders {
        for group in [
            "web-output",
            "api-handlers",
            "conventions-reversible-migrations",
        ] {
            assert!(
                read_back.contains(&(folder.to_owned(), group.to_owned())),
                "{folder}: no globs for {group}"
            );
        }
    }
}

#[test]
fn scoped_rules_use_each_agents_own_mechanism() {
    let globs = |path: &str| frontmatter(path, &read(path)).unwrap();
    let cursor = |path: &str| naive_json(naive(path, &read(path)).unwrap());
    assert_eq!(
        globs(".claude/rules/api-handlers.md")["paths"][0],
        "services/api/**/*.ts"
    );
    assert_eq!(
        cursor(".cursor/rules/web-output.mdc")["globs"],
        "web/**/*.ts,web/**/*.tsx,**/*.html"
    );
    assert_eq!(cursor(".cursor/rules/web-output.mdc")["alwaysApply"], false);
    assert_eq!(cursor(".cursor/rules/conventions.mdc")["alwaysApply"], true);
    assert_eq!(
        globs(".github/instructions/conventions-reversible-migrations.instructions.md")["applyTo"],
        "migrations/**/*.sql"
    );
    assert_eq!(
        globs(".kiro/steering/conventions-reversible-migrations.md")["fileMatchPattern"],
        "migrations/**/*.sql"
    );
    assert_eq!(globs(".windsurf/rules/web-output.md")["trigger"], "glob");
    // Directory scopes become nested files; scopes without one stay at the root, under a
    // heading that names where they apply.
    assert!(read("services/api/AGENTS.md").contains("## API handlers"));
    assert!(!read("AGENTS.md").contains("## API handlers"));
    assert!(
        read("AGENTS.md").contains("(applies to files matching `web/**/*.{ts,tsx}`, `**/*.html`)")
    );
    assert!(
        read(".rules")
            .contains("## API handlers (applies to typescript files matching `services/api/**`)")
    );
    // Policy text that looks like YAML stays text: verbatim for Cursor, quoted for YAML readers.
    assert_eq!(
        cursor(".cursor/rules/web-output.mdc")["description"],
        "Web UI: escaping & rendering"
    );
    assert_eq!(
        globs(".continue/rules/web-output.md")["name"],
        "Web UI: escaping & rendering"
    );
}

fn validate(schema_file: &str, instance: &Value) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/schemas")
        .join(schema_file);
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn claude_settings_validate_against_the_published_schema() {
    let settings: Value = serde_json::from_str(&read(".claude/settings.json")).unwrap();
    assert_eq!(
        validate("schemastore-claude-code-settings.json", &settings),
        Vec::<String>::new()
    );
    // The user's own keys and entries are still there.
    assert_eq!(settings["model"], "opus");
    assert_eq!(settings["env"]["NODE_ENV"], "development");
    assert_eq!(
        settings["permissions"]["allow"],
        serde_json::json!(["Bash(npm run test *)"])
    );
    let deny = settings["permissions"]["deny"].as_array().unwrap();
    assert_eq!(deny[0], "Read(./fixtures/customer-export.csv)");
    assert!(deny.contains(&Value::from("Read(**/.env)")));
    assert!(deny.contains(&Value::from("Bash(sh)")));
    let ask = settings["permissions"]["ask"].as_array().unwrap();
    assert!(ask.contains(&Value::from("Bash(git push *)")));
    assert!(ask.contains(&Value::from("WebFetch")));
}

#[test]
fn a_schema_violation_is_caught() {
    // The validation above can fail: a rule with an unknown tool is rejected.
    let bad = serde_json::json!({ "permissions": { "deny": ["Shell(rm)"] } });
    assert!(!validate("schemastore-claude-code-settings.json", &bad).is_empty());
}

#[test]
fn gemini_settings_validate_against_the_published_schema() {
    let settings: Value = serde_json::from_str(&read(".gemini/settings.json")).unwrap();
    assert_eq!(
        validate("gemini-cli-settings.schema.json", &settings),
        Vec::<String>::new()
    );
    let exclude = settings["tools"]["exclude"].as_array().unwrap();
    assert!(exclude.contains(&Value::from("run_shell_command(rm -rf /)")));
    assert!(
        exclude.iter().all(|e| !e.as_str().unwrap().contains('*')),
        "Gemini matches plain prefixes only: {exclude:?}"
    );
}

#[test]
fn codex_config_is_toml_with_the_documented_keys() {
    let text = read(".codex/config.toml");
    let config: Value = toml::from_str(&text).unwrap();
    assert_eq!(
        validate("codex-config.schema.json", &config),
        Vec::<String>::new()
    );
    assert_eq!(config["sandbox_mode"], "workspace-write");
    assert_eq!(config["approval_policy"], "on-request");
    assert_eq!(config["sandbox_workspace_write"]["network_access"], false);
    let keys: Vec<&String> = config.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["approval_policy", "sandbox_mode", "sandbox_workspace_write"]
    );
}

#[test]
fn aider_config_loads_the_conventions() {
    let config = yaml::parse(&read(".aider.conf.yml")).unwrap().to_json();
    assert_eq!(
        validate("schemastore-aider-0.82.json", &config),
        Vec::<String>::new()
    );
    assert_eq!(config["read"], serde_json::json!(["CONVENTIONS.md"]));
}

#[test]
fn ignore_files_list_the_denied_paths() {
    for path in [
        ".cursorignore",
        ".geminiignore",
        ".aiderignore",
        ".codeiumignore",
        ".rooignore",
        ".clineignore",
        ".aiexclude",
        ".aiignore",
        ".kiroignore",
    ] {
        let text = read(path);
        let entries: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect();
        assert!(
            entries.contains(&".env") && entries.contains(&"*.pem"),
            "{path}: {entries:?}"
        );
        assert!(
            entries.iter().all(|e| !e.starts_with('!')),
            "{path}: no negation"
        );
    }
}
