//! The check stage: reconciled entries and the tree in, findings out. Pure: no disk, no printing.
//!
//! Every output is compared byte for byte with what a build would write. When they differ, the
//! header's digest tells a hand edit from a stale build. Agent files that rulesmith does not
//! generate are shadow rules, and every agent file, generated or not, has its content checked.

pub mod accept;
pub mod diff;

use crate::diagnostic::DriftCode;
use crate::diagnostic::finding::Finding;
use crate::load::tree::{Existing, Tree};
use crate::model::agreement::AGREEMENT_TARGET;
use crate::model::lock;
use crate::model::target::OutputMode;
use crate::model::trust::TrustRecord;
use crate::reconcile::ownership::{Ownership, Release};
use crate::reconcile::{Entry, State};
use crate::resolve::ShownOverride;
use crate::scan::trust::sha256_hex;
use crate::syntax::header;

/// The fix for every output that a build brings up to date.
const REBUILD: &str = "run `rulesmith build` and commit the result";

/// Compares reconciled `entries` and the agent files of `tree`, sorted by path and code.
///
/// `is_instructions` says whether an agent file feeds an agent instructions (rules, skills,
/// commands), as opposed to settings or ignore lists; only those can be shadow rules.
/// `accepted` lists the hand-written agent files reviewed and accepted with their content hash;
/// they are no shadow rules while their bytes are unchanged.
/// `scan` returns the content findings of one agent file, given its path and its text (or why
/// it could not be read as text): the scanner, with the repository's trust records and
/// severities.
pub fn findings(
    entries: &[Entry],
    tree: &Tree,
    accepted: &[TrustRecord],
    is_instructions: impl Fn(&str) -> bool,
    scan: impl Fn(&str, Result<&str, &str>) -> Vec<Finding>,
) -> Vec<Finding> {
    let mut out: Vec<Finding> = entries.iter().filter_map(entry_finding).collect();
    let owned: std::collections::BTreeSet<&str> = entries.iter().map(|e| e.path.as_str()).collect();
    for path in &tree.agent_files {
        if owned.contains(path.as_str()) || tree.nested.contains(path) || !is_instructions(path) {
            continue;
        }
        if let Some(finding) = shadow(path, &tree.files[path], &owned, accepted) {
            out.push(finding);
        }
    }
    let scanned = tree.agent_files.iter().map(String::as_str).chain(
        entries
            .iter()
            .filter(|e| matches!(e.mode, Some(OutputMode::Text(_))))
            .map(|e| e.path.as_str()),
    );
    let scanned: std::collections::BTreeSet<&str> = scanned.collect();
    for path in scanned {
        match tree.files.get(path) {
            Some(Existing::Text(text)) => out.extend(scan(path, Ok(text))),
            Some(Existing::Opaque { reason }) if tree.agent_files.contains(path) => {
                out.extend(scan(path, Err(reason)));
            }
            _ => {}
        }
    }
    out.sort_by(|a, b| (&a.path, a.code).cmp(&(&b.path, b.code)));
    out
}

/// One informational finding per manifest override entry, at its line in `manifest`, so every
/// exception to the rules shows in `check` output with its reason.
pub fn override_findings(manifest: &str, overrides: &[ShownOverride]) -> Vec<Finding> {
    overrides
        .iter()
        .map(|o| {
            let ids: Vec<String> = o.ids.iter().map(|id| format!("`{id}`")).collect();
            Finding {
                line: o.line,
                ..finding(
                    DriftCode::Override,
                    manifest,
                    format!("{} {}: {}", ids.join(", "), o.change, o.reason),
                    "remove the override to apply the rules again",
                )
            }
        })
        .collect()
}

fn finding(code: DriftCode, path: &str, message: String, fix: &str) -> Finding {
    Finding {
        code: code.into(),
        severity: code.severity(),
        path: path.to_owned(),
        line: 0,
        column: 0,
        message,
        fix: fix.to_owned(),
        excerpt: None,
        diff: None,
    }
}

