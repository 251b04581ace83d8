//! Size budgets: what each agent reads of its files, measured against what a build writes.
//!
//! A hard budget is one the agent enforces by truncating or dropping text, so a build over it
//! fails; an advisory budget comes from the agent's documentation, so a build over it warns.
//!
//! Budgets count the whole file the agent reads: rulesmith's part and the hand-written text a
//! managed block sits in, and for a chain or a set of files the hand-written agent files in it
//! too. When only hand-written text lies past a hard limit, the agent still reads every rule
//! rulesmith wrote, so the build warns (RS0308) instead of failing. Policies that carry the
//! team's own text as written (imported rules, prose without rules) are rendered after
//! rulesmith's rules and count as hand-written text.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

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
    /// The measured size, in the budget's unit: every file as its agent reads it.
    pub size: u64,
    /// How much of the size is hand-written text, in the budget's unit.
    pub hand_written: u64,
    /// How far into the measured text, in the budget's unit, rulesmith's last rule ends: an
    /// agent that stops at the limit reads every rule when this is within it.
    pub rules_end: u64,
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

    /// Whether the agent stops before the end of rulesmith's rules: over a hard limit with a
    /// rule past it. Only then does a build fail.
    pub fn fails(&self) -> bool {
        self.over() && self.budget.kind == BudgetKind::Hard && self.rules_end > self.budget.limit
    }

    /// The code a measurement over its budget is reported with.
    fn code(&self) -> InputCode {
        match self.budget.kind {
            BudgetKind::Hard if self.fails() => InputCode::BudgetExceeded,
            BudgetKind::Hard => InputCode::BudgetHandWritten,
            BudgetKind::Advisory => InputCode::BudgetAdvisory,
        }
    }
}

/// One file as its agent reads it: rulesmith's text, and the hand-written text around it.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadFile<'a> {
    /// Path relative to the repository root.
    pub path: &'a str,
    /// The target whose budgets apply; empty for a hand-written agent file, which counts
    /// towards the chains and sets of files of every target whose budget globs match it.
    pub target: &'a str,
    /// The whole file.
    pub contents: Cow<'a, str>,
    /// The byte range of rulesmith's text in `contents`; empty for a hand-written file.
    pub owned: Range<usize>,
    /// Ids of the rule groups rulesmith's text holds.
    pub groups: &'a [String],
}

impl<'a> ReadFile<'a> {
    /// A file that holds exactly what rulesmith renders.
    pub fn rendered(file: &'a Rendered) -> Self {
        ReadFile {
            path: &file.path,
            target: &file.target,
            contents: Cow::Borrowed(&file.contents),
            owned: 0..file.contents.len(),
            groups: &file.groups,
        }
    }

    /// A file rulesmith has no part in, read because an agent reads it with rulesmith's.
    pub fn hand_written(path: &'a str, contents: &'a str) -> Self {
        ReadFile {
            path,
            target: "",
            contents: Cow::Borrowed(contents),
            owned: 0..0,
            groups: &[],
        }
    }

    /// Whether rulesmith wrote part of the file.
    fn has_rules(&self) -> bool {
        !self.owned.is_empty()
    }

    /// The hand-written part of the file, in `unit`.
    fn hand_written_size(&self, unit: Unit) -> u64 {
        if self.owned == (0..self.contents.len()) {
            return 0;
        }
        unit.measure(&self.contents[..self.owned.start])
            + unit.measure(&self.contents[self.owned.end..])
    }
}

/// A file being measured, with where rulesmith's rules end in it.
struct Measured<'r, 'a> {
    file: &'r ReadFile<'a>,
    /// The byte offset in the file's contents where the rules rulesmith states end and the
    /// team's own text it carries (see [`Group::team_text`]) begins; the end of rulesmith's
    /// text when it carries none.
    rules_end: usize,
}

