//! Size budgets: what each agent reads of its files, measured against what a build writes.
//!
//! A hard budget is one the agent enforces by truncating or dropping text, so a build over it
//! fails; an advisory budget comes from the agent's documentation, so a build over it warns.

use std::collections::{BTreeMap, HashMap};

use crate::diagnostic::{Diagnostic, InputCode};
use crate::model::target::{Across, Budget, BudgetKind, Unit};
use crate::render::Rendered;
use crate::render::catalog::{Catalog, output_glob};
use crate::resolve::{Group, RuleSet};

/// One budget applied to one file, chain of files or set of files.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurement {
    /// The target whose budget it is.
    pub target: String,
    /// What was measured: a path, or a description of several.
    pub subject: String,
    /// The measured size, in the budget's unit.
    pub size: u64,
    /// The budget.
    pub budget: Budget,
    /// The budget's position in its target's list, to tell budgets apart.
    pub index: usize,
    /// Policies in the measured files with their approximate sizes, largest first; only for a
    /// measurement over its limit, the only one that names them.
    pub largest: Vec<(String, u64)>,
}

impl Measurement {
    /// Whether the size is over the limit.
    pub fn over(&self) -> bool {
        self.size > self.budget.limit
    }
}

/// Measures every file of every selected target against the target's budgets.
pub fn measure(catalog: &Catalog, files: &[Rendered], rules: &RuleSet) -> Vec<Measurement> {
    let mut out = Vec::new();
    let mut sizes = GroupSizes::new(rules);
    for target in catalog.targets.values() {
        let own: Vec<&Rendered> = files
            .iter()
            .filter(|f| f.target == target.spec.id)
            .collect();
        if own.is_empty() {
            continue;
        }
        for (index, budget) in target.spec.budgets.iter().enumerate() {
            let Ok(matcher) = output_glob(&budget.files) else {
                continue;
            };
            let matching: Vec<&Rendered> = own
                .iter()
                .copied()
                .filter(|f| matcher.is_match(&f.path))
                .collect();
            let mut add = |subject: String, set: &[&Rendered]| {
                let size = set.iter().map(|f| budget.unit.measure(&f.contents)).sum();
                out.push(Measurement {
                    target: target.spec.id.clone(),
                    subject,
                    size,
                    budget: budget.clone(),
                    index,
                    largest: if size > budget.limit {
                        sizes.largest_policies(set, budget.unit)
                    } else {
                        Vec::new()
                    },
                });
            };
            match budget.across {
                Across::File => {
                    for file in &matching {
                        add(file.path.clone(), &[file]);
                    }
                }
                Across::All if !matching.is_empty() => {
                    add(format!("`{}` together", budget.files), &matching);
                }
                Across::All => {}
                Across::Chain => {
                    for file in &matching {
                        let dir = parent(&file.path);
                        let chain: Vec<&Rendered> = matching
                            .iter()
                            .copied()
                            .filter(|g| is_ancestor_or_self(parent(&g.path), dir))
                            .collect();
                        let subject = if chain.len() == 1 {
                            file.path.clone()
                        } else {
                            format!("{} with the files above it", file.path)
                        };
                        add(subject, &chain);
                    }
                }
            }
        }
    }
    out
}

/// Errors for hard budgets exceeded, warnings for advisory ones: one per budget, naming the
/// largest excess and counting the others.
pub fn check(measurements: &[Measurement]) -> Vec<Diagnostic> {
    // One diagnostic per budget: the largest excess, with a count of the others.
    let mut worst: BTreeMap<(&str, usize), (&Measurement, usize)> = BTreeMap::new();
    for m in measurements.iter().filter(|m| m.over()) {
        let entry = worst.entry((&m.target, m.index)).or_insert((m, 0));
        entry.1 += 1;
        if m.size > entry.0.size {
            entry.0 = m;
        }
    }
    worst
        .into_values()
        .map(|(m, count)| diagnose(m, count - 1))
        .collect()
}

