import type { FastifyInstance } from 'fastify';

// The page works offline (no CDN); its script (api-docs.client.ts) is served as a file of its own.
import { API_DOCS_SCRIPT as SCRIPT } from './api-docs.client.ts';
const CSP = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Odock admin API reference</title>
<style>
body{margin:0;font:15px/1.5 system-ui,sans-serif;color:#1a1b1e;display:flex}
nav{position:sticky;top:0;height:100vh;overflow:auto;padding:1rem 1.5rem;border-right:1px solid #e9ecef;min-width:12rem;box-sizing:border-box}
nav ul{list-style:none;padding:0}nav a{color:#1c7ed6;text-decoration:none}
main{padding:1rem 2rem;max-width:70rem;overflow-wrap:anywhere}
.op{border:1px solid #e9ecef;border-radius:8px;padding:.5rem 1rem;margin:.75rem 0}
h3{font-size:1rem;margin:.25rem 0}h4{margin:.5rem 0 .25rem;font-size:.85rem;color:#495057}
.m{display:inline-block;min-width:4rem;text-align:center;border-radius:4px;color:#fff;font-size:.8rem;padding:0 .25rem}
.m-get{background:#1c7ed6}.m-post{background:#2f9e44}.m-patch{background:#e67700}.m-delete{background:#c92a2a}.m-put{background:#7048e8}
.fields{border-collapse:collapse}.fields td{border-top:1px solid #f1f3f5;padding:.15rem .75rem .15rem 0;vertical-align:top}
.opt{color:#868e96;font-size:.8rem}.summary{margin:.25rem 0}.resp{margin:.25rem 0}code{font-family:ui-monospace,monospace;font-size:.85em}
</style></head>
<body><div id="docs" style="display:flex;width:100%"><p style="padding:2rem">Loading the API reference…</p></div>
<script src="/api/docs/api-docs.js"></script></body></html>`;

/** A readable reference of the admin API at /api/docs, rendered in the browser from /api/openapi.json. */
export async function apiDocsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/docs', async (_req, reply) => {
    reply.header('content-security-policy', CSP).header('x-frame-options', 'DENY').type('text/html; charset=utf-8');
    return PAGE;
  });
  app.get('/docs/api-docs.js', async (_req, reply) => {
    reply.header('content-security-policy', CSP).type('text/javascript; charset=utf-8');
    return SCRIPT;
  });
}
