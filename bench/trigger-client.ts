// A sender in a process of its own: POSTs a URL `total` times, `inFlight` at a time, and sends back each answer's
// status and time, so the runtime under test does not share its event loop with the load it is measured under.
import { inParallel } from './bench-stats';

export type ClientOrder = { readonly url: string; readonly total: number; readonly inFlight: number };
export type ClientReport = { readonly results: { ms: number; value: number }[]; readonly wallMs: number };

async function serve(order: ClientOrder): Promise<ClientReport> {
  return inParallel(order.total, order.inFlight, async () => {
    const res = await fetch(order.url, { method: 'POST' }).catch(() => null);
    await res?.arrayBuffer();
    return res?.status ?? 0;
  });
}

process.on('message', (order: ClientOrder) => {
  void serve(order).then((report) => process.send?.(report));
});
