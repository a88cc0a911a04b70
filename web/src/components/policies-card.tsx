// Policies are a JSON object (product.md, "Policies"); an editor with the documented example is
// clearer than a dozen optional number fields, and the server's validation message is shown in place.
// No format-on-blur: reflowing the editor on blur moves the Save button away from a pending click.
import { Anchor, Button, Card, Group, JsonInput, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { errorMessage } from '../api/client.ts';
import type { Policies } from '../api/types.ts';

const EXAMPLE: Policies = {
  ip: { allowlist: ['10.0.0.0/8'], blocklist: [] },
  ratelimit: {
    requests: { per_second: 5, per_minute: 100, burst: 10 },
    tokens: { per_minute: 50000 },
    concurrency: { max: 4, lease_ttl_seconds: 120 },
    payload: { max_request_bytes: 1048576, max_tokens: 4096 },
  },
};

function pretty(p: Policies | null | undefined): string {
  return p && Object.keys(p).length ? JSON.stringify(p, null, 2) : '{}';
}

export function PoliciesCard(p: { policies: Policies | null | undefined; canEdit: boolean; onSave: (policies: Policies) => Promise<unknown>; scope: string }) {
  const [text, setText] = useState(pretty(p.policies));
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  useEffect(() => setText(pretty(p.policies)), [p.policies]);
  const dirty = text.trim() !== pretty(p.policies).trim();

  const save = async () => {
    let parsed: Policies;
    try {
      parsed = JSON.parse(text || '{}');
    } catch {
      setError('Not valid JSON');
      return;
    }
    setBusy(true);
    try {
      await p.onSave(parsed);
      setError(undefined);
      notifications.show({ color: 'teal', message: 'Policies saved' });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="sm">
        <div>
          <Title order={4}>Policies</Title>
          <Text size="sm" c="dimmed">
            Limits for this {p.scope}: IP allow/block lists, request and token rates, concurrency and payload size. Every field is optional; requests must
            pass the policies of their organisation, team, key and model.{' '}
            {p.canEdit && <Anchor component="button" size="sm" onClick={() => setText(JSON.stringify(EXAMPLE, null, 2))}>Insert example</Anchor>}
          </Text>
        </div>
        <JsonInput
          aria-label={`Policies of this ${p.scope}`}
          value={text}
          onChange={(v) => { setText(v); setError(undefined); }}
          autosize
          minRows={4}
          maxRows={18}
          validationError="Not valid JSON"
          error={error}
          readOnly={!p.canEdit}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
        />
        {p.canEdit && (
          <Group justify="flex-end">
            <Button variant="default" disabled={!dirty || busy} onClick={() => { setText(pretty(p.policies)); setError(undefined); }}>Reset</Button>
            <Button onClick={save} loading={busy} disabled={!dirty}>Save policies</Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}
