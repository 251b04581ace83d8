//! YAML parsing behind one small interface: text in, a span-annotated tree out.
//!
//! The rest of rulesmith never sees the YAML crate. Every node keeps the line and column where
//! it starts, so schema errors found later on the JSON view can point back into the source file.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// A one-based line and column in a source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// One-based line number; zero when unknown.
    pub line: u32,
    /// One-based column number; zero when unknown.
    pub column: u32,
}

/// A YAML node with the position where it starts.
#[derive(Clone, Debug)]
pub struct Node {
    /// Where the node starts.
    pub position: Position,
    /// What the node holds.
    pub kind: NodeKind,
}

/// The shape of a YAML node, reduced to what JSON can express.
#[derive(Clone, Debug)]
pub enum NodeKind {
    /// `null`, `~` or an empty value.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// Any number.
    Number(serde_json::Number),
    /// Any string scalar.
    String(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order, with the position of each key.
    Map(Vec<(Position, String, Node)>),
}

/// A YAML syntax error with its position.
#[derive(Clone, Debug)]
pub struct SyntaxError {
    /// Where the parser stopped.
    pub position: Position,
    /// The parser's message, without a source snippet.
    pub message: String,
}

/// Parses one YAML document into a span-annotated tree.
///
/// The parser's budgets stay on, so alias bombs and runaway nesting fail fast instead of
/// exhausting memory.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 64,
            max_nodes: 50_000,
            max_aliases: 100,
        },
    };
    match serde_saphyr::from_str_with_options::<Option<Spanned<NodeKind>>>(text, options) {
        Ok(Some(spanned)) => Ok(Node::from(spanned)),
        Ok(None) => Ok(Node {
            position: Position { line: 1, column: 1 },
            kind: NodeKind::Null,
        }),
        Err(err) => {
            let position = err
                .location()
                .map(|loc| Position {
                    line: u32::try_from(loc.line()).unwrap_or(u32::MAX),
                    column: u32::try_from(loc.column()).unwrap_or(u32::MAX),
                })
                .unwrap_or_default();
            Err(SyntaxError {
                position,
                message: first_line(&err.without_snippet().to_string()),
            })
        }
    }
}

fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or(message).trim();
    // The parser prefixes its own location; the diagnostic prints ours.
    match line.find(" at line ") {
        Some(cut) => line[..cut].to_owned(),
        None => line.to_owned(),
    }
}

fn position_of<T>(spanned: &Spanned<T>) -> Position {
    Position {
        line: u32::try_from(spanned.referenced.line()).unwrap_or(u32::MAX),
        column: u32::try_from(spanned.referenced.column()).unwrap_or(u32::MAX),
    }
}

impl From<Spanned<NodeKind>> for Node {
    fn from(spanned: Spanned<NodeKind>) -> Self {
        Node {
            position: position_of(&spanned),
            kind: spanned.value,
        }
    }
}

impl Node {
    /// Converts the tree into a JSON value for schema validation and typed deserialization.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Number(n) => Value::Number(n.clone()),
            NodeKind::String(s) => Value::String(s.clone()),
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(_, key, value)| (key.clone(), value.to_json()))
                    .collect(),
            ),
        }
    }

    /// Finds the node a JSON pointer (`/rules/0/level`) names, if it exists.
    pub fn at_pointer(&self, pointer: &str) -> Option<&Node> {
        let mut node = self;
        for raw in pointer.split('/').skip(1) {
            let segment = raw.replace("~1", "/").replace("~0", "~");
            node = match &node.kind {
                NodeKind::Map(entries) => entries
                    .iter()
                    .find(|(_, key, _)| *key == segment)
                    .map(|(_, _, value)| value)?,
                NodeKind::Seq(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// Returns the position of `key` in this mapping node, if present.
    pub fn key_position(&self, key: &str) -> Option<Position> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .find(|(_, k, _)| k == key)
                .map(|(position, _, _)| *position),
            _ => None,
        }
    }

    /// Visits every string scalar with its position: values and mapping keys alike.
    pub fn for_each_string(&self, visit: &mut impl FnMut(Position, &str)) {
        match &self.kind {
            NodeKind::String(s) => visit(self.position, s),
            NodeKind::Seq(items) => items.iter().for_each(|item| item.for_each_string(visit)),
            NodeKind::Map(entries) => {
                for (position, key, value) in entries {
                    visit(*position, key);
                    value.for_each_string(visit);
                }
            }
            _ => {}
        }
    }
}

impl<'de> Deserialize<'de> for NodeKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = NodeKind;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<NodeKind, E> {
        Ok(NodeKind::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<NodeKind, E> {
        Ok(NodeKind::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<NodeKind, D::Error> {
        NodeKind::deserialize(deserializer)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<NodeKind, E> {
        Ok(NodeKind::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<NodeKind, E> {
        Ok(NodeKind::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<NodeKind, E> {
        Ok(NodeKind::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<NodeKind, E> {
        Ok(serde_json::Number::from_f64(v).map_or(NodeKind::Null, NodeKind::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<NodeKind, E> {
        Ok(NodeKind::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<NodeKind, E> {
        Ok(NodeKind::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NodeKind, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<NodeKind>>()? {
            items.push(Node::from(item));
        }
        Ok(NodeKind::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NodeKind, A::Error> {
        let mut entries: Vec<(Position, String, Node)> = Vec::new();
        while let Some(key) = map.next_key::<Spanned<NodeKind>>()? {
            let position = position_of(&key);
            let name = match key.value {
                NodeKind::String(s) => s,
                NodeKind::Null => "null".to_owned(),
                NodeKind::Bool(b) => b.to_string(),
                NodeKind::Number(n) => n.to_string(),
                NodeKind::Seq(_) | NodeKind::Map(_) => {
                    return Err(de::Error::custom("mapping keys must be plain scalars"));
                }
            };
            let value = Node::from(map.next_value::<Spanned<NodeKind>>()?);
            if entries.iter().any(|(_, existing, _)| *existing == name) {
                return Err(de::Error::custom(format!("duplicate key `{name}`")));
            }
            entries.push((position, name, value));
        }
        Ok(NodeKind::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_point_at_keys_and_values() {
        let node = parse("id: x\nrules:\n  - id: a\n    level: must\n").unwrap();
        let level = node.at_pointer("/rules/0/level").unwrap();
        assert_eq!(
            level.position,
            Position {
                line: 4,
                column: 12
            }
        );
        let rule = node.at_pointer("/rules/0").unwrap();
        assert_eq!(
            rule.key_position("level"),
            Some(Position { line: 4, column: 5 })
        );
        assert_eq!(node.to_json()["rules"][0]["id"], "a");
    }

    #[test]
    fn quoted_scalars_stay_strings() {
        let node = parse("a: \"true\"\nb: true\nc: 12\n").unwrap();
        let json = node.to_json();
        assert_eq!(json["a"], "true");
        assert_eq!(json["b"], true);
        assert_eq!(json["c"], 12);
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.position.line >= 1, "{err:?}");
        assert!(!err.message.is_empty());
    }

    #[test]
    fn alias_bombs_hit_the_budget() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in 'b'..='k' {
            text.push_str(&format!(
                "{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
            prev = name;
        }
        assert!(parse(&text).is_err());
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        assert!(parse("a: 1\na: 2\n").is_err());
    }
}
