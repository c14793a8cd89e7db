// `cloudo run | logs | cancel | approve | reject`: operating runs of a running ClouDO from a terminal.
import type { z } from 'zod';
import { ApiError } from '../adapters/operator/cloudo-api';
import { apiPath } from '../domain/shared/api-paths';
import { executionSummary } from '../http/api-contract/executions';
import { decidedAnswer } from '../http/api-contract/health';
import { runAnswer, runPreview } from '../http/api-contract/trigger';
import { parseFlags, UsageError, type FlagSpec, type Flags } from './cli-args';
import { followOutput, readExecution, reportEnd, waitForEnd } from './follow-run';
import { showExecution, showExecutions } from './operator-logs';
import { showSchedules } from './operator-schedules';
import { showAudit } from './operator-audit';
import { COMMON_FLAGS, openOperator, type Operator, type OperatorIo } from './operator-session';
import { checkAnswer, readAnswer } from './read-answer';

type OperatorCommand = {
  readonly flags: FlagSpec;
  /** Bare arguments taken, e.g. the mapping id of `run`. */
  readonly positional: number;
  readonly run: (op: Operator, flags: Flags) => Promise<number>;
};

const COMMANDS: Readonly<Record<string, OperatorCommand>> = {
  run: {
    positional: 1,
    flags: {
      '--partition': { kind: 'value' },
      '--param': { kind: 'list' },
      '--dry-run': { kind: 'switch' },
      '--wait': { kind: 'switch' },
      '--follow': { kind: 'switch' },
    },
    run: runMapping,
  },
  logs: {
    positional: 1,
    flags: {
      '--status': { kind: 'value' },
      '--mapping': { kind: 'value' },
      '--limit': { kind: 'value' },
      '--follow': { kind: 'switch' },
    },
    run: (op, flags) => (flags.positional[0] ? showExecution(op, flags) : showExecutions(op, flags)),
  },
  cancel: { positional: 1, flags: { '--reason': { kind: 'value' } }, run: cancelRun },
  schedules: { positional: 0, flags: {}, run: (op) => showSchedules(op) },
  audit: {
    positional: 0,
    flags: {
      '--since': { kind: 'value' },
      '--until': { kind: 'value' },
      '--actor': { kind: 'value' },
      '--action': { kind: 'value' },
      '--mapping': { kind: 'value' },
      '--limit': { kind: 'value' },
    },
    run: showAudit,
  },
  approve: { positional: 1, flags: { '--as': { kind: 'value' } }, run: (op, f) => decide(op, f, 'approve') },
  reject: { positional: 1, flags: { '--as': { kind: 'value' } }, run: (op, f) => decide(op, f, 'reject') },
};

export const OPERATOR_COMMANDS: readonly string[] = Object.keys(COMMANDS);

