//! Plan against tree: for every path rulesmith owns, what it holds and what a build makes of it.
//!
//! This is the pure core shared by `build` and `check`: the write stage turns the entries into
//! file changes, and the check stage turns them into findings, so both always agree on what is
//! out of date.

use std::collections::BTreeSet;

use crate::compile::Plan;
use crate::diagnostic::{Code, Diagnostic, SourceFile};
use crate::header::CommentStyle;
use crate::load::tree::{Existing, Tree};
use crate::load::yaml::Position;
use crate::lock::Entries;
use crate::merge;
use crate::ownership::{self, Final, OutputMode, Ownership, Refusal, Release};
use crate::target::guard;

/// One path and its state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Repository-relative path.
    pub path: String,
    /// The target that produces (or, for an orphan, produced) the file; empty when unknown.
    pub target: String,
    /// How the planned output combines with the file on disk; `None` for orphans.
    pub mode: Option<OutputMode>,
    /// What is there compared with what should be.
    pub state: State,
}

/// What a path holds compared with the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    /// The file has exactly the planned bytes.
    Clean,
    /// The file does not exist.
    Missing {
        /// The bytes a build writes.
        contents: String,
    },
    /// The file exists with other bytes.
    Differs {
        /// The file's text now.
        existing: String,
        /// What a build writes, and which part of it rulesmith owns.
        planned: Final,
    },
    /// Something rulesmith did not generate is in the way: no header, no managed block, or not
    /// text at all. A build replaces it only when forced.
    NotGenerated {
        /// The rendered output that `--force` writes over it.
        contents: String,
        /// Why rulesmith could not read it as text, when it could not.
        opaque: Option<String>,
    },
    /// rulesmith generated the file earlier and no target produces it now.
    Orphaned {
        /// What a build does with it.
        release: Release,
    },
}

