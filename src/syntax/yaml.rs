//! YAML parsing behind one small interface: text in, a span-annotated tree out.
//!
//! The tree is built straight from the YAML parser's event stream (the parser serde-saphyr uses),
//! so every node keeps the line and column where it starts at no extra cost, and schema errors
//! found later on the JSON view can point back into the source file. Plain scalars are typed by
//! the YAML 1.2 core schema. Budgets on nesting depth, node count and aliases stop alias bombs and
//! runaway nesting before they exhaust memory.

use std::collections::HashMap;

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Tag};

use crate::syntax::safe;

/// Deepest nesting accepted.
const MAX_DEPTH: usize = 64;
/// Most nodes accepted in one document, counting every node an alias repeats.
const MAX_NODES: usize = 50_000;
/// Most aliases accepted in one document.
const MAX_ALIASES: usize = 100;

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
    /// What is wrong.
    pub message: String,
}

/// Parses one YAML document into a span-annotated tree.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut builder = Builder::default();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|err| SyntaxError {
            position: marker_position(err.marker()),
            message: err.info(),
        })?;
        let position = marker_position(&span.start);
        if builder.step(event, position)? {
            break;
        }
    }
    Ok(builder.root.unwrap_or(Node {
        position: Position { line: 1, column: 1 },
        kind: NodeKind::Null,
    }))
}

fn marker_position(marker: &serde_saphyr::granit_parser::Marker) -> Position {
    Position {
        line: u32::try_from(marker.line()).unwrap_or(u32::MAX),
        column: u32::try_from(marker.col() + 1).unwrap_or(u32::MAX),
    }
}

/// A collection being built, with the anchor it defines.
enum Frame {
    Seq(Node, usize),
    Map(Node, usize, Option<(Position, String)>),
}

/// Turns the event stream into a tree.
#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    documents: usize,
    nodes: usize,
    aliases: usize,
}

impl Builder {
    /// Handles one event; returns true at the end of the stream.
    fn step(&mut self, event: Event<'_>, position: Position) -> Result<bool, SyntaxError> {
        let fail = |message: String| SyntaxError { position, message };
        match event {
            Event::StreamEnd => return Ok(true),
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(fail(
                        "a file holds one YAML document; remove the extra `---`".into(),
                    ));
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let kind = scalar(&value, style, tag.as_deref()).map_err(fail)?;
                self.finish(Node { position, kind }, anchor)?;
            }
            Event::SequenceStart(_, anchor, _) => self.open(
                Frame::Seq(collection(position, NodeKind::Seq(Vec::new())), anchor),
                position,
            )?,
            Event::MappingStart(_, anchor, _) => {
                self.open(
                    Frame::Map(
                        collection(position, NodeKind::Map(Vec::new())),
                        anchor,
                        None,
                    ),
                    position,
                )?;
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Seq(node, anchor) | Frame::Map(node, anchor, None)) => {
                    self.finish(node, anchor)?
                }
                Some(Frame::Map(_, _, Some((key_position, key)))) => {
                    return Err(SyntaxError {
                        position: key_position,
                        message: format!("key `{}` has no value", safe::quote(&key)),
                    });
                }
                None => {}
            },
            Event::Alias(id) => {
                self.aliases += 1;
                if self.aliases > MAX_ALIASES {
                    return Err(fail(format!("more than {MAX_ALIASES} aliases")));
                }
                let node = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| fail("alias to an unknown anchor".into()))?;
                self.count(count_nodes(&node), position)?;
                self.place(Node { position, ..node })?;
            }
            Event::UnresolvedAlias(name) => {
                return Err(fail(format!(
                    "alias `*{}` has no anchor",
                    safe::quote(&name)
                )));
            }
            _ => {}
        }
        Ok(false)
    }

    fn open(&mut self, frame: Frame, position: Position) -> Result<(), SyntaxError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(SyntaxError {
                position,
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
            });
        }
        self.stack.push(frame);
        Ok(())
    }

    fn count(&mut self, nodes: usize, position: Position) -> Result<(), SyntaxError> {
        self.nodes += nodes;
        if self.nodes > MAX_NODES {
            return Err(SyntaxError {
                position,
                message: format!("more than {MAX_NODES} YAML nodes (check for alias bombs)"),
            });
        }
        Ok(())
    }

    /// Records a completed node under its anchor, then places it in its parent.
    fn finish(&mut self, node: Node, anchor: usize) -> Result<(), SyntaxError> {
        self.count(1, node.position)?;
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        self.place(node)
    }

    fn place(&mut self, node: Node) -> Result<(), SyntaxError> {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq(parent, _)) => {
                if let NodeKind::Seq(items) = &mut parent.kind {
                    items.push(node);
                }
            }
            Some(Frame::Map(parent, _, pending)) => match pending.take() {
                None => *pending = Some((node.position, key_text(node)?)),
                Some((key_position, key)) => {
                    if let NodeKind::Map(entries) = &mut parent.kind {
                        if entries.iter().any(|(_, existing, _)| *existing == key) {
                            return Err(SyntaxError {
                                position: key_position,
                                message: format!("duplicate key `{}`", safe::quote(&key)),
                            });
                        }
                        entries.push((key_position, key, node));
                    }
                }
            },
        }
        Ok(())
    }
}

