import type { BootstrapResult } from '../admin/auth/bootstrap.service.ts';

/** The lines `npm start` prints once the port is open: where to go, and on a first start how to log in. */
export function startBanner(o: { host: string; port: number; store: string; ms: number; boot: BootstrapResult; workers?: number }): string {
  const shownHost = o.host === '0.0.0.0' || o.host === '::' ? 'localhost' : o.host;
  const url = `http://${shownHost}:${o.port}`;
  const workers = o.workers && o.workers > 1 ? `, ${o.workers} workers` : '';
  const lines = [
    `Odock is listening on ${url} (${o.store}${workers}) in ${o.ms} ms`,
    `  console: ${url}/   gateway: ${url}/v1   admin API: ${url}/api`,
  ];
  if (o.boot.created && o.boot.generatedPassword) {
    lines.push(`  First start: log in at ${url}/ as ${o.boot.email} with password ${o.boot.generatedPassword}`);
    lines.push('  (shown once; set ODOCK_ADMIN_EMAIL/ODOCK_ADMIN_PASSWORD to choose them, and change it in Users)');
  } else if (o.boot.created) {
    lines.push(`  First start: log in at ${url}/ as ${o.boot.email} with the password from ODOCK_ADMIN_PASSWORD`);
  }
  return lines.join('\n');
}
