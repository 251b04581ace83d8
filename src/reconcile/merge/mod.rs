//! Settings files rulesmith shares with the user: it merges its permission entries into them.
//!
//! A settings output in the plan holds only rulesmith's entries (and the object a new file
//! starts from). At reconcile time they are merged into the file on disk: keys and list entries
//! the user wrote stay, in their order; rulesmith adds the entries its policies ask for and
//! removes those the lock says it managed before and its policies no longer ask for. A file
//! whose merged contents equal what is on disk keeps its bytes, formatting included.

pub mod json;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, InputCode, SourceFile};
use crate::model::lock::Entries;
use crate::model::target::Format;
use crate::model::target::OutputMode;
use crate::reconcile::ownership::{Final, Ownership, Release};
use crate::render::{Rendered, SettingsRequest};
use crate::syntax::yaml::Position;
use json::{Doc, Style};

/// What a settings output in the plan holds.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Planned {
    /// The object a new file starts from.
    initial: Map<String, Value>,
    /// rulesmith's entries by JSON pointer.
    entries: Entries,
}

/// The plan's output for a settings request.
pub fn planned(request: &SettingsRequest) -> Rendered {
    let planned = Planned {
        initial: request.initial.clone(),
        entries: request.entries.clone(),
    };
    Rendered {
        path: request.path.clone(),
        target: request.target.clone(),
        contents: serde_json::to_string(&planned).expect("the entries serialize"),
        format: Format::Json,
        mode: OutputMode::Settings,
        groups: Vec::new(),
        unsafe_settings: Vec::new(),
    }
}

/// The entries of a settings output in the plan.
pub fn entries_of(contents: &str) -> Entries {
    serde_json::from_str::<Planned>(contents)
        .map(|planned| planned.entries)
        .unwrap_or_default()
}

/// Merges the planned settings output `contents` into the file at `path` (`existing`, or
/// none), given the entries the previous build `managed` in it.
pub fn finalize(
    path: &str,
    contents: &str,
    existing: Option<&str>,
    managed: &Entries,
) -> Result<Final, Diagnostic> {
    let planned: Planned =
        serde_json::from_str(contents).expect("settings outputs are planned by `planned`");
    let original = existing.map(|text| parse(path, text)).transpose()?;
    let mut doc = original
        .clone()
        .unwrap_or_else(|| Doc::from_value(&Value::Object(planned.initial.clone())));
    apply(path, existing, &mut doc, &planned.entries, managed)?;
    let contents = match (existing, original) {
        (Some(text), Some(original)) if original == doc => text.to_owned(),
        _ => doc.to_pretty_in(&existing.map_or_else(Style::default, Style::of)),
    };
    Ok(Final {
        owned: 0..contents.len(),
        replaced: 0..existing.map_or(0, str::len),
        ownership: Ownership::Entries,
        contents,
    })
}

/// What becomes of a settings file once no target merges into it: it loses the entries
/// rulesmith managed. `None` when there is nothing to remove or the file cannot be read as
/// JSON, so it is left alone.
pub fn release(existing: &str, managed: &Entries) -> Option<Release> {
    let original = json::parse(existing).ok()?;
    let mut doc = original.clone();
    apply("", Some(existing), &mut doc, &Entries::new(), managed).ok()?;
    (doc != original).then(|| Release::Rewrite(doc.to_pretty_in(&Style::of(existing))))
}

fn parse(path: &str, text: &str) -> Result<Doc, Diagnostic> {
    let doc = json::parse(text).map_err(|err| {
        problem(
            path,
            text,
            format!("cannot merge into {path}: invalid JSON: {}", err.message),
            Position {
                line: err.line as u32,
                column: err.column as u32,
            },
            "fix the JSON (settings files take no comments or trailing commas), or delete the file to let rulesmith create it",
        )
    })?;
    if matches!(doc, Doc::Object(_)) {
        Ok(doc)
    } else {
        Err(problem(
            path,
            text,
            format!(
                "cannot merge into {path}: it holds {}, not an object",
                doc.kind()
            ),
            Position::default(),
            "make the file a JSON object, or delete it to let rulesmith create it",
        ))
    }
}

