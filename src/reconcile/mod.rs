//! Plan against tree: for every path rulesmith owns, what it holds and what a build makes of it.
//!
//! This is the pure core shared by `build` and `check`: the write stage turns the entries into
//! file changes, and the check stage turns them into findings, so both always agree on what is
//! out of date.

pub mod gitignore;
pub mod merge;
pub mod ownership;

use std::collections::BTreeSet;

use crate::diagnostic::{Diagnostic, InputCode, SourceFile};
use crate::load::MAX_INPUT_BYTES;
use crate::load::tree::{Existing, Tree};
use crate::model::boundary;
use crate::model::lock::Entries;
use crate::model::target::OutputMode;
use crate::reconcile::ownership::{Final, Ownership, Refusal, Release};
use crate::render::budget::ReadFile;
use crate::render::{Rendered, guard};
use crate::syntax::header::{self, CommentStyle};
use crate::syntax::yaml::Position;

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
    /// The file carries rulesmith's header, but was edited since: a build replaces it only when
    /// forced.
    Edited {
        /// The file's text now.
        existing: String,
        /// What `--force` writes over it.
        planned: Final,
    },
    /// rulesmith generated the file earlier and no target produces it now.
    Orphaned {
        /// What a build does with it.
        release: Release,
    },
    /// A temporary file left by a build that was stopped midway: a build removes it.
    Stray,
}