fn entry_finding(entry: &Entry) -> Option<Finding> {
    let path = entry.path.as_str();
    let is_lock = entry.mode == Some(OutputMode::Owned);
    match &entry.state {
        State::Clean => None,
        State::Missing { .. } => {
            let message = if is_lock {
                format!("{path} does not exist; it lists the files rulesmith generates")
            } else {
                format!(
                    "{path} does not exist; target `{}` generates it",
                    entry.target
                )
            };
            Some(finding(DriftCode::Missing, path, message, REBUILD))
        }
        State::Differs { existing, planned } if is_lock => {
            // Only the list of generated files is drift; the up-to-date record is a cache.
            (!lock::same_files(existing, &planned.contents)).then(|| {
                finding(
                    DriftCode::Stale,
                    path,
                    format!("{path} lists other files than the targets now generate"),
                    REBUILD,
                )
            })
        }
        State::Differs { existing, planned } | State::Edited { existing, planned } => {
            let new = &planned.contents;
            if let Some(difference) = diff::newline_only(existing, new) {
                return Some(finding(
                    DriftCode::LineEndings,
                    path,
                    format!(
                        "{path} differs from what rulesmith generates only in {}",
                        difference.describe()
                    ),
                    &format!(
                        "add `{path} text eol=lf` to .gitattributes if git converts it, then {REBUILD}"
                    ),
                ));
            }
            let what = match planned.ownership {
                Ownership::Whole => path.to_owned(),
                Ownership::Block => format!("the managed block in {path}"),
                Ownership::Entries => format!("rulesmith's entries in {path}"),
            };
            let (kind, message, fix) = if planned.ownership == Ownership::Entries {
                // A settings file carries no header: whoever changed the entries, a build puts
                // back the ones the policies ask for and keeps everything else.
                (
                    DriftCode::Stale,
                    format!(
                        "{what} differ from what the policies ask for: some are missing, or some the policies dropped are still there"
                    ),
                    REBUILD.to_owned(),
                )
            } else {
                match header::verify(&existing[planned.replaced.clone()]) {
                    Some(true) => (
                        DriftCode::Stale,
                        format!(
                            "{what} is out of date: the policies or templates changed since it was generated"
                        ),
                        REBUILD.to_owned(),
                    ),
                    Some(false) => (
                        DriftCode::HandEdited,
                        format!("{what} was edited by hand since rulesmith generated it"),
                        format!("move the edit into {}, then {REBUILD}", source_of(entry)),
                    ),
                    None => (
                        DriftCode::Changed,
                        format!(
                            "{what} differs from what rulesmith generates, and its rulesmith header is missing or damaged"
                        ),
                        format!("move any edit into a policy, then {REBUILD}"),
                    ),
                }
            };
            let mut found = finding(kind, path, message, &fix);
            found.line = diff::first_changed_line(existing, new);
            found.diff = Some(diff::unified(path, existing, new));
            Some(found)
        }
        State::NotGenerated { opaque, .. } => {
            let message = match opaque {
                Some(reason) => format!(
                    "{path} {reason}, so it cannot be what target `{}` generates",
                    entry.target
                ),
                None => format!(
                    "{path} was not generated by rulesmith: it has no rulesmith header and no managed block, so target `{}` cannot write it",
                    entry.target
                ),
            };
            let fix = if opaque.is_some() {
                "move it out of the way or delete it, then run `rulesmith build`"
            } else {
                "add managed-block markers where rulesmith's rules should go, or move its text into a policy and delete it"
            };
            Some(finding(DriftCode::NotGenerated, path, message, fix))
        }
        State::Orphaned { release } => {
            let by = if entry.target.is_empty() {
                String::new()
            } else {
                format!(" for target `{}`", entry.target)
            };
            let message = match release {
                Release::Delete => format!(
                    "{path} was generated by rulesmith{by}, but no selected target produces it any more"
                ),
                Release::Rewrite(_) => format!(
                    "{path} holds a managed block generated{by}, but no selected target fills it any more"
                ),
            };
            let fix = match release {
                Release::Delete => "run `rulesmith build` to remove it, and commit the removal",
                Release::Rewrite(_) => {
                    "run `rulesmith build` to remove the block (the text around it stays), and commit the result"
                }
            };
            Some(finding(DriftCode::Orphaned, path, message, fix))
        }
        State::Stray => Some(finding(
            DriftCode::StrayTemporary,
            path,
            format!("{path} is a temporary file left by a build that was stopped midway"),
            "run `rulesmith build`, which removes it",
        )),
    }
}

