// Company sign-in on the login page: one "Sign in with <provider>" button per configured provider
// (GET /api/auth/providers). Each is a plain link: the server redirects to the provider and, on the
// way back, opens the session and sends the browser to the console.
import { Button, Divider, Stack } from '@mantine/core';
import { IconBrandGithub, IconKey } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/endpoints.ts';

export function useAuthProviders() {
  return useQuery({ queryKey: ['auth-providers'], queryFn: api.authProviders, retry: false, staleTime: 300_000 });
}

export function SsoButtons({ divider }: { divider: boolean }) {
  const providers = useAuthProviders().data?.providers ?? [];
  if (providers.length === 0) return null;
  return (
    <Stack gap="xs">
      {divider && <Divider label="or" labelPosition="center" />}
      {providers.map((p) => (
        <Button key={p.id} component="a" href={p.loginUrl} variant="default" fullWidth
          leftSection={p.id === 'github' ? <IconBrandGithub size={18} /> : <IconKey size={18} />}>
          Sign in with {p.name}
        </Button>
      ))}
    </Stack>
  );
}
