// Start-up checks of the local runtime: what must hold before anything starts, each failure one line naming the setting.
import { readdirSync } from 'node:fs';
import { StartError } from './start-error';

/** The runbooks directory must be a directory ClouDO can read: otherwise every run would fail, silently until then. */
export function requireRunbooksDir(dir: string): void {
  try {
    readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new StartError(`CLOUDO_RUNBOOKS_DIR: cannot read the runbooks in ${dir} (${code})`);
  }
}
