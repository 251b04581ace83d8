//! The built-in policy pack: valid, traceable, covering, well worded, current and within budget.

use std::collections::{BTreeMap, BTreeSet};

use rulesmith::agents::Registry;
use rulesmith::compile::{self, Budgets, Build, Plan};
use rulesmith::diagnostic::SourceFile;
use rulesmith::diagnostic::finding::Severity;
use rulesmith::model::manifest::Tier;
use rulesmith::model::policy::{Level, Policy, Rule};
use rulesmith::render::catalog::Catalog;
use rulesmith::report::render_diagnostic;
use rulesmith::resolve::RuleSet;
use rulesmith::resolve::pack;
use rulesmith::resolve::scope;
use rulesmith::scan::{self as scanner, ScanConfig};

const TIERS: [Tier; 3] = [Tier::Prototype, Tier::Internal, Tier::Production];

/// OWASP Top 10 (2021).
const OWASP_TOP_10: [(&str, &str); 10] = [
    ("A01:2021", "Broken Access Control"),
    ("A02:2021", "Cryptographic Failures"),
    ("A03:2021", "Injection"),
    ("A04:2021", "Insecure Design"),
    ("A05:2021", "Security Misconfiguration"),
    ("A06:2021", "Vulnerable and Outdated Components"),
    ("A07:2021", "Identification and Authentication Failures"),
    ("A08:2021", "Software and Data Integrity Failures"),
    ("A09:2021", "Security Logging and Monitoring Failures"),
    ("A10:2021", "Server-Side Request Forgery"),
];

/// CWE Top 25 (2024), in rank order. All of them have a rule: the memory-safety entries through
/// the C and C++ policies, the rest in the language-neutral baseline.
const CWE_TOP_25: [(u32, &str); 25] = [
    (79, "Cross-site Scripting"),
    (787, "Out-of-bounds Write"),
    (89, "SQL Injection"),
    (352, "Cross-Site Request Forgery"),
    (22, "Path Traversal"),
    (125, "Out-of-bounds Read"),
    (78, "OS Command Injection"),
    (416, "Use After Free"),
    (862, "Missing Authorization"),
    (434, "Unrestricted Upload of File with Dangerous Type"),
    (94, "Code Injection"),
    (20, "Improper Input Validation"),
    (77, "Command Injection"),
    (287, "Improper Authentication"),
    (269, "Improper Privilege Management"),
    (502, "Deserialization of Untrusted Data"),
    (
        200,
        "Exposure of Sensitive Information to an Unauthorized Actor",
    ),
    (863, "Incorrect Authorization"),
    (918, "Server-Side Request Forgery"),
    (
        119,
        "Improper Restriction of Operations within the Bounds of a Memory Buffer",
    ),
    (476, "NULL Pointer Dereference"),
    (798, "Use of Hard-coded Credentials"),
    (190, "Integer Overflow or Wraparound"),
    (400, "Uncontrolled Resource Consumption"),
    (306, "Missing Authentication for Critical Function"),
];

/// Memory-safety weaknesses, for which the OWASP Top 10 has no category.
const MEMORY_CWES: [u32; 17] = [
    119, 120, 125, 131, 134, 190, 193, 242, 362, 366, 401, 415, 416, 476, 680, 690, 787,
];

/// Languages that must each have a scoped language pack.
const PACK_LANGUAGES: [&str; 7] = [
    "python",
    "javascript",
    "typescript",
    "go",
    "java",
    "rust",
    "c",
];

fn pack() -> Vec<Policy> {
    compile::parse_policies(pack::sources())
        .unwrap_or_else(|problems| panic!("the built-in pack does not validate: {problems:#?}"))
        .into_iter()
        .map(|p| p.policy)
        .collect()
}

fn rules(policies: &[Policy]) -> impl Iterator<Item = (&Policy, &Rule)> {
    policies
        .iter()
        .flat_map(|p| p.rules.iter().map(move |r| (p, r)))
}

fn qualified(policy: &Policy, rule: &Rule) -> String {
    format!("{}/{}", policy.id, rule.id)
}

fn is_language_pack(policy: &Policy) -> bool {
    policy.id.starts_with("lang-")
}

/// Code-level security policies: the baseline topics and the language packs.
fn is_security_policy(policy: &Policy) -> bool {
    !policy.id.starts_with("tier-") && policy.id != "agent-behaviour"
}

