//! TOML into the same span-annotated tree as YAML, so config checks work on one shape.

use ::toml::Spanned;
use ::toml::de::{DeTable, DeValue};

use crate::syntax::yaml::{Node, NodeKind, Position, SyntaxError};

/// Parses a TOML document into a span-annotated tree.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let lines = LineStarts::new(text);
    match DeTable::parse(text) {
        Ok(table) => Ok(Node {
            position: Position { line: 1, column: 1 },
            kind: table_kind(table.get_ref(), &lines),
        }),
        Err(err) => Err(SyntaxError {
            position: err
                .span()
                .map_or_else(Position::default, |span| lines.position(span.start)),
            message: err.message().trim().to_owned(),
        }),
    }
}

fn table_kind(table: &DeTable<'_>, lines: &LineStarts<'_>) -> NodeKind {
    NodeKind::Map(
        table
            .iter()
            .map(|(key, value)| {
                (
                    lines.position(key.span().start),
                    key.get_ref().to_string(),
                    node(value, lines),
                )
            })
            .collect(),
    )
}

fn node(value: &Spanned<DeValue<'_>>, lines: &LineStarts<'_>) -> Node {
    let kind = match value.get_ref() {
        DeValue::String(text) => NodeKind::String(text.to_string()),
        DeValue::Integer(integer) => i64::from_str_radix(integer.as_str(), integer.radix())
            .map_or_else(
                |_| NodeKind::String(integer.as_str().to_owned()),
                |n| NodeKind::Number(n.into()),
            ),
        DeValue::Float(float) => float
            .as_str()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(
                || NodeKind::String(float.as_str().to_owned()),
                NodeKind::Number,
            ),
        DeValue::Boolean(b) => NodeKind::Bool(*b),
        DeValue::Datetime(datetime) => NodeKind::String(datetime.to_string()),
        DeValue::Array(items) => {
            NodeKind::Seq(items.iter().map(|item| node(item, lines)).collect())
        }
        DeValue::Table(table) => table_kind(table, lines),
    };
    Node {
        position: lines.position(value.span().start),
        kind,
    }
}

/// Byte offsets of line starts, for turning spans into one-based lines and columns.
struct LineStarts<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineStarts<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineStarts { text, starts }
    }

    fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&start| start <= offset);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_tables_arrays_and_positions() {
        let text = "sandbox_mode = \"danger-full-access\"\n\n[mcp_servers.docs]\ncommand = \"npx\"\nargs = [\"-y\", \"pkg\"]\nport = 0x10\n";
        let node = parse(text).unwrap();
        assert_eq!(
            node.to_json(),
            serde_json::json!({
                "sandbox_mode": "danger-full-access",
                "mcp_servers": {"docs": {"command": "npx", "args": ["-y", "pkg"], "port": 16}}
            })
        );
        let NodeKind::Map(entries) = &node.kind else {
            panic!("not a table")
        };
        let (position, key, value) = entries
            .iter()
            .find(|(_, key, _)| key == "sandbox_mode")
            .unwrap();
        assert_eq!(
            (key.as_str(), *position),
            ("sandbox_mode", Position { line: 1, column: 1 })
        );
        assert_eq!(
            value.position,
            Position {
                line: 1,
                column: 16
            }
        );
    }

    #[test]
    fn reports_syntax_errors_with_positions() {
        let err = parse("a = 1\nb = \n").unwrap_err();
        assert_eq!(err.position.line, 2);
    }
}
