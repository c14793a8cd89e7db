// Token requests to the runbook identity's broker: App Service's managed-identity protocol (api-version 2019-08-01),
// narrowed to the one identity runbooks act as.
import { z } from 'zod';

export const TOKEN_API_VERSION = '2019-08-01';

export type TokenRequestVerdict =
  | { readonly ok: true; readonly resource: string }
  | { readonly ok: false; readonly status: 400; readonly message: string };

/** A token answer as App Service gives it: expires_on in seconds since the epoch, as a string. */
export type TokenAnswer = {
  readonly access_token: string;
  readonly expires_on: string;
  readonly resource: string;
  readonly token_type: string;
  readonly client_id: string;
};

// Other ways of naming a user-assigned identity: ClouDO knows the runbook identity by its client id only.
const OTHER_IDS = ['mi_res_id', 'object_id', 'principal_id'] as const;
const KNOWN = ['api-version', 'resource', 'client_id', ...OTHER_IDS];

const querySchema = (clientId: string) =>
  z.object({
    'api-version': z.literal(TOKEN_API_VERSION, { error: `must be ${TOKEN_API_VERSION}` }),
    resource: z
      .string({ error: 'required: the resource to get a token for, e.g. https://management.azure.com/' })
      .regex(/^[\x21-\x7e]{1,512}$/, 'a resource URI or application id: 1 to 512 visible ASCII characters'),
    // az, MSAL and the Azure SDKs send the id they were given; none, or the runbook identity's, is served.
    client_id: z
      .string()
      .refine((id) => id.toLowerCase() === clientId.toLowerCase(), `runbooks act as client id ${clientId} only`)
      .optional(),
    ...Object.fromEntries(
      OTHER_IDS.map((name) => [
        name,
        z.never({ error: `runbooks act as client id ${clientId} only: name it by client_id, or name none` }).optional(),
      ]),
    ),
  });

/**
 * The resource a runbook asks a token for, or why it gets none. Parameters beyond these (clients add some, such as
 * `xms_cc`) are ignored, as the platform's endpoint ignores them.
 */
export function parseTokenRequest(
  params: readonly (readonly [string, string])[],
  clientId: string,
): TokenRequestVerdict {
  const repeated = KNOWN.find((name) => params.filter(([k]) => k === name).length > 1);
  if (repeated !== undefined) return refused(`${repeated}: given more than once`);
  const known = Object.fromEntries(params.filter(([k]) => KNOWN.includes(k)));
  const parsed = querySchema(clientId).safeParse(known);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refused(`${issue?.path.join('.') ?? 'query'}: ${issue?.message ?? 'invalid'}`);
  }
  return { ok: true, resource: parsed.data.resource };
}

/** The scope an Azure SDK credential takes for a resource: "<resource>/.default", which it maps back exactly. */
export const toScope = (resource: string): string => `${resource}/.default`;

const refused = (message: string): TokenRequestVerdict => ({ ok: false, status: 400, message });