fn cwes(rule: &Rule) -> Vec<u32> {
    rule.references
        .iter()
        .filter_map(|r| r.strip_prefix("CWE-")?.parse().ok())
        .collect()
}

fn owasp(rule: &Rule) -> Vec<&str> {
    rule.references
        .iter()
        .filter(|r| r.ends_with(":2021"))
        .map(String::as_str)
        .collect()
}

/// The effective tiers of a rule; every tier when neither it nor its policy is limited.
fn tiers_of(policy: &Policy, rule: &Rule) -> Vec<Tier> {
    TIERS
        .into_iter()
        .filter(|t| {
            (policy.tiers.is_empty() || policy.tiers.contains(t))
                && (rule.tiers.is_empty() || rule.tiers.contains(t))
        })
        .collect()
}

/// The release date of the newest changelog entry: `## VERSION (YYYY-MM-DD)`.
fn changelog_head() -> (String, String) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/policies/CHANGELOG.md"
    ))
    .unwrap();
    let heading = text
        .lines()
        .find_map(|l| l.strip_prefix("## "))
        .expect("the changelog has a release heading");
    let (version, date) = heading
        .split_once(" (")
        .expect("headings read `## VERSION (DATE)`");
    (version.to_owned(), date.trim_end_matches(')').to_owned())
}

#[test]
fn the_changelog_heads_with_the_pack_version() {
    let (version, date) = changelog_head();
    assert_eq!(
        version,
        pack::VERSION,
        "policies/CHANGELOG.md and pack::VERSION disagree"
    );
    assert!(
        date.len() == 10 && date.as_bytes()[4] == b'-',
        "bad date {date}"
    );
}

#[test]
fn every_built_in_rule_has_a_review_date_no_later_than_the_release() {
    let (_, released) = changelog_head();
    for (policy, rule) in rules(&pack()) {
        let id = qualified(policy, rule);
        let reviewed = rule
            .reviewed
            .as_deref()
            .unwrap_or_else(|| panic!("{id} has no `reviewed` date"));
        assert!(
            reviewed <= released.as_str(),
            "{id} was reviewed on {reviewed}, after the pack's release on {released}"
        );
    }
}

#[test]
fn security_rules_map_to_cwe_and_owasp() {
    for (policy, rule) in rules(&pack()).filter(|(p, _)| is_security_policy(p)) {
        let id = qualified(policy, rule);
        let cwes = cwes(rule);
        assert!(!cwes.is_empty(), "{id} has no CWE id");
        let memory_only = cwes.iter().all(|c| MEMORY_CWES.contains(c));
        assert!(
            memory_only || !owasp(rule).is_empty(),
            "{id} has no OWASP Top 10 id"
        );
    }
}

#[test]
fn references_are_ids_or_https_urls() {
    let policies = pack();
    let owasp_ids: BTreeSet<&str> = OWASP_TOP_10.iter().map(|(id, _)| *id).collect();
    for (policy, rule) in rules(&policies) {
        for reference in &rule.references {
            let ok = reference
                .strip_prefix("CWE-")
                .is_some_and(|n| n.parse::<u32>().is_ok())
                || owasp_ids.contains(reference.as_str())
                || reference.strip_prefix("LLM").is_some_and(|rest| {
                    rest.len() == 7
                        && rest.ends_with(":2025")
                        && matches!(&rest[..2], "01" | "02" | "05" | "06" | "07" | "08" | "10")
                });
            assert!(
                ok,
                "{}: bad reference `{reference}`",
                qualified(policy, rule)
            );
        }
    }
    for policy in &policies {
        for source in &policy.references {
            assert!(source.starts_with("https://"), "{}: `{source}`", policy.id);
        }
    }
}

#[test]
fn every_owasp_top_10_category_has_a_rule() {
    let policies = pack();
    let covered: BTreeSet<&str> = rules(&policies).flat_map(|(_, r)| owasp(r)).collect();
    for (id, name) in OWASP_TOP_10 {
        assert!(covered.contains(id), "no rule covers {id} {name}");
    }
}

#[test]
fn every_cwe_top_25_entry_has_a_rule() {
    let policies = pack();
    let covered: BTreeSet<u32> = rules(&policies).flat_map(|(_, r)| cwes(r)).collect();
    for (cwe, name) in CWE_TOP_25 {
        assert!(covered.contains(&cwe), "no rule covers CWE-{cwe} {name}");
    }
}

