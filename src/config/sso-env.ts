import { z } from 'zod';

// Company sign-in (OpenID Connect, GitHub) and OpenTelemetry variables, merged into env.ts's one schema.
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const httpUrl = z.string().url().regex(/^https?:\/\//, 'must be an http(s) URL').transform((u) => u.replace(/\/+$/, ''));
const role = z.enum(['admin', 'manager', 'member']);

/** `{"<group>": {"role": "admin", "teams": ["Platform"]}}`: what membership of an IdP group gives. */
const GroupMapping = z.record(z.string().min(1).max(200), z.object({
  role: role.optional(),
  teams: z.array(z.string().min(1).max(200)).max(100).optional(),
}).strict());
export type GroupMapping = z.infer<typeof GroupMapping>;

const jsonOf = <T extends z.ZodType>(schema: T) => z.string().transform((text, ctx) => {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data as z.infer<T>;
    ctx.addIssue({ code: 'custom', message: `invalid mapping: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` });
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be JSON' });
  }
  return z.NEVER;
});

/** `k1=v1,k2=v2` (the OTLP header list format), values URL-decoded. */
const headerList = z.string().transform((text, ctx) => {
  const out: Record<string, string> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim().toLowerCase();
    if (eq < 1 || !/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
      ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of name=value' });
      return z.NEVER;
    }
    out[name] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
});

export const ssoEnvShape = {
  /** The URL people reach the console at; redirect URIs are `<url>/api/auth/oidc/callback` (unset: the browser's Host). */
  ODOCK_PUBLIC_URL: httpUrl.optional(),
  /** `false`: only company sign-in; /api/auth/login answers 403 password_login_disabled. */
  ODOCK_PASSWORD_LOGIN: bool.default(true),
  /** Exactly as the provider's `iss` spells it (some end in `/`: kept, since ID tokens are compared with it). */
  OIDC_ISSUER: z.string().url().regex(/^https?:\/\//, 'must be an http(s) URL').optional(),
  OIDC_CLIENT_ID: z.string().min(1).max(500).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).max(2000).optional(),
  OIDC_SCOPES: z.string().regex(/^[\x21-\x7e]+( [\x21-\x7e]+)*$/, 'must be space-separated scopes').default('openid email profile'),
  /** The button says "Sign in with <this>". */
  OIDC_DISPLAY_NAME: z.string().min(1).max(60).default('OpenID Connect'),
  /** The ID token / userinfo claim listing the person's groups. */
  OIDC_GROUPS_CLAIM: z.string().min(1).max(200).default('groups'),
  OIDC_GROUP_MAPPING: jsonOf(GroupMapping).optional(),
  GITHUB_CLIENT_ID: z.string().min(1).max(500).optional(),
  GITHUB_CLIENT_SECRET: z.string().min(1).max(2000).optional(),
  /** Only members of this GitHub organisation may sign in. */
  GITHUB_ALLOWED_ORG: z.string().regex(/^[A-Za-z0-9-]{1,100}$/).optional(),
  GITHUB_OAUTH_URL: httpUrl.default('https://github.com'),
  GITHUB_API_URL: httpUrl.default('https://api.github.com'),
  /** The organisation (id or exact name) people signing in for the first time join, with SSO_DEFAULT_ROLE. */
  SSO_ORGANISATION: z.string().min(1).max(200).optional(),
  SSO_DEFAULT_ROLE: role.default('member'),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  /** Used as-is (no `/v1/traces` appended), as the OpenTelemetry specification says. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
  OTEL_EXPORTER_OTLP_HEADERS: headerList.optional(),
  OTEL_SERVICE_NAME: z.string().min(1).max(200).default('odock'),
};

const SsoEnvSchema = z.object(ssoEnvShape);
type SsoEnv = z.infer<typeof SsoEnvSchema>;

/** Settings that only make sense together; each message names the variable to fix. */
export function ssoEnvIssues(env: SsoEnv): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const oidc = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET].filter(Boolean).length;
  if (oidc > 0 && oidc < 3) issues.push({ path: 'OIDC_ISSUER', message: 'OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set together' });
  if (oidc === 3 && !env.OIDC_SCOPES.split(' ').includes('openid')) issues.push({ path: 'OIDC_SCOPES', message: 'must include openid' });
  const github = [env.GITHUB_CLIENT_ID, env.GITHUB_CLIENT_SECRET].filter(Boolean).length;
  if (github === 1) issues.push({ path: 'GITHUB_CLIENT_ID', message: 'GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET are set together' });
  if (!env.ODOCK_PASSWORD_LOGIN && oidc < 3 && github < 2) issues.push({ path: 'ODOCK_PASSWORD_LOGIN', message: 'false needs OIDC or GitHub sign-in configured, or nobody could sign in' });
  return issues;
}

export interface SsoConfig {
  oidc?: { issuer: string; clientId: string; clientSecret: string; scopes: string; displayName: string; groupsClaim: string; groupMapping: GroupMapping };
  github?: { clientId: string; clientSecret: string; allowedOrg?: string; oauthUrl: string; apiUrl: string };
  publicUrl?: string;
  passwordLogin: boolean;
  organisation?: string;
  defaultRole: 'admin' | 'manager' | 'member';
}

export interface OtelConfig { tracesEndpoint: string; headers: Record<string, string>; serviceName: string }

/** The derived, grouped views env.ts adds to the frozen config. */
export function deriveSso(env: SsoEnv): { sso: SsoConfig; otel?: OtelConfig } {
  const sso: SsoConfig = { publicUrl: env.ODOCK_PUBLIC_URL, passwordLogin: env.ODOCK_PASSWORD_LOGIN, organisation: env.SSO_ORGANISATION, defaultRole: env.SSO_DEFAULT_ROLE };
  if (env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET) {
    sso.oidc = {
      issuer: env.OIDC_ISSUER, clientId: env.OIDC_CLIENT_ID, clientSecret: env.OIDC_CLIENT_SECRET, scopes: env.OIDC_SCOPES,
      displayName: env.OIDC_DISPLAY_NAME, groupsClaim: env.OIDC_GROUPS_CLAIM, groupMapping: env.OIDC_GROUP_MAPPING ?? {},
    };
  }
  if (env.GITHUB_CLIENT_ID && env.GITHUB_CLIENT_SECRET) {
    sso.github = { clientId: env.GITHUB_CLIENT_ID, clientSecret: env.GITHUB_CLIENT_SECRET, allowedOrg: env.GITHUB_ALLOWED_ORG, oauthUrl: env.GITHUB_OAUTH_URL, apiUrl: env.GITHUB_API_URL };
  }
  const tracesEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT && `${env.OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces`);
  const otel = tracesEndpoint ? { tracesEndpoint, headers: env.OTEL_EXPORTER_OTLP_HEADERS ?? {}, serviceName: env.OTEL_SERVICE_NAME } : undefined;
  return { sso, otel };
}
