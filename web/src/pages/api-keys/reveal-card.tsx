// "Reveal API Key": the eye reveals the full key once; Copy copies what is shown. Afterwards the
// server only ever returns the masked value, and the card says so (seed: "Reveal and Copy").
import { ActionIcon, Alert, Button, Card, CopyButton, Group, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconCheck, IconCopy, IconEye, IconEyeOff, IconLock } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../../api/client.ts';
import { api } from '../../api/endpoints.ts';
import type { ApiKey } from '../../api/types.ts';
import { useCanMutate, useOrgId } from '../../hooks/use-session.ts';
import { KeySnippets } from './key-snippets.tsx';

export function RevealCard(p: { apiKey: ApiKey; secret: string | null; onRevealed: (secret: string | null) => void }) {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const k = p.apiKey;
  const reveal = useMutation({
    mutationFn: () => api.revealApiKey(orgId, k.id),
    onSuccess: (r) => p.onRevealed(r.key),
    onError: (err) => {
      if (err instanceof ApiError && err.code === 'api_key_already_revealed') p.onRevealed(null);
      notifications.show({ color: 'red', title: 'Cannot reveal this key', message: errorMessage(err) });
    },
  });
  const shown = p.secret ?? k.maskedKey;
  const canReveal = !k.revealed && !p.secret && canMutate;

  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="reveal-title">
      <Stack gap="sm">
        <div>
          <Title order={4} id="reveal-title">Reveal API Key</Title>
          <Text size="sm" c="dimmed">The full virtual API key is shown only once. Store it in your secret manager or local environment.</Text>
        </div>
        <Group gap="xs" wrap="nowrap" align="flex-end">
          <TextInput
            aria-label={p.secret ? 'Revealed API key' : 'Masked API key'}
            data-testid={p.secret ? 'revealed-api-key' : 'masked-api-key'}
            value={shown}
            readOnly
            style={{ flex: 1 }}
            leftSection={p.secret ? <IconEye size={16} /> : <IconLock size={16} />}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13, background: p.secret ? 'var(--mantine-color-yellow-0)' : undefined } }}
            onFocus={(e) => e.currentTarget.select()}
          />
          <Tooltip label={canReveal ? 'Reveal the full key (once)' : p.secret ? 'Revealed' : k.revealed ? 'Already revealed' : 'Only admins and managers can reveal keys'}>
            <ActionIcon
              size={36}
              variant={canReveal ? 'filled' : 'default'}
              aria-label="Reveal API key"
              onClick={() => reveal.mutate()}
              loading={reveal.isPending}
              disabled={!canReveal}
            >
              {p.secret || k.revealed ? <IconEyeOff size={18} /> : <IconEye size={18} />}
            </ActionIcon>
          </Tooltip>
          {/* Only a usable secret can be copied: the mask is not a key. */}
          {p.secret && (
            <CopyButton value={p.secret} timeout={2000}>
              {({ copied, copy }) => (
                <Button onClick={copy} color={copied ? 'teal' : undefined} leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />} w={116}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          )}
        </Group>
        {p.secret ? (
          <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />}>
            Copy this key now (the snippets below use it). Once you leave or reload this page it is permanently masked, and the only way to get a usable value again is to rotate the key.
          </Alert>
        ) : null}
        {p.secret ? (
          <KeySnippets keyId={k.id} secret={p.secret} />
        ) : k.revealed ? (
          <Alert color="gray" variant="light" icon={<IconLock size={18} />}>
            This key has already been revealed and is permanently masked. Rotate it to issue a new secret.
          </Alert>
        ) : (
          <Text size="sm" c="dimmed">
            {canMutate ? 'Not revealed yet. Click the eye icon to reveal the full key.' : 'Not revealed yet. An admin or manager of this organisation can reveal it once.'}
          </Text>
        )}
      </Stack>
    </Card>
  );
}
