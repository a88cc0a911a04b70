import { ThemeIcon } from '@mantine/core';
import { IconBrain, IconBrandAzure, IconBrandGoogle, IconBrandOpenai, IconCloudComputing, IconServer, IconSparkles, IconWind } from '@tabler/icons-react';
import type { ProviderType } from '../../api/types.ts';

const MARKS: Record<ProviderType, { icon: typeof IconServer; color: string }> = {
  OPENAI: { icon: IconBrandOpenai, color: 'dark' },
  ANTHROPIC: { icon: IconSparkles, color: 'orange' },
  GOOGLE: { icon: IconBrandGoogle, color: 'blue' },
  AZURE_OPENAI: { icon: IconBrandAzure, color: 'cyan' },
  MISTRAL: { icon: IconWind, color: 'yellow' },
  VLLM: { icon: IconCloudComputing, color: 'violet' },
  CUSTOM: { icon: IconServer, color: 'gray' },
};

export function ProviderMark({ type, size = 40 }: { type: ProviderType; size?: number }) {
  const m = MARKS[type] ?? { icon: IconBrain, color: 'gray' };
  return (
    <ThemeIcon size={size} radius="md" variant="light" color={m.color} aria-hidden>
      <m.icon size={size * 0.55} stroke={1.7} />
    </ThemeIcon>
  );
}
