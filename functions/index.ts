// Azure Functions entry point: validates settings at start-up and registers every function with the host.
import './telemetry-start';
import { app } from '@azure/functions';
import { loadConfig } from '../src/config/load-config';
import { createAppServices } from '../src/composition/app-services';
import type { AppServices } from '../src/composition/service-groups';
import { createRunbookIsolation, type StartupNote } from '../src/composition/runner-wiring';
import { startRunbookIdentity } from '../src/composition/runbook-identity-wiring';
import type { Logger } from '../src/services/shared/ports';
import { registerFunctions } from './register';

// The worker's stdout and stderr go to the host's log.
const log: Logger = { info: console.log, warn: console.warn, error: console.error };
const say = (notes: readonly StartupNote[]) => notes.forEach((note) => log[note.level](note.text));

// /api/logs/{execId}/output streams server-sent events: the host passes the response body through as it comes.
app.setup({ enableHttpStream: true });

const loaded = loadConfig();
// Say whom runbooks run as, or stop here if they cannot.
const isolation = createRunbookIsolation(loaded);
say(isolation.notes);
const config = { ...loaded, runbooksDir: isolation.runbooksDir };
// The runbook identity's token broker listens on 127.0.0.1 from start-up; a run waits for it to be listening.
const identity = startRunbookIdentity(config, log);
identity.then(
  (started) => say(started.notes),
  (err: unknown) => log.error(`the runbook identity's token service did not start: ${String(err)}`),
);
const runbookIdentity = async () => (await identity).env;
let services: AppServices | undefined;

// Storage clients are built on first use, so indexing the functions needs no network.
registerFunctions(app, config, () => (services ??= createAppServices(config, undefined, { runbookIdentity })));
