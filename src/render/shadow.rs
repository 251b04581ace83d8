//! Files that hide each other: some agents read only the first rules file they find from a
//! fixed list (Zed reads one of `.rules`, `.cursorrules`, … `AGENTS.md`), so a build that writes
//! several of them decides, perhaps by accident, which one such an agent sees.

use crate::diagnostic::{Diagnostic, InputCode};
use crate::render::Rendered;
use crate::render::catalog::Catalog;
use crate::resolve::RuleSet;

/// Warns for each agent whose own target is not selected and which would read only the first
/// of several files this build writes, when that first file lacks rules the others hold.
pub fn check(
    catalog: &Catalog,
    selected: &[String],
    files: &[Rendered],
    rules: &RuleSet,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for target in catalog.targets.values() {
        let spec = &target.spec;
        if spec.reads_first_of.is_empty() || selected.contains(&spec.id) {
            continue;
        }
        let under = |candidate: &str| -> Vec<&Rendered> {
            files
                .iter()
                .filter(|f| f.path == candidate || f.path.starts_with(&format!("{candidate}/")))
                .collect()
        };
        let written: Vec<&str> = spec
            .reads_first_of
            .iter()
            .map(String::as_str)
            .filter(|candidate| !under(candidate).is_empty())
            .collect();
        let [first, hidden @ ..] = written.as_slice() else {
            continue;
        };
        let read = under(first);
        let missing: Vec<String> = rules
            .groups
            .iter()
            .filter(|g| !read.iter().any(|f| f.groups.contains(&g.id)))
            .map(|g| format!("`{}`", g.id))
            .collect();
        if !hidden.is_empty() && !missing.is_empty() {
            let hidden = hidden
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ");
            problems.push(
                Diagnostic::warning(
                    InputCode::ShadowedFile,
                    format!(
                        "{} reads only the first rules file it finds, `{first}`, which lacks the rule groups {} that this build writes to {hidden}",
                        spec.name,
                        missing.join(", ")
                    ),
                )
                .hint(format!(
                    "add target `{}` to give {} its own file with every rule, or build fewer of these targets",
                    spec.id, spec.name
                )),
            );
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::manifest::Tier;
    use crate::model::target::Format;
    use crate::model::target::OutputMode;
    use crate::resolve::{Group, ResolvedPermissions};

    fn file(path: &str, groups: &[&str]) -> Rendered {
        Rendered {
            path: path.into(),
            target: "t".into(),
            contents: String::new(),
            format: Format::Markdown,
            mode: OutputMode::Text(crate::syntax::header::CommentStyle::Html),
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
            unsafe_settings: Vec::new(),
        }
    }

    fn rules(groups: &[&str]) -> RuleSet {
        RuleSet {
            project: "p".into(),
            tier: Tier::Production,
            pack_version: crate::resolve::pack::VERSION,
            guardrails: vec![],
            manifest_owner: None,
            overrides: vec![],
            policies: vec![],
            agreement: None,
            groups: groups.iter().map(|id| Group::unscoped(id, id)).collect(),
            permissions: ResolvedPermissions::default(),
        }
    }

    #[test]
    fn zed_reading_a_partial_file_first_is_a_warning() {
        let catalog = Catalog::builtin();
        let files = [
            file(".github/copilot-instructions.md", &["a"]),
            file(".github/instructions/b.instructions.md", &["b"]),
            file("AGENTS.md", &["a", "b"]),
            file("CLAUDE.md", &["a"]),
        ];
        let warnings = check(
            &catalog,
            &["copilot".into(), "agents".into()],
            &files,
            &rules(&["a", "b"]),
        );
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
        assert_eq!(warnings[0].code, InputCode::ShadowedFile);
        assert!(
            warnings[0].message.contains("`.github/copilot-instructions.md`, which lacks the rule groups `b` that this build writes to `AGENTS.md`, `CLAUDE.md`"),
            "{}",
            warnings[0].message
        );
    }

    #[test]
    fn no_warning_when_the_first_file_is_complete_or_zed_has_its_own() {
        let catalog = Catalog::builtin();
        let all = rules(&["a", "b"]);
        let files = [file(".cursorrules", &["a", "b"]), file("AGENTS.md", &["a"])];
        assert!(
            check(
                &catalog,
                &["cursorrules".into(), "agents".into()],
                &files,
                &all
            )
            .is_empty()
        );
        let files = [file(".rules", &["a", "b"]), file("AGENTS.md", &["a"])];
        assert!(check(&catalog, &["zed".into(), "agents".into()], &files, &all).is_empty());
    }
}