fn collection(position: Position, kind: NodeKind) -> Node {
    Node { position, kind }
}

fn key_text(node: Node) -> Result<String, SyntaxError> {
    match node.kind {
        NodeKind::String(s) => Ok(s),
        NodeKind::Null => Ok("null".to_owned()),
        NodeKind::Bool(b) => Ok(b.to_string()),
        NodeKind::Number(n) => Ok(n.to_string()),
        NodeKind::Seq(_) | NodeKind::Map(_) => Err(SyntaxError {
            position: node.position,
            message: "mapping keys must be plain scalars".into(),
        }),
    }
}

fn count_nodes(node: &Node) -> usize {
    1 + match &node.kind {
        NodeKind::Seq(items) => items.iter().map(count_nodes).sum(),
        NodeKind::Map(entries) => entries.iter().map(|(_, _, v)| 1 + count_nodes(v)).sum(),
        _ => 0,
    }
}

/// Types a scalar: quoted and block scalars are strings; plain ones follow the YAML 1.2 core
/// schema; `!!str`, `!!int`, `!!float`, `!!bool` and `!!null` tags are honoured.
fn scalar(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<NodeKind, String> {
    if let Some(tag) = tag {
        let suffix = if tag.is_yaml_core_schema() {
            tag.suffix()
        } else {
            return Ok(NodeKind::String(value.to_owned()));
        };
        return match suffix {
            "str" => Ok(NodeKind::String(value.to_owned())),
            "null" | "bool" | "int" | "float" => match plain(value) {
                NodeKind::String(_) => Err(format!(
                    "`{}` is not a valid !!{suffix}",
                    safe::quote(value)
                )),
                kind => Ok(kind),
            },
            other => Err(format!("unsupported tag `!!{}`", safe::quote(other))),
        };
    }
    Ok(match style {
        ScalarStyle::Plain => plain(value),
        _ => NodeKind::String(value.to_owned()),
    })
}

/// Resolves a plain scalar by the YAML 1.2 core schema.
fn plain(value: &str) -> NodeKind {
    match value {
        "" | "~" | "null" | "Null" | "NULL" => return NodeKind::Null,
        "true" | "True" | "TRUE" => return NodeKind::Bool(true),
        "false" | "False" | "FALSE" => return NodeKind::Bool(false),
        _ => {}
    }
    let number = if let Some(hex) = value.strip_prefix("0x") {
        i64::from_str_radix(hex, 16)
            .ok()
            .map(serde_json::Number::from)
    } else if let Some(octal) = value.strip_prefix("0o") {
        i64::from_str_radix(octal, 8)
            .ok()
            .map(serde_json::Number::from)
    } else if looks_numeric(value) {
        value
            .parse::<i64>()
            .map(serde_json::Number::from)
            .ok()
            .or_else(|| {
                value
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
            })
    } else {
        None
    };
    number.map_or_else(|| NodeKind::String(value.to_owned()), NodeKind::Number)
}

/// Whether `value` has the shape of a YAML 1.2 core-schema decimal number.
fn looks_numeric(value: &str) -> bool {
    let digits = value.strip_prefix(['-', '+']).unwrap_or(value);
    !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
        && digits.chars().any(|c| c.is_ascii_digit())
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
    fn core_schema_typing() {
        let json = parse("a: 0x1F\nb: -1.5e3\nc: ~\nd: 1.2.3\ne: !!str 12\nf: yes\ng: .5\n")
            .unwrap()
            .to_json();
        assert_eq!(json["a"], 31);
        assert_eq!(json["b"], -1500.0);
        assert!(json["c"].is_null());
        assert_eq!(json["d"], "1.2.3");
        assert_eq!(json["e"], "12");
        assert_eq!(json["f"], "yes");
        assert_eq!(json["g"], 0.5);
    }

    #[test]
    fn aliases_expand_and_multiple_documents_are_rejected() {
        let json = parse("a: &x [1, 2]\nb: *x\n").unwrap().to_json();
        assert_eq!(json["b"], serde_json::json!([1, 2]));
        assert!(parse("a: 1\n---\nb: 2\n").is_err());
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        assert!(parse("a: 1\na: 2\n").is_err());
    }
}
