//! JSON Schemas generated from the typed model.

use schemars::{JsonSchema, generate::SchemaSettings};

use crate::model::manifest::Manifest;
use crate::model::policy::Policy;
use crate::model::target::TargetSpec;
use crate::report::findings::JsonReport;

/// Which document a schema describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaKind {
    /// A policy file.
    Policy,
    /// The `rulesmith.yaml` manifest.
    Manifest,
    /// A target spec (`targets/<id>/target.yaml`).
    Target,
    /// The JSON report of `check` and `scan` (`--format json`).
    Report,
}

/// Generates the JSON Schema of `kind` as a JSON value.
pub fn schema_value(kind: SchemaKind) -> serde_json::Value {
    match kind {
        SchemaKind::Policy => generate::<Policy>(),
        SchemaKind::Manifest => generate::<Manifest>(),
        SchemaKind::Target => generate::<TargetSpec>(),
        SchemaKind::Report => generate::<JsonReport>(),
    }
}

/// Generates the JSON Schema of `kind` as pretty-printed text ending in a newline.
pub fn schema_text(kind: SchemaKind) -> String {
    let mut text =
        serde_json::to_string_pretty(&schema_value(kind)).expect("a JSON value always serializes");
    text.push('\n');
    text
}

fn generate<T: JsonSchema>() -> serde_json::Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    serde_json::to_value(generator.into_root_schema_for::<T>()).expect("schemas serialize")
}
