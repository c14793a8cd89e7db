// Benchmark: how long a worker is held by a failed on-call run's page, with Opsgenie fast, failing or hanging.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createAdminServices } from '../src/composition/admin-wiring';
import { createAppServices } from '../src/composition/app-services';
import { loadConfig } from '../src/config/load-config';
import { queueNameForPool } from '../src/domain/runs/run-message';
import type { Logger } from '../src/services/shared/ports';
import { benchMapping } from './bench-mapping';
import { startOpsgenieStandIn, type StandInAnswer } from './opsgenie-stand-in';

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

const SCENARIOS: readonly [string, StandInAnswer][] = [
  ['Opsgenie answers 202', { status: 202 }],
  ['Opsgenie answers 503', { status: 503 }],
  ['Opsgenie hangs', { status: 202, delayMs: 60_000 }],
];

export async function benchPaging(connection: string, runs: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cloudo-bench-paging-'));
  mkdirSync(path.join(dir, 'runbooks'));
  writeFileSync(path.join(dir, 'runbooks', 'fail.sh'), 'echo broken\nexit 1\n');
  const og = await startOpsgenieStandIn();
  const id = `benchpage${Date.now()}`;
  const config = loadConfig(
    {
      PATH: process.env['PATH'],
      CLOUDO_STORAGE_CONNECTION: connection,
      CLOUDO_MAPPINGS_TABLE: `${id}m`,
      CLOUDO_EXECUTIONS_TABLE: `${id}x`,
      CLOUDO_QUEUE_PREFIX: `${id}-`,
      CLOUDO_RUNBOOKS_DIR: path.join(dir, 'runbooks'),
      OPSGENIE_API_KEY: 'bench-opsgenie-key',
      OPSGENIE_API_URL: og.url,
    },
    dir,
  );
  const bench = { kind: 'system', id: 'bench', name: 'bench' } as const;
  await createAdminServices(config).apply(
    [benchMapping('p', { id: 'fail', runbook: 'fail.sh', oncall: true })],
    false,
    bench,
  );
  const services = createAppServices(config);
  console.log(`\npaging: worker time for a failed on-call run, page included (${runs} runs each, median / max)`);
  for (const [name, answer] of SCENARIOS) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      og.answer(answer);
      const { execution } = await services.trigger.requestRun({ id: 'fail', partition: 'p', trigger: 'manual' }, quiet);
      const msg = {
        queueName: queueNameForPool(config.queuePrefix, 'Runbook'),
        messageId: `m${i}`,
        body: { v: 1, execId: execution.execId },
      };
      const t0 = performance.now();
      await services.worker.handleRunMessage(msg, quiet);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? 0;
    console.log(`  ${name.padEnd(22)} ${median.toFixed(0)} ms / ${(times.at(-1) ?? 0).toFixed(0)} ms`);
  }
  await og.close();
  rmSync(dir, { recursive: true, force: true });
}
