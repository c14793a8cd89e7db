// Runner ports: what running a runbook needs from the outside world (locating it, processes, files, AKS login).
import type { AksCluster } from '../domain/aks-target';
import type { RunbookResolution } from '../domain/runbook-name';

export type RunbookLocator = (runbook: string) => Promise<RunbookResolution>;

export type AlertFile = { readonly path: string; dispose(): Promise<void> };

export type RunnerPorts = {
  readonly locate: RunbookLocator;
  /** For mappings with aks_login: a per-run kubeconfig through the managed identity. */
  readonly aksLogin: AksLogin;
  readonly run: ProcessRunner;
  /** The alert JSON of an execution, as a file for CLOUDO_ALERT_FILE. */
  readonly alertFile: (execId: string, json: string) => Promise<AlertFile>;
};

// What to run and what came of it: the contract between the runbook use case and the process runner.
export type ProcessSpec = {
  /** Absolute path or bare name (looked up on PATH) of the interpreter to run. */
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The complete environment of the child: nothing is inherited. */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Time between SIGTERM and SIGKILL to the process group once the timeout fires. */
  readonly killGraceMs: number;
  /** Cap on captured output; head and tail are kept. */
  readonly maxOutputBytes: number;
};

export type ProcessOutcomeKind = 'exited' | 'timed_out' | 'spawn_failed';

export type ProcessOutcome = {
  readonly kind: ProcessOutcomeKind;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly durationMs: number;
  /** stdout and stderr interleaved in arrival order, UTF-8, at most maxOutputBytes plus a truncation marker. */
  readonly output: string;
  /** Bytes the process wrote in total, including those dropped. */
  readonly outputBytes: number;
  readonly truncated: boolean;
  /** Set for spawn_failed: why the process could not start (e.g. "interpreter not found: python3"). */
  readonly error?: string;
};

export type ProcessRunner = (spec: ProcessSpec) => Promise<ProcessOutcome>;

/** A kubeconfig (and `az` state) for one run, in a private directory that dispose() removes. */
export type AksSession = { readonly kubeconfig: string; readonly azureConfigDir: string; dispose(): Promise<void> };

export type AksLoginOutcome = ({ readonly ok: true } & AksSession) | { readonly ok: false; readonly error: string };

/** Logs in with the managed identity and gets the cluster's kubeconfig; `env` is the runbook's inherited part. */
export type AksLogin = (
  cluster: AksCluster,
  env: Readonly<Record<string, string>>,
  limits: { readonly timeoutMs: number; readonly killGraceMs: number },
) => Promise<AksLoginOutcome>;
