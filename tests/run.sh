#!/usr/bin/env sh
# The whole test suite: formatting, lints, then every test (unit, CLI snapshots, examples).
set -eu
cd "$(dirname "$0")/.."
for component in rustfmt clippy; do
  rustup component list --installed 2>/dev/null | grep -q "^$component" || rustup component add "$component"
done
cargo fmt --all --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --all-targets --locked
