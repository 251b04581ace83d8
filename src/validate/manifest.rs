//! Checks of the manifest that its schema cannot express: the policy directory stays inside
//! the repository and every lane path is a glob that parses.

use crate::diagnostic::{Diagnostic, InputCode, SourceFile, Span};
use crate::model::manifest::{DEFAULT_POLICY_DIR, MANIFEST_FILE, Manifest};
use crate::validate::schema::SchemaKind;
use crate::validate::{Parsed, glob_problem, parse_document};

/// Parses the manifest and checks it: its schema, then what the schema cannot express.
pub fn parse(source: &SourceFile) -> Result<Parsed<Manifest>, Vec<Diagnostic>> {
    let parsed = parse_document(source, SchemaKind::Manifest)?;
    let problems = check(source, &parsed);
    if problems.is_empty() {
        Ok(parsed)
    } else {
        Err(problems)
    }
}

/// Where the manifest names its policy directory, when it does.
pub fn policy_dir_span(source: &SourceFile, parsed: &Parsed<Manifest>) -> Option<Span> {
    let node = parsed.node.at_pointer("/policies/dir")?;
    Some(source.span(node.position, parsed.value.policies.dir.chars().count()))
}

/// Checks what the schema cannot express: the policy directory is a relative path that stays
/// inside the repository, and every lane path is a glob that parses.
pub fn check(source: &SourceFile, parsed: &Parsed<Manifest>) -> Vec<Diagnostic> {
    let mut problems = check_policy_dir(source, parsed);
    problems.extend(check_lane_paths(source, parsed));
    problems
}

/// Every lane path that is not a valid glob, at its position.
fn check_lane_paths(source: &SourceFile, parsed: &Parsed<Manifest>) -> Vec<Diagnostic> {
    let Some(lanes) = parsed
        .value
        .agreement
        .as_ref()
        .and_then(|a| a.lanes.as_ref())
    else {
        return Vec::new();
    };
    let named = [
        ("builder", &lanes.builder),
        ("engineering", &lanes.engineering),
        ("shared", &lanes.shared),
    ];
    let mut problems = Vec::new();
    for (name, lane) in named {
        for (index, path) in lane.paths.iter().enumerate() {
            if let Err(wrong) = crate::validate::glob::check_glob(&path.0) {
                let pointer = format!("/agreement/lanes/{name}/paths/{index}");
                let position = parsed
                    .node
                    .at_pointer(&pointer)
                    .map(|n| n.position)
                    .unwrap_or_default();
                problems.push(glob_problem(source, position, &path.0, &wrong));
            }
        }
    }
    problems
}

