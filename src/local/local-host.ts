// Local registrar: collects the registrations `app` would hand the Azure host, with the host's defaults applied.
import {
  InvocationContext,
  type HttpFunctionOptions,
  type InvocationContextInit,
  type StorageQueueFunctionOptions,
  type TimerFunctionOptions,
} from '@azure/functions';
import { randomUUID } from 'node:crypto';
import type { FunctionRegistrar } from '../../functions/register';
import { fromHostLevel, type LineWriter } from './console-log';

export type HttpMount = {
  readonly kind: 'http';
  readonly name: string;
  readonly route: string;
  readonly methods: readonly string[];
  readonly authLevel: 'anonymous' | 'function' | 'admin';
  readonly handler: HttpFunctionOptions['handler'];
};

export type QueueMount = {
  readonly kind: 'queue';
  readonly name: string;
  /** As registered: may hold `%SETTING%` expressions, resolved when the listener starts. */
  readonly queueName: string;
  readonly connection: string;
  readonly handler: StorageQueueFunctionOptions['handler'];
};

export type TimerMount = {
  readonly kind: 'timer';
  readonly name: string;
  readonly schedule: string;
  readonly runOnStartup: boolean;
  readonly handler: TimerFunctionOptions['handler'];
};

export type Mount = HttpMount | QueueMount | TimerMount;

export type LocalHost = FunctionRegistrar & { readonly mounts: readonly Mount[] };

export function createLocalHost(): LocalHost {
  const mounts: Mount[] = [];
  const add = (m: Mount) => {
    if (mounts.some((x) => x.name.toLowerCase() === m.name.toLowerCase()))
      throw new Error(`function "${m.name}" is registered twice`);
    mounts.push(m);
  };
  return {
    mounts,
    // Defaults below are the ones @azure/functions fills in before handing a registration to the host.
    http: (name, o) =>
      add({
        kind: 'http',
        name,
        route: o.route ?? name,
        methods: (o.methods ?? ['GET', 'POST']).map((m) => m.toUpperCase()),
        authLevel: o.authLevel ?? 'anonymous',
        handler: o.handler,
      }),
    storageQueue: (name, o) =>
      add({ kind: 'queue', name, queueName: o.queueName, connection: o.connection, handler: o.handler }),
    timer: (name, o) =>
      add({ kind: 'timer', name, schedule: o.schedule, runOnStartup: o.runOnStartup ?? false, handler: o.handler }),
  };
}

export function createInvocationContext(
  functionName: string,
  write: LineWriter,
  extra: Omit<InvocationContextInit, 'functionName' | 'logHandler'> = {},
): InvocationContext {
  return new InvocationContext({
    invocationId: randomUUID(),
    functionName,
    ...extra,
    logHandler: (level, ...args) => write(fromHostLevel(level), functionName, args.map(String).join(' ')),
  });
}
