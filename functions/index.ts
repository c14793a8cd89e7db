// Azure Functions entry point: validates settings at start-up and registers every function with the host.
import { app } from '@azure/functions';
import { loadConfig } from '../src/config';
import { createAppServices, type AppServices } from '../src/composition';
import { runbookIsolation } from '../src/runner-wiring';
import { registerFunctions } from './register';

const loaded = loadConfig();
// The worker's stdout and stderr go to the host's log: say whom runbooks run as, or stop here if they cannot.
const isolation = runbookIsolation(loaded);
for (const note of isolation.notes) (note.level === 'warn' ? console.warn : console.log)(note.text);
const config = { ...loaded, runbooksDir: isolation.runbooksDir };
let services: AppServices | undefined;

// Storage clients are built on first use, so indexing the functions needs no network.
registerFunctions(app, config, () => (services ??= createAppServices(config)));
