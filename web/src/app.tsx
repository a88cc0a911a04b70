// Routes. Everything organisation-scoped lives under /orgs/:orgId so links can be shared.
import { Center, Loader } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { onUnauthorized } from './api/client.ts';
import { meQueryKey, useMe } from './hooks/use-session.ts';
import { AppLayout } from './layout/app-layout.tsx';
import { ApiKeyDetailPage } from './pages/api-keys/api-key-detail-page.tsx';
import { ApiKeysPage } from './pages/api-keys/api-keys-page.tsx';
import { AcceptInvitationPage } from './pages/accept-invitation-page.tsx';
import { AuditLogPage } from './pages/audit-log/audit-log-page.tsx';
import { LoginPage } from './pages/login-page.tsx';
import { McpServerDetailPage } from './pages/mcp/mcp-server-detail-page.tsx';
import { McpServersPage } from './pages/mcp/mcp-servers-page.tsx';
import { ModelDetailPage } from './pages/models/model-detail-page.tsx';
import { ModelsPage } from './pages/models/models-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { PlaygroundPage } from './pages/playground/playground-page.tsx';
import { ProviderDetailPage } from './pages/providers/provider-detail-page.tsx';
import { ProvidersPage } from './pages/providers/providers-page.tsx';
import { RoutingPage } from './pages/routing/routing-page.tsx';
import { SettingsPage } from './pages/settings/settings-page.tsx';
import { TeamDetailPage } from './pages/teams/team-detail-page.tsx';
import { TeamsPage } from './pages/teams/teams-page.tsx';
import { UsersPage } from './pages/users/users-page.tsx';
import { BudgetsPage } from './pages/budgets/budgets-page.tsx';

// The charts library is most of the bundle: load it with the Usage page only.
const UsagePage = lazy(() => import('./pages/usage/usage-page.tsx').then((m) => ({ default: m.UsagePage })));

const LAST_ORG = 'odock.lastOrg';

function Home() {
  const me = useMe().data;
  if (!me) return null;
  const last = localStorage.getItem(LAST_ORG);
  const org = me.organisations.find((o) => o.id === last) ?? me.organisations[0];
  if (!org) return <Navigate to="/settings" replace />;
  return <Navigate to={`/orgs/${org.id}/providers`} replace />;
}

export function rememberOrg(orgId: string) {
  localStorage.setItem(LAST_ORG, orgId);
}

function RequireSession({ children }: { children: React.ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isLoading) {
    return <Center h="100vh"><Loader aria-label="Loading" /></Center>;
  }
  if (!me.data) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  return <>{children}</>;
}

export function App() {
  const qc = useQueryClient();
  // An expired session anywhere sends the operator back to the login page.
  useEffect(() => onUnauthorized(() => qc.setQueryData(meQueryKey, null)), [qc]);

  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/accept-invitation" element={<AcceptInvitationPage />} />
      <Route element={<RequireSession><AppLayout /></RequireSession>}>
        <Route index element={<Home />} />
        <Route path="settings" element={<SettingsPage />} />
        <Route path="orgs/:orgId">
          <Route index element={<Navigate to="providers" replace />} />
          <Route path="providers" element={<ProvidersPage />} />
          <Route path="providers/:providerId" element={<ProviderDetailPage />} />
          <Route path="models" element={<ModelsPage />} />
          <Route path="models/:modelId" element={<ModelDetailPage />} />
          <Route path="api-keys" element={<ApiKeysPage />} />
          <Route path="api-keys/:keyId" element={<ApiKeyDetailPage />} />
          <Route path="mcp-servers" element={<McpServersPage />} />
          <Route path="mcp-servers/:serverId" element={<McpServerDetailPage />} />
          <Route path="teams" element={<TeamsPage />} />
          <Route path="teams/:teamId" element={<TeamDetailPage />} />
          <Route path="users" element={<UsersPage />} />
          <Route path="usage" element={<Suspense fallback={<Center mt={80}><Loader aria-label="Loading" /></Center>}><UsagePage /></Suspense>} />
          <Route path="settings" element={<SettingsPage />} />
          <Route path="audit-log" element={<AuditLogPage />} />
          <Route path="routing" element={<RoutingPage />} />
          <Route path="playground" element={<PlaygroundPage />} />
          <Route path="budgets" element={<BudgetsPage />} />
        </Route>
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
