#!/usr/bin/env node
// Runs the whole suite with node's own test runner (tsx loads TypeScript).
// Test files: src/**/*.test.ts and test/**/*.test.ts. Pass file paths to run a subset.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

function walk(dir, out) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const files = args.length ? args : [...walk('src', []), ...walk('test', [])].sort();
if (files.length === 0) { console.error('no test files found'); process.exit(1); }
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const totals = { pass: 0, fail: 0, skipped: 0 };
const run = (list, n) => new Promise((resolve) => {
  const child = spawn(process.execPath, [
    '--import', 'tsx', '--test', `--test-concurrency=${n}`, '--test-reporter=spec', ...list,
  ], { stdio: ['inherit', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'test' } });
  // The runner's own totals (`ℹ pass N`…) come before its list of failures, which may be long:
  // read them line by line as they pass, never from a tail of the output.
  const found = {};
  let partial = '';
  child.stdout.on('data', (d) => {
    process.stdout.write(d);
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      const m = /^ℹ (pass|fail|skipped) (\d+)$/.exec(line);
      if (m) found[m[1]] = Number(m[2]);
    }
  });
  child.on('close', (code) => {
    for (const k of Object.keys(totals)) totals[k] += found[k] ?? 0;
    // A runner that exited badly without counting a failure (a crash, a file that failed to load) still failed.
    if (code !== 0 && !found.fail) totals.fail += 1;
    resolve(code ?? 1);
  });
});

// Browser tests run after the rest, one file at a time: a Chromium beside the other suites on
// two cores stretches every wait, and their timeouts are better spent on one browser.
const isBrowser = (f) => f.split(/[\\/]/).includes('e2e-console');
const rest = files.filter((f) => !isBrowser(f));
const browser = files.filter(isBrowser);
const status = (rest.length ? await run(rest, concurrency) : 0) | (browser.length ? await run(browser, '1') : 0);
// One closing line for both passes.
console.log(`${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(status);
