/** What the gateway needs to know about a virtual key; cached in L1 and (as JSON) in Redis. */
export interface AuthEntry {
  keyId: string;
  orgId: string;
  teamId: string | null;
  userId: string | null;
  type: string;
  /** Epoch ms, or null for no expiry. */
  expiresAt: number | null;
  revoked: boolean;
  policies: { organisation: unknown; team: unknown; key: unknown };
  modelIds: string[];
  mcpServerIds: string[];
}

export interface ResolvedAuth extends AuthEntry {
  modelIdSet: Set<string>;
  mcpServerIdSet: Set<string>;
}
