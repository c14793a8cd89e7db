// Vitest global setup: one in-memory Azurite for the whole run, shared through inject('storageConnection').
// vitest/node is ESM-only; a type-only import needs the resolution mode spelled out from this CommonJS project.
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { startAzurite } from '../../src/local/azurite';
import type { AzuriteHandle } from '../../src/local/azurite';

declare module 'vitest' {
  export interface ProvidedContext {
    storageConnection: string;
  }
}

let azurite: AzuriteHandle | undefined;

export async function setup(project: TestProject): Promise<void> {
  azurite = await startAzurite({ mode: 'memory' });
  project.provide('storageConnection', azurite.connectionString);
}

export async function teardown(): Promise<void> {
  await azurite?.stop();
  azurite = undefined;
}
