//! JSON that keeps its key order, so a merged settings file changes only where rulesmith
//! changed it.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};

/// A JSON value whose objects keep their keys in file order.
#[derive(Clone, Debug, PartialEq)]
pub enum Doc {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Doc>),
    /// An object, in file order.
    Object(Vec<(String, Doc)>),
}

/// How a JSON file lays itself out: the whitespace one level of nesting adds, whether its
/// lines end in `\r\n` and whether its last line ends at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Style {
    /// One level of indentation: a tab, or some spaces.
    pub indent: String,
    /// Whether lines end in `\r\n`.
    pub crlf: bool,
    /// Whether the last line ends in a newline.
    pub final_newline: bool,
}

impl Default for Style {
    /// Two spaces and `\n`, as `serde_json` writes, with a final newline.
    fn default() -> Self {
        Style {
            indent: "  ".to_owned(),
            crlf: false,
            final_newline: true,
        }
    }
}

impl Style {
    /// The style of `text`: the leading whitespace of its first indented line, the line ending
    /// of its first line and whether it ends in a newline; the default where the text shows
    /// none of them.
    pub fn of(text: &str) -> Style {
        let indent = text
            .lines()
            .map(|line| line.trim_end_matches('\r'))
            .map(|line| &line[..line.len() - line.trim_start_matches([' ', '\t']).len()])
            .find(|lead| !lead.is_empty())
            .map_or_else(|| Style::default().indent, str::to_owned);
        let crlf = text
            .lines()
            .next()
            .is_some_and(|_| text.find('\n').is_some_and(|at| text[..at].ends_with('\r')));
        let final_newline = text.trim().is_empty() || text.ends_with('\n');
        Style {
            indent,
            crlf,
            final_newline,
        }
    }
}

/// A JSON syntax error with its one-based position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// The parser's message.
    pub message: String,
    /// One-based line.
    pub line: usize,
    /// One-based column.
    pub column: usize,
}

/// Parses strict JSON; duplicate keys are an error, since agents would read only one of them.
pub fn parse(text: &str) -> Result<Doc, SyntaxError> {
    serde_json::from_str::<Doc>(text).map_err(|err| SyntaxError {
        message: strip_position(&err.to_string()),
        line: err.line(),
        column: err.column(),
    })
}

fn strip_position(message: &str) -> String {
    message
        .find(" at line ")
        .map_or(message, |cut| &message[..cut])
        .to_owned()
}

impl Doc {
    /// Converts a `serde_json` value (whose objects are sorted) into a document.
    pub fn from_value(value: &Value) -> Doc {
        match value {
            Value::Null => Doc::Null,
            Value::Bool(b) => Doc::Bool(*b),
            Value::Number(n) => Doc::Number(n.clone()),
            Value::String(s) => Doc::String(s.clone()),
            Value::Array(items) => Doc::Array(items.iter().map(Doc::from_value).collect()),
            Value::Object(map) => Doc::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Doc::from_value(v)))
                    .collect(),
            ),
        }
    }

    /// Converts the document into a `serde_json` value, for reading it.
    pub fn to_value(&self) -> Value {
        match self {
            Doc::Null => Value::Null,
            Doc::Bool(b) => Value::Bool(*b),
            Doc::Number(n) => Value::Number(n.clone()),
            Doc::String(s) => Value::String(s.clone()),
            Doc::Array(items) => Value::Array(items.iter().map(Doc::to_value).collect()),
            Doc::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_value()))
                    .collect(),
            ),
        }
    }

    /// The JSON type's name, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Doc::Null => "null",
            Doc::Bool(_) => "a boolean",
            Doc::Number(_) => "a number",
            Doc::String(_) => "a string",
            Doc::Array(_) => "a list",
            Doc::Object(_) => "an object",
        }
    }

    /// Writes the document with two-space indentation and a final newline.
    pub fn to_pretty(&self) -> String {
        self.to_pretty_in(&Style::default())
    }

    /// The value as JSON laid out in `style`: a settings file rewritten by a merge keeps its
    /// indentation and line endings, so only the lines that changed differ.
    pub fn to_pretty_in(&self, style: &Style) -> String {
        let mut out = String::new();
        self.write(&mut out, 0, style);
        if style.final_newline {
            out.push('\n');
        }
        if style.crlf {
            out = out.replace('\n', "\r\n");
        }
        out
    }

    fn write(&self, out: &mut String, depth: usize, style: &Style) {
        let indent = |out: &mut String, depth: usize| out.push_str(&style.indent.repeat(depth));
        match self {
            Doc::Null => out.push_str("null"),
            Doc::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Doc::Number(n) => out.push_str(&n.to_string()),
            Doc::String(s) => out.push_str(&quote(s)),
            Doc::Array(items) if items.is_empty() => out.push_str("[]"),
            Doc::Object(entries) if entries.is_empty() => out.push_str("{}"),
            Doc::Array(items) => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    indent(out, depth + 1);
                    item.write(out, depth + 1, style);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                indent(out, depth);
                out.push(']');
            }
            Doc::Object(entries) => {
                out.push_str("{\n");
                for (i, (key, value)) in entries.iter().enumerate() {
                    indent(out, depth + 1);
                    out.push_str(&quote(key));
                    out.push_str(": ");
                    value.write(out, depth + 1, style);
                    out.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
                }
                indent(out, depth);
                out.push('}');
            }
        }
    }
}

