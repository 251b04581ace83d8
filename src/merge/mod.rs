//! Settings files rulesmith shares with the user: it merges its permission entries into them.
//!
//! Keys and list entries the user wrote stay as they are. rulesmith adds the entries its
//! policies ask for and removes only entries it added itself in an earlier build; which ones
//! those are is recorded in `.rulesmith/state.json`, written with every build that merges.
//! A file whose merged contents equal what is on disk keeps its bytes, formatting included.

pub mod json;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic, SourceFile};
use crate::header::MARKER;
use crate::load::yaml::Position;
use crate::target::render::{OutputMode, Rendered, SettingsRequest};
use crate::target::spec::Format;
use json::Doc;

/// Where rulesmith records the settings entries it owns.
pub const STATE_FILE: &str = ".rulesmith/state.json";

/// Entries by JSON pointer.
pub type Entries = BTreeMap<String, Vec<String>>;

/// What rulesmith remembers between builds: the entries it added to each shared file.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// Marks the file as generated.
    pub generator: String,
    /// Entries rulesmith added, by file path and JSON pointer.
    pub owned: BTreeMap<String, Entries>,
}

/// Read access to files already in the repository.
pub trait Tree {
    /// The text of the file at `path` (relative to the repository root), or `None` when there
    /// is no such file.
    fn read(&self, path: &str) -> Result<Option<String>, Diagnostic>;
}

impl Tree for BTreeMap<String, String> {
    fn read(&self, path: &str) -> Result<Option<String>, Diagnostic> {
        Ok(self.get(path).cloned())
    }
}

/// The result of merging one settings file.
#[derive(Clone, Debug, PartialEq)]
pub struct Merged {
    /// The file's new contents; `None` when there is no file and nothing to put in one.
    pub contents: Option<String>,
    /// The entries rulesmith owns in it now.
    pub owned: Entries,
}

