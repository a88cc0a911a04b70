import type { GatewayError } from '../../errors/index.ts';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page a browser lands on when a company sign-in is refused: what happened, and the way back. No session was opened. */
export function ssoErrorPage(e: GatewayError): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in refused · Odock</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}code{background:#f3f3f3;padding:0 .3em}</style></head>
<body><h1>Sign-in refused</h1><p id="sso-error-message">${escape(e.message)}</p><p>Error code: <code id="sso-error-code">${escape(e.code)}</code></p>
<p><a href="/login">Back to the login page</a></p></body></html>`;
}
