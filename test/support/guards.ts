// Guards for calling function definitions directly in tests: the local runtime's own (every caller its user).
import type { GuardFor } from '../../src/http/guarded-handler';

export const localGuard: GuardFor = (route, right) => ({
  auth: { mode: 'local-admin', localUser: 'test' },
  route,
  right,
  audit: () => ({ read: () => Promise.resolve({ items: [] }), write: () => Promise.resolve() }),
});
