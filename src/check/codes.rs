//! The finding kinds `check` reports, each with a stable `RS1xxx` code.
//!
//! Codes never change meaning once released; a new kind of finding gets a new code.

use crate::finding::Severity;

/// A kind of finding: its code, name, default severity and the usual fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FindingKind {
    /// Stable code, e.g. `RS1001`.
    pub code: &'static str,
    /// Short kebab-case name.
    pub kind: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// What it means, for documentation.
    pub meaning: &'static str,
}

/// An output that should exist does not.
pub const MISSING: FindingKind = FindingKind {
    code: "RS1001",
    kind: "missing",
    severity: Severity::High,
    meaning: "an output that the policies produce does not exist",
};

/// The bytes differ and rulesmith cannot tell why: the header is missing or damaged.
pub const CHANGED: FindingKind = FindingKind {
    code: "RS1002",
    kind: "changed",
    severity: Severity::High,
    meaning: "an output's bytes differ and its header no longer records what was generated",
};

/// Only line endings or the final newline differ.
pub const LINE_ENDINGS: FindingKind = FindingKind {
    code: "RS1003",
    kind: "line-endings",
    severity: Severity::Low,
    meaning: "an output differs only in line endings or its final newline",
};

/// The output was edited by hand since it was generated.
pub const HAND_EDITED: FindingKind = FindingKind {
    code: "RS1004",
    kind: "hand-edited",
    severity: Severity::High,
    meaning: "an output was edited by hand since rulesmith generated it",
};

/// The output is as generated, but the policies or templates changed since.
pub const STALE: FindingKind = FindingKind {
    code: "RS1005",
    kind: "stale",
    severity: Severity::High,
    meaning: "an output is as generated, but the policies changed and nobody rebuilt",
};

/// rulesmith generated the file earlier and no target produces it now.
pub const ORPHANED: FindingKind = FindingKind {
    code: "RS1006",
    kind: "orphaned",
    severity: Severity::High,
    meaning: "a file rulesmith generated earlier is no longer produced by any selected target",
};

/// A file rulesmith did not generate is where an output goes.
pub const NOT_GENERATED: FindingKind = FindingKind {
    code: "RS1007",
    kind: "not-generated",
    severity: Severity::High,
    meaning: "a file rulesmith did not generate is in the place of an output",
};

/// An agent instructions file that rulesmith does not generate.
pub const SHADOW_RULES: FindingKind = FindingKind {
    code: "RS1008",
    kind: "shadow-rules",
    severity: Severity::High,
    meaning: "an agent reads instructions from a file that rulesmith does not generate",
};

/// The manifest leaves out or softens a rule; shown so the exception and its reason stay visible.
pub const OVERRIDE: FindingKind = FindingKind {
    code: "RS1010",
    kind: "override",
    severity: Severity::Info,
    meaning: "the manifest leaves out a policy, or turns off or softens a rule, for the reason it gives",
};

/// A temporary file left by a build that was stopped midway.
pub const STRAY_TEMPORARY: FindingKind = FindingKind {
    code: "RS1011",
    kind: "stray-temporary",
    severity: Severity::Low,
    meaning: "a temporary file left by a build that was stopped midway; the next build removes it",
};

/// Every finding kind of `check`.
pub const ALL: &[FindingKind] = &[
    MISSING,
    CHANGED,
    LINE_ENDINGS,
    HAND_EDITED,
    STALE,
    ORPHANED,
    NOT_GENERATED,
    SHADOW_RULES,
    OVERRIDE,
    STRAY_TEMPORARY,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = std::collections::BTreeSet::new();
        let mut names = std::collections::BTreeSet::new();
        for kind in ALL {
            assert!(codes.insert(kind.code), "duplicate code {}", kind.code);
            assert!(names.insert(kind.kind), "duplicate name {}", kind.kind);
            assert!(
                kind.code.starts_with("RS1") && kind.code.len() == 6,
                "{}",
                kind.code
            );
            assert!(
                kind.code[2..].chars().all(|c| c.is_ascii_digit()),
                "{}",
                kind.code
            );
            assert!(
                kind.kind
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-')
            );
        }
    }
}