fn problem(path: &str, text: &str, message: String, at: Position, hint: &str) -> Diagnostic {
    Diagnostic::error(InputCode::SettingsMerge, message)
        .at(SourceFile::new(path, text).span(at, 1))
        .hint(hint)
}

/// Removes the `managed` entries that are not `desired` and adds the `desired` ones missing.
fn apply(
    path: &str,
    existing: Option<&str>,
    doc: &mut Doc,
    desired: &Entries,
    managed: &Entries,
) -> Result<(), Diagnostic> {
    let none = Vec::new();
    let mut pointers: Vec<&String> = desired.keys().collect();
    pointers.extend(managed.keys().filter(|p| !desired.contains_key(*p)));
    for pointer in pointers {
        let wanted = desired.get(pointer).unwrap_or(&none);
        let before = managed.get(pointer).unwrap_or(&none);
        let list = match list_at(doc, pointer, !wanted.is_empty()) {
            Ok(Some(list)) => list,
            Ok(None) => continue,
            Err(found) => {
                return Err(problem(
                    path,
                    existing.unwrap_or_default(),
                    format!(
                        "cannot merge into {path}: `{pointer}` leads through {found}, where rulesmith expects objects and a list"
                    ),
                    Position::default(),
                    "fix that key by hand, or remove it to let rulesmith recreate it",
                ));
            }
        };
        list.retain(
            |item| !matches!(item, Doc::String(s) if before.contains(s) && !wanted.contains(s)),
        );
        for entry in wanted {
            if !list
                .iter()
                .any(|item| matches!(item, Doc::String(s) if s == entry))
            {
                list.push(Doc::String(entry.clone()));
            }
        }
    }
    Ok(())
}

