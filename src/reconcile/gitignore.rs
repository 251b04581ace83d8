//! Outputs `.gitignore` would hide: they are never committed, so a fresh clone's `check` reports
//! them missing. This works out which outputs the repository's root `.gitignore` hides, as git
//! decides it, and the negation lines that make git keep them, without un-ignoring anything else.
//!
//! Git cannot re-include a file whose parent directory is excluded: `!.claude/settings.json`
//! does nothing after `.claude/`. So each excluded parent is re-included and its other contents
//! excluded again (`!/.claude/`, `/.claude/*`), before the file itself is negated.

use std::path::Path;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::diagnostic::{Diagnostic, InputCode};

/// The ignore file whose rules are checked and, with `--fix-gitignore`, extended.
pub const GITIGNORE: &str = ".gitignore";

/// The comment above the lines rulesmith adds.
const COMMENT: &str =
    "# Files rulesmith generates are committed: keep them despite the rules above.";

/// Outputs the ignore rules hide and the lines that keep them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hidden {
    /// The hidden outputs, in the order given.
    pub paths: Vec<String>,
    /// The lines to append to `.gitignore`, in order.
    pub lines: Vec<String>,
}

impl Hidden {
    /// Whether every output is kept.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// The warning naming the hidden outputs and the exact lines to add.
    pub fn warning(&self) -> Diagnostic {
        Diagnostic::warning(
            InputCode::IgnoredOutput,
            format!(
                "{GITIGNORE} hides {} that rulesmith generates, so {} never committed and a fresh clone's `rulesmith check` reports {} missing: {}",
                plural(self.paths.len(), "file", "files"),
                plural_verb(self.paths.len()),
                if self.paths.len() == 1 { "it" } else { "them" },
                self.paths
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .hint(format!(
            "rerun with `--fix-gitignore`, or add these lines at the end of {GITIGNORE}, one per line, in this order: {}",
            self.lines
                .iter()
                .map(|l| format!("`{l}`"))
                .collect::<Vec<_>>()
                .join(" ")
        ))
    }

    /// `gitignore` with the lines appended under a comment, every existing byte kept.
    pub fn fixed(&self, gitignore: &str) -> String {
        let newline = if gitignore.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        let mut out = gitignore.to_owned();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(newline);
        }
        if !out.trim().is_empty() {
            out.push_str(newline);
        }
        for line in std::iter::once(COMMENT).chain(self.lines.iter().map(String::as_str)) {
            out.push_str(line);
            out.push_str(newline);
        }
        out
    }
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

fn plural_verb(count: usize) -> &'static str {
    if count == 1 { "it is" } else { "they are" }
}

/// Which of `outputs` (repository-relative, `/`-separated) the `.gitignore` text `gitignore`
/// at `root` hides, and the lines that keep them.
pub fn hidden(root: &Path, gitignore: &str, outputs: &[&str]) -> Hidden {
    let mut lines: Vec<String> = gitignore.lines().map(str::to_owned).collect();
    let given = lines.len();
    let mut paths = Vec::new();
    for output in outputs {
        if !is_ignored(&matcher(root, &lines), output) {
            continue;
        }
        paths.push((*output).to_owned());
        let parts: Vec<&str> = output.split('/').collect();
        for depth in 1..parts.len() {
            let dir = parts[..depth].join("/");
            if matcher(root, &lines).matched(&dir, true).is_ignore() {
                lines.push(format!("!/{}/", escape(&dir)));
                lines.push(format!("/{}/*", escape(&dir)));
            }
        }
        if matcher(root, &lines).matched(output, false).is_ignore() {
            lines.push(format!("!/{}", escape(output)));
        }
    }
    Hidden {
        paths,
        lines: lines.split_off(given),
    }
}

/// Whether git ignores `path`: the file itself, or any directory above it, is excluded by the
/// last rule that matches it.
pub fn is_ignored(matcher: &Gitignore, path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    (1..parts.len()).any(|depth| matcher.matched(parts[..depth].join("/"), true).is_ignore())
        || matcher.matched(path, false).is_ignore()
}

fn matcher(root: &Path, lines: &[String]) -> Gitignore {
    let mut builder = GitignoreBuilder::new(root);
    for line in lines {
        // A line git cannot parse is one git ignores as well.
        let _ = builder.add_line(None, line);
    }
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

/// `path` with the characters a gitignore pattern treats specially escaped.
fn escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\' | '!' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUTS: [&str; 4] = [
        ".claude/settings.json",
        ".claude/rules/a.md",
        "CLAUDE.md",
        ".rulesmith/lock.json",
    ];

    #[test]
    fn excluded_parents_are_reopened_and_their_other_contents_kept_out() {
        let root = Path::new("/repo");
        let found = hidden(root, ".claude/\n*.json\n", &OUTPUTS);
        assert_eq!(
            found.paths,
            [
                ".claude/settings.json",
                ".claude/rules/a.md",
                ".rulesmith/lock.json"
            ]
        );
        assert_eq!(
            found.lines,
            [
                "!/.claude/",
                "/.claude/*",
                "!/.claude/settings.json",
                "!/.claude/rules/",
                "/.claude/rules/*",
                "!/.claude/rules/a.md",
                "!/.rulesmith/lock.json",
            ]
        );
        let fixed = found.fixed(".claude/\n*.json\n");
        assert!(fixed.starts_with(".claude/\n*.json\n\n# Files rulesmith"));
        let after: Vec<String> = fixed.lines().map(str::to_owned).collect();
        let matcher = matcher(root, &after);
        for output in OUTPUTS {
            assert!(!is_ignored(&matcher, output), "{output}");
        }
        assert!(is_ignored(&matcher, ".claude/settings.local.json"));
        assert!(is_ignored(&matcher, ".claude/rules/private.md"));
        assert!(is_ignored(&matcher, "package.json"));
        assert_eq!(hidden(root, &fixed, &OUTPUTS), Hidden::default());
    }

    #[test]
    fn nothing_hidden_means_no_lines() {
        assert!(hidden(Path::new("/r"), "node_modules/\n.env\n", &OUTPUTS).is_empty());
    }
}
