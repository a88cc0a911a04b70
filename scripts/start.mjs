#!/usr/bin/env node
// `npm start`: builds the console once if it has not been built, then runs Odock in this process.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

if (!existsSync('web/dist/index.html') && existsSync('web/index.html')) {
  console.log('Building the web console (first start only)…');
  const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) console.error('The console could not be built; the gateway and admin API start without it.');
}
const { register } = await import('tsx/esm/api');
register();
await import('../src/main.ts');
