//! Findings as a SARIF 2.1.0 log, for code-scanning upload.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::diagnostic::finding::{Finding, Severity};
use crate::syntax::safe;

/// Renders a SARIF log with one run, one rule per finding code.
pub(super) fn render(findings: &[&Finding]) -> String {
    let mut rules: BTreeMap<&str, &Finding> = BTreeMap::new();
    for finding in findings {
        rules.entry(finding.code).or_insert(finding);
    }
    let index: BTreeMap<&str, usize> = rules
        .keys()
        .enumerate()
        .map(|(i, code)| (*code, i))
        .collect();
    let rules: Vec<Value> = rules
        .values()
        .map(|f| {
            json!({
                "id": f.code,
                "name": f.kind,
                "shortDescription": { "text": f.kind.replace('-', " ") },
                "help": { "text": safe::one_line(&f.fix) },
                "defaultConfiguration": { "level": level(f.severity) },
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut location = json!({
                "physicalLocation": { "artifactLocation": { "uri": uri(&f.path) } }
            });
            if f.line > 0 {
                let mut region = json!({ "startLine": f.line });
                if f.column > 0 {
                    region["startColumn"] = json!(f.column);
                }
                location["physicalLocation"]["region"] = region;
            }
            json!({
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": level(f.severity),
                "message": { "text": format!("{} Fix: {}", safe::one_line(&f.message), safe::one_line(&f.fix)) },
                "locations": [location],
                "properties": { "severity": f.severity.as_str() },
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "rulesmith",
                "version": env!("CARGO_PKG_VERSION"),
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
        let log: Value = serde_json::from_str(&render(&refs)).unwrap();
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
