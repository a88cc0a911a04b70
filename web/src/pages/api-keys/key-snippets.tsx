// Ready-to-copy client code for a just-revealed key, pointed at this gateway. Shown only while
// the secret is on screen: after that the console no longer has it, so neither do the snippets.
import { Code, Group, Stack, Tabs, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/endpoints.ts';
import { CopyIcon } from '../../components/secret-field.tsx';
import { useOrgId } from '../../hooks/use-session.ts';

export function snippets(origin: string, key: string, model: string): { id: string; label: string; code: string }[] {
  return [
    {
      id: 'curl', label: 'curl',
      code: `curl ${origin}/v1/chat/completions \\
  -H "Authorization: Bearer ${key}" \\
  -H "Content-Type: application/json" \\
  -d '{"model": "${model}", "messages": [{"role": "user", "content": "Hello"}]}'`,
    },
    {
      id: 'openai', label: 'OpenAI SDK',
      code: `from openai import OpenAI

client = OpenAI(base_url="${origin}/v1", api_key="${key}")
reply = client.chat.completions.create(model="${model}", messages=[{"role": "user", "content": "Hello"}])
print(reply.choices[0].message.content)`,
    },
    {
      id: 'anthropic', label: 'Anthropic SDK',
      code: `import anthropic

client = anthropic.Anthropic(base_url="${origin}", api_key="${key}")
reply = client.messages.create(model="${model}", max_tokens=512, messages=[{"role": "user", "content": "Hello"}])
print(reply.content[0].text)`,
    },
    {
      id: 'genai', label: 'Google GenAI SDK',
      code: `from google import genai

client = genai.Client(api_key="${key}", http_options={"base_url": "${origin}"})
reply = client.models.generate_content(model="${model}", contents="Hello")
print(reply.text)`,
    },
  ];
}

export function KeySnippets({ keyId, secret }: { keyId: string; secret: string }) {
  const orgId = useOrgId();
  // A model the key may call makes the snippet work as pasted; else a placeholder to replace.
  const granted = useQuery({ queryKey: ['org', orgId, 'api-keys', keyId, 'model-access', 'first'], queryFn: () => api.listModelAccess(orgId, keyId, { limit: 1 }) });
  const model = granted.data?.items[0]?.name ?? 'MODEL_NAME';
  const list = snippets(window.location.origin, secret, model);
  return (
    <Stack gap={6} component="section" aria-label="Snippets">
      <Text size="sm" fw={600}>Try it</Text>
      <Text size="xs" c="dimmed">Base URL {window.location.origin}/v1 (Anthropic and Google SDKs: {window.location.origin}).{model === 'MODEL_NAME' ? ' Grant the key a model and put its name in place of MODEL_NAME.' : ''}</Text>
      <Tabs defaultValue="curl" keepMounted={false}>
        <Tabs.List>{list.map((s) => <Tabs.Tab key={s.id} value={s.id}>{s.label}</Tabs.Tab>)}</Tabs.List>
        {list.map((s) => (
          <Tabs.Panel key={s.id} value={s.id} pt="xs">
            <Group align="flex-start" wrap="nowrap" gap="xs">
              <Code block style={{ flex: 1, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid={`snippet-${s.id}`}>{s.code}</Code>
              <CopyIcon value={s.code} label={`Copy the ${s.label} snippet`} />
            </Group>
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
