#!/usr/bin/env node
// `npm start`: builds the console and the server bundle when they are missing or stale, then runs
// Odock in this process (so signals reach it directly).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';
import { BUNDLE, buildServer, bundleIsStale } from './build-server.mjs';

const newest = (dir) => Math.max(0, ...readdirSync(dir).map((n) => {
  const s = statSync(join(dir, n));
  return s.isDirectory() ? newest(join(dir, n)) : s.mtimeMs;
}));
const consoleStale = () => existsSync('web/index.html')
  && (!existsSync('web/dist/index.html') || statSync('web/dist/index.html').mtimeMs < Math.max(newest('web/src'), statSync('web/index.html').mtimeMs));

if (consoleStale()) {
  console.log('Building the web console…');
  const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) console.error('The console could not be built; the gateway and admin API start without it.');
}
if (bundleIsStale()) await buildServer();
await import(pathToFileURL(resolve(BUNDLE)).href);
