// A sender in a process of its own: POSTs a URL `total` times, `inFlight` at a time, and sends back each answer's
// status and time, so the runtime under test does not share its event loop with the load it is measured under.
import http from 'node:http';
import { inParallel } from './bench-stats';

export type ClientOrder = { readonly url: string; readonly total: number; readonly inFlight: number };
export type ClientReport = { readonly results: { ms: number; value: number }[]; readonly wallMs: number };

// node:http with kept-alive connections, not fetch: the sender shares this machine's cores with the runtime and
// Azurite, where a real sender would not, and fetch costs it about 1.3 ms of CPU per request against 0.5 ms here.
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

/** The answer's status, or 0 when the request failed. */
function post(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'Content-Length': 0 } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

process.on('message', (order: ClientOrder) => {
  void inParallel(order.total, order.inFlight, () => post(order.url)).then((report) => process.send?.(report));
});
