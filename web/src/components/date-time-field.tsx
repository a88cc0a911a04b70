// A date and time picked from a calendar (or typed as 2031-06-30 18:00), instead of the browser's
// native datetime-local picker, which looks different in every browser and cannot be styled.
// The value is the API's local form `YYYY-MM-DDTHH:mm` (read in the key's timezone), or ''.
import { ActionIcon, Group, Popover, Select, SimpleGrid, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { IconCalendar, IconChevronLeft, IconChevronRight, IconX } from '@tabler/icons-react';
import { useEffect, useState } from 'react';

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/;
const pad = (n: number) => String(n).padStart(2, '0');
const WEEKDAYS = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'];
const HOURS = Array.from({ length: 24 }, (_, h) => pad(h));
const MINUTES = Array.from({ length: 12 }, (_, i) => pad(i * 5));

/** '2031-06-30 18:00' or '2031-06-30T18:00' → '2031-06-30T18:00'; undefined when not a date-time. */
export function parseLocal(text: string): string | undefined {
  const m = LOCAL.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCMonth() !== mo - 1 || h > 23 || mi > 59) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}`;
}

export function DateTimeField(p: { label: string; description?: string; value: string; onChange: (v: string) => void; error?: string; placeholder?: string }) {
  const [text, setText] = useState(p.value.replace('T', ' '));
  const [open, setOpen] = useState(false);
  useEffect(() => setText(p.value.replace('T', ' ')), [p.value]);
  const chosen = parseLocal(p.value);
  const today = new Date();
  const [month, setMonth] = useState<{ y: number; m: number }>(() => ({ y: chosen ? Number(chosen.slice(0, 4)) : today.getFullYear(), m: chosen ? Number(chosen.slice(5, 7)) - 1 : today.getMonth() }));
  const time = chosen ? chosen.slice(11, 16) : '00:00';
  const pick = (date: string, hm = time) => p.onChange(`${date}T${hm}`);

  const first = new Date(month.y, month.m, 1);
  const lead = (first.getDay() + 6) % 7;
  const days = new Date(month.y, month.m + 1, 0).getDate();
  const cells = [...Array.from({ length: lead }, () => null), ...Array.from({ length: days }, (_, i) => i + 1)];
  const shift = (d: number) => setMonth(({ y, m }) => ({ y: m + d < 0 ? y - 1 : m + d > 11 ? y + 1 : y, m: (m + d + 12) % 12 }));

  return (
    <Popover opened={open} onChange={setOpen} position="bottom-start" shadow="md" withinPortal trapFocus={false}>
      <Popover.Target>
        <TextInput
          label={p.label}
          description={p.description}
          placeholder={p.placeholder ?? 'YYYY-MM-DD HH:mm'}
          value={text}
          error={p.error}
          onChange={(e) => {
            const t = e.currentTarget.value;
            setText(t);
            // An unfinished date stays as typed; the form checks it before going on.
            p.onChange(t.trim() === '' ? '' : parseLocal(t) ?? t);
          }}
          rightSection={
            <Group gap={0} wrap="nowrap">
              {p.value && <ActionIcon variant="subtle" color="gray" size="sm" aria-label={`Clear ${p.label}`} onClick={() => p.onChange('')}><IconX size={14} /></ActionIcon>}
              <ActionIcon variant="subtle" size="sm" aria-label={`Pick ${p.label.toLowerCase()} from a calendar`} onClick={() => setOpen((o) => !o)}><IconCalendar size={16} /></ActionIcon>
            </Group>
          }
          rightSectionWidth={p.value ? 56 : 32}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        />
      </Popover.Target>
      <Popover.Dropdown aria-label={`${p.label} calendar`}>
        <Stack gap="xs" w={252}>
          <Group justify="space-between">
            <ActionIcon variant="subtle" aria-label="Previous month" onClick={() => shift(-1)}><IconChevronLeft size={16} /></ActionIcon>
            <Text size="sm" fw={600}>{first.toLocaleString(undefined, { month: 'long', year: 'numeric' })}</Text>
            <ActionIcon variant="subtle" aria-label="Next month" onClick={() => shift(1)}><IconChevronRight size={16} /></ActionIcon>
          </Group>
          <SimpleGrid cols={7} spacing={2} verticalSpacing={2}>
            {WEEKDAYS.map((d) => <Text key={d} size="xs" c="dimmed" ta="center">{d}</Text>)}
            {cells.map((d, i) => {
              if (d === null) return <span key={`b${i}`} />;
              const date = `${month.y}-${pad(month.m + 1)}-${pad(d)}`;
              const selected = chosen?.startsWith(date);
              return (
                <UnstyledButton key={date} onClick={() => pick(date)} aria-label={date} aria-pressed={selected}
                  style={{ textAlign: 'center', borderRadius: 4, padding: '4px 0', fontSize: 13, background: selected ? 'var(--mantine-color-indigo-6)' : undefined, color: selected ? 'white' : undefined }}>
                  {d}
                </UnstyledButton>
              );
            })}
          </SimpleGrid>
          <Group gap="xs" grow>
            <Select size="xs" label="Hour" data={HOURS} value={time.slice(0, 2)} allowDeselect={false} disabled={!chosen} comboboxProps={{ withinPortal: false }}
              onChange={(h) => chosen && pick(chosen.slice(0, 10), `${h}:${time.slice(3)}`)} />
            <Select size="xs" label="Minute" data={MINUTES.includes(time.slice(3)) ? MINUTES : [...MINUTES, time.slice(3)].sort()} value={time.slice(3)} allowDeselect={false} disabled={!chosen} comboboxProps={{ withinPortal: false }}
              onChange={(m) => chosen && pick(chosen.slice(0, 10), `${time.slice(0, 2)}:${m}`)} />
          </Group>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
