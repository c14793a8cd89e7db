// Server-sent events of a run's output: new output as it is written, then the end, polling storage underneath.
import { ReadableStream } from 'node:stream/web';
import type { OutputSlice } from '../services/runs/read-output';

export type ReadSlice = (offset: number) => Promise<OutputSlice>;

export type EventTiming = {
  /** Between reads while nothing new came. */
  readonly pollMs: number;
  /** A comment line this often keeps proxies from closing a quiet connection. */
  readonly heartbeatMs: number;
  /** A stream ends after this; EventSource reconnects on its own, sending Last-Event-ID. */
  readonly maxMs: number;
};

export const EVENT_TIMING: EventTiming = { pollMs: 1000, heartbeatMs: 15_000, maxMs: 10 * 60_000 };

const encoder = new TextEncoder();

/** `id` is the offset after the event, so a reconnecting client resumes exactly where it was. */
export function formatEvent(event: string, data: unknown, id?: number): Uint8Array {
  return encoder.encode(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

export function streamOutputEvents(read: ReadSlice, from: number, timing: EventTiming = EVENT_TIMING): ReadableStream {
  let offset = from;
  let closed = false;
  const started = Date.now();
  let quietSince = Date.now();
  return new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(encoder.encode(`retry: ${timing.pollMs * 2}\n\n`)),
    async pull(controller) {
      while (!closed) {
        // Storage down: say nothing and try again; the client keeps what it has and the offset keeps its place.
        const slice = await read(offset).catch(() => null);
        // The client went away while the read was under way: nothing more may be sent.
        if (closed) return;
        const news = slice !== null && (slice.text.length > 0 || slice.omittedBytes > 0);
        if (slice && news) {
          const { text, omittedBytes, nextOffset } = slice;
          controller.enqueue(
            formatEvent('output', { offset: slice.offset, omittedBytes, text, nextOffset }, nextOffset),
          );
          offset = nextOffset;
          quietSince = Date.now();
        }
        if (slice?.done) {
          controller.enqueue(formatEvent('end', { status: slice.status, exitCode: slice.exitCode }, offset));
          closed = true;
          return controller.close();
        }
        if (Date.now() - started > timing.maxMs) {
          closed = true;
          return controller.close();
        }
        if (news) return;
        if (Date.now() - quietSince >= timing.heartbeatMs) {
          quietSince = Date.now();
          return controller.enqueue(encoder.encode(': still running\n\n'));
        }
        await new Promise((r) => setTimeout(r, timing.pollMs));
      }
    },
    cancel() {
      closed = true;
    },
  });
}
