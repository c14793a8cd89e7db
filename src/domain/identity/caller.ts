// Callers: who asks for something (a signed-in person, a key holder, an alert, a schedule) and the roles they hold.

/**
 * How a deployment tells callers apart. `keys`: no sign-in; every route takes a function key, and a key holder may
 * do everything. `easy-auth`: App Service authentication verifies people and sets X-MS-CLIENT-PRINCIPAL (dropping
 * client copies); people's routes need it, keyed routes (alert webhooks, CI runs) take a key. `local-admin`: the local
 * runtime, serving loopback only: every caller is its user, with every right.
 */
export type AuthMode = 'keys' | 'easy-auth' | 'local-admin';

/** App roles of ClouDO's Entra app registration (iac/modules/cloudo/sign-in.tf). */
export const ROLES = ['ClouDO.Reader', 'ClouDO.Operator', 'ClouDO.Approver', 'ClouDO.Admin'] as const;
export type Role = (typeof ROLES)[number];

/** `person`: a signed-in user or app; `system`: a function-key holder; `alert` and `schedule` are not people. */
export type CallerKind = 'person' | 'system' | 'alert' | 'schedule';

export type Caller = {
  readonly kind: CallerKind;
  /** A stable id: the Entra object id of a person, "key" for a key holder, "local" for the local runtime's user. */
  readonly id: string;
  /** A display name, for records and pages (never trusted for decisions). */
  readonly name: string;
  readonly roles: readonly Role[];
  /** Entra group object ids, when the token carries them. */
  readonly groups: readonly string[];
  /** Set only for a function-key holder: nothing a sign-in carries can make a caller one. */
  readonly keyHolder?: true;
};

/** What a caller may do; each route needs one. */
export type Right = 'read' | 'run' | 'cancel' | 'approve' | 'admin';

const GRANTS: Readonly<Record<Role, readonly Right[]>> = {
  'ClouDO.Reader': ['read'],
  'ClouDO.Operator': ['read', 'run', 'cancel'],
  'ClouDO.Approver': ['read', 'approve'],
  'ClouDO.Admin': ['read', 'run', 'cancel', 'approve', 'admin'],
};

/** The least role that grants `right`, named in a 403. */
export const ROLE_FOR: Readonly<Record<Right, Role>> = {
  read: 'ClouDO.Reader',
  run: 'ClouDO.Operator',
  cancel: 'ClouDO.Operator',
  approve: 'ClouDO.Approver',
  admin: 'ClouDO.Admin',
};

export function hasRight(caller: Caller, right: Right): boolean {
  return caller.roles.some((role) => GRANTS[role].includes(right));
}

/** What every guard checks. Key holders on keyed routes run and post alerts: the key is what CI and senders got. */
export function mayDo(caller: Caller, right: Right): boolean {
  return hasRight(caller, right) || (caller.keyHolder === true && right === 'run');
}

/** What a caller may do, for a client to show or hide its actions: the guards' own answers, not a second table. */
export type CallerRights = {
  readonly read: boolean;
  readonly run: boolean;
  readonly cancel: boolean;
  readonly approve: boolean;
  /** Admins read the whole audit trail; other readers their own records (as GET /api/audit filters them). */
  readonly audit: 'all' | 'own' | 'none';
};

export function rightsOf(caller: Caller): CallerRights {
  const read = mayDo(caller, 'read');
  return {
    read,
    run: mayDo(caller, 'run'),
    cancel: mayDo(caller, 'cancel'),
    approve: mayDo(caller, 'approve'),
    audit: !read ? 'none' : hasRight(caller, 'admin') ? 'all' : 'own',
  };
}

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/** The local runtime's user when it trusts every caller (it serves loopback only). */
export function localAdmin(name: string): Caller {
  return { kind: 'person', id: 'local', name, roles: ['ClouDO.Admin'], groups: [] };
}

/**
 * A function-key holder. With keys as the only credential (no sign-in configured), a key is all there is to tell
 * callers apart, so it grants everything; with sign-in, keys open only the keyed routes (alert webhooks, CI runs).
 */
export function keyHolder(allRights: boolean): Caller {
  const roles: Role[] = allRights ? ['ClouDO.Admin'] : [];
  return { kind: 'system', id: 'key', name: 'function key', roles, groups: [], keyHolder: true };
}
