import { Select } from '@mantine/core';
import { useMemo } from 'react';
import { allTimeZones } from '../lib/format.ts';

export function TimezoneSelect(p: { value: string; onChange: (tz: string) => void; error?: string; disabled?: boolean; description?: string }) {
  const data = useMemo(() => allTimeZones(), []);
  return (
    <Select
      label="Timezone"
      description={p.description ?? 'The expiry is read in this timezone.'}
      searchable
      data={data}
      value={p.value}
      onChange={(v) => v && p.onChange(v)}
      allowDeselect={false}
      error={p.error}
      disabled={p.disabled}
      limit={200}
      nothingFoundMessage="No matching timezone"
      comboboxProps={{ withinPortal: true }}
    />
  );
}
