//! Reading overlap: agents that read another target's files as well as their own.
//!
//! Cursor, Copilot, Windsurf and others read `AGENTS.md` besides their own rules files, and
//! some read `CLAUDE.md`; a target spec records each such read as a `reads` entry with `from`
//! (the writing target) and the vendor page that says so. When both targets are selected, the
//! agent's own files leave out the rule groups the other files carry, so each rule reaches the
//! agent once. Targets are rendered writers first, and a target only leaves out what files
//! already rendered carry, so no rule is lost even when two targets read each other's files.

use std::collections::BTreeSet;

use crate::agents::{self, ReadSpec};
use crate::model::target::{Format, OutputMode};
use crate::render::Rendered;
use crate::render::catalog::Catalog;

/// The reads of target `id` that are other selected targets' files.
fn shared_reads<'c>(
    catalog: &'c Catalog,
    id: &'c str,
    selected: &'c [String],
) -> impl Iterator<Item = (&'c ReadSpec, &'c str)> + 'c {
    let reads = catalog
        .targets
        .get(id)
        .map(|t| t.spec.reads.as_slice())
        .unwrap_or_default();
    reads.iter().filter_map(move |read| {
        let from = read.from.as_deref()?;
        (from != id && selected.iter().any(|s| s == from)).then_some((read, from))
    })
}

/// The selected targets in the order to render them: a target after the targets whose files
/// its agent reads, when the reads leave such an order; otherwise in the order given.
pub fn render_order(catalog: &Catalog, selected: &[String]) -> Vec<String> {
    let mut order: Vec<String> = Vec::with_capacity(selected.len());
    let mut left: Vec<&String> = selected.iter().collect();
    while !left.is_empty() {
        let ready = left.iter().position(|id| {
            shared_reads(catalog, id, selected).all(|(_, from)| !left.iter().any(|l| *l == from))
        });
        // A cycle of reads: take the first left; the others leave out only what it carries.
        let next = left.remove(ready.unwrap_or(0));
        order.push(next.clone());
    }
    order
}

/// The files of other targets among `files` that the agent of target `id` reads, with the
/// target that writes each.
pub fn shared_files<'f>(
    catalog: &Catalog,
    id: &str,
    selected: &[String],
    files: &'f [Rendered],
) -> Vec<&'f Rendered> {
    let mut out: Vec<&Rendered> = Vec::new();
    for (read, from) in shared_reads(catalog, id, selected) {
        let Ok(glob) = agents::read_glob(&read.path) else {
            continue;
        };
        let matcher = glob.compile_matcher();
        for file in files {
            if file.target == from
                && matcher.is_match(&file.path)
                && !out.iter().any(|f| f.path == file.path)
            {
                out.push(file);
            }
        }
    }
    out
}

/// The rule groups that files already rendered by other targets carry to the agent of `id`:
/// what its own files can leave out.
pub fn covered(
    catalog: &Catalog,
    id: &str,
    selected: &[String],
    rendered: &[Rendered],
) -> BTreeSet<String> {
    shared_files(catalog, id, selected, rendered)
        .into_iter()
        .flat_map(|f| f.groups.iter().cloned())
        .collect()
}

/// Every instruction file the agent of target `id` loads from a plan: its own Markdown
/// outputs, then the other selected targets' files it reads, each once, in plan order.
/// Settings, ignore and configuration files carry no instructions and are left out.
pub fn loaded_files<'f>(
    catalog: &Catalog,
    id: &str,
    selected: &[String],
    files: &'f [Rendered],
) -> Vec<&'f Rendered> {
    let mut out: Vec<&Rendered> = files
        .iter()
        .filter(|f| {
            f.target == id && f.format == Format::Markdown && matches!(f.mode, OutputMode::Text(_))
        })
        .collect();
    for file in shared_files(catalog, id, selected, files) {
        if !out.iter().any(|f| f.path == file.path) {
            out.push(file);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::header::CommentStyle;

    fn file(path: &str, target: &str, groups: &[&str]) -> Rendered {
        Rendered {
            path: path.into(),
            target: target.into(),
            contents: String::new(),
            format: Format::Markdown,
            mode: OutputMode::Text(CommentStyle::Html),
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
            unsafe_settings: Vec::new(),
        }
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn writers_render_before_the_agents_that_read_their_files() {
        let catalog = Catalog::builtin();
        let order = render_order(&catalog, &ids(&["copilot", "cursor", "claude", "agents"]));
        let at = |id: &str| order.iter().position(|o| o == id).unwrap();
        assert!(at("agents") < at("cursor") && at("agents") < at("copilot"));
        assert!(at("claude") < at("copilot"), "{order:?}");
        assert_eq!(order.len(), 4);
    }

    #[test]
    fn only_the_files_a_read_names_are_covered() {
        let catalog = Catalog::builtin();
        let files = [
            file("AGENTS.md", "agents", &["a"]),
            file("src/AGENTS.md", "agents", &["b"]),
            file("CLAUDE.md", "claude", &["c"]),
        ];
        let selected = ids(&["agents", "claude", "cursor", "roo"]);
        // Cursor reads nested AGENTS.md too; Roo Code only the one at the root.
        assert_eq!(
            covered(&catalog, "cursor", &selected, &files),
            BTreeSet::from(["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(
            covered(&catalog, "roo", &selected, &files),
            BTreeSet::from(["a".to_owned()])
        );
        // Nothing is covered by a target that is not selected.
        assert!(covered(&catalog, "cursor", &ids(&["cursor"]), &files).is_empty());
    }
}