#[test]
fn language_packs_are_scoped_by_path_and_cover_the_main_languages() {
    let policies = pack();
    let mut languages = BTreeSet::new();
    for policy in policies.iter().filter(|p| is_language_pack(p)) {
        assert!(
            !policy.scope.languages.is_empty() && !scope::globs(&policy.scope).is_empty(),
            "{} must be scoped by language, which gives path-aware agents its globs",
            policy.id
        );
        languages.extend(policy.scope.languages.iter().map(|l| l.0.clone()));
    }
    for language in PACK_LANGUAGES {
        assert!(
            languages.contains(language),
            "no language pack for {language}"
        );
    }
}

/// Text with `code spans` removed, for checks on the prose only.
fn prose(text: &str) -> String {
    text.split('`').step_by(2).collect::<Vec<_>>().join(" ")
}

#[test]
fn rules_are_single_sentences_that_read_on_from_their_keyword() {
    for (policy, rule) in rules(&pack()) {
        let id = qualified(policy, rule);
        let text = rule.text.trim();
        let first = text.chars().next().unwrap();
        assert!(
            first.is_ascii_lowercase(),
            "{id}: text must start with a lower-case verb after the keyword: {text}"
        );
        assert!(text.ends_with('.'), "{id}: text must end with a full stop");
        let body = prose(&text[..text.len() - 1]);
        assert!(
            !body.contains(". "),
            "{id}: text must be one sentence: {text}"
        );
        let first_word = body.split_whitespace().next().unwrap_or_default();
        assert!(
            ![
                "must", "should", "never", "always", "do", "don't", "not", "avoid"
            ]
            .contains(&first_word),
            "{id}: the keyword already says how binding it is: {text}"
        );
        if matches!(rule.level, Level::MustNot | Level::ShouldNot) {
            let clause = body.split(';').next().unwrap_or_default();
            for word in ["not", "never", "no", "avoid", "don't", "nothing"] {
                assert!(
                    !clause.split_whitespace().any(|w| w == word),
                    "{id}: double negative (`{word}` after MUST NOT): {text}"
                );
            }
        }
    }
}

/// Unsafe or outdated advice the pack must never give as the safe way. Each phrase may appear
/// only where the rule forbids it: in a must-not or should-not rule, or as the bad example.
const KNOWN_BAD: [&str; 15] = [
    "csurf",
    "strncpy",
    "strcpy_s",
    "memcmp_s",
    "strcmp_s",
    "md5",
    "sha-1",
    "sha1",
    "math.random",
    "java.util.random",
    "ecb",
    "bleach",
    "pycrypto",
    "tempfile.mktemp",
    "simulate",
];

/// Phrases that must not appear anywhere in the pack.
const NEVER: [&str; 7] = [
    "csurf", "bleach", "memcmp_s", "strcmp_s", "strstr_s", "simulate", "<!--",
];

#[test]
fn known_bad_advice_appears_only_as_something_to_avoid() {
    for (policy, rule) in rules(&pack()) {
        let id = qualified(policy, rule);
        let negative = matches!(rule.level, Level::MustNot | Level::ShouldNot);
        let mut positive_texts = vec![rule.rationale.clone().unwrap_or_default()];
        if let Some(example) = &rule.example {
            positive_texts.push(example.good.clone().unwrap_or_default());
        }
        // In a must or should rule, a phrase after `never`, `not` or `rather than` is forbidden
        // by the rule; only what comes before is advice.
        let advice = if negative {
            String::new()
        } else {
            let lower = rule.text.to_lowercase();
            ["never ", "rather than", "instead of", "not ", "without "]
                .iter()
                .filter_map(|cut| lower.find(cut))
                .min()
                .map_or(lower.clone(), |at| lower[..at].to_owned())
        };
        positive_texts.push(advice);
        let everything = format!(
            "{} {} {:?}",
            rule.text,
            rule.rationale.clone().unwrap_or_default(),
            rule.example
        )
        .to_lowercase();
        for phrase in NEVER {
            assert!(!everything.contains(phrase), "{id} mentions `{phrase}`");
        }
        for phrase in KNOWN_BAD {
            for text in &positive_texts {
                assert!(
                    !text.to_lowercase().contains(phrase),
                    "{id} recommends `{phrase}`: {text}"
                );
            }
        }
    }
}

