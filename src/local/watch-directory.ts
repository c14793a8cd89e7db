// Directory watching for the local runtime: one call after a burst of changes under a folder, never two at once.
import { watch } from 'node:fs';
import type { Logger } from '../services/shared/ports';

/** What watching returns: stop it with the runtime. */
export type DirectoryWatch = { stop(): Promise<void> };

// Editors save in several steps (a temp file, a rename, a chmod): one reload once they are done.
const QUIET_MS = 250;

/** Calls `onChange` once the folder has been quiet for a moment after a change; a failure is logged, not thrown. */
export function watchDirectory(dir: string, onChange: () => Promise<void>, log: Logger): DirectoryWatch {
  let timer: NodeJS.Timeout | undefined;
  let done: Promise<void> = Promise.resolve();
  const fire = () => {
    done = done.then(() =>
      onChange().catch((err: unknown) => log.error(`reloading after a change in ${dir} failed: ${String(err)}`)),
    );
  };
  const watcher = watch(dir, { recursive: true, persistent: false }, () => {
    clearTimeout(timer);
    timer = setTimeout(fire, QUIET_MS);
  });
  watcher.on('error', (err) => log.warn(`no longer watching ${dir} for changes: ${err.message}`));
  return {
    stop: async () => {
      clearTimeout(timer);
      watcher.close();
      await done;
    },
  };
}
