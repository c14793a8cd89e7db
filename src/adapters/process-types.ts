// Contract between the runbook service and the process runner: what to run and what came of it.

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
