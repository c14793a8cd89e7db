// Execute a runbook: locate it safely, build argv and environment, run it, and turn the outcome into a result.
import type { Execution, RunResult } from '../domain/execution';
import { splitRunArgs } from '../domain/run-args';
import { redact, secretValues } from '../domain/redact';
import { runbookEnvironment } from '../domain/runbook-env';
import type { ProcessOutcome, RunnerPorts } from './ports';

export type RunnerSettings = {
  readonly runbooksDir: string;
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly interpreters: { readonly bash: string; readonly python: string };
  readonly killGraceSeconds: number;
  readonly maxOutputBytes: number;
  /** Configured credentials (Opsgenie keys, approval secret…): a runbook never gets them, and never shows them. */
  readonly secrets: readonly { name: string; value: string }[];
};

/** Runs the execution's runbook; `alertJson` is the original alert, handed over as CLOUDO_ALERT_FILE. */
export async function executeRunbook(
  ports: RunnerPorts,
  settings: RunnerSettings,
  e: Execution,
  alertJson: string | null = null,
): Promise<RunResult> {
  const located = await ports.locate(e.runbook);
  if (!located.ok) return failedToStart(located.message);
  const args = splitRunArgs(e.runArgs);
  if (!args.ok) return failedToStart(`run_args: ${args.message}`);
  // The file lives exactly as long as the run: it may hold whatever the sender put in the alert.
  let file: Awaited<ReturnType<RunnerPorts['alertFile']>> | null = null;
  try {
    file = alertJson === null ? null : await ports.alertFile(e.execId, alertJson);
  } catch (err) {
    return failedToStart(`could not write the alert file: ${(err as Error).message}`);
  }
  try {
    return await run(ports, settings, e, located, args.args, file?.path);
  } finally {
    await file?.dispose();
  }
}

async function run(
  ports: RunnerPorts,
  settings: RunnerSettings,
  e: Execution,
  located: { path: string; interpreter: 'bash' | 'python' },
  args: readonly string[],
  alertFile: string | undefined,
): Promise<RunResult> {
  const env = runbookEnvironment(settings.baseEnv, e, settings.runbooksDir, alertFile);
  const outcome = await ports.run({
    file: settings.interpreters[located.interpreter],
    args: [located.path, ...args],
    cwd: settings.runbooksDir,
    env,
    timeoutMs: e.timeoutSeconds * 1000,
    killGraceMs: settings.killGraceSeconds * 1000,
    maxOutputBytes: settings.maxOutputBytes,
  });
  return toResult(
    { ...outcome, output: redact(outcome.output, bySize([...secretValues(env), ...settings.secrets])) },
    e.timeoutSeconds,
  );
}

// Longest first, so a secret that contains another is redacted whole.
const bySize = <T extends { value: string }>(xs: T[]) => xs.sort((a, b) => b.value.length - a.value.length);

function failedToStart(message: string): RunResult {
  return { status: 'error', error: message, exitCode: null, signal: null, durationMs: 0 };
}

function toResult(o: ProcessOutcome, timeoutSeconds: number): RunResult {
  const common = {
    exitCode: o.exitCode,
    signal: o.signal,
    durationMs: Math.round(o.durationMs),
    output: o.output,
    outputBytes: o.outputBytes,
    outputTruncated: o.truncated,
  };
  switch (o.kind) {
    case 'spawn_failed':
      return { ...common, status: 'error', error: o.error ?? 'the runbook could not be started' };
    case 'timed_out':
      return { ...common, status: 'timed_out', error: `timed out after ${timeoutSeconds} s; process group killed` };
    case 'exited':
      if (o.exitCode === 0) return { ...common, status: 'succeeded' };
      return { ...common, status: 'failed', ...(o.signal ? { error: `killed by signal ${o.signal}` } : {}) };
  }
}
