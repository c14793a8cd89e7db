// Entry of one embedded Azurite service process: takes its data directory's lock, runs Azurite's own main, and shuts
// Azurite down cleanly (saving its database) as soon as the ClouDO process that started it disconnects or dies.
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { ServiceStartMessage } from './azurite-process';
import { acquireDataDirLock, DataDirInUseError, IN_USE_EXIT_CODE } from './data-dir-lock';

const ACCOUNT = 'devstoreaccount1';
const startMessage: z.ZodType<ServiceStartMessage> = z.object({ accountKey: z.base64().min(1) });

// An orphan still saving its database is waited for this long by the next runtime's Azurite (see data-dir-lock).
const ORPHAN_WAIT_MS = 35_000;
// Azurite saves and closes in well under a second here; past this, something hangs and must not hold the lock.
const CLOSE_DEADLINE_MS = 30_000;

async function main(): Promise<void> {
  // Listening from the start: a message that arrives with no listener (while the lock is awaited) would be lost.
  const started = firstMessage();
  // Once ClouDO is gone, Azurite's "closing" lines meet a closed pipe: that must not kill it before it has saved.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const [service, ...azuriteArgs] = process.argv.slice(2);
  if (service !== 'table' && service !== 'queue') throw new Error(`unknown Azurite service "${service}"`);
  const location = azuriteArgs[azuriteArgs.indexOf('--location') + 1];
  if (azuriteArgs.includes('--location') && location !== undefined) {
    const release = await acquireDataDirLock(location, ORPHAN_WAIT_MS);
    process.once('exit', release);
  }
  // The IPC channel closes when the parent disconnects (a clean stop) or dies, even of SIGKILL. SIGINT is the one
  // signal on which both Azurite services save before exiting; before Azurite handles it, it ends the process.
  const shutdown = (): void => {
    setTimeout(() => process.exit(1), CLOSE_DEADLINE_MS).unref();
    process.kill(process.pid, 'SIGINT');
  };
  if (!process.connected) return shutdown();
  process.once('disconnect', shutdown);
  // Azurite reads its accounts from this variable; the key comes over IPC, so no command line ever shows it.
  const { accountKey } = startMessage.parse(await started);
  // eslint-disable-next-line no-restricted-properties -- written for Azurite in its own process, never read by ClouDO
  process.env['AZURITE_ACCOUNTS'] = `${ACCOUNT}:${accountKey}`;
  // Azurite's main reads its options from argv and starts when loaded.
  const azuriteMain = require.resolve(`azurite/dist/src/${service}/main.js`);
  process.argv = [process.argv[0] ?? process.execPath, azuriteMain, ...azuriteArgs];
  await import(pathToFileURL(azuriteMain).href);
}

/** The parent's first message; never settles if the channel closes first (the disconnect handler ends the process). */
function firstMessage(): Promise<unknown> {
  return new Promise((resolve) => process.once('message', resolve));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof DataDirInUseError ? IN_USE_EXIT_CODE : 1);
});
