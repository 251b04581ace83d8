//! Accepting a reviewed shadow-rules file: the manifest's text with its `shadow-rules` list
//! rewritten, every other line kept byte for byte.

use crate::diagnostic::{Diagnostic, InputCode, SourceFile};
use crate::model::trust::TrustRecord;
use crate::syntax::yaml::{Node, NodeKind};

/// The manifest key that lists accepted shadow-rules files.
pub const KEY: &str = "shadow-rules";

/// `source`, the manifest parsed as `node`, with its `shadow-rules` list replaced by `records`:
/// the section is appended when the manifest has none, else its lines are rewritten. A section
/// holding comments is refused rather than losing them.
pub fn with_accepted(
    source: &SourceFile,
    node: &Node,
    records: &[TrustRecord],
) -> Result<String, Diagnostic> {
    let text = &source.text;
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let section = render(records).replace('\n', newline);
    let NodeKind::Map(keys) = &node.kind else {
        unreachable!("a parsed manifest is a mapping");
    };
    let Some(index) = keys.iter().position(|(_, key, _)| key == KEY) else {
        let mut out = text.clone();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(newline);
        }
        out.push_str(&section);
        return Ok(out);
    };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let first = keys[index].0.line as usize - 1;
    let mut end = keys
        .iter()
        .map(|(position, _, _)| position.line as usize - 1)
        .filter(|line| *line > first)
        .min()
        .unwrap_or(lines.len());
    // Blank lines and comments right before the next key belong to it.
    while end > first + 1 && {
        let line = lines[end - 1].trim();
        line.is_empty() || line.starts_with('#')
    } {
        end -= 1;
    }
    if lines[first..end].iter().any(|line| line.contains('#')) {
        return Err(Diagnostic::error(
            InputCode::InvalidValue,
            format!(
                "cannot rewrite `{KEY}` in {} without losing its comments",
                source.name
            ),
        )
        .at(source.span(keys[index].0, KEY.len()))
        .hint(format!(
            "move the comments out of the `{KEY}` list, or add this entry by hand:\n{}",
            render(records)
        )));
    }
    let mut out: String = lines[..first].concat();
    out.push_str(&section);
    out.push_str(&lines[end..].concat());
    Ok(out)
}

/// The `shadow-rules` section listing `records`, strings JSON-quoted (valid YAML).
fn render(records: &[TrustRecord]) -> String {
    let mut out = format!("{KEY}:\n");
    for record in records {
        out.push_str(&record.yaml_item());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::yaml;

    fn record(path: &str, digit: char) -> TrustRecord {
        TrustRecord {
            path: path.to_owned(),
            sha256: digit.to_string().repeat(64),
            reason: "reviewed".to_owned(),
        }
    }

    fn accept(text: &str, records: &[TrustRecord]) -> Result<String, Diagnostic> {
        let node = yaml::parse(text).unwrap();
        with_accepted(&SourceFile::new("rulesmith.yaml", text), &node, records)
    }

    #[test]
    fn the_section_is_appended_or_rewritten_and_the_rest_kept() {
        let text = "project: demo # ours\ntier: prototype";
        let added = accept(text, &[record("a.md", 'a')]).unwrap();
        assert_eq!(
            added,
            format!(
                "{text}\nshadow-rules:\n  - path: \"a.md\"\n    sha256: \"{}\"\n    reason: \"reviewed\"\n",
                "a".repeat(64)
            )
        );
        let middle = added.replace("tier: prototype\n", "") + "\n# the tier\ntier: prototype\n";
        let records = [record("a.md", 'b'), record("b.md", 'c')];
        let rewritten = accept(&middle, &records).unwrap();
        assert_eq!(
            rewritten,
            format!(
                "project: demo # ours\nshadow-rules:\n  - path: \"a.md\"\n    sha256: \"{}\"\n    reason: \"reviewed\"\n  - path: \"b.md\"\n    sha256: \"{}\"\n    reason: \"reviewed\"\n\n# the tier\ntier: prototype\n",
                "b".repeat(64),
                "c".repeat(64)
            )
        );
    }

    #[test]
    fn comments_inside_the_section_are_never_lost() {
        let text = "project: demo\nshadow-rules:\n  # checked by Ana\n  - path: a.md\n    sha256: x\n    reason: r\n";
        let problem = accept(text, &[record("a.md", 'a')]).unwrap_err();
        assert!(problem.message.contains("without losing its comments"));
    }
}
