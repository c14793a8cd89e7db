// Runner ports: what running a runbook needs from the outside world (locating it, processes, files, AKS login).
import type { AksCluster } from '../../domain/worker/aks-target';
import type { RunbookResolution } from '../../domain/worker/runbook-name';
import type { OutputEdges } from '../../domain/runs/output-bytes';

export type RunbookLocator = (runbook: string) => Promise<RunbookResolution>;

/** What a run's private directory must hold besides its home: the alert JSON, room for an AKS login. */
export type RunDirSpec = { readonly execId: string; readonly alertJson: string | null; readonly aks: boolean };

/** Everything in it belongs to the user runbooks run as, 0700/0600; dispose() removes it all and never rejects. */
export type RunDir = {
  /** HOME and TMPDIR of the runbook and of the login tools. */
  readonly home: string;
  /** The alert JSON, for CLOUDO_ALERT_FILE. */
  readonly alertFile?: string;
  readonly aks?: AksFiles;
  dispose(): Promise<void>;
};

/** The variables that make a run act as the runbook identity (through ClouDO's token broker); none without one. */
export type RunbookIdentityEnv = () => Promise<Readonly<Record<string, string>>>;

export type RunnerPorts = {
  readonly locate: RunbookLocator;
  readonly identity: RunbookIdentityEnv;
  /** For mappings with aks_login: a per-run kubeconfig through the runbook identity. */
  readonly aksLogin: AksLogin;
  /** Runs a process as the user runbooks run as. */
  readonly run: ProcessRunner;
  readonly runDir: (spec: RunDirSpec) => Promise<RunDir>;
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
  /** Run as this user and group (no supplementary groups) instead of the worker's own; needs a root worker. */
  readonly user?: ProcessUser;
  /** Aborting stops the run as a timeout does (SIGTERM, then SIGKILL after the grace), with outcome `cancelled`. */
  readonly signal?: AbortSignal;
  /** Each piece of output as it arrives (stdout and stderr interleaved), besides the capped copy in the outcome. */
  readonly onOutput?: (chunk: Buffer) => void;
};

export type ProcessUser = { readonly uid: number; readonly gid: number };

export type ProcessOutcomeKind = 'exited' | 'timed_out' | 'cancelled' | 'spawn_failed';

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
  /** When truncated: the head and tail `output` kept, apart, so that a secret the cut went through can be told. */
  readonly outputEdges?: OutputEdges;
  /** Set for spawn_failed: why the process could not start (e.g. "interpreter not found: python3"); and for an exit
   * that was not the process's own: why it was stopped (its launcher was lost). */
  readonly error?: string;
};

export type ProcessRunner = (spec: ProcessSpec) => Promise<ProcessOutcome>;

/** Where one run's kubeconfig and `az` state go, in its private directory. */
export type AksFiles = { readonly kubeconfig: string; readonly azureConfigDir: string };

export type AksLoginOutcome =
  { readonly ok: true } | { readonly ok: false; readonly error: string; readonly said?: OutputTail | undefined };

/** What a tool printed last, kept for a message: `cut` when its start was dropped (where a secret may begin). */
export type OutputTail = { readonly text: string; readonly cut: boolean };

/** Logs in as the runbook identity and writes the cluster's kubeconfig; `env` is the runbook's inherited part and
 * its identity variables. */
export type AksLogin = (
  cluster: AksCluster,
  env: Readonly<Record<string, string>>,
  limits: { readonly timeoutMs: number; readonly killGraceMs: number },
  files: AksFiles,
) => Promise<AksLoginOutcome>;