fn diagnose(m: &Measurement, others: usize) -> Diagnostic {
    let unit = m.budget.unit.as_str();
    let (code, limit) = match m.budget.kind {
        BudgetKind::Hard => (InputCode::BudgetExceeded, "hard limit"),
        BudgetKind::Advisory => (InputCode::BudgetAdvisory, "advised maximum"),
    };
    let mut message = format!(
        "target `{}`: {} is {} {unit}, over the {limit} of {} {unit}",
        m.target,
        m.subject,
        thousands(m.size),
        thousands(m.budget.limit),
    );
    if others > 0 {
        let noun = if others == 1 { "file is" } else { "files are" };
        message.push_str(&format!(" ({others} more {noun} over it too)"));
    }
    let mut hint = format!("{}.", m.budget.reason.trim_end_matches('.'));
    let largest: Vec<String> = m
        .largest
        .iter()
        .take(3)
        .map(|(id, size)| format!("`{id}` (about {} {unit})", thousands(*size)))
        .collect();
    if !largest.is_empty() {
        hint.push_str(&format!(" Largest policies: {}.", largest.join(", ")));
    }
    hint.push_str(&format!(
        " Trim or drop policies (an override in rulesmith.yaml, or a policy's `tiers`), or remove target `{}`.",
        m.target
    ));
    let diagnostic = match m.budget.kind {
        BudgetKind::Hard => Diagnostic::error(code, message),
        BudgetKind::Advisory => Diagnostic::warning(code, message),
    };
    diagnostic.hint(hint)
}

/// Each group's policy and size, by group id.
type SizesById<'a> = HashMap<&'a str, (&'a str, u64)>;

/// The approximate size of each rule group's text, by group id, measured once per unit and
/// only when a measurement over its limit asks.
struct GroupSizes<'a> {
    rules: &'a RuleSet,
    by_unit: Vec<(Unit, SizesById<'a>)>,
}

impl<'a> GroupSizes<'a> {
    fn new(rules: &'a RuleSet) -> Self {
        GroupSizes {
            rules,
            by_unit: Vec::new(),
        }
    }

    /// Approximate sizes of the policies in `files`: the text of each rule group, counted once
    /// per file it appears in, summed by policy, largest first.
    fn largest_policies(&mut self, files: &[&Rendered], unit: Unit) -> Vec<(String, u64)> {
        let rules = self.rules;
        let at = match self.by_unit.iter().position(|(u, _)| *u == unit) {
            Some(at) => at,
            None => {
                let groups = rules
                    .groups
                    .iter()
                    .map(|g| (g.id.as_str(), (g.policy.as_str(), group_size(g, unit))))
                    .collect();
                self.by_unit.push((unit, groups));
                self.by_unit.len() - 1
            }
        };
        let groups = &self.by_unit[at].1;
        let mut sizes: HashMap<&str, u64> = HashMap::new();
        for file in files {
            for id in &file.groups {
                if let Some((policy, size)) = groups.get(id.as_str()) {
                    *sizes.entry(policy).or_default() += size;
                }
            }
        }
        let mut out: Vec<(String, u64)> =
            sizes.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }
}

/// The size of one rule group's text as a Markdown section, in `unit`.
fn group_size(group: &Group, unit: Unit) -> u64 {
    let mut text = format!("## {}\n", group.title);
    if let Some(description) = &group.description {
        text.push_str(&format!("{description}\n"));
    }
    for rule in &group.rules {
        if rule.verbatim {
            text.push_str(&format!("- {}", rule.text));
        } else {
            text.push_str(&format!("- **{}** {}", rule.keyword, rule.text));
        }
        if let Some(rationale) = &rule.rationale {
            text.push_str(&format!(" _Why: {rationale}_"));
        }
        text.push('\n');
    }
    unit.measure(&text)
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn is_ancestor_or_self(ancestor: &str, dir: &str) -> bool {
    ancestor.is_empty()
        || dir
            .strip_prefix(ancestor)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// `12345` as `12,345`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(32768), "32,768");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn chains_run_from_the_root_down() {
        assert!(is_ancestor_or_self("", "src/api"));
        assert!(is_ancestor_or_self("src", "src/api"));
        assert!(!is_ancestor_or_self("src/a", "src/api"));
        assert_eq!(parent("src/api/AGENTS.md"), "src/api");
        assert_eq!(parent("AGENTS.md"), "");
    }
}
