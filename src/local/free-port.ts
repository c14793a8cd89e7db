// Finds and checks free TCP ports on the loopback address the local emulators listen on.
import { connect, createServer } from 'node:net';

export const HOST = '127.0.0.1';

/** Binds `port` (0: any) for a moment and returns the port bound, or null when it is taken. */
export function probePort(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen(port, HOST, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : null));
    });
  });
}

// Azurite table logs "started on 127.0.0.1:0" for port 0 and never says which port it got, so we choose.
export async function freePort(avoid?: number): Promise<number> {
  for (;;) {
    const port = await probePort(0);
    if (port !== null && port !== avoid) return port;
  }
}

/** True when something accepts TCP connections on `port`, e.g. a service that finished starting. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
