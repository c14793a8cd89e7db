// Test harness: a real local runtime on the shared Azurite, with its own tables, queues, runbooks and mappings.
import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { promises as fs, rmSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { loadConfig, type CloudoConfig } from '../../src/config/load-config';
import { FINAL_STATUSES } from '../../src/domain/runs/execution-status';
import type { LineWriter } from '../../src/local/console-log';
import type { QueueHostSettings } from '../../src/local/host-config';
import { startLocalRuntime, type LocalRuntime } from '../../src/local/runtime';
import { readableDir } from './runbook-dirs';
import type { ClaimTiming } from '../../src/services/runs/record-once';
import { uniqueName } from './unique-names';

export type TestRuntimeOptions = {
  /** Mapping documents in the seed format, written to schemas/test.json. */
  readonly mappings: unknown;
  /** Runbook files by relative name; .sh and .py. */
  readonly runbooks: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
  /** Beyond the faster polling every test runtime gets, e.g. a short visibility timeout. */
  readonly queueOverrides?: Partial<QueueHostSettings>;
  /** Storage of the test's own, instead of the run's shared Azurite. */
  readonly connection?: string;
  /** Idempotency claims' lease and wait, e.g. a short lease to take over a dead request's claim. */
  readonly claimTiming?: ClaimTiming;
};

export type TestRuntime = {
  readonly url: string;
  readonly runtime: LocalRuntime;
  readonly config: CloudoConfig;
  readonly dir: string;
  readonly logs: string[];
  stop(): Promise<void>;
  /** Stops the runtime and starts a new one on the same storage, files and settings. */
  restart(): Promise<TestRuntime>;
};

export async function startTestRuntime(opts: TestRuntimeOptions): Promise<TestRuntime> {
  const dir = readableDir('cloudo-test-');
  let created: CloudoConfig | undefined;
  try {
    const config = await writeProjectConfig(dir, opts);
    created = config;
    return await launch(config, dir, [], opts);
  } catch (err) {
    // A failed start may already have created tables and queues, and the caller gets no handle to remove them.
    if (created) await dropStorage(created, opts.connection).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

type LaunchOptions = Pick<TestRuntimeOptions, 'queueOverrides' | 'claimTiming'>;

async function launch(config: CloudoConfig, dir: string, logs: string[], opts: LaunchOptions): Promise<TestRuntime> {
  const write: LineWriter = (level, source, message) => logs.push(`${level} ${source} ${message}`);
  const runtime = await startLocalRuntime({
    config,
    hostJsonPath: path.resolve(__dirname, '../../host.json'),
    write,
    queueOverrides: { maxPollingIntervalMs: 250, ...opts.queueOverrides },
    ...(opts.claimTiming ? { claimTiming: opts.claimTiming } : {}),
  });
  const stop = async (): Promise<void> => {
    await runtime.stop();
    await dropStorage(config, config.storageConnection);
    rmSync(dir, { recursive: true, force: true });
  };
  const restart = async (): Promise<TestRuntime> => {
    await runtime.stop();
    return launch(config, dir, logs, opts);
  };
  return { url: runtime.url, runtime, config, dir, logs, stop, restart };
}

/** A second runtime on the same storage, files and settings: another instance of the same app. */
export async function startPeerRuntime(
  rt: TestRuntime,
): Promise<{ url: string; logs: string[]; stop(): Promise<void> }> {
  const logs: string[] = [];
  const runtime = await startLocalRuntime({
    config: rt.config,
    hostJsonPath: path.resolve(__dirname, '../../host.json'),
    write: (level, source, message) => logs.push(`${level} ${source} ${message}`),
    queueOverrides: { maxPollingIntervalMs: 250 },
  });
  return { url: runtime.url, logs, stop: () => runtime.stop() };
}

/** A runtime and a peer on the same storage, files and settings: two instances sharing one deployment's work. */
export async function startRuntimePair(opts: TestRuntimeOptions) {
  const rt = await startTestRuntime(opts);
  const peer = await startPeerRuntime(rt).catch(async (err: unknown) => {
    await rt.stop();
    throw err;
  });
  return {
    rt,
    peer,
    stop: async () => {
      await peer.stop();
      await rt.stop();
    },
  };
}

async function writeProjectConfig(dir: string, opts: TestRuntimeOptions): Promise<CloudoConfig> {
  const { runbooksDir, schemasDir } = await writeProject(dir, opts);
  const id = uniqueName('');
  return loadConfig(
    {
      PATH: process.env['PATH'],
      PORT: '0',
      CLOUDO_STORAGE_CONNECTION: opts.connection ?? inject('storageConnection'),
      CLOUDO_MAPPINGS_TABLE: `${id}m`,
      CLOUDO_EXECUTIONS_TABLE: `${id}x`,
      CLOUDO_QUEUE_PREFIX: `${id}-`,
      CLOUDO_RUNBOOKS_DIR: runbooksDir,
      CLOUDO_SCHEMAS_DIR: schemasDir,
      CLOUDO_KILL_GRACE_SECONDS: '1',
      ...opts.env,
    },
    dir,
  );
}

async function writeProject(dir: string, opts: TestRuntimeOptions) {
  const runbooksDir = path.join(dir, 'runbooks');
  const schemasDir = path.join(dir, 'schemas');
  await fs.mkdir(schemasDir, { recursive: true });
  await fs.mkdir(runbooksDir, { recursive: true });
  await fs.writeFile(path.join(schemasDir, 'test.json'), JSON.stringify(opts.mappings));
  for (const [name, text] of Object.entries(opts.runbooks)) {
    await fs.mkdir(path.dirname(path.join(runbooksDir, name)), { recursive: true });
    await fs.writeFile(path.join(runbooksDir, name), text, { mode: 0o755 });
  }
  return { runbooksDir, schemasDir };
}

/** Removes the tables and every queue (with poison queues) this runtime's names cover. */
export async function dropStorage(config: CloudoConfig, conn = inject('storageConnection')): Promise<void> {
  const options = { allowInsecureConnection: true };
  await Promise.all(
    [config.mappingsTable, config.executionsTable].map((t) =>
      TableClient.fromConnectionString(conn, t, options)
        .deleteTable()
        .catch(() => undefined),
    ),
  );
  const queues = QueueServiceClient.fromConnectionString(conn);
  for await (const q of queues.listQueues({ prefix: config.queuePrefix }))
    await queues
      .getQueueClient(q.name)
      .delete()
      .catch(() => undefined);
}

export type Json = Record<string, unknown>;

/** `json`, when given, is sent as the request's JSON body. */
export async function call(
  method: string,
  url: string,
  json?: unknown,
): Promise<{ status: number; body: Json; headers: Headers }> {
  const init =
    json === undefined ? {} : { body: JSON.stringify(json), headers: { 'content-type': 'application/json' } };
  const res = await fetch(url, { method, ...init });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {}, headers: res.headers };
}

/** Polls an execution until it reaches a terminal status; generous deadline, no timing assertion. */
export async function waitForTerminal(url: string, execId: string, deadlineMs = 45_000): Promise<Json> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const { body } = await call('GET', `${url}/api/logs/${execId}`);
    if ((FINAL_STATUSES as readonly string[]).includes(String(body['status']))) return body;
    if (Date.now() > until) throw new Error(`execution ${execId} still ${String(body['status'])}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function mappingDoc(partition: string, entities: readonly Json[]): Json[] {
  return [{ partition_key: partition, entity: entities.map((e) => ({ worker: 'Runbook', ...e })) }];
}