/// Compares `plan` with `tree`. Broken markers, outputs behind symlinks, settings files that
/// cannot be merged and settings that would switch an agent's prompts off are errors.
pub fn reconcile(plan: &Plan, tree: &Tree) -> Result<Vec<Entry>, Vec<Diagnostic>> {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let mut planned = BTreeSet::new();
    let no_entries = Entries::new();
    for file in &plan.files {
        planned.insert(file.path.as_str());
        let existing = match tree.files.get(&file.path) {
            None => None,
            Some(Existing::Text(text)) => Some(text.as_str()),
            Some(Existing::Symlink { .. }) => {
                problems.push(
                    Diagnostic::error(
                        Code::PathEscapesRepo,
                        format!("output {} goes through a symlink", file.path),
                    )
                    .hint("rulesmith writes only regular files inside the repository; replace the symlink with the file or directory itself"),
                );
                continue;
            }
            Some(Existing::Opaque { reason }) => {
                entries.push(Entry {
                    path: file.path.clone(),
                    target: file.target.clone(),
                    mode: Some(file.mode),
                    state: State::NotGenerated {
                        contents: file.contents.clone(),
                        opaque: Some(reason.clone()),
                    },
                });
                continue;
            }
        };
        let managed = tree.entries.get(&file.path).unwrap_or(&no_entries);
        let finalized =
            ownership::finalize(&file.path, &file.contents, file.mode, existing, managed);
        if let Ok(planned) = &finalized {
            problems.extend(guard::check(file, &planned.contents));
        }
        let state = match finalized {
            Ok(planned) => match existing {
                None => State::Missing {
                    contents: planned.contents,
                },
                Some(text) if text == planned.contents => State::Clean,
                Some(text) => State::Differs {
                    existing: text.to_owned(),
                    planned,
                },
            },
            // The lock says a build wrote this file, so it is rulesmith's even without a header.
            Err(Refusal::NotGenerated) if tree.locked.contains_key(&file.path) => State::Differs {
                existing: existing.unwrap_or_default().to_owned(),
                planned: Final {
                    contents: file.contents.clone(),
                    ownership: Ownership::Whole,
                    owned: 0..file.contents.len(),
                    replaced: 0..existing.map_or(0, str::len),
                },
            },
            Err(Refusal::NotGenerated) => State::NotGenerated {
                contents: file.contents.clone(),
                opaque: None,
            },
            Err(Refusal::Settings(problem)) => {
                problems.push(*problem);
                continue;
            }
            Err(Refusal::Markers(error)) => {
                let style = match file.mode {
                    OutputMode::Text(style) => style,
                    OutputMode::Owned | OutputMode::Settings => CommentStyle::Html,
                };
                let source = SourceFile::new(file.path.as_str(), existing.unwrap_or_default());
                let line = error.line();
                let width = source
                    .text
                    .lines()
                    .nth(line - 1)
                    .map_or(1, |text| text.trim_end().chars().count());
                let position = Position {
                    line: line as u32,
                    column: 1,
                };
                problems.push(
                    Diagnostic::error(
                        Code::BrokenMarkers,
                        format!(
                            "broken managed block in {}: {}",
                            file.path,
                            error.describe(style)
                        ),
                    )
                    .at(source.span(position, width))
                    .hint(format!(
                        "keep exactly one `{}` line followed by one `{}` line; nothing was overwritten",
                        ownership::marker(style, ownership::BEGIN),
                        ownership::marker(style, ownership::END)
                    )),
                );
                continue;
            }
            Err(Refusal::MarkerInOutput { line }) => {
                problems.push(
                    Diagnostic::error(
                        Code::BrokenMarkers,
                        format!(
                            "target `{}` renders a managed-block marker at line {line} of {}",
                            file.target, file.path
                        ),
                    )
                    .hint(
                        "remove the `rulesmith:begin` / `rulesmith:end` line from the policy text",
                    ),
                );
                continue;
            }
        };
        entries.push(Entry {
            path: file.path.clone(),
            target: file.target.clone(),
            mode: Some(file.mode),
            state,
        });
    }
    let candidates: BTreeSet<&str> = tree
        .locked
        .keys()
        .chain(&tree.agent_files)
        .map(String::as_str)
        .filter(|path| !planned.contains(path))
        .collect();
    for path in candidates {
        let release = tree
            .text(path)
            .and_then(|text| match tree.entries.get(path) {
                Some(managed) => merge::release(text, managed),
                None => ownership::release(text),
            });
        if let Some(release) = release {
            entries.push(Entry {
                path: path.to_owned(),
                target: tree.locked.get(path).cloned().unwrap_or_default(),
                mode: None,
                state: State::Orphaned { release },
            });
        }
    }
    if problems.is_empty() {
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(entries)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header;
    use crate::target::render::Rendered;

    fn output(path: &str, body: &str) -> Rendered {
        Rendered {
            path: path.into(),
            target: "t".into(),
            contents: format!("{}{body}", header::render(CommentStyle::Html, "t", body)),
            format: crate::target::spec::Format::Markdown,
            mode: OutputMode::Text(CommentStyle::Html),
            groups: Vec::new(),
            unsafe_settings: Vec::new(),
        }
    }

    fn tree(files: &[(&str, &str)], locked: &[&str]) -> Tree {
        Tree {
            files: files
                .iter()
                .map(|(path, text)| (path.to_string(), Existing::Text(text.to_string())))
                .collect(),
            agent_files: Default::default(),
            entries: Default::default(),
            locked: locked
                .iter()
                .map(|p| (p.to_string(), "old".into()))
                .collect(),
        }
    }

    fn states(plan: &Plan, tree: &Tree) -> Vec<(String, String)> {
        reconcile(plan, tree)
            .unwrap()
            .into_iter()
            .map(|e| {
                let state = match e.state {
                    State::Clean => "clean",
                    State::Missing { .. } => "missing",
                    State::Differs { .. } => "differs",
                    State::NotGenerated { .. } => "not-generated",
                    State::Orphaned { .. } => "orphaned",
                };
                (e.path, state.to_owned())
            })
            .collect()
    }

    #[test]
    fn each_path_gets_its_state() {
        let plan = Plan {
            files: vec![
                output("A.md", "a\n"),
                output("B.md", "b\n"),
                output("C.md", "c\n"),
            ],
        };
        let old = output("OLD.md", "old\n").contents;
        let tree = tree(
            &[
                ("A.md", &plan.files[0].contents),
                ("B.md", &output("B.md", "b2\n").contents),
                ("OLD.md", &old),
                ("MINE.md", "# mine\n"),
            ],
            &["OLD.md", "MINE.md"],
        );
        assert_eq!(
            states(&plan, &tree),
            [
                ("A.md".into(), "clean".into()),
                ("B.md".into(), "differs".into()),
                ("C.md".into(), "missing".into()),
                ("OLD.md".into(), "orphaned".into()),
            ]
        );
    }

    #[test]
    fn an_output_behind_a_symlink_is_an_error() {
        let plan = Plan {
            files: vec![output("A.md", "a\n")],
        };
        let mut tree = tree(&[], &[]);
        tree.files
            .insert("A.md".into(), Existing::Symlink { target: None });
        let errors = reconcile(&plan, &tree).unwrap_err();
        assert_eq!(errors[0].code, Code::PathEscapesRepo);
    }
}