/// The policy directory, when it is empty, absolute or leaves the repository with `..`.
/// Policies from outside the repository would need a pack, which is not supported yet.
fn check_policy_dir(source: &SourceFile, parsed: &Parsed<Manifest>) -> Vec<Diagnostic> {
    let dir = &parsed.value.policies.dir;
    let (code, wrong) = if dir.trim().is_empty() {
        (InputCode::InvalidValue, "is empty")
    } else if dir.chars().any(char::is_control) {
        (InputCode::InvalidValue, "contains a control character")
    } else if dir.starts_with(['/', '\\']) || dir.chars().nth(1) == Some(':') {
        (InputCode::InputOutsideRepo, "is an absolute path")
    } else if dir.split(['/', '\\']).any(|part| part == "..") {
        (
            InputCode::InputOutsideRepo,
            "leaves the repository with `..`",
        )
    } else {
        return Vec::new();
    };
    let problem = Diagnostic::error(
        code,
        format!("the policy directory `{}` {wrong}", dir.escape_debug()),
    )
    .hint(format!(
        "name a directory inside the repository, relative to {MANIFEST_FILE}, such as `{DEFAULT_POLICY_DIR}`; policies shared between repositories (packs) are not supported yet"
    ));
    vec![match policy_dir_span(source, parsed) {
        Some(span) => problem.at(span),
        None => problem,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(extra: &str) -> Vec<(InputCode, String, u32)> {
        let text = format!("project: demo\ntier: prototype\ntargets: [claude]\n{extra}");
        parse(&SourceFile::new(MANIFEST_FILE, text))
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|d| (d.code, d.message, d.span.map_or(0, |s| s.position.line)))
            .collect()
    }

    #[test]
    fn policy_dir_must_stay_inside_the_repository() {
        for (dir, wrong) in [
            ("/etc", "is an absolute path"),
            ("C:/policies", "is an absolute path"),
            ("a/../../b", "leaves the repository with `..`"),
            ("\"\"", "is empty"),
        ] {
            let found = problems(&format!("policies:\n  dir: {dir}\n"));
            assert_eq!(found.len(), 1, "{dir}: {found:?}");
            assert!(found[0].1.ends_with(wrong), "{dir}: {found:?}");
            assert_eq!(found[0].2, 5, "{dir}: {found:?}");
        }
        assert!(problems("policies:\n  dir: ./team/policies\n").is_empty());
    }

    #[test]
    fn lane_paths_must_be_valid_globs() {
        let found = problems(
            "agreement:\n  lanes:\n    builder:\n      work: [Prototypes]\n    engineering:\n      owner: \"@acme/platform\"\n      paths: [\"**/auth/**\", \"src/[a-\"]\n      work: [Production code]\n    shared:\n      work: [Evals]\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, InputCode::InvalidValue);
        assert_eq!(found[0].2, 10);
        assert!(found[0].1.contains("src/[a-"), "{found:?}");
    }

    /// Every problem in a manifest with `agreement` as given: code, `file:line:col`, message
    /// and hint.
    fn agreement_problems(agreement: &str) -> Vec<(InputCode, String, String, String)> {
        let text = format!("project: demo\ntier: prototype\ntargets: [claude]\n{agreement}");
        parse(&SourceFile::new(MANIFEST_FILE, text))
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|d| {
                let span = d.span.unwrap();
                let at = format!(
                    "{}:{}:{}",
                    span.file, span.position.line, span.position.column
                );
                (d.code, at, d.message, d.hint.unwrap_or_default())
            })
            .collect()
    }

    const SCHEMA_HINT: &str = "; `rulesmith schema manifest` describes every key of `agreement`";

    #[test]
    fn agreement_errors_point_at_the_exact_key() {
        let found = agreement_problems(
            "agreement:\n  lanes:\n    builder:\n      work: [Prototypes]\n      ownr: \"@acme\"\n    engineering:\n      paths: [3]\n      work: Production\n    shared:\n      owner: \"@acme\"\n  revew: [x]\n",
        );
        let expected = [
            (
                InputCode::UnknownKey,
                "rulesmith.yaml:8:7",
                "unknown key `ownr`",
                "did you mean `owner`?",
            ),
            (
                InputCode::WrongType,
                "rulesmith.yaml:10:15",
                "`paths` must be a string, found the number `3`",
                "write `paths` as a string",
            ),
            (
                InputCode::WrongType,
                "rulesmith.yaml:11:13",
                "`work` must be a list, found the string `Production`",
                "write `work` as a list",
            ),
            (
                InputCode::MissingKey,
                "rulesmith.yaml:13:7",
                "missing required key `work`",
                "add `work:` to this mapping",
            ),
            (
                InputCode::UnknownKey,
                "rulesmith.yaml:14:3",
                "unknown key `revew`",
                "did you mean `review`?",
            ),
        ];
        let expected: Vec<(InputCode, String, String, String)> = expected
            .into_iter()
            .map(|(code, at, message, hint)| {
                (
                    code,
                    at.to_owned(),
                    message.to_owned(),
                    format!("{hint}{SCHEMA_HINT}"),
                )
            })
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn a_mistyped_agreement_section_is_named_not_dumped() {
        let found = agreement_problems("agreement:\n  lanes: [builder]\n");
        assert_eq!(
            found,
            [(
                InputCode::WrongType,
                "rulesmith.yaml:5:10".to_owned(),
                "`lanes` must be a mapping, found a list".to_owned(),
                format!("write `lanes` as a mapping{SCHEMA_HINT}"),
            )]
        );
        let found = agreement_problems("agreement: none\n");
        assert_eq!(found[0].1, "rulesmith.yaml:4:12");
        assert_eq!(
            found[0].2,
            "`agreement` must be a mapping, found the string `none`"
        );
        assert!(!found[0].2.contains("anyOf"));
    }
}
