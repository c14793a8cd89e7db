// Execute a runbook: locate it safely, build argv and environment, log in to AKS if asked, run it, and report.
import { resolveAksTarget } from '../../domain/worker/aks-target';
import type { Execution, RunResult } from '../../domain/runs/execution';
import { splitRunArgs } from '../../domain/worker/run-args';
import { redact, findSecretValues } from '../../domain/shared/redact';
import { buildRunbookEnvironment, type AksRunEnv } from '../../domain/worker/runbook-env';
import type { AksLoginOutcome, ProcessOutcome, RunDir, RunnerPorts } from './ports';
import { openRunParams, type OpenedParams } from './open-run-params';
import { recapText, redactCutOutput, redactCutTail } from '../../domain/runs/output-bytes';
import type { LiveOutput } from './live-output';

export type RunnerSettings = {
  readonly runbooksDir: string;
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly interpreters: { readonly bash: string; readonly python: string };
  readonly killGraceSeconds: number;
  readonly maxOutputBytes: number;
  /** Configured credentials (Opsgenie keys, approval secret…): a runbook never gets them, and never shows them. */
  readonly secrets: readonly { name: string; value: string }[];
  /** Opens secret run parameters sealed when the run was requested (APPROVAL_SECRET); unset, there are none. */
  readonly sealKey?: string | undefined;
  /** Recorded on every run: the image tag or package version that ran it. */
  readonly appVersion?: string;
};

export const NO_AKS_CLUSTER =
  'aks_login is on, but neither the mapping (aks_cluster) nor the alert names an AKS cluster';
export const NO_RUNBOOK_IDENTITY =
  'aks_login is on, but runbooks have no identity to log in with: set CLOUDO_RUNBOOK_CLIENT_ID';
// A login stuck on the identity endpoint must not eat the runbook's whole time.
const AKS_LOGIN_CAP_MS = 120_000;

export type RunOptions = {
  /** The original alert, handed over as CLOUDO_ALERT_FILE. */
  readonly alertJson?: string | null;
  /** Aborting stops the process group (outcome `cancelled`). */
  readonly signal?: AbortSignal;
  /** Where the output goes while the run goes on, redacted of these secrets. */
  readonly openLive?: (secrets: readonly { name: string; value: string }[]) => LiveOutput;
  /**
   * Takes the removal of the run's directory, still going on, so the result can be recorded meanwhile; the caller
   * waits for it before it is done with the run. Without it, the result is returned once the directory is gone.
   */
  readonly deferCleanup?: (removed: Promise<void>) => void;
};

export async function executeRunbook(
  ports: RunnerPorts,
  settings: RunnerSettings,
  e: Execution,
  options: RunOptions = {},
): Promise<RunResult> {
  const located = await ports.locate(e.runbook);
  if (!located.ok) return failedToStart(located.message);
  // What exactly runs: the file as found now, whatever it becomes later.
  const result = await executeLocated(ports, settings, e, located, options);
  return {
    ...result,
    runbookSha256: located.sha256,
    ...(settings.appVersion ? { appVersion: settings.appVersion } : {}),
  };
}

async function executeLocated(
  ports: RunnerPorts,
  settings: RunnerSettings,
  e: Execution,
  located: { path: string; interpreter: 'bash' | 'python' },
  { alertJson = null, signal, openLive, deferCleanup }: RunOptions,
): Promise<RunResult> {
  const args = splitRunArgs(e.runArgs);
  if (!args.ok) return failedToStart(`run_args: ${args.message}`);
  const params = openRunParams(e, settings.sealKey);
  if (!params.ok) return failedToStart(params.message);
  let identity: Readonly<Record<string, string>>;
  try {
    identity = await ports.identity();
  } catch (err) {
    return failedToStart(`the runbook identity's token service did not start: ${(err as Error).message}`);
  }
  // The directory lives exactly as long as the run: the alert file may hold whatever the sender put in the alert.
  let dir: RunDir;
  try {
    dir = await ports.runDir({ execId: e.execId, alertJson, aks: e.aksLogin === true });
  } catch (err) {
    return failedToStart(`could not prepare the run's directory: ${(err as Error).message}`);
  }
  try {
    return await withAks(ports, settings, e, { dir, identity }, (aks, timeoutMs) =>
      run(ports, settings, e, { located, args: args.args, dir, identity, aks, timeoutMs, params, signal, openLive }),
    );
  } finally {
    // Removed as soon as the run is over either way; a caller that defers it records the result meanwhile.
    const removed = dir.dispose();
    if (deferCleanup) deferCleanup(removed);
    else await removed;
  }
}

