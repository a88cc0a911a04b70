// Policies (product.md, "Policies"): a field per limit, with the JSON view kept as an option for
// those who prefer it. The server's validation message lands on the field it names, in words.
// No format-on-blur in the JSON view: reflowing the editor moves the Save button from a pending click.
import { Button, Card, Group, JsonInput, NumberInput, SegmentedControl, SimpleGrid, Stack, TagsInput, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../api/client.ts';
import type { Policies } from '../api/types.ts';
import { inWords } from '../lib/validation-words.ts';
import { formFieldOf, fromForm, LIMIT_FIELDS, toForm, type PolicyFormValues } from './policies-form.ts';

function pretty(p: Policies | null | undefined): string {
  return p && Object.keys(p).length ? JSON.stringify(p, null, 2) : '{}';
}

const GROUPS = [...new Set(LIMIT_FIELDS.map((f) => f.group))];

export function PoliciesCard(p: { policies: Policies | null | undefined; canEdit: boolean; onSave: (policies: Policies) => Promise<unknown>; scope: string }) {
  const [view, setView] = useState<'form' | 'json'>('form');
  const [form, setForm] = useState<PolicyFormValues>(toForm(p.policies));
  const [text, setText] = useState(pretty(p.policies));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  useEffect(() => { setForm(toForm(p.policies)); setText(pretty(p.policies)); }, [p.policies]);
  const current = view === 'form' ? JSON.stringify(fromForm(form)) : text.trim();
  const saved = view === 'form' ? JSON.stringify(fromForm(toForm(p.policies))) : pretty(p.policies).trim();
  const dirty = current !== saved;

  const switchView = (next: string) => {
    if (next === 'json') setText(pretty(fromForm(form)));
    else {
      try {
        setForm(toForm(JSON.parse(text || '{}') as Policies));
      } catch {
        return setErrors({ json: 'This is not valid JSON: fix it before switching to the form' });
      }
    }
    setErrors({});
    setView(next as 'form' | 'json');
  };

  const save = async () => {
    let policies: Policies;
    if (view === 'form') policies = fromForm(form);
    else {
      try {
        policies = JSON.parse(text || '{}');
      } catch {
        return setErrors({ json: 'This is not valid JSON' });
      }
    }
    setBusy(true);
    try {
      await p.onSave(policies);
      setErrors({});
      notifications.show({ color: 'teal', message: 'Policies saved' });
    } catch (err) {
      const field = err instanceof ApiError ? err.field : undefined;
      const target = view === 'form' ? formFieldOf(field) : undefined;
      setErrors({ [target ?? (view === 'json' ? 'json' : '_form')]: inWords(errorMessage(err), field) });
    } finally {
      setBusy(false);
    }
  };
  const setLimit = (path: string, v: string | number) => {
    setForm((f) => ({ ...f, limits: { ...f.limits, [path]: typeof v === 'number' ? v : '' } }));
    setErrors((e) => ({ ...e, [path]: '' }));
  };

  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-label="Policies">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div>
            <Title order={4}>Policies</Title>
            <Text size="sm" c="dimmed">
              Limits for this {p.scope}. Leave a field empty for no limit; requests must pass the policies of their organisation, team, key and model.
            </Text>
          </div>
          <SegmentedControl size="xs" value={view} onChange={switchView} data={[{ value: 'form', label: 'Form' }, { value: 'json', label: 'JSON' }]} aria-label="Policies view" />
        </Group>
        {view === 'form' ? (
          <Stack gap="md">
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TagsInput label="IP allowlist" description="Addresses or CIDR ranges; when set, only these may call." placeholder="10.0.0.0/8" value={form.allowlist}
                onChange={(v) => setForm((f) => ({ ...f, allowlist: v }))} error={errors.allowlist} readOnly={!p.canEdit} />
              <TagsInput label="IP blocklist" description="Addresses or CIDR ranges that may never call." placeholder="203.0.113.0/24" value={form.blocklist}
                onChange={(v) => setForm((f) => ({ ...f, blocklist: v }))} error={errors.blocklist} readOnly={!p.canEdit} />
            </SimpleGrid>
            {GROUPS.map((g) => (
              <div key={g}>
                <Text size="sm" fw={600} mb={4}>{g}</Text>
                <SimpleGrid cols={{ base: 1, sm: 3 }}>
                  {LIMIT_FIELDS.filter((f) => f.group === g).map((f) => (
                    <NumberInput key={f.path} label={f.label} description={'description' in f ? f.description : undefined} placeholder="No limit" min={0} allowDecimal={false}
                      thousandSeparator="," value={form.limits[f.path]} onChange={(v) => setLimit(f.path, v)} error={errors[f.path] || undefined} readOnly={!p.canEdit} />
                  ))}
                </SimpleGrid>
              </div>
            ))}
            {errors._form && <Text c="red" size="sm">{errors._form}</Text>}
          </Stack>
        ) : (
          <JsonInput
            aria-label={`Policies of this ${p.scope}`}
            value={text}
            onChange={(v) => { setText(v); setErrors({}); }}
            autosize
            minRows={4}
            maxRows={18}
            validationError="This is not valid JSON"
            error={errors.json}
            readOnly={!p.canEdit}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
          />
        )}
        {p.canEdit && (
          <Group justify="flex-end">
            <Button variant="default" disabled={!dirty || busy} onClick={() => { setForm(toForm(p.policies)); setText(pretty(p.policies)); setErrors({}); }}>Reset</Button>
            <Button onClick={save} loading={busy} disabled={!dirty}>Save policies</Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}