const STOP_WORDS: [&str; 31] = [
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "by", "from", "as", "at",
    "is", "are", "be", "it", "its", "their", "them", "that", "this", "than", "into", "any",
    "every", "each", "all", "only",
];

fn words(text: &str) -> BTreeSet<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty() && !STOP_WORDS.contains(w))
        .map(str::to_owned)
        .collect()
}

/// Whether two policies can be loaded together: either is unscoped, or their globs overlap.
fn can_meet(a: &Policy, b: &Policy) -> bool {
    let (ga, gb) = (scope::globs(&a.scope), scope::globs(&b.scope));
    ga.is_empty() || gb.is_empty() || ga.iter().any(|g| gb.contains(g))
}

#[test]
fn no_two_policies_say_the_same_thing() {
    let policies = pack();
    let all: Vec<(&Policy, &Rule, BTreeSet<String>)> = rules(&policies)
        .map(|(p, r)| (p, r, words(&r.text)))
        .collect();
    for (i, (pa, ra, wa)) in all.iter().enumerate() {
        for (pb, rb, wb) in &all[i + 1..] {
            if pa.id == pb.id || !can_meet(pa, pb) {
                continue;
            }
            let shared = wa.intersection(wb).count() as f64;
            let jaccard = shared / wa.union(wb).count() as f64;
            assert!(
                jaccard < 0.45,
                "{} and {} overlap ({jaccard:.2}); keep one",
                qualified(pa, ra),
                qualified(pb, rb)
            );
        }
    }
}

fn default_manifest(tier: Tier, targets: &[String]) -> String {
    format!(
        "project: demo\ntier: {}\ntargets: [{}]\n",
        tier.as_str(),
        targets.join(", ")
    )
}

fn compile_default(tier: Tier, targets: &[String]) -> (RuleSet, Plan) {
    let build = build_default(tier, targets);
    (build.rules, build.plan)
}

/// Compiles the default manifest with budgets enforced: a hard budget over is an error.
fn build_default(tier: Tier, targets: &[String]) -> Build {
    let source = SourceFile::new("rulesmith.yaml", default_manifest(tier, targets));
    let manifest = rulesmith::validate::manifest::parse(&source).unwrap();
    compile::compile(
        &source,
        &manifest,
        &[],
        &Catalog::builtin(),
        Budgets::Enforce,
    )
    .unwrap_or_else(|problems| {
        let text: Vec<String> = problems.iter().map(render_diagnostic).collect();
        panic!("{tier:?}:\n{}", text.concat())
    })
}

/// Advisory budgets the default pack is allowed to exceed, with why: no security baseline fits
/// them, and the agents still read the whole file.
const ADVISORIES_OVER: [(&str, &str); 2] = [
    (
        "target `copilot`: .github/copilot-instructions.md",
        "only Copilot code review stops at 4,000 characters; chat and the coding agent read it all",
    ),
    (
        "target `windsurf`: `.windsurf/rules/*.md` together",
        "the 12,000-character total is from older Windsurf docs; each file stays under 6,000",
    ),
];

#[test]
fn the_default_pack_compiles_for_every_target_and_tier_within_budget() {
    let catalog = Catalog::builtin();
    for tier in TIERS {
        // Hard budgets (Codex's 32 KiB of AGENTS.md, Windsurf's 6,000 characters per file, ...)
        // are errors, so the build itself proves them.
        let build = build_default(tier, &catalog.agent_ids());
        for warning in &build.warnings {
            assert!(
                ADVISORIES_OVER
                    .iter()
                    .any(|(prefix, _)| warning.message.starts_with(prefix)),
                "{tier:?}: {}",
                render_diagnostic(warning)
            );
        }
        let file = |path: &str| {
            build
                .plan
                .files
                .iter()
                .find(|f| f.path == path)
                .unwrap_or_else(|| panic!("{path} missing"))
        };
        // With AGENTS.md built too, CLAUDE.md imports it rather than repeating its rules.
        assert!(
            file("CLAUDE.md")
                .contents
                .lines()
                .any(|l| l == "@AGENTS.md"),
            "{tier:?} CLAUDE.md does not import AGENTS.md"
        );
        // On its own, Claude Code's CLAUDE.md holds every unscoped rule and stays under the 200
        // lines its docs advise: scoped policies go to .claude/rules/.
        let alone = build_default(tier, &["claude".to_owned()]);
        let claude_md = alone.plan.files.iter().find(|f| f.path == "CLAUDE.md");
        let claude_lines = claude_md.unwrap().contents.lines().count();
        assert!(
            claude_lines < 200,
            "{tier:?} CLAUDE.md has {claude_lines} lines"
        );
        assert!(
            alone
                .plan
                .files
                .iter()
                .any(|f| f.path == ".claude/rules/lang-python.md"),
            "language packs are path-scoped files for Claude Code"
        );
        // Headroom for the repository's own rules under Codex's 32 KiB.
        let agents = file("AGENTS.md").contents.len();
        assert!(agents <= 30 * 1024, "{tier:?} AGENTS.md is {agents} bytes");
    }
}