impl<'r, 'a> Measured<'r, 'a> {
    fn new(file: &'r ReadFile<'a>, rules: &RuleSet) -> Self {
        let owned = &file.owned;
        let team = |id: &String| {
            rules
                .groups
                .iter()
                .find(|g| &g.id == id)
                .filter(|g| g.team_text)
        };
        let rules_end = match file.groups.iter().position(|id| team(id).is_some()) {
            None => owned.end,
            Some(0) => owned.start,
            // Groups are rendered in order, each under its title: the team's text starts at
            // the heading of its first group.
            Some(at) => {
                let title = &team(&file.groups[at]).expect("found above").title;
                let text = &file.contents[owned.clone()];
                text.match_indices(&format!("# {title}"))
                    .find_map(|(i, _)| {
                        let line = text[..i].rfind('\n').map_or(0, |n| n + 1);
                        text[line..i].bytes().all(|b| b == b'#').then_some(line)
                    })
                    .map_or(owned.end, |line| owned.start + line)
            }
        };
        Measured { file, rules_end }
    }

    fn path(&self) -> &str {
        self.file.path
    }

    fn has_rules(&self) -> bool {
        self.file.has_rules()
    }

    /// The hand-written part of the file and the team's text rulesmith carries, in `unit`.
    fn hand_written_size(&self, unit: Unit) -> u64 {
        self.file.hand_written_size(unit)
            + unit.measure(&self.file.contents[self.rules_end..self.file.owned.end])
    }
}

/// Measures every file of every selected target against the target's budgets: the files as
/// their agents read them, hand-written agent files included in the chains and sets they
/// belong to.
pub fn measure(catalog: &Catalog, files: &[ReadFile], rules: &RuleSet) -> Vec<Measurement> {
    let mut out = Vec::new();
    let mut sizes = GroupSizes::new(rules);
    let files: Vec<Measured> = files.iter().map(|f| Measured::new(f, rules)).collect();
    for target in catalog.targets.values() {
        let own: Vec<&Measured> = files
            .iter()
            .filter(|f| f.file.target == target.spec.id || f.file.target.is_empty())
            .collect();
        if !own.iter().any(|f| f.file.target == target.spec.id) {
            continue;
        }
        for (index, budget) in target.spec.budgets.iter().enumerate() {
            let Ok(matcher) = output_glob(&budget.files) else {
                continue;
            };
            let matching: Vec<&Measured> = own
                .iter()
                .copied()
                .filter(|f| matcher.is_match(f.path()))
                .collect();
            let mut add = |subject: String, set: &[&Measured], ordered: bool| {
                // A set matters when rulesmith wrote part of it.
                if !set.iter().any(|f| f.has_rules()) {
                    return;
                }
                let unit = budget.unit;
                let size = set.iter().map(|f| unit.measure(&f.file.contents)).sum();
                let rules_end = if ordered { rules_end(set, unit) } else { size };
                out.push(Measurement {
                    target: target.spec.id.clone(),
                    subject,
                    size,
                    hand_written: set.iter().map(|f| f.hand_written_size(unit)).sum(),
                    rules_end,
                    budget: budget.clone(),
                    index,
                    largest: if size > budget.limit {
                        sizes.largest_policies(set, unit)
                    } else {
                        Vec::new()
                    },
                });
            };
            match budget.across {
                Across::File => {
                    for file in &matching {
                        add(file.path().to_owned(), &[file], true);
                    }
                }
                // The agent's order among the files is not documented: any rule may come last.
                Across::All => add(format!("`{}` together", budget.files), &matching, false),
                Across::Chain => {
                    for file in matching
                        .iter()
                        .filter(|f| f.has_rules() || is_leaf(f, &matching))
                    {
                        let dir = parent(file.path());
                        let mut chain: Vec<&Measured> = matching
                            .iter()
                            .copied()
                            .filter(|g| is_ancestor_or_self(parent(g.path()), dir))
                            .collect();
                        // From the root down, the order the agent joins them in.
                        chain.sort_by_key(|f| f.path().matches('/').count());
                        let subject = if chain.len() == 1 {
                            file.path().to_owned()
                        } else {
                            format!("{} with the files above it", file.path())
                        };
                        add(subject, &chain, true);
                    }
                }
            }
        }
    }
    out
}

/// Whether no other file of `files` lies below `file`'s directory: the end of a chain, the
/// only hand-written file whose chain is measured.
fn is_leaf(file: &Measured, files: &[&Measured]) -> bool {
    let dir = parent(file.path());
    !files
        .iter()
        .any(|g| g.path() != file.path() && is_ancestor_or_self(dir, parent(g.path())))
}

