//! YAML frontmatter, written by a YAML serializer so that no policy text can break it.
//!
//! Values are quoted only where YAML needs it (`"**/*.ts"`, `"true"` as a string), so files
//! stay as plain as hand-written ones while every value keeps its type.

use serde_json::{Map, Value};

/// Renders `fields` as a frontmatter block: `---`, the YAML mapping, `---`.
pub fn render(fields: &Map<String, Value>) -> String {
    let yaml = serde_saphyr::to_string(fields).expect("JSON values always serialize as YAML");
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
    fn plain_globs_stay_unquoted() {
        let mut fields = Map::new();
        fields.insert("globs".into(), Value::from("src/**/*.ts, src/**/*.tsx"));
        assert_eq!(
            render(&fields),
            "---\nglobs: src/**/*.ts, src/**/*.tsx\n---\n"
        );
    }
}
