// Runbook environment settings: what a runbook inherits from ClouDO's own environment, and what it never may.
import { z } from 'zod';
import { SECRET_SETTING } from './oncall-settings';

/** Inherited when set: the basics, and what `az login --identity` and workload identity need. HOME and TMPDIR are
 * not among them: each run gets a private directory of its own for both. */
export const DEFAULT_ENV_ALLOW = [
  'PATH',
  'LANG',
  'LC_ALL',
  'TZ',
  'AZURE_CLIENT_ID',
  'AZURE_TENANT_ID',
  'AZURE_SUBSCRIPTION_ID',
  'AZURE_FEDERATED_TOKEN_FILE',
  'AZURE_AUTHORITY_HOST',
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
  'MSI_ENDPOINT',
  'MSI_SECRET',
] as const;

/** A comma-separated setting as a list, blanks dropped. */
export const list = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()))
  .transform((xs) => xs.filter((x) => x.length > 0));

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;
// The storage connection holds an account key: runbooks, and so their output, must never see it.
const STORAGE_SETTING = /^(AzureWebJobs|CLOUDO_STORAGE_CONNECTION)/i;

/** CLOUDO_RUNBOOK_ENV_ALLOW: more names to inherit, never a credential ClouDO itself holds. */
export const runbookEnvAllowSchema = list
  .pipe(
    z.array(
      z
        .string()
        .regex(envName, 'variable names')
        .refine((n) => !STORAGE_SETTING.test(n), 'may not pass the storage connection settings to runbooks')
        .refine((n) => !SECRET_SETTING.test(n), 'may not pass Opsgenie keys, the approval secret or the chat webhook'),
    ),
  )
  .default([]);
