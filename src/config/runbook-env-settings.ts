// Runbook environment settings: what a runbook inherits from ClouDO's own environment, what it never may, and the
// identity it acts as.
import { z } from 'zod';
import { SECRET_SETTING } from './oncall-settings';

/** Inherited when set: the basics, and which tenant and cloud runbooks are in. HOME and TMPDIR are not among them:
 * each run gets a private directory of its own for both. No identity variable either: ClouDO's are its own, and a
 * runbook's come from the token broker (see runbookIdentitySchema). */
export const DEFAULT_ENV_ALLOW = [
  'PATH',
  'LANG',
  'LC_ALL',
  'TZ',
  'AZURE_TENANT_ID',
  'AZURE_SUBSCRIPTION_ID',
  'AZURE_AUTHORITY_HOST',
] as const;

/** A comma-separated setting as a list, blanks dropped. */
export const list = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()))
  .transform((xs) => xs.filter((x) => x.length > 0));

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;
// The storage connection holds an account key: runbooks, and so their output, must never see it.
const STORAGE_SETTING = /^(AzureWebJobs|CLOUDO_STORAGE_CONNECTION)/i;
// ClouDO's own identity: whoever holds IDENTITY_HEADER (or MSI_SECRET, or the federated token file) gets a token for
// any identity assigned to the app, and the Azure SDKs' environment credential reads a client secret or certificate.
// AZURE_CLIENT_ID is ClouDO's; a runbook's is CLOUDO_RUNBOOK_CLIENT_ID.
export const IDENTITY_SETTING =
  /^(IDENTITY_(ENDPOINT|HEADER|SERVER_THUMBPRINT)|MSI_(ENDPOINT|SECRET)|IMDS_ENDPOINT|AZURE_(CLIENT_ID|CLIENT_SECRET|CLIENT_CERTIFICATE_PATH|CLIENT_CERTIFICATE_PASSWORD|USERNAME|PASSWORD|FEDERATED_TOKEN_FILE|FEDERATED_TOKEN))$/i;

/** CLOUDO_RUNBOOK_ENV_ALLOW: more names to inherit, never a credential ClouDO itself holds. */
export const runbookEnvAllowSchema = list
  .pipe(
    z.array(
      z
        .string()
        .regex(envName, 'variable names')
        .refine((n) => !STORAGE_SETTING.test(n), 'may not pass the storage connection settings to runbooks')
        .refine((n) => !SECRET_SETTING.test(n), 'may not pass Opsgenie keys, the approval secret or the chat webhook')
        .refine(
          (n) => !IDENTITY_SETTING.test(n),
          "may not pass ClouDO's own identity (IDENTITY_*, MSI_*, AZURE_CLIENT_*, AZURE_FEDERATED_TOKEN_FILE…); runbooks act as CLOUDO_RUNBOOK_CLIENT_ID",
        ),
    ),
  )
  .default([]);

/** The identity runbooks act as, and how ClouDO gets its tokens for them. */
export type RunbookIdentityConfig = {
  /** CLOUDO_RUNBOOK_CLIENT_ID: client id of the user-assigned identity; unset, runbooks get no identity at all. */
  readonly clientId: string | undefined;
  /** Kubernetes workload identity (a federated token file is set), else a managed identity endpoint. */
  readonly source: 'workload' | 'managed';
  /** ClouDO's environment has an identity endpoint of its own (App Service, or workload identity). */
  readonly hostHasIdentity: boolean;
  /** Values of ClouDO's own identity credentials: never in anything the token broker answers. */
  readonly hostSecrets: readonly string[];
};

export const runbookIdentitySchema = z.object({
  CLOUDO_RUNBOOK_CLIENT_ID: z
    .string()
    .trim()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a client id (a GUID)')
    .optional(),
});

type Env = Readonly<Record<string, string>>;

export function toRunbookIdentity(s: z.output<typeof runbookIdentitySchema>, env: Env): RunbookIdentityConfig {
  const workload = env['AZURE_FEDERATED_TOKEN_FILE'] !== undefined;
  return {
    clientId: s.CLOUDO_RUNBOOK_CLIENT_ID,
    source: workload ? 'workload' : 'managed',
    hostHasIdentity: workload || env['IDENTITY_ENDPOINT'] !== undefined || env['MSI_ENDPOINT'] !== undefined,
    hostSecrets: ['IDENTITY_HEADER', 'MSI_SECRET'].flatMap((n) => (env[n] ? [env[n]] : [])),
  };
}
