// `npm start`: runs ClouDO locally on an embedded Azurite until Ctrl-C.
import path from 'node:path';
import { killLiveGroups } from '../adapters/worker/live-process-groups';
import { overlayEnvironment } from '../config/environment';
import { ConfigError, loadConfig } from '../config/load-config';
import { MappingValidationError } from '../services/mappings/apply-mappings';
import { consoleWriter } from './console-log';
import { CONSOLE_PATH } from '../domain/shared/api-paths';
import { readLocalSettings } from './local-settings';
import { startLocalRuntime } from './runtime';
import { StartError } from './start-error';

async function main(): Promise<void> {
  const local = await readLocalSettings(path.resolve('local.settings.json'));
  const { env, fromDefaults } = overlayEnvironment(local.values);
  if (local.file && fromDefaults.length > 0) {
    const names = fromDefaults.join(', ');
    console.log(`settings from ${path.relative(process.cwd(), local.file)}: ${names} (the environment wins)`);
  }
  const config = loadConfig(env);
  const runtime = await startLocalRuntime({ config, hostJsonPath: path.resolve('host.json'), write: consoleWriter });
  const storage = config.storage
    ? `the account in ${config.storageSetting}`
    : `embedded Azurite (${config.localStorage === 'disk' ? `data in ${path.relative(process.cwd(), config.localDataDir)}` : 'in memory'})`;
  console.log(`\nClouDO is running on ${runtime.url}/api  (storage: ${storage})`);
  console.log(`  console: ${runtime.url}${CONSOLE_PATH}`);
  const first = runtime.mappings.find((m) => m.enabled && !m.requireApproval);
  if (first) console.log(`  try: curl -X POST '${runtime.url}/api/Trigger?id=${encodeURIComponent(first.id)}'`);
  console.log(`       curl ${runtime.url}/api/logs\nPress Ctrl-C to stop.\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      const killed = killLiveGroups();
      console.log(
        `Forced exit: ${killed} running runbook(s) killed; the sweeper marks their executions as error later.`,
      );
      process.exit(130);
    }
    stopping = true;
    console.log(`\n${signal}: finishing running executions (Ctrl-C again to force)...`);
    runtime.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Azurite has its own process group and sees none of these: ClouDO stops it after draining. SIGHUP too, so that a
  // closed terminal drains executions as Ctrl-C does (Azurite would end with ClouDO anyway, having saved).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
}

main().catch((err: unknown) => {
  // What a person can fix gets one line; anything else is a bug and keeps its stack.
  if (err instanceof ConfigError || err instanceof MappingValidationError || err instanceof StartError) {
    console.error(err.message);
  } else console.error('ClouDO failed to start:', err);
  process.exit(1);
});