fn quote(text: &str) -> String {
    serde_json::to_string(text).expect("strings always serialize")
}

impl<'de> Deserialize<'de> for Doc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DocVisitor)
    }
}

struct DocVisitor;

impl<'de> Visitor<'de> for DocVisitor {
    type Value = Doc;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Doc, E> {
        Ok(Doc::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Doc, E> {
        Ok(Doc::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Doc, E> {
        Ok(Doc::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Doc, E> {
        Ok(Doc::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Doc, E> {
        Number::from_f64(v)
            .map(Doc::Number)
            .ok_or_else(|| E::custom("numbers must be finite"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Doc, E> {
        Ok(Doc::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Doc, E> {
        Ok(Doc::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Doc, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Doc>()? {
            items.push(item);
        }
        Ok(Doc::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Doc, A::Error> {
        let mut entries: Vec<(String, Doc)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if entries.iter().any(|(existing, _)| *existing == key) {
                return Err(de::Error::custom(format!("duplicate key `{key}`")));
            }
            let value = map.next_value::<Doc>()?;
            entries.push((key, value));
        }
        Ok(Doc::Object(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_output_matches_serde_json_and_keeps_order() {
        let text = r#"{"z": 1, "a": {"list": [1, "two", null], "empty": [], "obj": {}}, "f": 1.5, "t": true}"#;
        let doc = parse(text).unwrap();
        let pretty = doc.to_pretty();
        assert!(pretty.find("\"z\"").unwrap() < pretty.find("\"a\"").unwrap());
        let sorted: Value = serde_json::from_str(text).unwrap();
        let mut expected = serde_json::to_string_pretty(&sorted).unwrap();
        expected.push('\n');
        assert_eq!(parse(&expected).unwrap().to_value(), sorted);
        assert_eq!(Doc::from_value(&sorted).to_pretty(), expected);
    }

    #[test]
    fn a_file_keeps_its_indentation_and_line_endings() {
        let text = "{\r\n\t\"a\": {\r\n\t\t\"b\": [\r\n\t\t\t1\r\n\t\t]\r\n\t}\r\n}\r\n";
        let style = Style::of(text);
        assert_eq!(style.indent, "\t");
        assert!(style.crlf);
        assert_eq!(parse(text).unwrap().to_pretty_in(&style), text);
        assert_eq!(Style::of("{}\n"), Style::default());
        assert_eq!(Style::of("{\n    \"a\": 1\n}\n").indent, "    ");
        let unterminated = "{\n\t\"a\": 1\n}";
        assert!(!Style::of(unterminated).final_newline);
        assert_eq!(
            parse(unterminated)
                .unwrap()
                .to_pretty_in(&Style::of(unterminated)),
            unterminated
        );
    }

    #[test]
    fn syntax_errors_and_duplicate_keys_have_positions() {
        let err = parse("{\n  \"a\": 1,\n}").unwrap_err();
        assert_eq!(err.line, 3);
        let err = parse("{\"a\": 1, \"a\": 2}").unwrap_err();
        assert!(err.message.contains("duplicate key"), "{}", err.message);
    }
}
