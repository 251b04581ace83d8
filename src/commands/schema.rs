//! `rulesmith schema`: the JSON Schema of a file rulesmith reads or writes.

use crate::cli::{SchemaArgs, SchemaName};
use crate::commands::ExitStatus;
use crate::report::Reporter;
use crate::report::findings::json;
use crate::validate::schema::{SchemaKind, pretty, schema_text};

/// Runs `rulesmith schema`.
pub(super) fn run(args: &SchemaArgs, reporter: &mut Reporter) -> ExitStatus {
    reporter.data(&match args.kind {
        SchemaName::Policy => schema_text(SchemaKind::Policy),
        SchemaName::Manifest => schema_text(SchemaKind::Manifest),
        SchemaName::Target => schema_text(SchemaKind::Target),
        SchemaName::Report => pretty(&json::schema()),
    });
    ExitStatus::Success
}
