// The App Service authentication principal (X-MS-CLIENT-PRINCIPAL): base64 JSON the platform sets after verifying
// the sign-in, read into a Caller. Only the object id and the roles decide anything; the name is for records.
import { z } from 'zod';
import { isRole, type Caller, type Role } from './caller';

const OBJECT_ID = ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid'];
const NAMES = ['name', 'preferred_username', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn'];
const GROUPS = 'groups';
// Tokens an app got for itself (client credentials) say so: such a caller is a machine, not a person.
const ID_TYPE = 'idtyp';
const MAX_HEADER = 32_000;

const principalSchema = z.object({
  auth_typ: z.string(),
  name_typ: z.string().optional(),
  role_typ: z.string().optional(),
  claims: z.array(z.object({ typ: z.string(), val: z.string() })).max(2000),
});

export type PrincipalResult =
  { readonly ok: true; readonly caller: Caller } | { readonly ok: false; readonly why: string };

export function readClientPrincipal(header: string): PrincipalResult {
  if (header.length > MAX_HEADER) return { ok: false, why: 'too large' };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    return { ok: false, why: 'not base64 JSON' };
  }
  const parsed = principalSchema.safeParse(json);
  if (!parsed.success) return { ok: false, why: 'not a client principal' };
  const p = parsed.data;
  const claim = (types: readonly string[]) => p.claims.find((c) => types.includes(c.typ))?.val;
  const id = claim(OBJECT_ID);
  if (!id) return { ok: false, why: 'no object id claim' };
  const roleType = p.role_typ ?? 'roles';
  const roles = [...new Set(p.claims.filter((c) => c.typ === roleType || c.typ === 'roles').map((c) => c.val))];
  return {
    ok: true,
    caller: {
      kind: claim([ID_TYPE]) === 'app' ? 'system' : 'person',
      id,
      name: cleanName(claim([...(p.name_typ ? [p.name_typ] : []), ...NAMES]) ?? id),
      roles: roles.filter(isRole) satisfies Role[],
      groups: p.claims.filter((c) => c.typ === GROUPS).map((c) => c.val),
    },
  };
}

// A name goes into records, logs and pages: one line, bounded.
// eslint-disable-next-line no-control-regex -- control characters would forge log lines
const CONTROL = /[\u0000-\u001f\u007f]/g;

function cleanName(name: string): string {
  return name.replace(CONTROL, ' ').trim().slice(0, 100) || 'unnamed';
}