/// Where the text of an entry's output comes from, for fixes that say where to edit.
fn source_of(entry: &Entry) -> &'static str {
    if entry.target == AGREEMENT_TARGET {
        "the `agreement` section of rulesmith.yaml"
    } else {
        "a policy under .rulesmith/policies/"
    }
}

/// A shadow-rules finding for an agent file that no entry owns, unless it is a symlink to one
/// that an entry does own or it is accepted with exactly these bytes.
fn shadow(
    path: &str,
    existing: &Existing,
    owned: &std::collections::BTreeSet<&str>,
    accepted: &[TrustRecord],
) -> Option<Finding> {
    let accept = format!("accept it with `rulesmith check --accept {path} --reason TEXT`");
    if let Existing::Text(text) = existing {
        let sha256 = sha256_hex(text.as_bytes());
        if accepted.iter().any(|r| r.covers(path, &sha256)) {
            return None;
        }
        if let Some(record) = accepted.iter().find(|r| r.path == path) {
            return Some(finding(
                DriftCode::ShadowRules,
                path,
                format!(
                    "{path} changed since it was accepted in rulesmith.yaml (\"{}\"), so its instructions bypass the policies and their review again",
                    crate::syntax::safe::quote(&record.reason)
                ),
                &format!("review the change, then {accept}"),
            ));
        }
    }
    let why = match existing {
        Existing::Symlink {
            target: Some(target),
        } if owned.contains(target.as_str()) => {
            return None;
        }
        Existing::Symlink {
            target: Some(target),
        } => {
            format!("links to {target}, which rulesmith does not generate")
        }
        Existing::Symlink { target: None } => "links outside the repository".to_owned(),
        Existing::Text(_) | Existing::Opaque { .. } => "is not generated by rulesmith".to_owned(),
    };
    Some(finding(
        DriftCode::ShadowRules,
        path,
        format!(
            "{path} gives an agent instructions but {why}, so they bypass the policies and their review"
        ),
        &format!(
            "move its rules into a policy under .rulesmith/policies/ and delete the file, select the target that generates it, or, after reviewing it, {accept}"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;
    use crate::reconcile::ownership::Final;
    use crate::syntax::header::CommentStyle;

    const HTML: OutputMode = OutputMode::Text(CommentStyle::Html);

    /// A file as rulesmith generates it from `body`.
    fn generated(body: &str) -> String {
        format!(
            "{}{body}",
            header::render(CommentStyle::Html, "claude", body)
        )
    }

    fn entry(state: State) -> Entry {
        Entry {
            path: "CLAUDE.md".into(),
            target: "claude".into(),
            mode: Some(HTML),
            state,
        }
    }

    /// The state of a file holding `existing` where a build writes `planned` whole.
    fn differs(existing: &str, planned: &str) -> State {
        State::Differs {
            existing: existing.to_owned(),
            planned: Final {
                contents: planned.to_owned(),
                ownership: Ownership::Whole,
                owned: 0..planned.len(),
                replaced: 0..existing.len(),
            },
        }
    }

    fn code(state: State) -> Option<DriftCode> {
        entry_finding(&entry(state)).map(|f| match f.code {
            Code::Drift(code) => code,
            other => panic!("not a drift code: {other:?}"),
        })
    }

    #[test]
    fn a_clean_file_is_no_finding() {
        assert_eq!(code(State::Clean), None);
    }

    #[test]
    fn a_missing_output_is_missing() {
        let state = State::Missing {
            contents: generated("a\n"),
        };
        assert_eq!(code(state), Some(DriftCode::Missing));
    }

    #[test]
    fn line_endings_alone_are_told_apart_from_edits() {
        let new = generated("a\nb\n");
        assert_eq!(
            code(differs(&new.replace('\n', "\r\n"), &new)),
            Some(DriftCode::LineEndings)
        );
    }

    #[test]
    fn an_intact_header_over_old_text_is_stale() {
        let old = generated("old rules\n");
        assert_eq!(
            code(differs(&old, &generated("new rules\n"))),
            Some(DriftCode::Stale)
        );
    }

    #[test]
    fn a_body_that_no_longer_matches_its_digest_is_a_hand_edit() {
        let edited = generated("rules\n").replace("rules\n", "my rules\n");
        assert_eq!(
            code(differs(&edited, &generated("rules\n"))),
            Some(DriftCode::HandEdited)
        );
    }

    #[test]
    fn a_missing_header_is_a_change_rulesmith_cannot_explain() {
        assert_eq!(
            code(differs("rules\n", &generated("rules\n"))),
            Some(DriftCode::Changed)
        );
    }

    #[test]
    fn a_hand_written_file_in_the_way_is_not_generated() {
        let state = State::NotGenerated {
            contents: generated("a\n"),
            opaque: None,
        };
        let finding = entry_finding(&entry(state)).unwrap();
        assert_eq!(finding.code, DriftCode::NotGenerated.into());
        assert!(
            finding.fix.contains("managed-block markers"),
            "{}",
            finding.fix
        );
        let binary = State::NotGenerated {
            contents: generated("a\n"),
            opaque: Some("is not valid UTF-8".into()),
        };
        let finding = entry_finding(&entry(binary)).unwrap();
        assert!(!finding.fix.contains("markers"), "{}", finding.fix);
    }

    #[test]
    fn orphans_and_stray_temporary_files_have_their_own_codes() {
        let orphan = State::Orphaned {
            release: Release::Delete,
        };
        assert_eq!(code(orphan), Some(DriftCode::Orphaned));
        assert_eq!(code(State::Stray), Some(DriftCode::StrayTemporary));
    }

    #[test]
    fn agent_files_nobody_generates_are_shadow_rules_unless_a_nested_project_owns_them() {
        let mut tree = Tree::from_texts([
            ("CLAUDE.md".to_owned(), generated("a\n")),
            (".cursorrules".to_owned(), "my rules\n".to_owned()),
            ("pkg/CLAUDE.md".to_owned(), "theirs\n".to_owned()),
        ]);
        tree.agent_files
            .extend(["CLAUDE.md", ".cursorrules", "pkg/CLAUDE.md"].map(str::to_owned));
        tree.nested.insert("pkg/CLAUDE.md".to_owned());
        let entries = [entry(State::Clean)];
        let found = findings(&entries, &tree, &[], |_| true, |_, _| Vec::new());
        let paths: Vec<(&str, Code)> = found.iter().map(|f| (f.path.as_str(), f.code)).collect();
        assert_eq!(paths, [(".cursorrules", DriftCode::ShadowRules.into())]);
    }

    #[test]
    fn a_symlink_to_an_owned_file_is_not_a_shadow() {
        let owned = std::collections::BTreeSet::from(["AGENTS.md"]);
        let link = Existing::Symlink {
            target: Some("AGENTS.md".into()),
        };
        assert!(shadow("CLAUDE.md", &link, &owned, &[]).is_none());
        let outside = Existing::Symlink { target: None };
        assert!(shadow("CLAUDE.md", &outside, &owned, &[]).is_some());
    }
}
