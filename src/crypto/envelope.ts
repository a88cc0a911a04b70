import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Envelope encryption for provider and MCP secrets (AES-256-GCM).
 * Each record gets its own data key, wrapped by the master key; the master key's id is stored
 * so rotation can re-wrap. The organisation, record id and purpose are bound as associated data,
 * so a ciphertext copied to another record or organisation fails to decrypt.
 *
 * Stored form: `v1.<kid>.<wrapped data key>.<sealed secret>` (base64url parts, each iv|ciphertext|tag).
 */
export class DecryptionError extends Error {
  constructor() {
    super('stored secret could not be decrypted');
    this.name = 'DecryptionError';
  }
}

export interface MasterKey {
  id: string;
  key: Buffer;
}

export function parseMasterKey(text: string): MasterKey {
  const t = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(t)) key = Buffer.from(t, 'hex');
  else {
    const b = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === 32) key = b;
  }
  if (!key) throw new Error('ODOCK_MASTER_KEY must be 32 bytes, given as 64 hex characters or base64');
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 12), key };
}

export function generateMasterKeyText(): string {
  return randomBytes(32).toString('base64url');
}

export interface SecretContext {
  organisationId: string;
  recordId: string;
  purpose: string; // e.g. 'provider_key', 'mcp_auth', 'api_key_pending'
}

function seal(key: Buffer, plaintext: Buffer, aad: Buffer): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(aad);
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([iv, ct, c.getAuthTag()]).toString('base64url');
}

function open(key: Buffer, sealed: string, aad: Buffer): Buffer {
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length < 12 + 16) throw new DecryptionError();
  const iv = raw.subarray(0, 12);
  const tag = raw.subarray(raw.length - 16);
  const ct = raw.subarray(12, raw.length - 16);
  try {
    const d = createDecipheriv('aes-256-gcm', key, iv);
    d.setAAD(aad);
    d.setAuthTag(tag);
    return Buffer.concat([d.update(ct), d.final()]);
  } catch {
    throw new DecryptionError();
  }
}

const aadOf = (ctx: SecretContext) => Buffer.from(`odock:${ctx.purpose}:${ctx.organisationId}:${ctx.recordId}`, 'utf8');

export class Vault {
  constructor(private readonly master: MasterKey) {}

  get keyId(): string {
    return this.master.id;
  }

  encrypt(plaintext: string, ctx: SecretContext): string {
    const dataKey = randomBytes(32);
    const wrapped = seal(this.master.key, dataKey, Buffer.from(`odock:dek:${this.master.id}`));
    const body = seal(dataKey, Buffer.from(plaintext, 'utf8'), aadOf(ctx));
    return `v1.${this.master.id}.${wrapped}.${body}`;
  }

  decrypt(stored: string, ctx: SecretContext): string {
    const parts = stored.split('.');
    if (parts.length !== 4 || parts[0] !== 'v1' || parts[1] !== this.master.id) throw new DecryptionError();
    const dataKey = open(this.master.key, parts[2], Buffer.from(`odock:dek:${this.master.id}`));
    return open(dataKey, parts[3], aadOf(ctx)).toString('utf8');
  }

  /** Re-wrap a stored secret's data key under another master key; the secret itself is not touched. */
  rewrap(stored: string, next: MasterKey): string {
    const parts = stored.split('.');
    if (parts.length !== 4 || parts[0] !== 'v1' || parts[1] !== this.master.id) throw new DecryptionError();
    const dataKey = open(this.master.key, parts[2], Buffer.from(`odock:dek:${this.master.id}`));
    const wrapped = seal(next.key, dataKey, Buffer.from(`odock:dek:${next.id}`));
    return `v1.${next.id}.${wrapped}.${parts[3]}`;
  }
}
