import type { TestContext } from 'node:test';
import { startOdock, type OdockOptions, type TestOdock } from '../helpers/odock.ts';
import { AdminClient } from '../helpers/admin-client.ts';
import { needPostgres, type DialectName } from '../helpers/services.ts';

export interface OrgFixture {
  orgId: string;
  base: string;
  providerId: string;
  providerKeyId: string;
  /** name → id of the org's models: gpt-4.1, gpt-4.1-mini, gpt-4.1-nano. */
  models: Record<string, string>;
}

export interface AdminFixture {
  odock: TestOdock;
  admin: AdminClient;
  org: OrgFixture;
}

/**
 * One listening Odock for a whole test file on a dialect, logged in as the first operator, with
 * OpenAI active, a provider key and three models in the Default organisation. Returns undefined
 * (the test skipped) when PostgreSQL is not there outside CI.
 */
export async function adminFixture(t: TestContext, dialect: DialectName, opts: OdockOptions = {}): Promise<AdminFixture | undefined> {
  if (dialect === 'postgres') {
    const reason = await needPostgres();
    if (reason) {
      t.skip(reason);
      return undefined;
    }
  }
  const odock = await startOdock({ ...opts, dialect });
  t.after(() => odock.close());
  const admin = await AdminClient.login(odock.url);
  const org = await populateOrg(admin, await admin.defaultOrgId());
  return { odock, admin, org };
}

/** OpenAI active with a key and three models in an organisation. */
export async function populateOrg(admin: AdminClient, orgId: string): Promise<OrgFixture> {
  const base = `/api/organisations/${orgId}`;
  const provider = await admin.ok('POST', `${base}/providers`, { type: 'OPENAI' });
  const key = await admin.ok('POST', `${base}/providers/${provider.id}/keys`, { name: 'Primary', key: `sk-test-${crypto.randomUUID()}` });
  const batch = await admin.ok('POST', `${base}/models/batch`, { providerId: provider.id, providerApiKeyId: key.id, slugs: ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano'] });
  const models: Record<string, string> = {};
  for (const m of batch.items) models[m.name] = m.id;
  return { orgId, base, providerId: provider.id, providerKeyId: key.id, models };
}

/** A second organisation, created by the super-admin. */
export async function createOrg(admin: AdminClient, name: string): Promise<OrgFixture> {
  const org = await admin.ok('POST', '/api/organisations', { name });
  return populateOrg(admin, org.id);
}

/** What the gateway says to a virtual key: status, error code, and the model ids it may list. */
export async function gatewayModels(url: string, key: string): Promise<{ status: number; code?: string; ids?: string[] }> {
  const res = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
  const body = (await res.json()) as { data?: Array<{ id: string }>; error?: { code: string } };
  return { status: res.status, code: body.error?.code, ids: body.data?.map((m) => m.id).sort() };
}

/** A local date-time string (YYYY-MM-DDTHH:mm:ss) of an instant in a time zone. */
export function wallTime(instantMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(instantMs));
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}`;
}