type RunPlan = {
  readonly located: { path: string; interpreter: 'bash' | 'python' };
  readonly args: readonly string[];
  readonly dir: RunDir;
  readonly identity: Readonly<Record<string, string>>;
  readonly aks: AksRunEnv | undefined;
  readonly timeoutMs: number;
  readonly params: OpenedParams;
  readonly signal: AbortSignal | undefined;
  readonly openLive: RunOptions['openLive'];
};

/** Logs in first when the mapping asks; login and runbook share the execution's timeout, as the sweeper assumes. */
async function withAks(
  ports: RunnerPorts,
  settings: RunnerSettings,
  e: Execution,
  { dir, identity }: Pick<RunPlan, 'dir' | 'identity'>,
  body: (aks: AksRunEnv | undefined, timeoutMs: number) => Promise<RunResult>,
): Promise<RunResult> {
  const budgetMs = e.timeoutSeconds * 1000;
  if (!e.aksLogin) return body(undefined, budgetMs);
  const cluster = resolveAksTarget(e, e.alert);
  if (cluster === null) return failedToStart(NO_AKS_CLUSTER);
  // The login acts as the runbook identity; without one it would reach for whatever identity the host has.
  if (identity['AZURE_CLIENT_ID'] === undefined) return failedToStart(NO_RUNBOOK_IDENTITY);
  if (dir.aks === undefined) return failedToStart('AKS login failed: the run has no room for a login');
  const startedAt = Date.now();
  const limits = { timeoutMs: Math.min(AKS_LOGIN_CAP_MS, budgetMs), killGraceMs: settings.killGraceSeconds * 1000 };
  const env = { ...settings.baseEnv, ...identity, HOME: dir.home, TMPDIR: dir.home };
  const login = await ports.aksLogin(cluster, env, limits, dir.aks);
  if (!login.ok) return failedToStart(loginError(login, bySize([...findSecretValues(env), ...settings.secrets])));
  const left = Math.max(1000, budgetMs - (Date.now() - startedAt));
  return body({ cluster, ...dir.aks }, left);
}

async function run(ports: RunnerPorts, settings: RunnerSettings, e: Execution, plan: RunPlan): Promise<RunResult> {
  const places = {
    home: plan.dir.home,
    alertFile: plan.dir.alertFile,
    identity: plan.identity,
    aks: plan.aks,
    params: plan.params.env,
  };
  const env = buildRunbookEnvironment(settings.baseEnv, e, settings.runbooksDir, places);
  const secrets = bySize([...findSecretValues(env), ...plan.params.secrets, ...settings.secrets]);
  const live = plan.openLive?.(secrets);
  const outcome = await ports.run({
    file: settings.interpreters[plan.located.interpreter],
    args: [plan.located.path, ...plan.args],
    cwd: settings.runbooksDir,
    env,
    timeoutMs: plan.timeoutMs,
    killGraceMs: settings.killGraceSeconds * 1000,
    maxOutputBytes: settings.maxOutputBytes,
    ...(plan.signal ? { signal: plan.signal } : {}),
    ...(live ? { onOutput: (chunk: Buffer) => live.push(chunk) } : {}),
  });
  // Everything written reaches the log before the result is recorded: a reader that sees the run over has it all.
  await live?.close();
  const redacted = outcome.outputEdges
    ? redactCutOutput(outcome.outputEdges, secrets)
    : redact(outcome.output, secrets);
  const output = recapText(redacted, settings.maxOutputBytes);
  return toResult({ ...outcome, output }, e.timeoutSeconds);
}

// A tool's last words are cut at their start: a secret the cut went through is dropped, not left in part.
const loginError = (login: Extract<AksLoginOutcome, { ok: false }>, secrets: Parameters<typeof redact>[1]) =>
  redact(login.error, secrets) + (login.said ? `: ${redactCutTail(login.said, secrets)}` : '');

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
    case 'cancelled':
      // The worker that stopped it replaces this with who asked and why.
      return { ...common, status: 'cancelled', error: 'cancelled; process group stopped' };
    case 'exited':
      if (o.exitCode === 0) return { ...common, status: 'succeeded' };
      if (o.error) return { ...common, status: 'failed', error: o.error };
      return { ...common, status: 'failed', ...(o.signal ? { error: `killed by signal ${o.signal}` } : {}) };
  }
}