/// Where rulesmith's last text ends in the files of `set` read one after the other, in `unit`.
fn rules_end(set: &[&Measured], unit: Unit) -> u64 {
    let Some(last) = set.iter().rposition(|f| f.rules_end > f.file.owned.start) else {
        return 0;
    };
    let before: u64 = set[..last]
        .iter()
        .map(|f| unit.measure(&f.file.contents))
        .sum();
    before + unit.measure(&set[last].file.contents[..set[last].rules_end])
}

/// Errors for hard budgets with a rule past them, warnings for advisory ones and for hard ones
/// exceeded by hand-written text alone: one per budget and code, naming the largest excess and
/// counting the others.
pub fn check(measurements: &[Measurement]) -> Vec<Diagnostic> {
    let mut worst: BTreeMap<(&str, usize, InputCode), (&Measurement, usize)> = BTreeMap::new();
    for m in measurements.iter().filter(|m| m.over()) {
        let entry = worst
            .entry((&m.target, m.index, m.code()))
            .or_insert((m, 0));
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
    let code = m.code();
    let limit = match m.budget.kind {
        BudgetKind::Hard => "hard limit",
        BudgetKind::Advisory => "advised maximum",
    };
    let hand_written = if m.hand_written > 0 {
        format!(" ({} of them hand-written)", thousands(m.hand_written))
    } else {
        String::new()
    };
    let mut message = format!(
        "target `{}`: {} is {} {unit}{hand_written}, over the {limit} of {} {unit}",
        m.target,
        m.subject,
        thousands(m.size),
        thousands(m.budget.limit),
    );
    if code == InputCode::BudgetHandWritten {
        message.push_str(&format!(
            "; the agent reads every rule rulesmith wrote, but not the hand-written text past {} {unit}",
            thousands(m.budget.limit)
        ));
    }
    if others > 0 {
        let noun = if others == 1 { "file is" } else { "files are" };
        message.push_str(&format!(" ({others} more {noun} over it too)"));
    }
    let mut hint = format!("{}.", m.budget.reason.trim_end_matches('.'));
    let contributors = contributors(m);
    if !contributors.is_empty() {
        hint.push_str(&format!(
            " Largest contributors: {}.",
            contributors.join(", ")
        ));
    }
    let shorten = if m.hand_written > 0 {
        "Shorten the hand-written text, trim"
    } else {
        "Trim"
    };
    hint.push_str(&format!(
        " {shorten} or drop policies (an override in rulesmith.yaml, or a policy's `tiers`), or remove target `{}`.",
        m.target
    ));
    let diagnostic = match code {
        InputCode::BudgetExceeded => Diagnostic::error(code, message),
        _ => Diagnostic::warning(code, message),
    };
    diagnostic.hint(hint)
}

/// What makes a measured text large, in the order to trim it: the hand-written text, then the
/// three largest policies.
fn contributors(m: &Measurement) -> Vec<String> {
    let unit = m.budget.unit.as_str();
    let hand_written = (m.hand_written > 0)
        .then(|| format!("hand-written text ({} {unit})", thousands(m.hand_written)));
    hand_written
        .into_iter()
        .chain(
            m.largest
                .iter()
                .take(3)
                .map(|(id, size)| format!("`{id}` (about {} {unit})", thousands(*size))),
        )
        .collect()
}

/// Whether a build's budgets count `path`, an agent file rulesmith does not write, for one of
/// `targets`: it lies on a chain or in a set of files they measure.
pub fn counts_hand_written(catalog: &Catalog, targets: &[&str], path: &str) -> bool {
    targets
        .iter()
        .filter_map(|id| catalog.targets.get(*id))
        .flat_map(|target| &target.spec.budgets)
        .filter(|budget| budget.across != Across::File)
        .any(|budget| output_glob(&budget.files).is_ok_and(|glob| glob.is_match(path)))
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
    fn largest_policies(&mut self, files: &[&Measured], unit: Unit) -> Vec<(String, u64)> {
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
            for id in file.file.groups {
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
