#!/usr/bin/env node
// Bundles the server (src/) and its dependencies into dist/odock.mjs with esbuild. Starting from the bundle takes a fraction of a second; running the sources through
// tsx would transpile every file on every start.
import { build } from 'esbuild';
import { copyFileSync, existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const BUNDLE = 'dist/odock.mjs';
/** Read at run time from the module's own directory: the API reference page's script (src/admin/shared/api-docs). */
const BESIDE_MODULE = ['src/admin/shared/api-docs/api-docs.client.js'];

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
    if (!BESIDE_MODULE.every((f) => existsSync(join('dist', f.split('/').pop())))) return true;
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
  // Files the server reads beside its own module (new URL('./x', import.meta.url)) go beside the bundle.
  for (const f of BESIDE_MODULE) copyFileSync(f, join('dist', f.split('/').pop()));
  renameSync(tmp, BUNDLE);
}


if (import.meta.url === `file://${process.argv[1]}`) await buildServer();
