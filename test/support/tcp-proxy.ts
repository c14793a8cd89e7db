// A TCP proxy a test can take down and bring back, slow down, or cut at one request: storage that fails, or lags.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export type TcpProxy = {
  readonly port: number;
  down(): void;
  up(): void;
  /** Delays every answer by `ms` from now on (0: none), as a storage endpoint that is healthy but far away. */
  slow(ms: number): void;
  /**
   * Arms a cut for the next request whose first bytes match `match`: `answer` lets storage take the request and
   * drops its answer (a write that landed, unacknowledged), `request` drops the request itself. `onCut` runs (e.g.
   * kills the service) before the caller's connection is reset, so its retries find storage gone.
   */
  cut(match: RegExp, at: 'request' | 'answer', onCut: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
};

type Cut = { readonly match: RegExp; readonly at: 'request' | 'answer'; readonly done: (c: Socket) => void };

export async function startTcpProxy(targetPort: number, host = '127.0.0.1'): Promise<TcpProxy> {
  let isDown = false;
  let delayMs = 0;
  let armed: Cut | null = null;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    // Down: every connection is reset at once, as a storage endpoint that is unreachable.
    if (isDown) return void client.destroy();
    const upstream = connect(targetPort, host);
    for (const s of [client, upstream]) {
      open.add(s);
      s.once('close', () => open.delete(s));
      s.on('error', () => undefined);
    }
    let cutting: Cut | null = null;
    client.on('data', (chunk: Buffer) => {
      if (cutting) return;
      if (armed?.match.test(chunk.toString('latin1'))) [cutting, armed] = [armed, null];
      if (cutting?.at === 'request') return cutting.done(client);
      upstream.write(chunk);
    });
    client.once('end', () => upstream.end());
    // Equal delays keep the chunks in order: timers of the same length fire in the order they were set.
    upstream.on('data', (chunk: Buffer) => {
      if (cutting) return cutting.at === 'answer' ? cutting.done(client) : undefined;
      if (delayMs === 0) client.write(chunk);
      else setTimeout(() => client.writable && client.write(chunk), delayMs);
    });
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    down: () => {
      isDown = true;
      for (const s of open) s.destroy();
    },
    up: () => {
      isDown = false;
    },
    slow: (ms) => {
      delayMs = ms;
    },
    cut: (match, at, onCut) =>
      new Promise((resolve, reject) => {
        let once = false;
        const done = (c: Socket) => {
          if (once) return;
          once = true;
          onCut().then(() => (c.destroy(), resolve()), reject);
        };
        armed = { match, at, done };
      }),
    close: () =>
      new Promise((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const TABLE_ENDPOINT = /(TableEndpoint=http:\/\/127\.0\.0\.1:)(\d+)/;

/** A proxy in front of a connection string's table endpoint, and the connection string that goes through it. */
export async function proxyTables(connection: string): Promise<{ proxy: TcpProxy; connection: string }> {
  const port = TABLE_ENDPOINT.exec(connection)?.[2];
  if (!port) throw new Error('proxyTables: the connection string has no local TableEndpoint');
  const proxy = await startTcpProxy(Number(port));
  return { proxy, connection: connection.replace(TABLE_ENDPOINT, `$1${proxy.port}`) };
}
