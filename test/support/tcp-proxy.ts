// A TCP proxy a test can take down and bring back: storage that fails for a while, then recovers.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export type TcpProxy = { readonly port: number; down(): void; up(): void; close(): Promise<void> };

export async function startTcpProxy(targetPort: number, host = '127.0.0.1'): Promise<TcpProxy> {
  let isDown = false;
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
    client.pipe(upstream).pipe(client);
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
    close: () =>
      new Promise((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
