// Runbook identity wiring: the token broker runbooks get their identity from, started with the worker, and what
// start-up says about the identity runbooks act as.
import { createRunbookCredential } from '../adapters/shared/azure-credential';
import { startTokenBroker } from '../adapters/worker/token-broker';
import type { CloudoConfig } from '../config/load-config';
import type { StartupNote } from './runner-wiring';
import type { Logger } from '../services/shared/ports';

export type RunbookIdentity = {
  /** What every run gets: the broker's IDENTITY_ENDPOINT and IDENTITY_HEADER and the runbook AZURE_CLIENT_ID; or none. */
  readonly env: Readonly<Record<string, string>>;
  readonly notes: readonly StartupNote[];
  stop(): Promise<void>;
};

const NO_IDENTITY =
  "runbooks get no managed identity: CLOUDO_RUNBOOK_CLIENT_ID is not set, and ClouDO's own identity is never theirs";

/** Starts the broker when CLOUDO_RUNBOOK_CLIENT_ID is set; without it, runbooks get none of the identity variables. */
export async function startRunbookIdentity(config: CloudoConfig, log: Logger): Promise<RunbookIdentity> {
  const { clientId, source, hostHasIdentity, hostSecrets } = config.runbookIdentity;
  if (clientId === undefined) {
    const notes: StartupNote[] = hostHasIdentity ? [{ level: 'warn', text: NO_IDENTITY }] : [];
    return { env: {}, notes, stop: async () => undefined };
  }
  const credential = createRunbookCredential(clientId, source);
  const broker = await startTokenBroker({ clientId, credential, hostSecrets, log });
  const via = source === 'workload' ? 'the federated token' : 'the managed identity endpoint';
  const text = `runbooks act as managed identity ${clientId}: tokens from ${broker.endpoint}, got with ${via}`;
  return {
    env: { IDENTITY_ENDPOINT: broker.endpoint, IDENTITY_HEADER: broker.header, AZURE_CLIENT_ID: clientId },
    notes: [{ level: 'info', text }],
    stop: () => broker.stop(),
  };
}
