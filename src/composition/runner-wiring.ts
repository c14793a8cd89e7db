// Runner wiring: the worker's ports (runbooks, processes, run directories, AKS login) and settings, from the config.
import { createAksLogin } from '../adapters/worker/aks-login';
import { listDirectoryChain, readEffectiveCapabilities, readOwnUid, readPasswd } from '../adapters/worker/os-users';
import { runProcess } from '../adapters/worker/process-runner';
import { createRunDirs } from '../adapters/worker/run-dir';
import { removeStaged, restageRunbooks, stageRunbooks } from '../adapters/worker/runbook-staging';
import { resolveRunbook } from '../adapters/worker/runbook-resolver';
import { appVersionOf } from '../adapters/shared/app-version';
import { ConfigError, type CloudoConfig } from '../config/load-config';
import { findBlockingDirectory, decideRunUser, findMissingCapabilities, type RunUser } from '../domain/worker/run-user';
import type { RunnerSettings } from '../services/worker/execute-runbook';
import type { ProcessRunner, RunbookIdentityEnv, RunnerPorts } from '../services/worker/ports';

export type StartupNote = { readonly level: 'info' | 'warn'; readonly text: string };

/** Whom runbooks run as (null: the worker's own user), and what start-up should say about it. */
export type RunbookIsolation = {
  readonly user: RunUser | null;
  readonly notes: readonly StartupNote[];
  /** Where runbooks run from: the runbooks directory, or a copy of it the runbook user can reach (see stageRunbooks). */
  readonly runbooksDir: string;
  /** Copies the runbooks again after they changed, if runbooks run from a copy; otherwise does nothing. */
  refresh(): void;
  /** Removes the copy, if one was made. */
  dispose(): void;
};

/** Throws ConfigError when runbooks cannot be given the user they must run as; called at start-up. */
export function createRunbookIsolation(config: CloudoConfig): RunbookIsolation {
  const decision = decideRunUser({ ownUid: readOwnUid(), setting: config.runbookUser, users: readPasswd() });
  switch (decision.kind) {
    case 'invalid':
      throw new ConfigError(`Invalid ClouDO settings:\n  ${decision.problem}`);
    case 'self': {
      const who = decision.uid === null ? "the worker's own user" : `uid ${decision.uid}, ClouDO's own`;
      const text =
        `runbooks run as ${who}: ClouDO is not root, so they have its privileges and can read its settings, ` +
        'secrets included (e.g. through /proc); run it as root with CLOUDO_RUNBOOK_USER to keep them apart';
      return {
        user: null,
        notes: [{ level: 'warn', text }],
        runbooksDir: config.runbooksDir,
        refresh: () => undefined,
        dispose: () => undefined,
      };
    }
    case 'user': {
      const { user } = decision;
      const missing = findMissingCapabilities(readEffectiveCapabilities() ?? '');
      if (missing.length > 0)
        throw new ConfigError(
          `Invalid ClouDO settings:\n  runbooks must run as ${describe(user)}, but ClouDO lacks ${missing.join(', ')} ` +
            '(deploy/kubernetes/cloudo.yaml shows the capabilities it needs)',
        );
      const said = decision.fallback
        ? { level: 'warn' as const, text: `CLOUDO_RUNBOOK_USER is not set: runbooks run as ${describe(user)}` }
        : { level: 'info' as const, text: `runbooks run as ${describe(user)}` };
      return { user, ...reachableRunbooks(config.runbooksDir, user, said) };
    }
  }
}

/** `identity`: the started token broker's variables (runbook-identity-wiring); without one, runbooks get none. */
export function createRunnerPorts(
  config: CloudoConfig,
  user: RunUser | null = createRunbookIsolation(config).user,
  identity: RunbookIdentityEnv = async () => ({}),
): RunnerPorts {
  const run: ProcessRunner = user ? (spec) => runProcess({ ...spec, user }) : runProcess;
  return {
    locate: (runbook: string) => resolveRunbook(config.runbooksDir, runbook),
    identity,
    run,
    runDir: createRunDirs(user),
    aksLogin: createAksLogin(run),
  };
}

export function buildRunnerSettings(config: CloudoConfig, secrets: RunnerSettings['secrets']): RunnerSettings {
  return {
    secrets,
    runbooksDir: config.runbooksDir,
    baseEnv: config.runbookBaseEnv,
    interpreters: { bash: config.bash, python: config.python },
    killGraceSeconds: config.killGraceSeconds,
    maxOutputBytes: config.maxOutputBytes,
    sealKey: config.oncall.approvalSecret,
    appVersion: appVersionOf(config.auth.appVersion),
  };
}

const describe = (u: RunUser) => `${u.name} (uid ${u.uid}, gid ${u.gid})`;

/**
 * Runbooks the user cannot reach (a clone under /root, or in a 0700 temp directory) run from a copy it can: without
 * one, every run would fail with "Permission denied". The copy is made at start-up; `refresh` makes it again.
 */
function reachableRunbooks(dir: string, user: RunUser, said: StartupNote) {
  const blocked = blockedBy(dir, user);
  if (blocked === null) return { notes: [said], runbooksDir: dir, refresh: () => undefined, dispose: () => undefined };
  const staged = stageRunbooks(dir);
  const still = blockedBy(staged, user);
  const text =
    `runbooks directory ${dir} is not readable by ${describe(user)} (${blocked}): ` +
    (still === null
      ? `runbooks run from a read-only copy of them, ${staged}`
      : `nor is a copy in ${staged} (${still}): every run will fail until it is`);
  return {
    notes: [said, { level: 'warn' as const, text }],
    runbooksDir: staged,
    refresh: () => restageRunbooks(dir, staged),
    dispose: () => removeStaged(staged),
  };
}

/** Why `user` cannot reach `dir` ("<path> is mode 0700, owner uid 0"), or null when it can. */
function blockedBy(dir: string, user: RunUser): string | null {
  const chain = listDirectoryChain(dir);
  const blocked = chain === null ? null : findBlockingDirectory(chain, user);
  if (blocked === null) return null;
  return `${blocked.path} is mode ${blocked.mode.toString(8).padStart(4, '0')}, owner uid ${blocked.uid}`;
}
