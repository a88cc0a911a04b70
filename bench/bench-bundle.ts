// Odock as the bench measures it: bench/odock-server.ts bundled as `npm start` runs the server (an esbuild
// bundle, no TypeScript loader in the measured process). Shared by run.ts, ab.ts and profile.ts.
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Builds the bundle (to `outfile`, default reports/odock-server.bundle.mjs) and returns its path. */
export async function buildBenchBundle(outfile = join(here, 'reports', 'odock-server.bundle.mjs')): Promise<string> {
  await build({
    entryPoints: [join(here, 'odock-server.ts')], outfile, bundle: true, platform: 'node',
    format: 'esm', target: 'node20', external: ['better-sqlite3', 'pg-native'], logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return outfile;
}

// `npx tsx bench/bench-bundle.ts [outfile]`: builds one, e.g. a copy of the code before a change for bench/ab.ts.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) console.log(await buildBenchBundle(process.argv[2] && resolve(process.argv[2])));
