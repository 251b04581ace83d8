//! The committed JSON Schemas match what the model generates.

use rulesmith::report::findings::json;
use rulesmith::validate::schema::{SchemaKind, pretty, schema_text};

fn ensure(expected: String, path: &str) {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("RULESMITH_BLESS").is_some() {
        std::fs::write(&full, &expected).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&full).unwrap_or_default();
    assert!(
        committed == expected,
        "{path} is out of date; run `RULESMITH_BLESS=1 cargo test --test suite schema::` and commit it"
    );
}

#[test]
fn policy_schema_is_current() {
    ensure(
        schema_text(SchemaKind::Policy),
        "policies/policy.schema.json",
    );
}

#[test]
fn manifest_schema_is_current() {
    ensure(
        schema_text(SchemaKind::Manifest),
        "policies/manifest.schema.json",
    );
}

#[test]
fn target_schema_is_current() {
    ensure(
        schema_text(SchemaKind::Target),
        "targets/target.schema.json",
    );
}

#[test]
fn report_schema_is_current() {
    ensure(pretty(&json::schema()), "docs/report.schema.json");
}

#[test]
fn each_schema_is_identified_by_its_hosted_address_which_the_readme_wires_into_editors() {
    let base = format!(
        "{}/raw/v{}/",
        env!("CARGO_PKG_REPOSITORY"),
        env!("CARGO_PKG_VERSION")
    );
    for (kind, path) in [
        (SchemaKind::Policy, "policies/policy.schema.json"),
        (SchemaKind::Manifest, "policies/manifest.schema.json"),
        (SchemaKind::Target, "targets/target.schema.json"),
    ] {
        let schema: serde_json::Value = serde_json::from_str(&schema_text(kind)).unwrap();
        assert_eq!(schema["$id"], format!("{base}{path}"));
    }
    assert_eq!(
        json::schema()["$id"],
        format!("{base}docs/report.schema.json")
    );
    let readme =
        std::fs::read_to_string(format!("{}/README.md", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let modeline = format!("# yaml-language-server: $schema={base}policies/manifest.schema.json");
    assert!(readme.contains(&modeline), "README lacks `{modeline}`");
}