/** Throws UsageError for a command line that cannot run, before anything is read or connected. */
export async function runOperator(name: string, args: readonly string[], io: OperatorIo): Promise<number> {
  const command = COMMANDS[name];
  if (!command) throw new Error(`not an operator command: ${name}`);
  const flags = parseFlags(args, { ...COMMON_FLAGS, ...command.flags }, command.positional);
  if (command.positional > 0 && name !== 'logs' && flags.positional.length === 0)
    throw new UsageError(`needs ${needs(name)}`);
  const abort = new AbortController();
  // Ctrl-C stops following; the run itself goes on (`cloudo cancel` stops it).
  const onInterrupt = () => abort.abort(new Interrupted());
  process.once('SIGINT', onInterrupt);
  let op: Operator | null = null;
  try {
    op = await openOperator(flags, io, abort.signal);
    return await command.run(op, flags);
  } catch (err) {
    if (!(err instanceof Interrupted) && !abort.signal.aborted) throw err;
    const execId = op?.watching.execId;
    io.err(
      execId
        ? `\nstopped following; the run goes on (cloudo cancel ${execId} stops it)\n`
        : '\nstopped before ClouDO answered: the request may or may not have been recorded (see cloudo logs)\n',
    );
    return 130;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}

class Interrupted extends Error {
  override readonly name = 'Interrupted';
}

const needs = (name: string) =>
  name === 'run' ? 'a mapping id' : name === 'cancel' ? 'an execution id' : 'an execution id or approval link';

async function runMapping(op: Operator, flags: Flags): Promise<number> {
  const id = flags.positional[0] ?? '';
  const params = readParams(flags.lists['param'] ?? []);
  const partition = flags.values['partition'];
  const dryRun = flags.switches.has('dry-run');
  const call = {
    method: 'POST',
    path: apiPath(`${op.signedIn ? 'runs' : 'Trigger'}${partition ? `/${encodeURIComponent(partition)}` : ''}`),
    query: { id, ...(dryRun ? { dry_run: 'true' } : {}) },
    ...(params ? { json: { params } } : {}),
  } as const;
  const { body } = await op.call(call);
  // The same route answers a preview or a run: which one is ours to know, since we asked for it.
  if (dryRun) return printDryRun(op, checkAnswer(runPreview, call, body));
  const accepted = checkAnswer(runAnswer, call, body);
  const follow = flags.switches.has('follow');
  if (!follow && !flags.switches.has('wait')) {
    if (op.json) op.print(JSON.stringify(body, null, 2));
    else op.print(`${accepted.execId} ${accepted.status}${accepted.reason ? `: ${accepted.reason}` : ''}`);
    return 0;
  }
  if (!op.json) op.note(`${accepted.execId} ${accepted.status}`);
  op.watching.execId = accepted.execId;
  const ended = follow ? await followOutput(op, accepted.execId) : await waitForEnd(op, accepted.execId);
  return reportEnd(op, ended);
}

/** `NAME=value`, split at the first `=`; a name given twice is a usage error rather than a silent pick. */
export function readParams(pairs: readonly string[]): Record<string, string> | null {
  if (pairs.length === 0) return null;
  const params: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new UsageError(`--param takes NAME=value, not "${pair.slice(0, 40)}"`);
    const name = pair.slice(0, eq);
    if (Object.hasOwn(params, name)) throw new UsageError(`--param ${name} given twice`);
    params[name] = pair.slice(eq + 1);
  }
  return params;
}

function printDryRun(op: Operator, preview: z.output<typeof runPreview>): number {
  if (op.json) return (op.print(JSON.stringify(preview, null, 2)), 0);
  const env = preview.environment;
  const reasons = preview.reasons.length > 0 ? ` (${preview.reasons.join('; ')})` : '';
  op.print(`would be: ${preview.wouldBe}${reasons}`);
  for (const name of Object.keys(env).sort()) op.print(`${name}=${env[name]}`);
  return 0;
}

async function cancelRun(op: Operator, flags: Flags): Promise<number> {
  const execId = flags.positional[0] ?? '';
  const reason = flags.values['reason'];
  const call = {
    method: 'POST',
    path: apiPath(`logs/${encodeURIComponent(execId)}/cancel`),
    ...(reason ? { json: { reason } } : {}),
  } as const;
  const { status, body } = await readAnswer(op, call, executionSummary);
  if (op.json) return (op.print(JSON.stringify(body, null, 2)), 0);
  op.print(status === 202 ? `${execId}: cancel requested; its worker is stopping it` : `${execId}: cancelled`);
  return 0;
}

async function decide(op: Operator, flags: Flags, action: 'approve' | 'reject'): Promise<number> {
  const target = flags.positional[0] ?? '';
  const link = /^https?:\/\//i.test(target) ? target : await linkOf(op, target, action);
  const name = flags.values['as'] ?? op.user;
  const { body: decided } = await readAnswer(op, { method: 'POST', path: link, json: { name } }, decidedAnswer);
  if (op.json) return (op.print(JSON.stringify(decided, null, 2)), 0);
  op.print(`${decided.execId} ${decided.status}${decided.decidedBy ? ` (by ${decided.decidedBy})` : ''}`);
  return 0;
}

async function linkOf(op: Operator, execId: string, action: 'approve' | 'reject'): Promise<string> {
  const e = await readExecution(op, execId);
  const link = e.links[action];
  if (link) return link;
  throw new ApiError(
    409,
    `${execId} is ${e.status}, not waiting for approval: there is nothing to ${action}.`,
    'execId',
  );
}
