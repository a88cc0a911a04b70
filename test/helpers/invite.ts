import { AdminClient } from './admin-client.ts';

/**
 * An operator who joined an organisation the only way there is: an admin invites the email, the
 * invitee opens the link and chooses their own password. Returns the invitee's logged-in client.
 */
export async function joinByInvitation(admin: AdminClient, orgId: string, who: { email: string; role: string; password: string; name?: string }): Promise<AdminClient> {
  const inv = await admin.ok('POST', `/api/organisations/${orgId}/invitations`, { email: who.email, role: who.role });
  const invitee = new AdminClient(admin.baseUrl);
  await invitee.ok('POST', '/api/auth/invitations/accept', { token: inv.token, password: who.password, ...(who.name ? { name: who.name } : {}) });
  return invitee;
}
