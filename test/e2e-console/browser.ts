// Debian's Chromium driven by playwright-core (never a downloaded browser), the built console,
// and small page helpers shared by the console tests.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '../..');
export const SHOTS_DIR = join(ROOT, 'test-results', 'console');

/** Skips (outside CI) or fails loudly (in CI) when Chromium is not installed. */
export function needChromium(t: TestContext): boolean {
  if (existsSync(CHROMIUM)) return true;
  const msg = `Chromium not found at ${CHROMIUM}: install it with apt-get install -y chromium`;
  if (process.env.CI) throw new Error(msg);
  t.skip(msg);
  return false;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

/**
 * Builds web/dist when it is missing or older than the console's sources, so the tests never
 * drive a stale build. Test files run in parallel: a directory lock keeps two builds from
 * emptying web/dist under each other's server.
 */
export async function ensureConsoleBuilt(): Promise<void> {
  const index = join(ROOT, 'web/dist/index.html');
  const fresh = () => {
    const sources = Math.max(newestMtime(join(ROOT, 'web/src')), statSync(join(ROOT, 'web/index.html')).mtimeMs, statSync(join(ROOT, 'web/vite.config.ts')).mtimeMs);
    return existsSync(index) && statSync(index).mtimeMs >= sources;
  };
  if (fresh()) return;
  const lock = join(ROOT, 'test-results', '.console-build.lock');
  mkdirSync(join(ROOT, 'test-results'), { recursive: true });
  const until = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A stale lock (a crashed build) is older than any build takes.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > until) throw new Error('timed out waiting for another console build');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (fresh()) return;
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('vite build of the console failed');
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export async function newContext(browser: Browser, baseURL: string, viewport = { width: 1366, height: 900 }): Promise<BrowserContext> {
  // Reduced motion: the console then skips its transitions (theme.respectReducedMotion), so no
  // step depends on how long a dialog takes to fade on a loaded machine.
  const ctx = await browser.newContext({ baseURL, viewport, reducedMotion: 'reduce' });
  await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  // Generous: on a loaded 2-core machine three Chromiums and three Odocks share the CPU.
  ctx.setDefaultTimeout(30_000);
  return ctx;
}

/** Collects uncaught page errors, and anything the Content-Security-Policy blocked, so a test can assert neither happened. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text());
  });
  return errors;
}

/** Saves a full-page screenshot under test-results/console/ (git-ignored) once the page has settled. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  await page.waitForLoadState('networkidle').catch(() => {});
  // Skeletons mark loading tables and cards; wait for them to go.
  await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
  // Toasts would cover the page header; the screenshots are of the pages themselves.
  await page.screenshot({ path: join(SHOTS_DIR, `${name}.png`), fullPage: true, animations: 'disabled', style: '.mantine-Notifications-root { display: none !important; }' });
}

/** A form field by its visible label; Mantine appends " *" to required labels. */
export function field(scope: Page | Locator, label: string): Locator {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return scope.getByLabel(new RegExp(`^${escaped}( \\*)?$`));
}

/** Picks an option of a Mantine Select (a combobox with a listbox of options). */
export async function choose(page: Page, scope: Page | Locator, label: string, option: string | RegExp): Promise<void> {
  const input = field(scope, label);
  await input.click();
  // Searchable selects (timezones) only list the first matches: type to narrow them down.
  if (typeof option === 'string' && (await input.getAttribute('readonly')) === null) await input.fill(option);
  await page.getByRole('option', { name: option, exact: typeof option === 'string' }).click();
}

export async function login(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.waitForLoadState('networkidle');
  await field(page, 'Email').fill(email);
  await field(page, 'Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/orgs\/[^/]+\/providers/);
}

/** Clicks a dialog's button and waits until the dialog is gone, so later lookups never see its contents. */
export async function submitDialog(dlg: Locator, button: string): Promise<void> {
  await dlg.getByRole('button', { name: button, exact: true }).click();
  await dlg.waitFor({ state: 'detached' });
}

export function dialog(page: Page, title: string | RegExp): Locator {
  return page.getByRole('dialog', { name: title });
}

/**
 * A dialog once it has finished opening. Dialogs fade and slide in; on a loaded machine a click
 * aimed at a button that is still sliding can land beside it and do nothing. So wait for the
 * state "at rest" (fully opaque, no transition running on it), never for a duration.
 */
export async function openDialog(page: Page, title: string | RegExp): Promise<Locator> {
  const dlg = dialog(page, title);
  await dlg.evaluate(async (el) => {
    const deadline = performance.now() + 15_000; // a safety net for a dialog that never settles, not a wait
    for (;;) {
      const running = el.getAnimations();
      if (running.length === 0 && getComputedStyle(el).opacity === '1') return;
      if (performance.now() > deadline) throw new Error('the dialog did not finish opening');
      if (running.length) await Promise.all(running.map((a) => a.finished.catch(() => undefined)));
      else await new Promise((r) => requestAnimationFrame(r));
    }
  });
  return dlg;
}

/** Follows a section link of the navigation, as an operator would. */
export async function goTo(page: Page, section: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: section, exact: true }).click();
  await page.getByRole('heading', { level: 2, name: section, exact: true }).waitFor();
}

/** Runs dependent steps as subtests: after a failure the rest are skipped (not failed in cascade) and the page is captured. */
export function stepper(t: TestContext, page: Page) {
  let broken = false;
  return (name: string, fn: () => Promise<void>) => t.test(name, async (st) => {
    if (broken) return st.skip('an earlier step failed');
    try {
      await fn();
    } catch (err) {
      broken = true;
      await shot(page, `failure-${name.replace(/\W+/g, '-').slice(0, 60)}`).catch(() => {});
      // What the page was on and what the session looked like, for a failure seen only in CI.
      const me = await page.evaluate(async () => (await fetch('/api/auth/me')).text()).catch((e: Error) => `unavailable: ${e.message}`);
      st.diagnostic(`url: ${page.url()}`);
      st.diagnostic(`/api/auth/me: ${me.slice(0, 500)}`);
      throw err;
    }
  });
}
