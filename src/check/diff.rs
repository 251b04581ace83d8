//! Unified diffs from the file on disk to what rulesmith writes, and the special case where
//! only line endings or the final newline differ.

use std::time::Duration;

use similar::{Algorithm, DiffTag, TextDiff};

/// Lines of context around each change, as in `diff -u`.
const CONTEXT: usize = 3;

/// How long a diff may take before it settles for a coarser, still correct, result.
const TIMEOUT: Duration = Duration::from_millis(500);

/// A unified diff of `path` from `old` (on disk) to `new` (what rulesmith writes), with
/// `--- a/path` and `+++ b/path` headers and three lines of context; empty when equal.
pub fn unified(path: &str, old: &str, new: &str) -> String {
    TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .timeout(TIMEOUT)
        .diff_lines(old, new)
        .unified_diff()
        .context_radius(CONTEXT)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// The one-based line of `old` where it first differs from `new`, or zero when equal.
pub fn first_changed_line(old: &str, new: &str) -> u32 {
    TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .timeout(TIMEOUT)
        .diff_lines(old, new)
        .ops()
        .iter()
        .find(|op| op.tag() != DiffTag::Equal)
        .map_or(0, |op| op.old_range().start as u32 + 1)
}

/// What differs when two texts are equal but for newlines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewlineDifference {
    /// `\r\n` against `\n` somewhere.
    pub line_endings: bool,
    /// The newlines at the very end differ (one missing or extra).
    pub final_newline: bool,
}

impl NewlineDifference {
    /// The difference in words, completing "differs only in …".
    pub fn describe(self) -> &'static str {
        match (self.line_endings, self.final_newline) {
            (true, true) => "line endings (CRLF against LF) and the newline at the end",
            (true, false) => "line endings (CRLF against LF)",
            _ => "the newline at the end",
        }
    }
}

/// Whether `old` and `new` differ, and only in newlines.
pub fn newline_only(old: &str, new: &str) -> Option<NewlineDifference> {
    if old == new {
        return None;
    }
    let (old_lf, new_lf) = (old.replace("\r\n", "\n"), new.replace("\r\n", "\n"));
    if old_lf.trim_end_matches('\n') != new_lf.trim_end_matches('\n') {
        return None;
    }
    Some(NewlineDifference {
        line_endings: old_lf != old || new_lf != new,
        final_newline: old_lf != new_lf,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_one_byte_edit_is_a_one_line_hunk() {
        let old = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
        let new = old.replace("five", "5");
        insta::assert_snapshot!(unified("CLAUDE.md", old, &new), @r"
        --- a/CLAUDE.md
        +++ b/CLAUDE.md
        @@ -2,7 +2,7 @@
         2
         3
         4
        -five
        +5
         6
         7
         8
        ");
        assert_eq!(first_changed_line(old, &new), 5);
        assert_eq!(unified("x", "same\n", "same\n"), "");
    }

    #[test]
    fn newline_differences_are_named() {
        let lf = "a\nb\n";
        assert_eq!(newline_only(lf, lf), None);
        assert_eq!(newline_only("a\nc\n", lf), None);
        let crlf = newline_only("a\r\nb\r\n", lf).unwrap();
        assert_eq!(crlf.describe(), "line endings (CRLF against LF)");
        let last = newline_only("a\nb", lf).unwrap();
        assert_eq!(last.describe(), "the newline at the end");
        let both = newline_only("a\r\nb", lf).unwrap();
        assert!(both.line_endings && both.final_newline);
    }
}
