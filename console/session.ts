// Who is using the console and what they may press: read once from GET /api/me, shared by every page.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Me } from './types';

/** Nobody may do anything until /api/me says otherwise: a button shown by mistake is worse than one missing. */
export const NOBODY: Me = {
  id: '',
  name: '',
  kind: 'person',
  roles: [],
  auth: 'keys',
  rights: { read: false, run: false, cancel: false, approve: false, audit: 'none' },
};

export const SessionContext = createContext<Me>(NOBODY);

export function useSession(): Me {
  return useContext(SessionContext);
}
