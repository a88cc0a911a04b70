// The Audit log page (filters, changes, CSV export) and the invitations console (resend, revoke),
// driven in Chromium against a real Odock serving the built console.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AdminClient } from '../helpers/admin-client.ts';
import { startOdock } from '../helpers/odock.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../helpers/odock.ts';
import { ensureConsoleBuilt, goTo, launchBrowser, login, needChromium, newContext, openDialog, shot, stepper, watchErrors } from './browser.ts';

const accept = (url: string, token: string) => fetch(`${url}/api/auth/invitations/accept`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, password: 'invitee-password-1' }),
});

test('console: audit log page and invitations resend/revoke', async (t) => {
  if (!needChromium(t)) return;
  await ensureConsoleBuilt();
  const odock = await startOdock({ serveConsole: true });
  t.after(() => odock.close());

  // History to look at: changes by the admin's session and by an access token.
  const admin = await AdminClient.login(odock.url);
  const orgId = await admin.defaultOrgId();
  const org = `/api/organisations/${orgId}`;
  const team = await admin.ok('POST', `${org}/teams`, { name: 'Platform' });
  await admin.ok('PATCH', `${org}/teams/${team.id}`, { name: 'Platform Ops' });
  const token = await admin.ok('POST', '/api/auth/tokens', { name: 'release-bot' });
  await new AdminClient(odock.url, token.token).ok('POST', `${org}/api-keys`, { type: 'ORGANISATION', name: 'bot-key' });
  const invitation = await admin.ok('POST', `${org}/invitations`, { email: 'ivy@example.test', role: 'member' });

  const browser = await launchBrowser();
  t.after(() => browser.close());
  const context = await newContext(browser, odock.url);
  const page = await context.newPage();
  const errors = watchErrors(page);
  const step = stepper(t, page);
  let newLink = '';

  await step('log in', () => login(page, ADMIN_EMAIL, ADMIN_PASSWORD));

  await step('invitations: resend gives a new link and ends the old one', async () => {
    await goTo(page, 'Users');
    const pending = page.getByRole('table', { name: 'Pending invitations' });
    await pending.getByText('ivy@example.test').waitFor();
    await pending.getByRole('button', { name: 'Resend invitation for ivy@example.test' }).click();
    const dlg = await openDialog(page, 'New invitation link');
    newLink = await dlg.getByLabel('Invitation link').inputValue();
    assert.match(newLink, /\/accept-invitation#token=odi_/);
    assert.notEqual(newLink, invitation.url);
    await shot(page, 'audit-00-invitation-resent');
    await dlg.getByRole('button', { name: 'Done' }).click();
    await dlg.waitFor({ state: 'detached' });
    assert.equal((await accept(odock.url, invitation.token)).status, 404, 'the old link no longer works');
    assert.equal(await pending.getByText('ivy@example.test').count(), 1, 'still one pending invitation for the email');
  });

  await step('invitations: revoke ends the new link too', async () => {
    const pending = page.getByRole('table', { name: 'Pending invitations' });
    await pending.getByRole('button', { name: 'Revoke invitation for ivy@example.test' }).click();
    await (await openDialog(page, /Revoke the invitation/)).getByRole('button', { name: 'Revoke invitation' }).click();
    await page.getByText('No pending invitations').waitFor();
    assert.equal((await accept(odock.url, newLink.split('#token=')[1])).status, 404);
  });

  await step('audit log: every change listed, newest first, tokens named as actors', async () => {
    await goTo(page, 'Audit log');
    const table = page.getByRole('table', { name: 'Audit log' });
    await table.getByText('invitation.revoke').waitFor();
    for (const action of ['invitation.resend', 'invitation.create', 'api_key.create', 'team.update', 'team.create']) {
      await table.getByText(action, { exact: true }).first().waitFor();
    }
    const row = table.getByRole('row').filter({ hasText: 'api_key.create' }).filter({ hasText: 'release-bot' });
    await row.getByText('Token').waitFor();
    await row.getByText(`of ${ADMIN_EMAIL}`).waitFor();
    const html = await page.content();
    for (const secret of [invitation.token, newLink.split('#token=')[1], token.token]) assert.ok(!html.includes(secret), 'no secret on the page');
    await shot(page, 'audit-01-log');
  });

  await step('audit log: filters by action and actor, and a date range', async () => {
    const table = page.getByRole('table', { name: 'Audit log' });
    const actionInput = page.locator('input[aria-label="Filter by action"]');
    await actionInput.click();
    await actionInput.fill('team');
    await page.getByRole('option', { name: 'team', exact: true }).click();
    await table.getByText('invitation.create').waitFor({ state: 'detached' });
    assert.equal(await table.getByText('team.create', { exact: true }).count(), 1);
    assert.equal(await table.getByText('team.update', { exact: true }).count(), 1);
    await page.getByRole('button', { name: 'Changes of team.update' }).click();
    const dlg = await openDialog(page, 'team.update');
    await dlg.getByText('"Platform"').waitFor();
    await dlg.getByText('"Platform Ops"').waitFor();
    await shot(page, 'audit-02-changes');
    await page.keyboard.press('Escape');
    await dlg.waitFor({ state: 'detached' });
    // Filters live in the page: a reload starts from none.
    await page.reload();
    await table.getByText('invitation.create').waitFor();
    await page.getByLabel('Filter by actor').fill('release-bot');
    await table.getByText('api_key.create').waitFor();
    await table.getByText('team.create').waitFor({ state: 'detached' });
    const tomorrow = new Date(Date.now() + 86_400_000);
    const day = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}`;
    await page.getByLabel('From date').fill(day);
    await page.getByText('Nothing matches these filters.').waitFor();
    await page.getByLabel('From date').fill('');
    await table.getByText('api_key.create').waitFor();
  });

  await step('audit log: CSV export of the filtered entries', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split('\r\n');
    assert.match(lines[0], /^at,organisation_id,actor_type/);
    assert.ok(lines.slice(1).length >= 1 && lines.slice(1).every((l) => l.includes('release-bot')), 'only the filtered actor');
    assert.ok(lines.some((l) => l.includes('api_key.create')));
    assert.ok(!csv.includes(token.token));
  });

  await step('no page errors', async () => {
    assert.deepEqual(errors, []);
  });
});
