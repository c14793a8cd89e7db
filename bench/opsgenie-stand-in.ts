// A stand-in for Opsgenie in the bench: every request gets the same answer, after an optional delay.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type StandInAnswer = { readonly status: number; readonly delayMs?: number };

export type OpsgenieStandIn = { readonly url: string; answer(next: StandInAnswer): void; close(): Promise<void> };

export async function startOpsgenieStandIn(): Promise<OpsgenieStandIn> {
  let current: StandInAnswer = { status: 202 };
  const server: Server = createServer((req, res) => {
    const { status, delayMs = 0 } = current;
    req.resume();
    const timer = setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end('{}'), delayMs);
    res.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answer: (next) => void (current = next),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
