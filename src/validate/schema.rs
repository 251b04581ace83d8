//! JSON Schemas generated from the typed model.

use schemars::{JsonSchema, generate::SchemaSettings};

use crate::model::manifest::Manifest;
use crate::model::policy::Policy;
use crate::model::target::TargetSpec;

/// Which document a schema describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaKind {
    /// A policy file.
    Policy,
    /// The `rulesmith.yaml` manifest.
    Manifest,
    /// A target spec (`targets/<id>/target.yaml`).
    Target,
}

impl SchemaKind {
    /// The command that prints this schema.
    pub fn command(self) -> &'static str {
        match self {
            SchemaKind::Policy => "rulesmith schema policy",
            SchemaKind::Manifest => "rulesmith schema manifest",
            SchemaKind::Target => "rulesmith schema target",
        }
    }
}

/// Generates the JSON Schema of `kind` as a JSON value.
pub fn schema_value(kind: SchemaKind) -> serde_json::Value {
    match kind {
        SchemaKind::Policy => generate::<Policy>("policies/policy.schema.json"),
        SchemaKind::Manifest => generate::<Manifest>("policies/manifest.schema.json"),
        SchemaKind::Target => generate::<TargetSpec>("targets/target.schema.json"),
    }
}

/// Where the schema committed at `path` is served for this version: the file at the release
/// tag in the repository named by Cargo.toml's `repository`.
pub fn hosted_id(path: &str) -> String {
    format!(
        "{}/raw/v{}/{path}",
        crate::embedded::REPOSITORY.trim_end_matches('/'),
        env!("CARGO_PKG_VERSION")
    )
}

/// Generates the JSON Schema of `kind` as pretty-printed text ending in a newline.
pub fn schema_text(kind: SchemaKind) -> String {
    pretty(&schema_value(kind))
}

/// `schema` as pretty-printed text ending in a newline, as schemas are committed.
pub fn pretty(schema: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).expect("a JSON value always serializes");
    text.push('\n');
    text
}

/// Generates the JSON Schema (draft 2020-12) of `T`, committed at `path`, with its hosted
/// address as `$id`.
pub fn generate<T: JsonSchema>(path: &str) -> serde_json::Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<T>();
    schema.insert("$id".to_owned(), hosted_id(path).into());
    serde_json::to_value(schema).expect("schemas serialize")
}
