import { Badge, Code, Group, Tooltip } from '@mantine/core';
import { CopyIcon } from './secret-field.tsx';
import type { ApiKey, ApiKeyType, Role } from '../api/types.ts';
import { API_KEY_TYPE_LABEL, formatDateTime } from '../lib/format.ts';

export function isExpired(k: Pick<ApiKey, 'expiry'>): boolean {
  return !!k.expiry && new Date(k.expiry).getTime() <= Date.now();
}

export function KeyStatusBadge({ apiKey }: { apiKey: Pick<ApiKey, 'revoked' | 'expiry'> }) {
  if (apiKey.revoked) return <Badge color="red" variant="light">Revoked</Badge>;
  if (isExpired(apiKey)) {
    return (
      <Tooltip label={`Expired ${formatDateTime(apiKey.expiry)}`}>
        <Badge color="orange" variant="light">Expired</Badge>
      </Tooltip>
    );
  }
  return <Badge color="teal" variant="light">Active</Badge>;
}

const TYPE_COLOR: Record<ApiKeyType, string> = { ORGANISATION: 'indigo', TEAM: 'grape', USER: 'cyan' };

export function KeyTypeBadge({ type }: { type: ApiKeyType }) {
  return <Badge color={TYPE_COLOR[type]} variant="outline" radius="sm">{API_KEY_TYPE_LABEL[type]}</Badge>;
}

const ROLE_COLOR: Record<Role, string> = { admin: 'indigo', manager: 'blue', member: 'gray' };

export function RoleBadge({ role }: { role: Role }) {
  return <Badge color={ROLE_COLOR[role]} variant="light" tt="capitalize">{role}</Badge>;
}

export function EnabledBadge({ enabled }: { enabled: boolean }) {
  return enabled ? <Badge color="teal" variant="dot">Enabled</Badge> : <Badge color="gray" variant="dot">Disabled</Badge>;
}

export function Mono({ children, wrap }: { children: React.ReactNode; wrap?: boolean }) {
  return <Code style={wrap ? { wordBreak: 'break-all' } : { whiteSpace: 'nowrap' }}>{children}</Code>;
}

/** A record id: monospace on one line, cut with an ellipsis when narrow (full id in the tooltip), with Copy. */
export function IdText({ id }: { id: string }) {
  return (
    <Group gap={4} wrap="nowrap" style={{ minWidth: 0 }}>
      <Tooltip label={id} withArrow openDelay={300}>
        <Code data-testid="record-id" style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', minWidth: 0, display: 'block' }}>{id}</Code>
      </Tooltip>
      <CopyIcon value={id} label="Copy ID" />
    </Group>
  );
}
