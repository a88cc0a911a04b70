#!/usr/bin/env node
// `npm start`: builds the console and the server bundle when they are missing or stale, then runs
// Odock in this process (so signals reach it directly).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { BUNDLE, buildServer, bundleIsStale } from './build-server.mjs';

if (!existsSync('web/dist/index.html') && existsSync('web/index.html')) {
  console.log('Building the web console (first start only)…');
  const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) console.error('The console could not be built; the gateway and admin API start without it.');
}
if (bundleIsStale()) await buildServer();
await import(pathToFileURL(resolve(BUNDLE)).href);
