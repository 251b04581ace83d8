//! Class 5: secrets. Private key blocks, tokens in well-known formats, and high-entropy values
//! assigned to names that suggest a secret. A secret is never printed: every report shows it
//! masked, and every excerpt of a line holding one is masked too.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use crate::diagnostic::ScanCode;
use crate::scan::text::Source;
use crate::scan::{Hit, Location};

/// A secret's byte range and the masked text shown in its place.
pub(super) type Mask = (Range<usize>, String);

/// Values shorter than this are not judged by entropy.
const MIN_ASSIGNED_LENGTH: usize = 16;
/// Bits per character above which an assigned value looks random.
const MIN_ENTROPY: f64 = 3.5;

struct Patterns {
    private_key: Regex,
    private_key_end: Regex,
    tokens: Vec<(&'static str, Regex)>,
    assignment: Regex,
    bearer: Regex,
}

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let token = |name, pattern: &str| (name, Regex::new(pattern).expect("token patterns compile"));
        Patterns {
            private_key: Regex::new(
                r"-----BEGIN ((?:RSA|EC|DSA|OPENSSH|PGP|ENCRYPTED) )?PRIVATE KEY(?: BLOCK)?-----",
            )
            .expect("private key pattern compiles"),
            private_key_end: Regex::new(r"-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----")
                .expect("private key end pattern compiles"),
            tokens: vec![
                token("Anthropic API key", r"(?-u:\b)sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_-]{20,}"),
                token("OpenAI API key", r"(?-u:\b)sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
                token("AWS access key id", r"(?-u:\b)(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}(?-u:\b)"),
                token("GitHub token", r"(?-u:\b)gh[pousr]_[A-Za-z0-9]{36,}(?-u:\b)"),
                token("GitHub token", r"(?-u:\b)github_pat_[A-Za-z0-9_]{22,}(?-u:\b)"),
                token("GitLab token", r"(?-u:\b)glpat-[A-Za-z0-9_-]{20,}"),
                token("Slack token", r"(?-u:\b)xox[abposr]-[A-Za-z0-9-]{10,}"),
                token("Slack webhook", r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{20,}"),
                token("Google API key", r"(?-u:\b)AIza[0-9A-Za-z_-]{35}(?-u:\b)"),
                token("Stripe key", r"(?-u:\b)(?:sk|rk)_live_[0-9A-Za-z]{20,}(?-u:\b)"),
                token("npm token", r"(?-u:\b)npm_[A-Za-z0-9]{36}(?-u:\b)"),
                token("PyPI token", r"(?-u:\b)pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}"),
                token("Hugging Face token", r"(?-u:\b)hf_[A-Za-z0-9]{34,}(?-u:\b)"),
                token("SendGrid key", r"(?-u:\b)SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?-u:\b)"),
                token("JSON web token", r"(?-u:\b)eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
            ],
            assignment: Regex::new(
                r#"(?i)(?-u:\b)([A-Za-z0-9_.-]*(?:api[_-]?key|secret|token|passwd|password|pwd|auth[_-]?token|credential|private[_-]?key|access[_-]?key)[A-Za-z0-9_]*)["']?\s*(?:=|:|=>)\s*["']?([A-Za-z0-9+/_=.~-]{16,})"#,
            )
            .expect("assignment pattern compiles"),
            bearer: Regex::new(r"(?i)(?-u:\b)bearer\s+([A-Za-z0-9+/_=.~-]{20,})")
                .expect("bearer pattern compiles"),
        }
    })
}

/// `secret` masked: a few leading characters (enough to tell the kind) and its length.
pub(super) fn mask(secret: &str) -> String {
    let length = secret.chars().count();
    let keep = (length / 5).min(4);
    let head: String = secret.chars().take(keep).collect();
    format!("{head}…({length} chars)")
}

/// Whether a matched value is a documentation placeholder rather than a secret.
pub(super) fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    const WORDS: &[&str] = &[
        "example",
        "xxxx",
        "your",
        "placeholder",
        "changeme",
        "redacted",
        "dummy",
        "sample",
        "test",
        "fake",
        "...",
        "…",
        "<",
        ">",
        "0000",
        "1234",
        "abcd",
        "todo",
    ];
    if WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    let distinct: std::collections::BTreeSet<char> = value.chars().collect();
    distinct.len() < 6
}

