// Per-mapping rights: a mapping may narrow who may run or approve it to some roles or Entra groups.
import { z } from 'zod';
import { isRole, type Caller, type Role } from './caller';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const entry = z
  .string()
  .refine(
    (v) => isRole(v) || GUID.test(v),
    'a role (ClouDO.Reader, ClouDO.Operator, ClouDO.Approver, ClouDO.Admin) or a group object id',
  );

export type MappingAccess = {
  /** Who may run it by hand (alerts and schedules are not people, and are not subject to it); null: the role decides. */
  readonly run: readonly string[] | null;
  /** Who may approve or reject its runs; null: the role decides. */
  readonly approve: readonly string[] | null;
};

export const NO_ACCESS_LIST: MappingAccess = { run: null, approve: null };

export const mappingAccessSchema = z
  .strictObject({
    run: z.array(entry).min(1).max(50).optional(),
    approve: z.array(entry).min(1).max(50).optional(),
  })
  .transform((a): MappingAccess => ({ run: a.run ?? null, approve: a.approve ?? null }))
  .describe('Narrows who may run (by hand) or approve this mapping: role names or Entra group object ids.');

/** Whether the caller is on the mapping's list for `action`; Admins always are, and no list leaves it to the role. */
export function isOnAccessList(caller: Caller, access: MappingAccess, action: 'run' | 'approve'): boolean {
  const list = access[action];
  if (list === null || caller.roles.includes('ClouDO.Admin')) return true;
  return list.some((e) => (isRole(e) ? caller.roles.includes(e as Role) : caller.groups.some((g) => sameId(g, e))));
}

const sameId = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * Whether the mapping's list lets the caller `action` it: key holders (CI, senders), alerts and schedules are not
 * people and are not held to it; every verified caller is. The caller's role is checked apart (see mayDo).
 */
export function mayActOn(caller: Caller, access: MappingAccess, action: 'run' | 'approve'): boolean {
  return caller.keyHolder === true || isOnAccessList(caller, access, action);
}
