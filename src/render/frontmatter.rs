//! Frontmatter written line by line, in the one form each vendor documents.
//!
//! Agents do not share a frontmatter reader: Cursor takes `key: rest-of-line` verbatim (quotes
//! stay part of the value, a YAML list reads as empty), others parse YAML. So no general
//! serializer is used: every key is one documented form from the target's folder (a bare word,
//! text, a comma list, a quoted list), and a value the form cannot carry unchanged is refused
//! with the reason, never escaped. Brace globs are expanded first, so `src/*.{ts,tsx}` never
//! reaches a comma list as `src/*.{ts` and `tsx}`.

use crate::model::target::GlobForm;

/// The most globs one brace glob may expand to.
pub const MAX_EXPANSION: usize = 256;

/// One key's value, resolved for one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A fixed word, written as is.
    Literal(String),
    /// Text written verbatim after the key.
    Text(String),
    /// Text written inside double quotes.
    QuotedText(String),
    /// Globs, braces already expanded, in a documented form.
    Globs(GlobForm, Vec<String>),
}

/// A value the key's form cannot carry unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    /// The key.
    pub key: String,
    /// The offending glob or text.
    pub value: String,
    /// What in it cannot be written, in a few words.
    pub reason: String,
}

/// Renders `fields`, in order, as a frontmatter block: `---`, one line per key (and one per
/// item of a `quoted-list`), `---`.
pub fn render(fields: &[(String, Value)]) -> Result<String, Refused> {
    let mut block = String::from("---\n");
    for (key, value) in fields {
        let refuse = |value: &str, reason: &str| Refused {
            key: key.clone(),
            value: value.to_owned(),
            reason: reason.to_owned(),
        };
        match value {
            Value::Literal(word) => block.push_str(&format!("{key}: {word}\n")),
            Value::Text(text) => {
                one_line(text).map_err(|reason| refuse(text, reason))?;
                if text.contains('"') || text.starts_with('\'') {
                    return Err(refuse(text, "holds a quote, which readers strip or keep"));
                }
                block.push_str(&format!("{key}: {text}\n"));
            }
            Value::QuotedText(text) => {
                one_line(text).map_err(|reason| refuse(text, reason))?;
                if text.contains(['"', '\\']) {
                    return Err(refuse(
                        text,
                        "holds a double quote or backslash, which would need escaping inside quotes",
                    ));
                }
                block.push_str(&format!("{key}: \"{text}\"\n"));
            }
            Value::Globs(form, globs) => {
                for glob in globs {
                    check_glob(*form, glob).map_err(|reason| refuse(glob, reason))?;
                }
                block.push_str(&glob_lines(key, *form, globs));
            }
        }
    }
    block.push_str("---\n");
    Ok(block)
}

fn one_line(text: &str) -> Result<(), &'static str> {
    if text
        .chars()
        .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
    {
        return Err("holds a line break or another control character");
    }
    if text.trim() != text {
        return Err("starts or ends with whitespace");
    }
    Ok(())
}

fn check_glob(form: GlobForm, glob: &str) -> Result<(), &'static str> {
    one_line(glob)?;
    if glob.is_empty() {
        return Err("is empty");
    }
    if glob.contains(['"', '\'']) {
        return Err("holds a quote, which readers strip or keep");
    }
    if form.comma_separated() && glob.contains(',') {
        return Err("holds a comma, which separates globs in this form");
    }
    if form.quoted() && glob.contains('\\') {
        return Err("holds a backslash, which would need escaping inside quotes");
    }
    Ok(())
}

fn glob_lines(key: &str, form: GlobForm, globs: &[String]) -> String {
    let quoted = |glob: &String| format!("\"{glob}\"");
    let flow = || {
        let items: Vec<String> = globs.iter().map(quoted).collect();
        format!("[{}]", items.join(", "))
    };
    match form {
        GlobForm::CommaList => format!("{key}: {}\n", globs.join(",")),
        GlobForm::QuotedCommaList => format!("{key}: \"{}\"\n", globs.join(",")),
        GlobForm::QuotedFlowList => format!("{key}: {}\n", flow()),
        GlobForm::QuotedSingleOrFlowList => match globs {
            [one] => format!("{key}: {}\n", quoted(one)),
            _ => format!("{key}: {}\n", flow()),
        },
        GlobForm::QuotedList => {
            let mut lines = format!("{key}:\n");
            for glob in globs {
                lines.push_str(&format!("  - {}\n", quoted(glob)));
            }
            lines
        }
    }
}

/// Expands the brace alternatives of `glob` (`src/*.{ts,tsx}` into `src/*.ts` and
/// `src/*.tsx`), nested and repeated ones included, in order and without duplicates.
///
/// A backslash escapes the next character; an unmatched brace stays as written. A glob that
/// expands to more than [`MAX_EXPANSION`] globs is refused.
pub fn expand_braces(glob: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    expand_into(glob, &mut out)?;
    Ok(out)
}

