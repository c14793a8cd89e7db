// Azure Functions entry point: validates settings at start-up and registers every function with the host.
import { app } from '@azure/functions';
import { loadConfig } from '../src/config';
import { createAppServices, type AppServices } from '../src/composition';
import { registerFunctions } from './register';

const config = loadConfig();
let services: AppServices | undefined;

// Storage clients are built on first use, so indexing the functions needs no network.
registerFunctions(app, config, () => (services ??= createAppServices(config)));
