// `cloudo azure …`: what the verbs need from the outside world, and the dispatch from a command line to a verb.
import { loadOperatorSettings } from '../config/operator-settings';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAzureCredential } from '../adapters/shared/azure-credential';
import { createMonitor } from '../adapters/azure/arm-monitor';
import { ATTACH_FLAGS, attach } from './azure-attach';
import { VERIFY_FLAGS, verify } from './azure-verify';
import type { AzureDeps } from './azure-deps';
import { parseFlags, type FlagSpec, type Flags } from './cli-args';

type AzureVerb = { readonly flags: FlagSpec; readonly run: (flags: Flags, deps: AzureDeps) => Promise<number> };

const VERBS: Readonly<Record<string, AzureVerb>> = {
  verify: { flags: VERIFY_FLAGS, run: verify },
  attach: { flags: ATTACH_FLAGS, run: attach },
};

export const AZURE_VERBS: readonly string[] = Object.keys(VERBS);

/** Throws UsageError for a command line the verb cannot run. */
export function runAzure(verb: string, args: readonly string[], deps: AzureDeps): Promise<number> {
  const command = VERBS[verb];
  if (!command) throw new Error(`not an azure verb: ${verb}`);
  return command.run(parseFlags(args, command.flags), deps);
}

/** DefaultAzureCredential: `az login` on a laptop, managed or workload identity in Azure. */
export function createAzureDeps(): AzureDeps {
  const credential = createAzureCredential({});
  return {
    monitor: (subscriptionId) => createMonitor(subscriptionId, { credential }),
    fetch,
    print: (line) => console.log(line),
    now: () => new Date(),
    sleep: (ms) => sleep(ms),
    appPollMs: 5000,
    token: loadOperatorSettings(undefined).token,
  };
}