/// Merges `request` into the settings file `existing`, given the entries rulesmith added before.
pub fn merge(
    existing: Option<&str>,
    request: &SettingsRequest,
    previously_owned: &Entries,
) -> Result<Merged, Diagnostic> {
    let fail = |message: String, position: Position, hint: &str| {
        let source = SourceFile::new(request.path.clone(), existing.unwrap_or_default());
        Diagnostic::error(Code::SettingsMerge, message)
            .at(source.span(position, 1))
            .hint(hint)
    };
    let original = match existing {
        Some(text) => Some(json::parse(text).map_err(|err| {
            fail(
                format!("cannot merge into {}: invalid JSON: {}", request.path, err.message),
                Position {
                    line: err.line as u32,
                    column: err.column as u32,
                },
                "fix the JSON (settings files take no comments or trailing commas), or delete the file to let rulesmith create it",
            )
        })?),
        None if request.entries.values().all(Vec::is_empty) => {
            return Ok(Merged {
                contents: None,
                owned: Entries::new(),
            });
        }
        None => None,
    };
    let mut doc = original
        .clone()
        .unwrap_or_else(|| Doc::from_value(&serde_json::Value::Object(request.initial.clone())));
    if !matches!(doc, Doc::Object(_)) {
        return Err(fail(
            format!(
                "cannot merge into {}: it holds {}, not an object",
                request.path,
                doc.kind()
            ),
            Position::default(),
            "make the file a JSON object, or delete it to let rulesmith create it",
        ));
    }
    let no_entries = Vec::new();
    let mut pointers: Vec<&String> = request.entries.keys().collect();
    pointers.extend(
        previously_owned
            .keys()
            .filter(|p| !request.entries.contains_key(*p)),
    );
    let mut owned = Entries::new();
    for pointer in pointers {
        let desired = request.entries.get(pointer).unwrap_or(&no_entries);
        let before = previously_owned.get(pointer).unwrap_or(&no_entries);
        let list = match list_at(&mut doc, pointer, !desired.is_empty()) {
            Ok(Some(list)) => list,
            Ok(None) => continue,
            Err(found) => {
                return Err(fail(
                    format!(
                        "cannot merge into {}: `{pointer}` leads through {found}, where rulesmith expects objects and a list",
                        request.path
                    ),
                    Position::default(),
                    "fix that key by hand, or remove it to let rulesmith recreate it",
                ));
            }
        };
        list.retain(
            |item| !matches!(item, Doc::String(s) if before.contains(s) && !desired.contains(s)),
        );
        let mut mine = Vec::new();
        for entry in desired {
            let present = list
                .iter()
                .any(|item| matches!(item, Doc::String(s) if s == entry));
            if !present {
                list.push(Doc::String(entry.clone()));
                mine.push(entry.clone());
            } else if before.contains(entry) {
                mine.push(entry.clone());
            }
        }
        if !mine.is_empty() {
            owned.insert(pointer.clone(), mine);
        }
    }
    let contents = match (existing, original) {
        (Some(text), Some(original)) if original == doc => text.to_owned(),
        _ => doc.to_pretty(),
    };
    Ok(Merged {
        contents: Some(contents),
        owned,
    })
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

/// Merges every settings request into the files on disk and records what rulesmith owns.
///
/// Returns the merged files and the state file, which is left out while rulesmith owns no
/// entries and has never recorded any.
pub fn merge_all(
    requests: &[SettingsRequest],
    tree: &dyn Tree,
) -> Result<Vec<Rendered>, Vec<Diagnostic>> {
    if requests.is_empty() {
        return Ok(Vec::new());
    }
    let (state, had_state) = match read_state(tree).map_err(|d| vec![d])? {
        Some(state) => (state, true),
        None => (State::default(), false),
    };
    let mut next = State {
        generator: generator_text(),
        owned: BTreeMap::new(),
    };
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let empty = Entries::new();
    for request in requests {
        let existing = match tree.read(&request.path) {
            Ok(existing) => existing,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let before = state.owned.get(&request.path).unwrap_or(&empty);
        match merge(existing.as_deref(), request, before) {
            Ok(merged) => {
                if !merged.owned.is_empty() {
                    next.owned.insert(request.path.clone(), merged.owned);
                }
                if let Some(contents) = merged.contents {
                    files.push(Rendered {
                        path: request.path.clone(),
                        target: request.target.clone(),
                        contents,
                        format: Format::Json,
                        mode: OutputMode::Merged,
                        groups: Vec::new(),
                    });
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if next.owned.is_empty() && !had_state {
        return Ok(files);
    }
    let mut contents =
        serde_json::to_string_pretty(&next).expect("the state always serializes as JSON");
    contents.push('\n');
    files.push(Rendered {
        path: STATE_FILE.to_owned(),
        target: "rulesmith".to_owned(),
        contents,
        format: Format::Json,
        mode: OutputMode::Generated,
        groups: Vec::new(),
    });
    Ok(files)
}

fn generator_text() -> String {
    format!(
        "{MARKER}: the settings entries it added. Do not edit; run `rulesmith build` to update."
    )
}

fn read_state(tree: &dyn Tree) -> Result<Option<State>, Diagnostic> {
    let Some(text) = tree.read(STATE_FILE)? else {
        return Ok(None);
    };
    serde_json::from_str(&text).map(Some).map_err(|err| {
        let source = SourceFile::new(STATE_FILE, text.as_str());
        Diagnostic::error(
            Code::SettingsMerge,
            format!("{STATE_FILE} is not a rulesmith state file: {err}"),
        )
        .at(source.span(
            Position {
                line: err.line() as u32,
                column: err.column() as u32,
            },
            1,
        ))
        .hint(
            "restore it from version control; deleting it makes rulesmith forget which settings entries it added",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(entries: &[(&str, &[&str])]) -> SettingsRequest {
        SettingsRequest {
            path: ".claude/settings.json".into(),
            target: "claude".into(),
            initial: serde_json::json!({ "$schema": "x" })
                .as_object()
                .unwrap()
                .clone(),
            entries: entries
                .iter()
                .map(|(p, e)| (p.to_string(), e.iter().map(|s| s.to_string()).collect()))
                .collect(),
        }
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
        let merged = merge(
            None,
            &request(&[("/permissions/deny", &["Read(.env)"])]),
            &Entries::new(),
        )
        .unwrap();
        assert_eq!(
            merged.contents.unwrap(),
            "{\n  \"$schema\": \"x\",\n  \"permissions\": {\n    \"deny\": [\n      \"Read(.env)\"\n    ]\n  }\n}\n"
        );
        assert_eq!(merged.owned["/permissions/deny"], ["Read(.env)"]);
    }

    #[test]
    fn nothing_to_add_and_no_file_writes_nothing() {
        let merged = merge(
            None,
            &request(&[("/permissions/deny", &[])]),
            &Entries::new(),
        )
        .unwrap();
        assert_eq!(merged.contents, None);
    }

    #[test]
    fn user_keys_and_entries_survive_and_only_owned_entries_go() {
        let req = request(&[
            ("/permissions/deny", &["Read(.env)", "Read(./secret.txt)"]),
            ("/permissions/ask", &["Bash(git push)"]),
        ]);
        let first = merge(Some(USER), &req, &Entries::new()).unwrap();
        let text = first.contents.unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
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
        // The user's own entry is not rulesmith's, even though the policies ask for it too.
        assert_eq!(first.owned["/permissions/deny"], ["Read(.env)"]);
        // A rebuild with the same policies changes nothing, not even formatting.
        let again = merge(Some(&text), &req, &first.owned).unwrap();
        assert_eq!(again.contents.as_deref(), Some(text.as_str()));
        assert_eq!(again.owned, first.owned);
        // Dropping every intent removes rulesmith's entries and keeps the user's.
        let none = merge(Some(&text), &request(&[]), &first.owned).unwrap();
        let value: serde_json::Value = serde_json::from_str(&none.contents.unwrap()).unwrap();
        assert_eq!(
            value["permissions"]["deny"],
            serde_json::json!(["Read(./secret.txt)"])
        );
        assert_eq!(value["permissions"]["ask"], serde_json::json!([]));
        assert!(none.owned.is_empty());
    }

    #[test]
    fn an_unchanged_file_keeps_its_formatting() {
        let text = "{\"permissions\":{\"deny\":[\"Read(.env)\"]}}";
        let merged = merge(
            Some(text),
            &request(&[("/permissions/deny", &["Read(.env)"])]),
            &Entries::new(),
        )
        .unwrap();
        assert_eq!(merged.contents.as_deref(), Some(text));
    }

    #[test]
    fn broken_files_are_errors_with_positions() {
        let err = merge(Some("{\n  \"a\": 1,\n}\n"), &request(&[]), &Entries::new()).unwrap_err();
        assert_eq!(err.code, Code::SettingsMerge);
        assert_eq!(err.span.unwrap().position.line, 3);
        let err = merge(
            Some("{\"permissions\": []}"),
            &request(&[("/permissions/deny", &["x"])]),
            &Entries::new(),
        )
        .unwrap_err();
        assert!(err.message.contains("a list"), "{}", err.message);
        let err = merge(Some("[]"), &request(&[]), &Entries::new()).unwrap_err();
        assert!(err.message.contains("not an object"), "{}", err.message);
    }

    #[test]
    fn merging_records_state_for_the_next_build() {
        let tree: BTreeMap<String, String> =
            [(".claude/settings.json".to_owned(), USER.to_owned())].into();
        let files =
            merge_all(&[request(&[("/permissions/deny", &["Read(.env)"])])], &tree).unwrap();
        assert_eq!(files.len(), 2);
        let state: State = serde_json::from_str(&files[1].contents).unwrap();
        assert_eq!(
            state.owned[".claude/settings.json"]["/permissions/deny"],
            ["Read(.env)"]
        );
        assert!(crate::header::find(&files[1].contents).is_some());
    }
}
