// A model: its mapping and pricing, policies, and the API keys granted to it (Batch Add, remove).
import { Anchor, Badge, Button, Card, Grid, Group, Menu, Stack, Text, Title } from '@mantine/core';
import { IconCopyPlus, IconDots, IconPencil, IconTrash } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api/endpoints.ts';
import type { Model } from '../../api/types.ts';
import { IdText, Mono } from '../../components/badges.tsx';
import { DeleteRecordDialog } from '../../components/confirm-dialog.tsx';
import { DetailHeader } from '../../components/detail-header.tsx';
import { DetailList } from '../../components/detail-list.tsx';
import { GrantedKeysCard } from '../../components/granted-keys-card.tsx';
import { PoliciesCard } from '../../components/policies-card.tsx';
import { RecordPage } from '../../components/query-state.tsx';
import { useCanMutate, useOrgId } from '../../hooks/use-session.ts';
import { formatDateTime, formatPrice, PROVIDER_LABEL } from '../../lib/format.ts';
import { ModelFormModal } from './model-form-modal.tsx';
import { DeploymentsCard } from './deployments-card.tsx';
import { modelsKey, useActiveProviders, useProviderKeys } from './model-queries.ts';

const SECTION = { label: 'Models', path: 'models' };

export function ModelDetailPage() {
  return <RecordPage param="modelId" what="model" queryKey={(o, id) => [...modelsKey(o), id]} fetch={api.getModel}>{(m) => <ModelDetail model={m} />}</RecordPage>;
}

function ModelDetail({ model }: { model: Model }) {
  const orgId = useOrgId();
  const canMutate = useCanMutate();
  const qc = useQueryClient();
  const { byId } = useActiveProviders(orgId);
  const provider = byId.get(model.providerId);
  const keys = useProviderKeys(orgId, model.providerId);
  const providerKey = keys.data?.items.find((k) => k.id === model.providerApiKeyId);
  const [dialog, setDialog] = useState<'edit' | 'variant' | 'delete' | null>(null);

  return (
    <>
      <DetailHeader
        section={SECTION}
        title={model.name}
        badges={<Badge variant="light" color="gray" radius="sm">{model.type}</Badge>}
        description={<>Requests for <b>{model.name}</b> go to {provider ? (provider.name || PROVIDER_LABEL[provider.type]) : 'its provider'} as <code>{model.slug}</code>.</>}
        actions={canMutate && (
          <>
            <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => setDialog('edit')}>Edit</Button>
            <Menu position="bottom-end">
              <Menu.Target><Button variant="default" px="xs" aria-label="More actions"><IconDots size={18} /></Button></Menu.Target>
              <Menu.Dropdown>
                <Menu.Item leftSection={<IconCopyPlus size={16} />} onClick={() => setDialog('variant')}>Add variant</Menu.Item>
                <Menu.Item leftSection={<IconTrash size={16} />} color="red" onClick={() => setDialog('delete')}>Delete model</Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </>
        )}
      />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="lg">
            <Card withBorder radius="md" padding="lg">
              <Title order={4} mb="sm">Details</Title>
              <DetailList
                items={[
                  ['Provider', provider ? <Anchor component={Link} to={`/orgs/${orgId}/providers/${provider.id}`} size="sm">{provider.name || PROVIDER_LABEL[provider.type]}</Anchor> : '—'],
                  ['Provider key', model.providerApiKeyId ? (providerKey ? `${providerKey.name} (…${providerKey.keyPreview})${providerKey.revoked ? ' · revoked' : ''}` : '…') : <Text size="sm" c="orange.7">None: requests fail until one is set</Text>],
                  ['Upstream slug', <Mono>{model.slug}</Mono>],
                  ['Capabilities', model.capabilities.length ? <Group gap={4}>{model.capabilities.map((c) => <Badge key={c} size="sm" variant="outline" color="gray">{c}</Badge>)}</Group> : '—'],
                  ['Input / 1M tokens', formatPrice(model.pricing?.inputPerMTok)],
                  ['Output / 1M tokens', formatPrice(model.pricing?.outputPerMTok)],
                  ['Cached input / 1M', formatPrice(model.pricing?.cachedInputPerMTok)],
                  ['Created', formatDateTime(model.createdAt)],
                  ['ID', <IdText id={model.id} />],
                ]}
              />
            </Card>
            <PoliciesCard
              scope="model"
              policies={model.policies}
              canEdit={canMutate}
              onSave={async (policies) => qc.setQueryData([...modelsKey(orgId), model.id], await api.updateModel(orgId, model.id, { policies }))}
            />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="lg">
            <ModelKeysCard model={model} />
            <DeploymentsCard model={model} />
          </Stack>
        </Grid.Col>
      </Grid>
      <ModelFormModal opened={dialog === 'edit'} onClose={() => setDialog(null)} mode={{ kind: 'edit', model }} />
      <ModelFormModal opened={dialog === 'variant'} onClose={() => setDialog(null)} mode={{ kind: 'variant', of: model }} />
      <DeleteRecordDialog
        opened={dialog === 'delete'}
        onClose={() => setDialog(null)}
        title={`Delete model ${model.name}?`}
        message="Clients requesting this name get model_not_found, and every API key grant for it is removed."
        confirmLabel="Delete model"
        remove={() => api.deleteModel(orgId, model.id)}
        invalidate={modelsKey(orgId)}
        done={`Model ${model.name} deleted`}
        section={SECTION}
      />
    </>
  );
}

function ModelKeysCard({ model }: { model: Model }) {
  const orgId = useOrgId();
  return (
    <GrantedKeysCard
      name={model.name}
      queryKey={[...modelsKey(orgId), model.id, 'api-keys']}
      description={<>Only these keys may call {model.name}.</>}
      verb={`call ${model.name}`}
      refusal={<>(model_not_allowed) when it calls {model.name}</>}
      grantLabel="Grant Model Access"
      empty={{ title: 'No key can call this model yet', description: 'Grant access to keys with Batch Add, or from a key\'s Model Access tab.' }}
      fetchPage={(q) => api.listModelApiKeys(orgId, model.id, q)}
      grant={(ids) => api.grantModelApiKeys(orgId, model.id, ids)}
      remove={(keyId) => api.removeModelApiKey(orgId, model.id, keyId)}
    />
  );
}
