// AKS login for one run: `az login --identity`, `az aks get-credentials` and `kubelogin`, into the run's directory.
import path from 'node:path';
import type { AksCluster } from '../../domain/worker/aks-target';
import type { AksLogin, AksLoginOutcome, OutputTail, ProcessOutcome, ProcessRunner } from '../../services/worker/ports';

// The tools print little; this keeps a misbehaving one from filling memory.
const MAX_OUTPUT_BYTES = 65_536;
const MAX_ERROR_TAIL = 500;

type Step = { readonly label: string; readonly file: string; readonly args: readonly string[] };

/**
 * Steps run one after another, never through a shell, through `run` (as the runbook's user: they need no more, and
 * what they write is then the runbook's to read). The first failure is reported; the run's directory owns cleanup.
 */
export function createAksLogin(run: ProcessRunner): AksLogin {
  return async (cluster, env, limits, { kubeconfig, azureConfigDir }): Promise<AksLoginOutcome> => {
    try {
      // Per-run `az` state: concurrent runs never share, or leave behind, a login.
      const stepEnv = { ...env, AZURE_CONFIG_DIR: azureConfigDir };
      const deadline = Date.now() + limits.timeoutMs;
      for (const step of planLoginSteps(cluster, kubeconfig, env['AZURE_CLIENT_ID'])) {
        const timeoutMs = Math.max(1, deadline - Date.now());
        const spec = { file: step.file, args: step.args, cwd: path.dirname(kubeconfig), env: stepEnv, timeoutMs };
        const outcome = await run({ ...spec, killGraceMs: limits.killGraceMs, maxOutputBytes: MAX_OUTPUT_BYTES });
        const problem = failure(step, outcome, limits.timeoutMs);
        if (problem !== null) return { ok: false, error: `AKS login failed: ${problem.error}`, said: problem.said };
      }
    } catch (err) {
      return { ok: false, error: `AKS login failed: ${err instanceof Error ? err.message : String(err)}` };
    }
    return { ok: true };
  };
}

/** Exported for tests: the exact commands, in order. */
export function planLoginSteps(c: AksCluster, kubeconfig: string, clientId: string | undefined): Step[] {
  // Without a client id, the system-assigned identity (or the only user-assigned one) is used.
  const identity = clientId ? ['--client-id', clientId] : [];
  const subscription = c.subscriptionId ? ['--subscription', c.subscriptionId] : [];
  const target = ['--resource-group', c.resourceGroup, '--name', c.name, ...subscription];
  const file = ['--file', kubeconfig, '--overwrite-existing', '--only-show-errors'];
  return [
    { label: 'az login', file: 'az', args: ['login', '--identity', ...identity] },
    { label: 'az aks get-credentials', file: 'az', args: ['aks', 'get-credentials', ...target, ...file] },
    {
      label: 'kubelogin convert-kubeconfig',
      file: 'kubelogin',
      args: ['convert-kubeconfig', '-l', 'msi', '--kubeconfig', kubeconfig, ...identity],
    },
  ];
}

function failure(step: Step, o: ProcessOutcome, timeoutMs: number): { error: string; said?: OutputTail } | null {
  switch (o.kind) {
    case 'spawn_failed':
      return { error: `${step.label} could not start (${o.error ?? 'unknown error'})` };
    case 'timed_out':
      return { error: `${step.label} timed out; the login may take at most ${Math.round(timeoutMs / 1000)} s` };
    case 'cancelled':
      return { error: `${step.label} was stopped: the run was cancelled` };
    case 'exited': {
      if (o.exitCode === 0) return null;
      const how = o.signal ? `was killed by signal ${o.signal}` : `exited ${o.exitCode ?? '?'}`;
      const said = tail(o.output);
      return said.text === '' ? { error: `${step.label} ${how}` } : { error: `${step.label} ${how}`, said };
    }
  }
}

/** The last lines of the output, at most MAX_ERROR_TAIL characters: where CLIs put their error. */
function tail(output: string): OutputTail {
  const text = output.trim();
  if (text.length <= MAX_ERROR_TAIL) return { text, cut: false };
  // Not from the middle of a character: a low surrogate alone would print as U+FFFD.
  const from = /^[\uDC00-\uDFFF]/.test(text.slice(-MAX_ERROR_TAIL)) ? 1 - MAX_ERROR_TAIL : -MAX_ERROR_TAIL;
  const cut = text.slice(from);
  const lineStart = cut.indexOf('\n');
  return { text: lineStart >= 0 && lineStart < cut.length - 1 ? cut.slice(lineStart + 1) : cut, cut: true };
}
