import { TextInput, type TextInputProps } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';

/** The console's search box: a magnifier, and the typed text handed on as a string. */
export function SearchInput({ onSearch, ...input }: Omit<TextInputProps, 'onChange' | 'leftSection'> & { value: string; onSearch: (text: string) => void; 'data-autofocus'?: boolean }) {
  return <TextInput leftSection={<IconSearch size={16} />} onChange={(e) => onSearch(e.currentTarget.value)} {...input} />;
}
