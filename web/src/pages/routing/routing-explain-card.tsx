// The routing dry run: pick a key and a model, see the candidates and deployments a call would
// try, in order, and why the others are left out (not granted, cooling down until …).
import { Alert, Badge, Button, Card, Group, List, Select, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../../api/client.ts';
import { routingApi } from '../../api/routing-endpoints.ts';
import type { RoutingExplanation } from '../../api/routing-types.ts';
import { useOrgId } from '../../hooks/use-session.ts';
import { PROVIDER_LABEL } from '../../lib/format.ts';
import type { useRoutingNames } from './routing-queries.ts';

export function RoutingExplainCard({ names }: { names: ReturnType<typeof useRoutingNames> }) {
  const orgId = useOrgId();
  const [keyId, setKeyId] = useState<string | null>(null);
  const [model, setModel] = useState<string | null>(null);
  const [result, setResult] = useState<RoutingExplanation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const explain = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await routingApi.routingExplain(orgId, keyId!, model!));
    } catch (e) {
      setResult(null);
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card withBorder radius="md" padding="lg" mt="lg" component="section" aria-label="Explain routing">
      <Title order={4}>Explain routing</Title>
      <Text size="sm" c="dimmed" mb="sm">What a call from this key for this model would try now, in order.</Text>
      <Group align="flex-end" gap="sm">
        <Select label="API key" searchable w={240} value={keyId} onChange={setKeyId} data={names.keys.map((k) => ({ value: k.id, label: k.name ?? k.maskedKey }))} />
        <Select label="Model" searchable w={240} value={model} onChange={setModel} data={names.models.map((m) => m.name)} />
        <Button onClick={() => void explain()} disabled={!keyId || !model} loading={busy}>Explain</Button>
      </Group>
      {error && <Alert color="red" mt="md">{error}</Alert>}
      {result && (
        <Stack gap="xs" mt="md" aria-label="Routing explanation">
          {!result.allowed ? <Alert color="orange">This key is not granted {result.model.name}: the call is refused (model_not_allowed).</Alert> : (
            <>
              {result.note && <Text size="sm">{result.note}</Text>}
              <List type="ordered" spacing={4}>
                {result.order.map((t) => (
                  <List.Item key={`${t.position}`}>
                    <Text size="sm" span fw={500}>{t.modelName}</Text>
                    <Text size="sm" span c="dimmed"> · {PROVIDER_LABEL[t.providerType] ?? t.providerType} · {t.slug}{t.deploymentId ? ` · weight ${t.weight}` : ''}</Text>
                    {!t.willTry && <Badge ml="xs" size="xs" color="gray" variant="outline">beyond max attempts</Badge>}
                  </List.Item>
                ))}
              </List>
              {result.skipped.map((s, i) => (
                <Text key={i} size="sm" c="orange.8">Skipped {s.modelName ?? 'a removed model'}{s.deploymentId ? ' (a deployment)' : ''}: {s.explanation}</Text>
              ))}
            </>
          )}
        </Stack>
      )}
    </Card>
  );
}
