// Sign-in and audit settings: how callers are told apart (function keys, App Service sign-in, the local user), and
// how long the audit trail is kept.
import { z } from 'zod';
import type { AuthMode } from '../domain/identity/caller';

export const authSchema = z.object({
  // `keys`: no sign-in, every route takes a function key; `easy-auth`: App Service authentication (Entra ID) signs
  // people in and sets X-MS-CLIENT-PRINCIPAL; people's routes need it, Trigger still takes a key.
  CLOUDO_AUTH: z.enum(['keys', 'easy-auth']).default('keys'),
  // The local runtime only: `local-admin` makes every caller its user with every right (it serves loopback);
  // `principal-header` trusts X-MS-CLIENT-PRINCIPAL as App Service does, to try roles end to end.
  CLOUDO_LOCAL_AUTH: z.enum(['local-admin', 'principal-header']).default('local-admin'),
  CLOUDO_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
  // What exactly ran: the image tag (set by the deployment), else the package version.
  CLOUDO_APP_VERSION: z.string().min(1).max(128).optional(),
  USER: z.string().optional(),
});

export type AuthConfig = {
  /** How this deployment tells callers apart; the local runtime turns it into `local-admin` or `easy-auth`. */
  readonly mode: AuthMode;
  readonly localMode: 'local-admin' | 'principal-header';
  /** The local runtime's user, named in records when every caller is that user. */
  readonly localUser: string;
  readonly auditRetentionDays: number;
  readonly appVersion: string | undefined;
  /** Set by the local runtime (localAuth), so answers can tell its principal-header mode from App Service's. */
  readonly local?: boolean;
};

export function toAuthConfig(s: z.output<typeof authSchema>): AuthConfig {
  return {
    mode: s.CLOUDO_AUTH,
    localMode: s.CLOUDO_LOCAL_AUTH,
    localUser: s.USER ?? 'local',
    auditRetentionDays: s.CLOUDO_AUDIT_RETENTION_DAYS,
    appVersion: s.CLOUDO_APP_VERSION,
  };
}

/** The local runtime's mode: its own user for everyone, or the principal header trusted as App Service would. */
export function localAuth(auth: AuthConfig): AuthConfig {
  return { ...auth, mode: auth.localMode === 'principal-header' ? 'easy-auth' : 'local-admin', local: true };
}
