#!/usr/bin/env sh
# The pre-commit hook's entry: builds rulesmith from this checkout with the versions pinned in
# Cargo.lock (`cargo install --locked`), once per checkout, then runs it with the hook's arguments.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
root="$here/target/pre-commit"
if [ ! -x "$root/bin/rulesmith" ]; then
  cargo install --locked --quiet --path "$here" --root "$root" >&2
fi
exec "$root/bin/rulesmith" "$@"