/// The list at `pointer`, creating missing objects and the list when `create` is set.
/// `Err` names what stood in the way.
fn list_at<'d>(
    doc: &'d mut Doc,
    pointer: &str,
    create: bool,
) -> Result<Option<&'d mut Vec<Doc>>, &'static str> {
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut node = doc;
    for (index, segment) in segments.iter().enumerate() {
        let last = index + 1 == segments.len();
        let Doc::Object(entries) = node else {
            return Err(node.kind());
        };
        let position = match entries.iter().position(|(key, _)| key == segment) {
            Some(position) => position,
            None if create => {
                let empty = if last {
                    Doc::Array(Vec::new())
                } else {
                    Doc::Object(Vec::new())
                };
                entries.push((segment.clone(), empty));
                entries.len() - 1
            }
            None => return Ok(None),
        };
        node = &mut entries[position].1;
    }
    match node {
        Doc::Array(items) => Ok(Some(items)),
        other => Err(other.kind()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATH: &str = ".claude/settings.json";

    fn plan(entries: &[(&str, &[&str])]) -> String {
        let request = SettingsRequest {
            path: PATH.into(),
            target: "claude".into(),
            initial: serde_json::json!({ "$schema": "x" })
                .as_object()
                .unwrap()
                .clone(),
            entries: entries
                .iter()
                .map(|(p, e)| (p.to_string(), e.iter().map(|s| s.to_string()).collect()))
                .collect(),
        };
        planned(&request).contents
    }

    fn merged(planned: &str, existing: Option<&str>, managed: &Entries) -> String {
        finalize(PATH, planned, existing, managed).unwrap().contents
    }

    const USER: &str = r#"{
    "model": "opus",
    "permissions": {
        "allow": ["Bash(npm test)"],
        "deny": ["Read(./secret.txt)"]
    },
    "env": {"A": "1"}
}
"#;

    #[test]
    fn a_new_file_starts_from_the_initial_object() {
        let planned = plan(&[("/permissions/deny", &["Read(.env)"])]);
        assert_eq!(
            merged(&planned, None, &Entries::new()),
            "{\n  \"$schema\": \"x\",\n  \"permissions\": {\n    \"deny\": [\n      \"Read(.env)\"\n    ]\n  }\n}\n"
        );
        assert_eq!(entries_of(&planned)["/permissions/deny"], ["Read(.env)"]);
    }

    #[test]
    fn user_keys_and_entries_survive_and_only_managed_entries_go() {
        let planned = plan(&[
            ("/permissions/deny", &["Read(.env)"]),
            ("/permissions/ask", &["Bash(git push)"]),
        ]);
        let first = merged(&planned, Some(USER), &Entries::new());
        let value: Value = serde_json::from_str(&first).unwrap();
        assert_eq!(value["model"], "opus");
        assert_eq!(value["env"]["A"], "1");
        assert_eq!(
            value["permissions"]["allow"],
            serde_json::json!(["Bash(npm test)"])
        );
        assert_eq!(
            value["permissions"]["deny"],
            serde_json::json!(["Read(./secret.txt)", "Read(.env)"])
        );
        // A rebuild with the same policies changes nothing, not even formatting.
        let managed = entries_of(&planned);
        assert_eq!(merged(&planned, Some(&first), &managed), first);
        // Dropping every intent takes rulesmith's entries back and keeps the user's.
        let released = match release(&first, &managed) {
            Some(Release::Rewrite(text)) => text,
            other => panic!("{other:?}"),
        };
        let value: Value = serde_json::from_str(&released).unwrap();
        assert_eq!(
            value["permissions"]["deny"],
            serde_json::json!(["Read(./secret.txt)"])
        );
        assert_eq!(value["permissions"]["ask"], serde_json::json!([]));
        assert_eq!(release(&released, &managed), None);
    }

    #[test]
    fn a_merge_into_a_tab_indented_file_changes_only_the_lines_it_adds() {
        let user = "{\n\t\"model\": \"opus\",\n\t\"permissions\": {\n\t\t\"deny\": [\n\t\t\t\"Read(./secret.txt)\"\n\t\t]\n\t}\n}\n";
        let planned = plan(&[("/permissions/deny", &["Read(.env)"])]);
        let merged = merged(&planned, Some(user), &Entries::new());
        let diff = similar::TextDiff::from_lines(user, merged.as_str());
        let changed: Vec<String> = diff
            .iter_all_changes()
            .filter(|c| c.tag() != similar::ChangeTag::Equal)
            .map(|c| format!("{}{}", c.tag(), c.value()))
            .collect();
        assert_eq!(
            changed,
            [
                "-\t\t\t\"Read(./secret.txt)\"\n",
                "+\t\t\t\"Read(./secret.txt)\",\n",
                "+\t\t\t\"Read(.env)\"\n",
            ]
        );
    }

    #[test]
    fn an_unchanged_file_keeps_its_formatting() {
        let text = "{\"permissions\":{\"deny\":[\"Read(.env)\"]}}";
        let planned = plan(&[("/permissions/deny", &["Read(.env)"])]);
        assert_eq!(merged(&planned, Some(text), &Entries::new()), text);
    }

    #[test]
    fn broken_files_are_errors_with_positions() {
        let planned = plan(&[("/permissions/deny", &["x"])]);
        let err =
            finalize(PATH, &planned, Some("{\n  \"a\": 1,\n}\n"), &Entries::new()).unwrap_err();
        assert_eq!(err.code, InputCode::SettingsMerge);
        assert_eq!(err.span.unwrap().position.line, 3);
        let err = finalize(
            PATH,
            &planned,
            Some("{\"permissions\": []}"),
            &Entries::new(),
        )
        .unwrap_err();
        assert!(err.message.contains("a list"), "{}", err.message);
        let err = finalize(PATH, &planned, Some("[]"), &Entries::new()).unwrap_err();
        assert!(err.message.contains("not an object"), "{}", err.message);
        assert_eq!(release("not json", &entries_of(&planned)), None);
    }
}
