#!/usr/bin/env sh
# The whole test suite: formatting, lints, every test (unit, CLI snapshots, examples), then a
# time-bounded fuzz campaign of every target (RULESMITH_FUZZ_SECONDS each, 20 by default).
set -eu
cd "$(dirname "$0")/.."
for component in rustfmt clippy; do
  rustup component list --installed 2>/dev/null | grep -q "^$component" || rustup component add "$component"
done
cargo fmt --all --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --all-targets --locked
tests/actionlint.sh
RULESMITH_FUZZ_SECONDS="${RULESMITH_FUZZ_SECONDS:-20}" \
  cargo test --test suite --locked fuzz::campaign -- --ignored --exact --nocapture