/// Compares the planned files with `tree`. Outputs outside the write boundary or behind
/// symlinks, outputs larger than rulesmith reads back, broken markers, settings files that
/// cannot be merged and settings that would switch an agent's prompts off are errors.
///
/// Whether a file is rulesmith's to replace is decided from the file itself (its header and
/// digest, or its managed-block markers), never from the lock.
pub fn reconcile(plan: &[Rendered], tree: &Tree) -> Result<Vec<Entry>, Vec<Diagnostic>> {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let mut planned = BTreeSet::new();
    let no_entries = Entries::new();
    for file in plan {
        planned.insert(file.path.as_str());
        if let Err(problem) = boundary::check(&file.path, &file.target) {
            problems.push(problem);
            continue;
        }
        let existing = match tree.files.get(&file.path) {
            None => None,
            Some(Existing::Text(text)) => Some(text.as_str()),
            Some(Existing::Symlink { .. }) => {
                problems.push(
                    Diagnostic::error(
                        InputCode::PathEscapesRepo,
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
            self::ownership::finalize(&file.path, &file.contents, file.mode, existing, managed);
        if let Ok(planned) = &finalized {
            problems.extend(guard::check(file, &planned.contents));
            if planned.contents.len() as u64 > MAX_INPUT_BYTES {
                problems.push(too_large(file, planned.contents.len()));
                continue;
            }
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
            Err(Refusal::Edited) => State::Edited {
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
                        InputCode::BrokenMarkers,
                        format!(
                            "broken managed block in {}: {}",
                            file.path,
                            error.describe(style)
                        ),
                    )
                    .at(source.span(position, width))
                    .hint(format!(
                        "keep exactly one `{}` line followed by one `{}` line; nothing was overwritten",
                        ownership::marker(style, header::BEGIN),
                        ownership::marker(style, header::END)
                    )),
                );
                continue;
            }
            Err(Refusal::MarkerInOutput { line }) => {
                problems.push(
                    Diagnostic::error(
                        InputCode::BrokenMarkers,
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
    entries.extend(tree.stray.iter().map(|path| Entry {
        path: path.clone(),
        target: String::new(),
        mode: None,
        state: State::Stray,
    }));
    if problems.is_empty() {
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(entries)
    } else {
        Err(problems)
    }
}

/// The files the agents read, for whole-file budgets: every planned text output as a build
/// leaves it (its managed block inside the hand-written text; the rendered text itself when the
/// file is rulesmith's whole, or when rulesmith may not replace it and only `--force` writes),
/// then the agent files `counted` names that rulesmith does not write, hand-written text only,
/// since the chains and sets of files agents read include them.
pub fn read_files<'a>(
    plan: &'a [Rendered],
    tree: &'a Tree,
    counted: impl Fn(&str) -> bool,
) -> Vec<ReadFile<'a>> {
    let no_entries = Entries::new();
    let planned: BTreeSet<&str> = plan.iter().map(|f| f.path.as_str()).collect();
    let mut out = Vec::new();
    for file in plan
        .iter()
        .filter(|f| matches!(f.mode, OutputMode::Text(_)))
    {
        let rendered = ReadFile::rendered(file);
        // Only a file with text of its own around rulesmith's differs from the rendered text.
        let read = match tree.text(&file.path) {
            Some(existing) if existing != file.contents => {
                let managed = tree.entries.get(&file.path).unwrap_or(&no_entries);
                match ownership::finalize(
                    &file.path,
                    &file.contents,
                    file.mode,
                    Some(existing),
                    managed,
                ) {
                    Ok(done) if done.ownership == Ownership::Block => ReadFile {
                        contents: done.contents.into(),
                        owned: done.owned,
                        ..rendered
                    },
                    _ => rendered,
                }
            }
            _ => rendered,
        };
        out.push(read);
    }
    let hand_written = tree.agent_files.iter().filter(|path| {
        !tree.nested.contains(*path) && !planned.contains(path.as_str()) && counted(path)
    });
    for path in hand_written {
        if let Some(text) = tree.text(path) {
            out.push(ReadFile::hand_written(path, text));
        }
    }
    out
}

/// The error for an output larger than rulesmith reads back: a later build would refuse it.
fn too_large(file: &Rendered, size: usize) -> Diagnostic {
    Diagnostic::error(
        InputCode::FileTooLarge,
        format!(
            "target `{}` would write {size} bytes to {}; rulesmith reads back at most {MAX_INPUT_BYTES}",
            file.target, file.path
        ),
    )
    .hint("split the policies over several outputs or shorten them; nothing was written")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::header;

    fn output(path: &str, body: &str) -> Rendered {
        Rendered {
            path: path.into(),
            target: "t".into(),
            contents: format!("{}{body}", header::render(CommentStyle::Html, "t", body)),
            format: crate::model::target::Format::Markdown,
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
            locked: locked
                .iter()
                .map(|p| (p.to_string(), "old".into()))
                .collect(),
            ..Tree::default()
        }
    }

    fn states(plan: &[Rendered], tree: &Tree) -> Vec<(String, String)> {
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
                    State::Edited { .. } => "edited",
                    State::Stray => "stray",
                };
                (e.path, state.to_owned())
            })
            .collect()
    }

    #[test]
    fn each_path_gets_its_state() {
        let plan = vec![
            output("A.md", "a\n"),
            output("B.md", "b\n"),
            output("C.md", "c\n"),
        ];
        let old = output("OLD.md", "old\n").contents;
        let tree = tree(
            &[
                ("A.md", &plan[0].contents),
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
    fn hand_written_file_listed_in_lock_is_not_overwritten() {
        let plan = vec![output("A.md", "a\n")];
        let edited = plan[0].contents.replace("a\n", "mine\n");
        let tree_of = |text: &str| tree(&[("A.md", text)], &["A.md"]);
        assert_eq!(
            states(&plan, &tree_of("# My notes\n")),
            [("A.md".into(), "not-generated".into())]
        );
        assert_eq!(
            states(&plan, &tree_of(&edited)),
            [("A.md".into(), "edited".into())]
        );
    }

    #[test]
    fn an_output_inside_dot_git_is_an_error_whatever_the_lock_says() {
        for path in [".git/hooks/pre-commit", ".git/config", "sub/.hg/hgrc"] {
            let plan = vec![output(path, "a\n")];
            let tree = tree(&[(path, "#!/bin/sh\n")], &[path]);
            let errors = reconcile(&plan, &tree).unwrap_err();
            assert_eq!(errors[0].code, InputCode::OutsideBoundary, "{path}");
        }
    }

    #[test]
    fn an_output_the_reader_would_refuse_is_never_planned() {
        let plan = vec![output("A.md", &"x".repeat(MAX_INPUT_BYTES as usize))];
        let errors = reconcile(&plan, &tree(&[], &[])).unwrap_err();
        assert_eq!(errors[0].code, InputCode::FileTooLarge);
    }

    #[test]
    fn an_output_behind_a_symlink_is_an_error() {
        let plan = vec![output("A.md", "a\n")];
        let mut tree = tree(&[], &[]);
        tree.files
            .insert("A.md".into(), Existing::Symlink { target: None });
        let errors = reconcile(&plan, &tree).unwrap_err();
        assert_eq!(errors[0].code, InputCode::PathEscapesRepo);
    }
}