/// Shannon entropy of `value` in bits per character.
pub(super) fn entropy(value: &str) -> f64 {
    let mut counts = std::collections::BTreeMap::new();
    for c in value.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    let length = value.chars().count() as f64;
    counts
        .values()
        .map(|&n| {
            let p = n as f64 / length;
            -p * p.log2()
        })
        .sum()
}

/// Whether an assigned value looks like a random secret rather than a word, path or name.
fn looks_random(value: &str) -> bool {
    if value.chars().count() < MIN_ASSIGNED_LENGTH || is_placeholder(value) {
        return false;
    }
    let lower = value.chars().any(|c| c.is_ascii_lowercase());
    let upper = value.chars().any(|c| c.is_ascii_uppercase());
    let digit = value.chars().any(|c| c.is_ascii_digit());
    let classes = [lower, upper, digit].iter().filter(|&&b| b).count();
    digit && classes >= 2 && entropy(value) >= MIN_ENTROPY
}

/// Finds secrets in `source`, adding hits and returning the masks for every excerpt.
pub(super) fn detect(source: &Source<'_>, hits: &mut Vec<Hit>) -> Vec<Mask> {
    let text = source.text;
    let patterns = patterns();
    let mut masks: Vec<Mask> = Vec::new();
    let overlaps = |masks: &[Mask], range: &Range<usize>| {
        masks
            .iter()
            .any(|(r, _)| r.start < range.end && range.start < r.end)
    };
    for begin in patterns.private_key.captures_iter(text) {
        let header = begin.get(0).expect("match");
        let rest = &text[header.end()..];
        let body_end = patterns
            .private_key_end
            .find(rest)
            .map_or(text.len(), |end| header.end() + end.start());
        let body = &text[header.end()..body_end];
        let material = body
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
            .count();
        if material < 40 || is_placeholder(body.trim()) && material < 200 {
            continue;
        }
        let kind = begin.get(1).map_or("", |m| m.as_str()).trim();
        masks.push((header.end()..body_end, "[private key redacted]".to_owned()));
        hits.push(Hit {
            code: ScanCode::PrivateKey,
            location: Location::Span(header.start()..header.end()),
            message: if kind.is_empty() {
                "private key block".to_owned()
            } else {
                format!("{kind} private key block")
            },
        });
    }
    for (name, regex) in &patterns.tokens {
        for found in regex.find_iter(text) {
            let range = found.range();
            if is_placeholder(found.as_str()) || overlaps(&masks, &range) {
                continue;
            }
            let masked = mask(found.as_str());
            hits.push(Hit {
                code: ScanCode::KnownToken,
                location: Location::Span(range.clone()),
                message: format!("{name} `{masked}`"),
            });
            masks.push((range, masked));
        }
    }
    let assigned = patterns
        .assignment
        .captures_iter(text)
        .filter_map(|captures| {
            let name = captures.get(1)?;
            let what = format!(
                "`{}` is set to a random-looking value",
                crate::scan::text::quote(name.as_str(), 60)
            );
            Some((captures.get(2)?, what))
        });
    let bearer = patterns
        .bearer
        .captures_iter(text)
        .filter_map(|captures| Some((captures.get(1)?, "bearer token".to_owned())));
    for (value, what) in assigned.chain(bearer) {
        let range = value.range();
        if !looks_random(value.as_str()) || overlaps(&masks, &range) {
            continue;
        }
        let masked = mask(value.as_str());
        hits.push(Hit {
            code: ScanCode::SecretAssignment,
            location: Location::Span(range.clone()),
            message: format!("{what} `{masked}`"),
        });
        masks.push((range, masked));
    }
    url_credentials(text, hits, &mut masks);
    masks
}

