import { createHmac, randomBytes } from 'node:crypto';
import { Agent, request } from 'undici';
import type { Vault } from '../crypto/envelope.ts';
import type { WebhookRepo } from '../store/repos/webhook.repo.ts';
import { assertSafeBaseUrl, guardedLookup } from '../upstream/ssrf-guard.ts';

export interface DispatcherOptions {
  repo: Pick<WebhookRepo, 'claimDue' | 'finishAttempt' | 'findById'>;
  vault: Pick<Vault, 'decrypt'>;
  allowPrivate: boolean;
  /** How often the outbox is polled (a local enqueue also wakes it). Default 2 s. */
  pollMs?: number;
  /** First retry delay; each further one doubles, up to an hour. Default 5 s. */
  retryBaseMs?: number;
  maxAttempts?: number;
  timeoutMs?: number;
  now?: () => number;
  onError?: (e: unknown) => void;
}

export const webhookSecretContext = (organisationId: string, recordId: string) => ({ organisationId, recordId, purpose: 'webhook_secret' });

/** `sha256=<hex HMAC-SHA256(secret, body)>`, the X-Odock-Signature header of every delivery. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Sends the webhook outbox. Every instance runs one; a delivery is claimed by a conditional UPDATE
 * before it is sent (webhook.repo.ts claimDue), so it goes out once however many instances poll,
 * and a claim that outlives a crashed instance expires and is taken again. Failures (non-2xx,
 * network, timeout) are retried with exponential backoff; the row keeps the attempt count and
 * the last outcome, which is what the deliveries list shows. Redirects are not followed, and every
 * resolved address passes the SSRF guard at connect time.
 */
export class WebhookDispatcher {
  private readonly agent: Agent;
  private readonly owner = randomBytes(8).toString('hex');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly o: DispatcherOptions) {
    this.now = o.now ?? Date.now;
    this.agent = new Agent({ connect: { timeout: o.timeoutMs ?? 10_000, lookup: guardedLookup(o.allowPrivate) as never }, keepAliveTimeout: 10_000 });
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.kick(), this.o.pollMs ?? 2000);
    this.timer.unref();
  }

  /** Runs one pass now (or right after the running one). Resolves when the outbox has been looked at. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.pass();
        } catch (e) {
          this.o.onError?.(e);
        }
      } while (this.again && !this.stopped);
    })().finally(() => { this.running = undefined; });
    return this.running;
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.agent.close();
  }

  private async pass(): Promise<void> {
    const now = this.now();
    const timeout = this.o.timeoutMs ?? 10_000;
    const rows = await this.o.repo.claimDue(this.owner, new Date(now).toISOString(), new Date(now + timeout * 3).toISOString(), 20);
    await Promise.all(rows.map(async (d) => {
      const attempts = d.attempts + 1;
      let code: number | null = null;
      let error: string | null = null;
      try {
        const hook = await this.o.repo.findById(d.webhook_id);
        if (!hook) throw new Error('webhook deleted');
        // Checked again at send time: address literals never reach the connect-time lookup, and
        // the deployment may have stopped allowing private addresses since the URL was saved.
        try {
          assertSafeBaseUrl(hook.url, this.o.allowPrivate, 'url');
        } catch {
          throw Object.assign(new Error('refused by the SSRF guard'), { code: 'ESSRF' });
        }
        const secret = this.o.vault.decrypt(hook.secret_ciphertext, webhookSecretContext(hook.organisation_id, hook.id));
        const res = await request(hook.url, {
          method: 'POST', dispatcher: this.agent, body: d.payload, headersTimeout: timeout, bodyTimeout: timeout,
          headers: { 'content-type': 'application/json', 'user-agent': 'odock-webhooks/1', 'x-odock-event': d.event, 'x-odock-delivery': d.id, 'x-odock-signature': signBody(secret, d.payload) },
        } as Parameters<typeof request>[1]);
        code = res.statusCode;
        await res.body.dump();
        if (code < 200 || code >= 300) error = `HTTP ${code}`;
      } catch (e) {
        // The message only: never a header or the secret.
        error = ((e as NodeJS.ErrnoException).code ?? (e as Error).message ?? 'failed').slice(0, 200);
      }
      const at = new Date(this.now()).toISOString();
      if (error === null) {
        await this.o.repo.finishAttempt(d.id, this.owner, { status: 'DELIVERED', attempts, last_status_code: code, last_error: null, delivered_at: at });
        return;
      }
      const failed = attempts >= (this.o.maxAttempts ?? 8);
      const delay = Math.min(3_600_000, (this.o.retryBaseMs ?? 5000) * 2 ** (attempts - 1));
      await this.o.repo.finishAttempt(d.id, this.owner, {
        status: failed ? 'FAILED' : 'PENDING', attempts, last_status_code: code, last_error: error,
        next_attempt_at: new Date(this.now() + delay).toISOString(),
      });
    }));
  }
}
