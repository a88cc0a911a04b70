#!/usr/bin/env node
// Bundles the server (src/) and its dependencies into dist/odock.mjs with esbuild. Starting from the bundle takes a fraction of a second; running the sources through
// tsx would transpile every file on every start.
import { build } from 'esbuild';
import { readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const BUNDLE = 'dist/odock.mjs';

function newest(dir) {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

/** Whether the bundle is missing or older than any source file. */
export function bundleIsStale() {
  try {
    return statSync(BUNDLE).mtimeMs < Math.max(newest('src'), statSync('package-lock.json').mtimeMs);
  } catch {
    return true;
  }
}

export async function buildServer() {
  // Written aside and renamed, so a concurrent start never loads a half-written bundle.
  const tmp = `${BUNDLE}.${process.pid}.tmp.mjs`;
  await build({
    entryPoints: ['src/main.ts'],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Dependencies are bundled too: loading one file beats resolving thousands at every start.
    // Native and optional modules stay external.
    external: ['better-sqlite3', 'pg-native', 'cpu-features', 'ssh2'],
    // CommonJS dependencies call require(); give the ESM bundle one.
    banner: { js: "import { createRequire as __odockCreateRequire } from 'node:module'; const require = __odockCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  renameSync(tmp, BUNDLE);
}

if (import.meta.url === `file://${process.argv[1]}`) await buildServer();