/// Passwords written into connection URLs (`postgres://app:S3cret@db/app`). A password that
/// is a placeholder, a variable reference or the user name again is not a secret.
fn url_credentials(text: &str, hits: &mut Vec<Hit>, masks: &mut Vec<Mask>) {
    static URL: OnceLock<Regex> = OnceLock::new();
    let url = URL.get_or_init(|| {
        Regex::new(r"(?i)(?-u:\b)([a-z][a-z0-9+.-]{1,20})://([^\s:/@`'\x22]*):([^\s/@`'\x22]{6,})@[a-z0-9.-]+")
            .expect("URL credential pattern compiles")
    });
    for captures in url.captures_iter(text) {
        let (Some(user), Some(password)) = (captures.get(2), captures.get(3)) else {
            continue;
        };
        let value = password.as_str();
        let lower = value.to_ascii_lowercase();
        let placeholder = is_placeholder(value)
            || value.contains(['$', '{', '%', '*'])
            || lower == user.as_str().to_ascii_lowercase()
            || [
                "password", "passwd", "secret", "pass", "postgres", "root", "admin", "guest",
            ]
            .iter()
            .any(|w| lower.starts_with(w));
        let range = password.range();
        if placeholder
            || masks
                .iter()
                .any(|(m, _)| m.start < range.end && range.start < m.end)
        {
            continue;
        }
        let masked = mask(value);
        hits.push(Hit {
            code: ScanCode::UrlCredential,
            location: Location::Span(range.clone()),
            message: format!(
                "a `{}://` URL carries the password `{masked}`",
                crate::scan::text::quote(&captures[1], 20)
            ),
        });
        masks.push((range, masked));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Vec<(ScanCode, String)> {
        crate::scan::hits_of(|hits| {
            detect(&Source::new(text), hits);
        })
    }

    #[test]
    fn finds_tokens_and_masks_them() {
        let hits = run("token: ghp_8fK2pQ9xLmN4vR7tY1wZ3bC6dE0gH5jS2aU9\n");
        assert_eq!(
            hits,
            [(
                ScanCode::KnownToken,
                "GitHub token `ghp_…(40 chars)`".to_owned()
            )]
        );
        assert!(!hits[0].1.contains("8fK2"));
    }

    #[test]
    fn passwords_in_connection_urls_are_secrets_but_placeholders_are_not() {
        let found = run("postgres://admin:Xk9mQ2vR7pLw@db.example.com:5432/app");
        assert_eq!(found[0].0, ScanCode::UrlCredential);
        assert!(!found[0].1.contains("Q2vR7"));
        for quiet in [
            "postgres://user:password@localhost:5432/dev",
            "postgres://app:${DB_PASSWORD}@db:5432/app",
            "postgres://postgres:postgres@localhost:5432/test",
            "redis://localhost:6379/0",
        ] {
            assert!(run(quiet).is_empty(), "{quiet}");
        }
    }

    #[test]
    fn placeholders_are_not_secrets() {
        assert!(run("OPENAI_API_KEY=sk-...\n").is_empty());
        assert!(run("key: sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxx\n").is_empty());
        assert!(run("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n").is_empty());
        assert!(run("BETTER_AUTH_SECRET=local-dev-secret pnpm build\n").is_empty());
        assert!(run("-e NEO4J_AUTH=neo4j/testpass\n").is_empty());
        assert!(run("GITHUB_TOKEN=${GITHUB_TOKEN}\n").is_empty());
    }

    #[test]
    fn high_entropy_assignments_are_secrets() {
        let hits = run("DB_PASSWORD = \"q8Zr2Lk9Vx4Tn7Bw\"\n");
        assert_eq!(hits[0].0, ScanCode::SecretAssignment);
        assert!(hits[0].1.contains("`DB_PASSWORD`"), "{}", hits[0].1);
    }

    #[test]
    fn private_keys_need_key_material() {
        let key = format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
            "MIIEowIBAAKCAQEA7Vq3Lk2pZ9Xw4Tn7Bq8Zr2Lk9Vx4Tn7BwMIIEowIBAAKCAQEA"
        );
        assert_eq!(
            run(&key)[0],
            (ScanCode::PrivateKey, "RSA private key block".to_owned())
        );
        assert!(run("-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n").is_empty());
        assert!(
            run("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n")
                .is_empty()
        );
    }
}
