// Company sign-in for one's own login: the identities linked to it, and a "Link <provider>" button
// per configured provider (the server redirects to the provider and back, then links the identity
// to this login: how an existing login, a super-admin's included, starts signing in with the provider).
import { Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/endpoints.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useAuthProviders } from '../sso-buttons.tsx';

export function SignInCard() {
  const providers = useAuthProviders().data?.providers ?? [];
  const identities = useQuery({ queryKey: ['identities'], queryFn: api.listIdentities, enabled: providers.length > 0 });
  if (providers.length === 0) return null;
  const items = identities.data?.items ?? [];
  return (
    <Card withBorder radius="md" padding="lg" aria-label="Company sign-in">
      <Stack>
        <div>
          <Title order={4}>Company sign-in</Title>
          <Text size="sm" c="dimmed">Accounts at your identity provider that sign you in to this login.</Text>
        </div>
        {items.length === 0 ? <Text size="sm">No account linked yet.</Text> : (
          <Table>
            <Table.Thead><Table.Tr><Table.Th>Provider</Table.Th><Table.Th>Email</Table.Th><Table.Th>Last sign-in</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {items.map((i) => (
                <Table.Tr key={i.id}>
                  <Table.Td><Badge variant="light">{providers.find((p) => p.id === i.provider)?.name ?? i.provider}</Badge></Table.Td>
                  <Table.Td>{i.email ?? '—'}</Table.Td>
                  <Table.Td>{i.lastLoginAt ? formatDateTime(i.lastLoginAt) : '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Group>
          {providers.map((p) => <Button key={p.id} component="a" href={`${p.loginUrl}?link=1`} variant="default">Link {p.name}</Button>)}
        </Group>
      </Stack>
    </Card>
  );
}
