#!/usr/bin/env bash
# Compares `rulesmith build` with ruler and rulesync on the same rules: N policies × 8 rules
# written for each tool, targets Claude, Cursor, AGENTS.md and Copilot. Prints the median of
# five runs of an up-to-date build and peak RSS, and the ratios. Tools not installed
# (`npm i -g @intellectronica/ruler rulesync`) are skipped.
#
# Usage: benches/peers.sh [N...]   (default: 40 200 1000); RULESMITH=path/to/rulesmith
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
rulesmith=${RULESMITH:-$repo/target/release/rulesmith}
sizes=("${@:-40 200 1000}")

# Median wall time in ms of five runs of "$@", and the peak RSS in MiB of one.
measure() {
  local times=()
  for _ in 1 2 3 4 5; do
    local start end
    start=$(date +%s%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  local median; median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
  local rss; rss=$(/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1)
  echo "$median $((rss / 1024))"
}

fixture() { # $1 dir, $2 N: the same rules for each tool
  local dir=$1 n=$2
  mkdir -p "$dir/rulesmith/.rulesmith/policies" "$dir/ruler/.ruler" "$dir/rulesync/.rulesync/rules"
  printf 'project: bench\ntier: production\ntargets: [claude, cursor, agents-md, copilot]\n' >"$dir/rulesmith/rulesmith.yaml"
  # AGENTS.md from a copy of the built-in target without its 32 KiB hard limit, as in benches/support.
  mkdir -p "$dir/rulesmith/.rulesmith/targets/agents-md"
  awk '/^[a-z]/ { skip = /^(budgets|reads):/ } !skip { sub(/^id: agents$/, "id: agents-md"); print }' \
    "$repo/targets/agents/target.yaml" >"$dir/rulesmith/.rulesmith/targets/agents-md/target.yaml"
  cp "$repo/targets/agents/AGENTS.md.hbs" "$dir/rulesmith/.rulesmith/targets/agents-md/"
  printf '[agents.claude]\nenabled = true\n[agents.cursor]\nenabled = true\n[agents.codex]\nenabled = true\n[agents.copilot]\nenabled = true\n' >"$dir/ruler/.ruler/ruler.toml"
  printf '{"targets":["claudecode","cursor","codexcli","copilot"],"features":["rules"]}\n' >"$dir/rulesync/rulesync.jsonc"
  for ((p = 0; p < n; p++)); do
    local id; id=$(printf 'policy-%03d' "$p")
    { printf 'id: %s\ntitle: Generated policy %d\nrules:\n' "$id" "$p"
      for r in 0 1 2 3 4 5 6 7; do
        printf '  - id: rule-%d\n    level: must\n    text: validate input number %d of policy %d with the shared validator before use.\n' "$r" "$r" "$p"
      done; } >"$dir/rulesmith/.rulesmith/policies/$id.yaml"
    { printf '# Generated policy %d\n\n' "$p"
      for r in 0 1 2 3 4 5 6 7; do
        printf -- '- MUST validate input number %d of policy %d with the shared validator before use.\n' "$r" "$p"
      done; } | tee "$dir/ruler/.ruler/$id.md" >/dev/null
    { printf -- '---\nroot: %s\ntargets: ["*"]\nglobs: ["**/*"]\n---\n' "$([ "$p" = 0 ] && echo true || echo false)"
      cat "$dir/ruler/.ruler/$id.md"; } >"$dir/rulesync/.rulesync/rules/$id.md"
  done
}

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for n in ${sizes[*]}; do
  fixture "$work/$n" "$n"
  (cd "$work/$n/rulesmith" && "$rulesmith" build >/dev/null 2>&1)
  read -r ours ours_rss < <(cd "$work/$n/rulesmith" && measure "$rulesmith" build)
  echo "N=$n rulesmith build (up to date): ${ours} ms, ${ours_rss} MiB"
  if command -v ruler >/dev/null; then
    read -r t rss < <(cd "$work/$n/ruler" && measure ruler apply --agents claude,cursor,codex,copilot)
    echo "N=$n ruler apply: ${t} ms, ${rss} MiB; ratio $(awk "BEGIN{printf \"%.1f\", $t/($ours>0?$ours:1)}")x"
  else
    echo "N=$n ruler: not installed, skipped"
  fi
  if command -v rulesync >/dev/null; then
    read -r t rss < <(cd "$work/$n/rulesync" && measure rulesync generate)
    echo "N=$n rulesync generate: ${t} ms, ${rss} MiB; ratio $(awk "BEGIN{printf \"%.1f\", $t/($ours>0?$ours:1)}")x"
  else
    echo "N=$n rulesync: not installed, skipped"
  fi
done