#[test]
fn the_generated_files_scan_clean() {
    // Rules that name a risky pattern in order to forbid it (piping `curl` into a shell,
    // `verify=False`) must not look like the instructions the scanner hunts for.
    let config = ScanConfig {
        min_severity: Severity::Info,
        ..ScanConfig::default()
    };
    let catalog = Catalog::builtin();
    for tier in TIERS {
        let (_, plan) = compile_default(tier, &catalog.agent_ids());
        for file in &plan.files {
            let findings = scanner::scan_text(
                &file.path,
                Registry::builtin().classify(&file.path).as_ref(),
                &file.contents,
                &config,
            );
            assert!(
                findings.is_empty(),
                "{tier:?} {}: {:#?}",
                file.path,
                findings
                    .iter()
                    .map(|f| format!("{}:{} {} {}", f.path, f.line, f.code, f.message))
                    .collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn default_outputs_match_their_snapshots() {
    let targets = vec!["claude".to_owned(), "agents".to_owned()];
    for tier in TIERS {
        let (_, plan) = compile_default(tier, &targets);
        for file in plan
            .files
            .iter()
            .filter(|f| !f.path.starts_with(".rulesmith/"))
        {
            let name = format!("{}-{}", tier.as_str(), file.path.replace('/', "_"));
            insta::assert_snapshot!(name, file.contents);
        }
    }
}

fn policy_ids(set: &RuleSet) -> BTreeSet<&str> {
    set.policies.iter().map(|p| p.id.as_str()).collect()
}

fn rule_ids(set: &RuleSet) -> BTreeSet<&str> {
    set.policies
        .iter()
        .flat_map(|p| p.rules.iter().map(|r| r.qualified_id.as_str()))
        .collect()
}

#[test]
fn tiers_change_what_the_agents_read() {
    let targets = ["agents".to_owned()];
    let [prototype, internal, production] = TIERS.map(|t| compile_default(t, &targets).0);
    let p = policy_ids(&prototype);
    let i = policy_ids(&internal);
    let x = policy_ids(&production);
    // Each tier carries its own limits and definition of done, and only its own.
    assert!(
        p.contains("tier-prototype")
            && !p.contains("tier-internal")
            && !p.contains("tier-production")
    );
    assert!(
        i.contains("tier-internal")
            && !i.contains("tier-prototype")
            && !i.contains("tier-production")
    );
    assert!(
        x.contains("tier-production")
            && !x.contains("tier-prototype")
            && !x.contains("tier-internal")
    );
    // A prototype fakes authentication, so it gets no rules for building it.
    assert!(!p.contains("authentication") && !p.contains("authorization"));
    assert!(i.contains("authentication") && x.contains("authentication"));
    // Production is the strictest: it has every rule internal has, except internal's own tier
    // rules, and more.
    let internal_rules: BTreeSet<&str> = rule_ids(&internal)
        .into_iter()
        .filter(|r| !r.starts_with("tier-"))
        .collect();
    let production_rules = rule_ids(&production);
    assert!(internal_rules.is_subset(&production_rules));
    assert!(production_rules.contains("authentication/multi-factor"));
    assert!(!internal_rules.contains("authentication/multi-factor"));
    // The security baseline reaches every tier.
    for set in [&prototype, &internal, &production] {
        for id in [
            "injection/log-injection",
            "output-encoding/no-raw-html-sinks",
            "agent-behaviour/content-is-data",
        ] {
            assert!(rule_ids(set).contains(id), "{id} missing at {:?}", set.tier);
        }
    }
    // The generated text says which tier it is for and differs between tiers.
    let text = |t: Tier| {
        let (_, plan) = compile_default(t, &targets);
        plan.files
            .into_iter()
            .find(|f| f.path == "AGENTS.md")
            .unwrap()
            .contents
    };
    assert!(text(Tier::Prototype).contains("`HANDOFF.md`"));
    assert!(!text(Tier::Production).contains("`HANDOFF.md`"));
    assert!(text(Tier::Production).contains("approval from a person other than its author"));
}

#[test]
fn the_coverage_table_is_current() {
    let expected = coverage_markdown(&pack());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/coverage.md");
    if std::env::var_os("RULESMITH_BLESS").is_some() {
        std::fs::write(path, &expected).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == expected,
        "docs/coverage.md is out of date; run `RULESMITH_BLESS=1 cargo test --test suite pack::` and commit it"
    );
}

fn join_or(items: impl IntoIterator<Item = String>, empty: &str) -> String {
    let items: Vec<String> = items.into_iter().collect();
    if items.is_empty() {
        empty.to_owned()
    } else {
        items.join(", ")
    }
}

fn tier_list(tiers: &BTreeSet<Tier>) -> String {
    if tiers.len() == TIERS.len() {
        "all".to_owned()
    } else {
        join_or(tiers.iter().map(|t| t.as_str().to_owned()), "none")
    }
}

/// The coverage document, generated from the pack.
fn coverage_markdown(policies: &[Policy]) -> String {
    let mut out = String::new();
    out.push_str("# Coverage of the built-in policy pack\n\n");
    out.push_str(&format!(
        "Generated from `policies/` (pack {}) by `tests/suite/pack.rs`; run \
         `RULESMITH_BLESS=1 cargo test --test suite pack::` after changing the pack. Every rule lists its \
         own CWE and OWASP ids; `rulesmith explain <policy>/<rule>` shows them with the rule.\n\n",
        pack::VERSION
    ));
    out.push_str("## Topics\n\n");
    out.push_str("| Policy | Topic | Rules | CWE | OWASP 2021 | Languages | Tiers |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
    for policy in policies {
        let cwe: BTreeSet<u32> = policy.rules.iter().flat_map(cwes).collect();
        let top: BTreeSet<&str> = policy.rules.iter().flat_map(owasp).collect();
        let mut languages: BTreeSet<String> =
            policy.scope.languages.iter().map(|l| l.0.clone()).collect();
        for rule in &policy.rules {
            languages.extend(rule.scope.languages.iter().map(|l| l.0.clone()));
        }
        let tiers: BTreeSet<Tier> = policy
            .rules
            .iter()
            .flat_map(|r| tiers_of(policy, r))
            .collect();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} |\n",
            policy.id,
            policy.title,
            policy.rules.len(),
            join_or(cwe.iter().map(u32::to_string), "–"),
            join_or(top.iter().map(|id| id[..3].to_owned()), "–"),
            join_or(languages, "all"),
            tier_list(&tiers),
        ));
    }
    let mut by_owasp: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut by_cwe: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for (policy, rule) in rules(policies) {
        for id in owasp(rule) {
            by_owasp
                .entry(id)
                .or_default()
                .push(qualified(policy, rule));
        }
        for id in cwes(rule) {
            by_cwe.entry(id).or_default().push(qualified(policy, rule));
        }
    }
    out.push_str("\n## OWASP Top 10 (2021)\n\n| Category | Rules |\n| --- | --- |\n");
    for (id, name) in OWASP_TOP_10 {
        let list = by_owasp.get(id).cloned().unwrap_or_default();
        out.push_str(&format!(
            "| {} {name} | {} |\n",
            &id[..3],
            join_or(list.into_iter().map(|r| format!("`{r}`")), "**none**")
        ));
    }
    out.push_str("\n## CWE Top 25 (2024)\n\n| Rank | CWE | Rules |\n| --- | --- | --- |\n");
    for (rank, (cwe, name)) in CWE_TOP_25.iter().enumerate() {
        let list = by_cwe.get(cwe).cloned().unwrap_or_default();
        out.push_str(&format!(
            "| {} | CWE-{cwe} {name} | {} |\n",
            rank + 1,
            join_or(list.into_iter().map(|r| format!("`{r}`")), "**none**")
        ));
    }
    out
}

#[test]
fn version_names_the_binary_and_the_policy_pack_it_carries() {
    let run = crate::common::Repo::new().run(&["--version"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout.trim(),
        format!(
            "rulesmith {} (policy pack {})",
            env!("CARGO_PKG_VERSION"),
            pack::VERSION
        )
    );
}
