//! Findings and input errors as a SARIF 2.1.0 log, for code-scanning upload.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::diagnostic::finding::{Finding, Severity};
use crate::diagnostic::{self, Code, Diagnostic};
use crate::syntax::safe;

/// One SARIF result before it is written out.
struct Entry {
    code: Code,
    level: &'static str,
    path: Option<String>,
    line: u32,
    column: u32,
    message: String,
    properties: Value,
}

/// Renders a SARIF log with one run, one rule per code, input errors first.
pub(super) fn render(diagnostics: &[Diagnostic], findings: &[&Finding]) -> String {
    let mut rules: BTreeMap<Code, Value> = BTreeMap::new();
    let mut entries = Vec::new();
    for d in diagnostics {
        let level = match d.severity {
            diagnostic::Severity::Error => "error",
            diagnostic::Severity::Warning => "warning",
        };
        let code = Code::Input(d.code);
        rules.entry(code).or_insert_with(|| {
            json!({
                "id": code.as_str(),
                "shortDescription": { "text": code.meaning() },
                "defaultConfiguration": { "level": level },
            })
        });
        let span = d.span.as_ref();
        let mut message = safe::one_line(&d.message);
        if let Some(hint) = &d.hint {
            message = format!("{message} Fix: {}", safe::one_line(hint));
        }
        entries.push(Entry {
            code,
            level,
            path: span.map(|s| s.file.clone()),
            line: span.map_or(0, |s| s.position.line),
            column: span.map_or(0, |s| s.position.column),
            message,
            properties: json!({ "severity": level }),
        });
    }
    for f in findings {
        rules.entry(f.code).or_insert_with(|| {
            json!({
                "id": f.code.as_str(),
                "name": f.kind(),
                "shortDescription": { "text": f.kind().replace('-', " ") },
                "help": { "text": safe::one_line(&f.fix) },
                "defaultConfiguration": { "level": level(f.severity) },
            })
        });
        entries.push(Entry {
            code: f.code,
            level: level(f.severity),
            path: Some(f.path.clone()),
            line: f.line,
            column: f.column,
            message: format!(
                "{} Fix: {}",
                safe::one_line(&f.message),
                safe::one_line(&f.fix)
            ),
            properties: json!({ "severity": f.severity.as_str() }),
        });
    }
    let index: BTreeMap<Code, usize> = rules.keys().enumerate().map(|(i, c)| (*c, i)).collect();
    let results: Vec<Value> = entries
        .into_iter()
        .map(|e| {
            let mut result = json!({
                "ruleId": e.code.as_str(),
                "ruleIndex": index[&e.code],
                "level": e.level,
                "message": { "text": e.message },
            });
            if let Some(path) = &e.path {
                let mut location = json!({
                    "physicalLocation": { "artifactLocation": { "uri": uri(path) } }
                });
                if e.line > 0 {
                    let mut region = json!({ "startLine": e.line });
                    if e.column > 0 {
                        region["startColumn"] = json!(e.column);
                    }
                    location["physicalLocation"]["region"] = region;
                }
                result["locations"] = json!([location]);
            }
            result["properties"] = e.properties;
            result
        })
        .collect();
    let rules: Vec<Value> = rules.into_values().collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "rulesmith",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": crate::embedded::REPOSITORY,
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).expect("SARIF serializes");
    text.push('\n');
    text
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium | Severity::Low => "warning",
        Severity::Info => "note",
    }
}

/// A relative URI for a repository path: each segment percent-encoded where needed.
fn uri(path: &str) -> String {
    let mut out = String::new();
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::*;

    #[test]
    fn the_log_validates_against_the_sarif_2_1_0_schema() {
        let findings = sample();
        let refs: Vec<&Finding> = findings.iter().collect();
        let log: Value = serde_json::from_str(&render(&[], &refs)).unwrap();
        let schema: Value = serde_json::from_str(include_str!(
            "../../../tests/fixtures/schemas/sarif-2.1.0.json"
        ))
        .unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(
            log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
            3
        );
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri("docs/my file%.md"), "docs/my%20file%25.md");
    }
}