fn expand_into(glob: &str, out: &mut Vec<String>) -> Result<(), String> {
    let Some((open, close, alternatives)) = first_group(glob) else {
        if !out.iter().any(|g| g == glob) {
            if out.len() == MAX_EXPANSION {
                return Err(format!("expands to more than {MAX_EXPANSION} globs"));
            }
            out.push(glob.to_owned());
        }
        return Ok(());
    };
    for alternative in alternatives {
        let next = format!("{}{alternative}{}", &glob[..open], &glob[close + 1..]);
        expand_into(&next, out)?;
    }
    Ok(())
}

/// The first brace group with its matching close, and its top-level alternatives.
fn first_group(glob: &str) -> Option<(usize, usize, Vec<&str>)> {
    let bytes = glob.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'{' => {
                if let Some(found) = group_at(glob, i) {
                    return Some(found);
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

fn group_at(glob: &str, open: usize) -> Option<(usize, usize, Vec<&str>)> {
    let bytes = glob.as_bytes();
    let (mut depth, mut start, mut i) = (0usize, open + 1, open + 1);
    let mut alternatives = Vec::new();
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'{' => depth += 1,
            b'}' if depth == 0 => {
                alternatives.push(&glob[start..i]);
                return Some((open, i, alternatives));
            }
            b'}' => depth -= 1,
            b',' if depth == 0 => {
                alternatives.push(&glob[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn globs(form: GlobForm, globs: &[&str]) -> Result<String, Refused> {
        let globs = globs.iter().map(|g| g.to_string()).collect();
        render(&[("k".into(), Value::Globs(form, globs))])
    }

    #[test]
    fn braces_expand_in_order_nested_and_repeated() {
        assert_eq!(
            expand_braces("src/**/*.{ts,tsx}").unwrap(),
            ["src/**/*.ts", "src/**/*.tsx"]
        );
        assert_eq!(
            expand_braces("{a,b/{c,d}}/*.{x,y}").unwrap(),
            ["a/*.x", "a/*.y", "b/c/*.x", "b/c/*.y", "b/d/*.x", "b/d/*.y"]
        );
        assert_eq!(expand_braces("{a,a}/x").unwrap(), ["a/x"]);
        assert_eq!(expand_braces(r"a\{b,c}").unwrap(), [r"a\{b,c}"]);
        assert_eq!(expand_braces("a{b").unwrap(), ["a{b"]);
        assert_eq!(expand_braces("no-braces/**").unwrap(), ["no-braces/**"]);
        let bomb = "{a,b,c,d}".repeat(5);
        assert!(expand_braces(&bomb).unwrap_err().contains("more than 256"));
    }

    #[test]
    fn each_glob_form_is_written_as_documented() {
        let two = ["a/**", "*.md"];
        assert_eq!(
            globs(GlobForm::CommaList, &two).unwrap(),
            "---\nk: a/**,*.md\n---\n"
        );
        assert_eq!(
            globs(GlobForm::QuotedCommaList, &two).unwrap(),
            "---\nk: \"a/**,*.md\"\n---\n"
        );
        assert_eq!(
            globs(GlobForm::QuotedFlowList, &two).unwrap(),
            "---\nk: [\"a/**\", \"*.md\"]\n---\n"
        );
        assert_eq!(
            globs(GlobForm::QuotedSingleOrFlowList, &two[..1]).unwrap(),
            "---\nk: \"a/**\"\n---\n"
        );
        assert_eq!(
            globs(GlobForm::QuotedList, &two).unwrap(),
            "---\nk:\n  - \"a/**\"\n  - \"*.md\"\n---\n"
        );
    }

    #[test]
    fn values_a_form_cannot_carry_are_refused_not_escaped() {
        for (form, glob, reason) in [
            (GlobForm::CommaList, "a,b", "comma"),
            (GlobForm::QuotedCommaList, "a{b,c", "comma"),
            (GlobForm::QuotedFlowList, "a,b", "comma"),
            (GlobForm::CommaList, "\"a\"", "quote"),
            (GlobForm::QuotedList, "it's/**", "quote"),
            (GlobForm::QuotedList, r"\[x]", "backslash"),
            (GlobForm::CommaList, "a\n---", "line break"),
        ] {
            let refused = globs(form, &[glob]).unwrap_err();
            assert_eq!(refused.value, glob);
            assert!(refused.reason.contains(reason), "{glob}: {refused:?}");
        }
        assert!(globs(GlobForm::QuotedList, &["a,b"]).is_ok());
        assert!(globs(GlobForm::CommaList, &[r"\[x]"]).is_ok());
        for value in [
            Value::Text("x\n---\nalwaysApply: true".into()),
            Value::Text("\"quoted\"".into()),
            Value::QuotedText("say \"hi\"".into()),
            Value::QuotedText(r"a\b".into()),
        ] {
            assert!(render(&[("k".into(), value.clone())]).is_err(), "{value:?}");
        }
        assert_eq!(
            render(&[("name".into(), Value::QuotedText("Tier: it's done".into()))]).unwrap(),
            "---\nname: \"Tier: it's done\"\n---\n"
        );
    }
}
