//! Properties of the pure build core over arbitrary files: a second build is a no-op, a build
//! leaves nothing for `check` to report, and text outside a managed block survives every build
//! byte for byte, whatever its line endings or byte order mark.

use proptest::prelude::*;

use rulesmith::compile::Plan;
use rulesmith::load::tree::{Existing, Tree};
use rulesmith::model::lock::Entries;
use rulesmith::model::target::Format;
use rulesmith::model::target::OutputMode;
use rulesmith::reconcile::ownership;
use rulesmith::reconcile::{State, reconcile};
use rulesmith::render::Rendered;
use rulesmith::syntax::header::{self, CommentStyle};

const HTML: OutputMode = OutputMode::Text(CommentStyle::Html);

/// A generated output with `body` under rulesmith's header.
fn rendered(body: &str) -> Rendered {
    Rendered {
        path: "CLAUDE.md".into(),
        target: "claude".into(),
        contents: format!(
            "{}{body}",
            header::render(CommentStyle::Html, "claude", body)
        ),
        format: Format::Markdown,
        mode: HTML,
        groups: Vec::new(),
        unsafe_settings: Vec::new(),
    }
}

/// Text a user might write: lines of words, Markdown and HTML comments, but no marker line.
fn user_text() -> impl Strategy<Value = String> {
    prop::collection::vec("[ a-zA-Z0-9#*<>!-]{0,30}", 0..6).prop_map(|lines| {
        lines
            .into_iter()
            .filter(|line| !line.contains("rulesmith"))
            .map(|line| format!("{line}\n"))
            .collect()
    })
}

/// A file with a managed block: user text around a begin and an end marker, optionally with a
/// byte order mark and CRLF line endings.
fn file_with_block() -> impl Strategy<Value = String> {
    (
        user_text(),
        user_text(),
        user_text(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(before, inside, after, bom, crlf)| {
            let text = format!(
                "{before}<!-- rulesmith:begin -->\n{inside}<!-- rulesmith:end -->\n{after}"
            );
            let text = if crlf {
                text.replace('\n', "\r\n")
            } else {
                text
            };
            if bom { format!("\u{feff}{text}") } else { text }
        })
}

fn tree_with(text: &str) -> Tree {
    let mut tree = Tree::default();
    tree.files
        .insert("CLAUDE.md".into(), Existing::Text(text.to_owned()));
    tree
}

/// What one build writes over `existing`.
fn build(output: &Rendered, existing: Option<&str>) -> String {
    ownership::finalize(
        &output.path,
        &output.contents,
        HTML,
        existing,
        &Entries::new(),
    )
    .expect("the file is rulesmith's")
    .contents
}

proptest! {
    #[test]
    fn build_twice_is_a_no_op(body in user_text(), existing in prop::option::of(file_with_block())) {
        let output = rendered(&body);
        let once = build(&output, existing.as_deref());
        prop_assert_eq!(build(&output, Some(&once)), once);
    }

    #[test]
    fn build_then_check_is_clean(body in user_text(), existing in prop::option::of(file_with_block())) {
        let output = rendered(&body);
        let built = build(&output, existing.as_deref());
        let plan = Plan { files: vec![output] };
        let entries = reconcile(&plan.files, &tree_with(&built)).expect("no errors");
        prop_assert_eq!(entries.len(), 1);
        prop_assert_eq!(&entries[0].state, &State::Clean);
    }

    #[test]
    fn text_outside_markers_is_byte_identical_after_any_build(
        first in user_text(),
        second in user_text(),
        existing in file_with_block(),
    ) {
        let mut current = existing.clone();
        for body in [&first, &second] {
            let done = ownership::finalize("CLAUDE.md", &rendered(body).contents, HTML, Some(&current), &Entries::new())
                .expect("the block is rulesmith's");
            let block = ownership::find_block(&existing, CommentStyle::Html).unwrap().unwrap();
            prop_assert_eq!(&done.contents[..done.owned.start], &existing[..block.start]);
            prop_assert_eq!(&done.contents[done.owned.end..], &existing[block.end..]);
            current = done.contents;
        }
    }

    #[test]
    fn a_file_without_header_or_markers_is_never_rulesmiths(text in user_text(), body in user_text()) {
        let output = rendered(&body);
        prop_assert!(ownership::finalize("CLAUDE.md", &output.contents, HTML, Some(&text), &Entries::new()).is_err());
        prop_assert_eq!(ownership::release(&text), None);
    }
}
