// Playground: chat through the gateway as one of the organisation's keys, with a model that key
// is granted. The console never holds a key's secret after reveal, so the server runs the call
// as the key record (POST …/playground/chat): grant, policies and usage as for any client call.
import { Alert, Button, Card, Group, Paper, ScrollArea, Select, Stack, Text, Textarea } from '@mantine/core';
import { IconAlertTriangle, IconMessageChatbot, IconSend, IconTrash } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { errorMessage } from '../../api/client.ts';
import { api, fetchAll } from '../../api/endpoints.ts';
import { tryOut, type ChatMessage } from '../../api/try-out.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { ReadOnlyNotice } from '../../components/read-only-notice.tsx';
import { useAllApiKeys } from '../../hooks/use-all-api-keys.ts';
import { useCanMutate, useOrgId } from '../../hooks/use-session.ts';

export function PlaygroundPage() {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const keys = useAllApiKeys(orgId, canMutate);
  const [keyId, setKeyId] = useState<string | null>(null);
  const [model, setModel] = useState<string | null>(null);
  const granted = useQuery({
    queryKey: ['org', orgId, 'api-keys', keyId, 'model-access', 'all'],
    queryFn: () => fetchAll((q) => api.listModelAccess(orgId, keyId!, q)),
    enabled: !!keyId,
  });
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [draft, setDraft] = useState('');
  const [streaming, setStreaming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);

  const usableKeys = (keys.data?.items ?? []).filter((k) => !k.revoked);
  const send = async () => {
    const text = draft.trim();
    if (!keyId || !model || !text) return;
    const history: ChatMessage[] = [...messages, { role: 'user', content: text }];
    setMessages(history);
    setDraft('');
    setError(null);
    setStreaming('');
    abort.current = new AbortController();
    try {
      const answer = await tryOut.chat(orgId, { apiKeyId: keyId, model, messages: history }, (d) => setStreaming((s) => (s ?? '') + d), abort.current.signal);
      setMessages([...history, { role: 'assistant', content: answer }]);
    } catch (err) {
      if (!abort.current.signal.aborted) setError(errorMessage(err));
    } finally {
      setStreaming(null);
    }
  };

  return (
    <>
      <PageHeader title="Playground" description="Chat through the gateway as one of this organisation's API keys. The call runs the key's grants and policies and is recorded in Usage (surface: playground)." />
      {!canMutate ? <ReadOnlyNotice /> : (
        <Stack>
          <Card withBorder radius="md" padding="lg" component="section" aria-label="Playground settings">
            <Group grow align="flex-start">
              <Select
                label="API key"
                placeholder={keys.isLoading ? 'Loading keys…' : 'Pick a key'}
                data={usableKeys.map((k) => ({ value: k.id, label: k.name ?? `${k.maskedKey}` }))}
                value={keyId}
                onChange={(v) => { setKeyId(v); setModel(null); }}
                searchable
                nothingFoundMessage="No active key"
              />
              <Select
                label="Model"
                placeholder={!keyId ? 'Pick a key first' : granted.isLoading ? 'Loading models…' : 'Pick a granted model'}
                data={(granted.data?.items ?? []).map((m) => m.name)}
                value={model}
                onChange={setModel}
                disabled={!keyId}
                nothingFoundMessage="This key is granted no model"
                description={keyId && granted.data?.items.length === 0 ? 'This key is granted no model: add one on its Model Access tab.' : undefined}
              />
            </Group>
          </Card>
          <Card withBorder radius="md" padding="lg" component="section" aria-label="Conversation">
            <ScrollArea.Autosize mah={480}>
              <Stack gap="sm" role="log" aria-label="Messages" aria-live="polite">
                {messages.length === 0 && streaming === null && (
                  <Group gap="xs" c="dimmed"><IconMessageChatbot size={18} /><Text size="sm" c="dimmed">Pick a key and a model, then send a message.</Text></Group>
                )}
                {messages.map((m, i) => <Bubble key={i} role={m.role} text={m.content} />)}
                {streaming !== null && <Bubble role="assistant" text={streaming || '…'} busy />}
              </Stack>
            </ScrollArea.Autosize>
            {error && <Alert mt="md" color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="The gateway refused this call">{error}</Alert>}
            <form onSubmit={(e) => { e.preventDefault(); void send(); }}>
              <Group mt="md" align="flex-end" wrap="nowrap">
                <Textarea
                  label="Message"
                  placeholder="Ask something…"
                  autosize
                  minRows={2}
                  style={{ flex: 1 }}
                  value={draft}
                  onChange={(e) => setDraft(e.currentTarget.value)}
                  onKeyDown={(e) => { if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) { e.preventDefault(); void send(); } }}
                />
                <Stack gap={6}>
                  <Button type="submit" leftSection={<IconSend size={16} />} disabled={!keyId || !model || !draft.trim() || streaming !== null}>Send</Button>
                  <Button variant="default" leftSection={<IconTrash size={16} />} onClick={() => { abort.current?.abort(); setMessages([]); setError(null); }} disabled={messages.length === 0 && streaming === null}>Clear</Button>
                </Stack>
              </Group>
            </form>
          </Card>
        </Stack>
      )}
    </>
  );
}

function Bubble({ role, text, busy }: { role: ChatMessage['role']; text: string; busy?: boolean }) {
  const mine = role === 'user';
  return (
    <Paper p="sm" radius="md" bg={mine ? 'indigo.0' : 'gray.0'} maw="85%" ml={mine ? 'auto' : undefined} aria-busy={busy ? 'true' : undefined} data-role={role}>
      <Text size="xs" c="dimmed" fw={600}>{mine ? 'You' : 'Assistant'}</Text>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{text}</Text>
    </Paper>
  );
}
