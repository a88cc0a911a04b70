// A secret shown exactly once (revealed virtual key, rotated key, operator token), with Copy.
import { ActionIcon, Alert, Button, CopyButton, Group, TextInput, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';

export function SecretField(p: { value: string; label: string; warning?: string }) {
  return (
    <>
      <Group align="flex-end" gap="xs" wrap="nowrap">
        <TextInput
          label={p.label}
          value={p.value}
          readOnly
          style={{ flex: 1 }}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
          onFocus={(e) => e.currentTarget.select()}
          data-testid="secret-value"
        />
        <CopyButton value={p.value} timeout={2000}>
          {({ copied, copy }) => (
            <Button onClick={copy} color={copied ? 'teal' : undefined} leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />} w={110}>
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
      {p.warning && (
        <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} mt="sm">{p.warning}</Alert>
      )}
    </>
  );
}

export function CopyIcon({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value} timeout={1500}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : label} withArrow>
          <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={(e) => { e.stopPropagation(); copy(); }} aria-label={label}>
            {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}
