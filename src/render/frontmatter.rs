//! YAML frontmatter, written by a YAML serializer so that no policy text can break it.
//!
//! Values are quoted only where YAML needs it (`"**/*.ts"`, `"true"` as a string), so files
//! stay as plain as hand-written ones while every value keeps its type. Every scalar stays on
//! its own line: block scalars are never used, so a line break or other control character in
//! a value is written as an escape inside double quotes and can never end the block early.

use serde_json::{Map, Value};

/// Renders `fields` as a frontmatter block: `---`, the YAML mapping, `---`.
pub fn render(fields: &Map<String, Value>) -> String {
    let mut options = serde_saphyr::SerializerOptions::default();
    options.prefer_block_scalars = false;
    let yaml = serde_saphyr::to_string_with_options(fields, options)
        .expect("JSON values always serialize as YAML");
    let mut block = String::from("---\n");
    block.push_str(&yaml);
    if !block.ends_with('\n') {
        block.push('\n');
    }
    block.push_str("---\n");
    block
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::yaml;

    #[test]
    fn hostile_values_round_trip_with_their_types() {
        let mut fields = Map::new();
        fields.insert(
            "description".into(),
            Value::from("x\n---\nalwaysApply: true # not a key"),
        );
        fields.insert("globs".into(), Value::from("**/*.ts, src/*.rs"));
        fields.insert("alwaysApply".into(), Value::from(false));
        fields.insert("paths".into(), Value::from(vec!["*.md", "yes", "a: b"]));
        let block = render(&fields);
        let inner = block
            .strip_prefix("---\n")
            .and_then(|b| b.strip_suffix("---\n"))
            .unwrap();
        assert_eq!(yaml::parse(inner).unwrap().to_json(), Value::Object(fields));
    }

    #[test]
    fn frontmatter_emitter_never_writes_a_newline_from_a_value() {
        let hostile =
            "src/**\n---\n# Injected heading\r\nalwaysApply: true\u{85}x\u{2028}y\u{2029}z";
        let mut fields = Map::new();
        fields.insert("globs".into(), Value::from(hostile));
        fields.insert("description".into(), Value::from("word ".repeat(40)));
        fields.insert("paths".into(), Value::from(vec![hostile, "*.md"]));
        fields.insert("key\n---".into(), Value::from(true));
        let block = render(&fields);
        // The fences, one line per key and one per list item: nothing else.
        assert_eq!(block.lines().count(), 2 + 4 + 2, "{block}");
        for separator in ['\r', '\u{85}', '\u{2028}', '\u{2029}'] {
            assert!(!block.contains(separator), "{block:?}");
        }
        assert_eq!(block.lines().filter(|l| *l == "---").count(), 2, "{block}");
        let inner = block
            .strip_prefix("---\n")
            .and_then(|b| b.strip_suffix("---\n"))
            .unwrap();
        assert_eq!(yaml::parse(inner).unwrap().to_json(), Value::Object(fields));
    }

    #[test]
    fn plain_globs_stay_unquoted() {
        let mut fields = Map::new();
        fields.insert("globs".into(), Value::from("src/**/*.ts, src/**/*.tsx"));
        assert_eq!(
            render(&fields),
            "---\nglobs: src/**/*.ts, src/**/*.tsx\n---\n"
        );
    }
}
