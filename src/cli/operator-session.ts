// What every operator command shares: the API target from --url/CLOUDO_URL and the key, output, and Ctrl-C.
import { callApi, readKeySource, type ApiAnswer, type ApiCall } from '../adapters/operator/cloudo-api';
import { loadOperatorSettings } from '../config/operator-settings';
import { UsageError, type FlagSpec, type Flags } from './cli-args';

/** Flags every operator command takes. */
export const COMMON_FLAGS: FlagSpec = {
  '--url': { kind: 'value' },
  '--key': { kind: 'value' },
  '--json': { kind: 'switch' },
};

export type OperatorIo = {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Progress lines are for people: shown only when stderr is a terminal. */
  readonly tty: boolean;
  readonly stdin: NodeJS.ReadableStream;
  readonly env?: Readonly<Record<string, string | undefined>>;
};

export type Operator = {
  call(call: ApiCall): Promise<ApiAnswer>;
  readonly print: (line: string) => void;
  /** Output as it comes, newlines as written. */
  readonly write: (text: string) => void;
  readonly note: (line: string) => void;
  /** Replaces the progress line (a terminal only); null clears it. */
  readonly progress: (line: string | null) => void;
  readonly json: boolean;
  /** Signed in with a token and no key: runs go to /api/runs, which a key cannot open with sign-in on. */
  readonly signedIn: boolean;
  /** The login name, for approvals decided by a typed name. */
  readonly user: string;
  /** The execution being waited for or followed, once known: what Ctrl-C names. */
  readonly watching: { execId: string | null };
  /** Aborted by Ctrl-C: following stops, the run goes on. */
  readonly signal: AbortSignal;
};

export function createProcessIo(): OperatorIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    tty: process.stderr.isTTY,
    stdin: process.stdin,
  };
}

export async function openOperator(flags: Flags, io: OperatorIo, signal: AbortSignal): Promise<Operator> {
  const settings = loadOperatorSettings(flags.values['url'], io.env);
  const key = await readKey(flags.values['key'], io.stdin);
  const target = { url: settings.url, key: key ?? settings.key, token: settings.token };
  let shown = false;
  return {
    call: (c) => callApi(target, c, signal),
    print: (line) => io.out(`${line}\n`),
    write: (text) => io.out(text),
    note: (line) => io.err(`${line}\n`),
    progress: (line) => {
      if (!io.tty) return;
      if (line === null) {
        if (shown) io.err('\r\u001b[2K');
        shown = false;
        return;
      }
      io.err(`\r\u001b[2K${line}`);
      shown = true;
    },
    json: flags.switches.has('json'),
    signedIn: settings.token !== undefined && (key ?? settings.key) === undefined,
    user: settings.user,
    watching: { execId: null },
    signal,
  };
}

async function readKey(source: string | undefined, stdin: NodeJS.ReadableStream): Promise<string | undefined> {
  if (source === undefined) return undefined;
  if (source !== '-' && !source.startsWith('@')) {
    throw new UsageError(
      '--key takes "-" (read the key from stdin) or "@<file>"; a key on the command line shows in process listings (or set CLOUDO_KEY)',
    );
  }
  const key = await readKeySource(source, stdin);
  if (key === '') throw new UsageError(`--key ${source}: no key there`);
  return key;
}
