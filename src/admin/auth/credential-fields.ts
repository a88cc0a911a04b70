import { z } from 'zod';
import { PASSWORD_MAX, PASSWORD_MIN } from '../../crypto/passwords.ts';

/** Request fields shared by login, password changes, members and invitations. */
export const email = z.string().trim().toLowerCase().email().max(320);
export const newPassword = z.string().min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`).max(PASSWORD_MAX);
