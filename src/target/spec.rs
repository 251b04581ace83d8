//! Target specs: what an agent reads, described as data in `targets/<id>/target.yaml`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::header::CommentStyle;

/// One agent's target: the files rulesmith renders for it.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TargetSpec {
    /// Target id used in the manifest's `targets` list.
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub id: String,
    /// The agent's product name.
    pub name: String,
    /// One sentence on what the target produces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The files this target writes.
    #[schemars(length(min = 1))]
    pub outputs: Vec<OutputSpec>,
}

/// One generated file.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OutputSpec {
    /// Output path relative to the repository root, with `/` separators.
    pub path: String,
    /// Template file, relative to the target's directory.
    pub template: String,
    /// The comment syntax of the generated file, used for the rulesmith header.
    pub comment: CommentStyle,
}
