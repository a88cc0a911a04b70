import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// The console is served by Odock itself at `/` (SPA fallback), so base is '/' and the
// build lands in web/dist where src/app.ts looks for it. In dev, /api goes to a local Odock.
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/api': process.env.ODOCK_DEV_API ?? 'http://127.0.0.1:8080' },
  },
});
