// Opsgenie stub: a real local HTTP server standing in for the Alert API and a chat webhook, with scripted answers.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RecordedRequest = {
  readonly method: string;
  /** Path and query, exactly as sent. */
  readonly path: string;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  readonly body: unknown;
  /** Date.now() when the request arrived. */
  readonly at: number;
  /** The status the stub answered (or is about to answer, after a delay). */
  readonly status: number;
};

export type ScriptedResponse = { readonly status: number; readonly body?: unknown; readonly delayMs?: number };

export type OpsgenieStub = {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Answers for the next requests, in order; afterwards every request gets 202 with a fresh requestId. */
  respondWith(...responses: ScriptedResponse[]): void;
  waitFor(pred: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  /** Forgets the recorded requests and any scripted answers not used yet. */
  clear(): void;
  close(): Promise<void>;
};

export async function startOpsgenieStub(): Promise<OpsgenieStub> {
  const requests: RecordedRequest[] = [];
  const script: ScriptedResponse[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const answer = script.shift() ?? accepted();
      requests.push({ ...describe(req, text), status: answer.status });
      const reply = () => {
        if (!res.destroyed) writeJson(res, answer.status, answer.body);
      };
      if (!answer.delayMs) return reply();
      const timer = setTimeout(() => {
        timers.delete(timer);
        reply();
      }, answer.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith: (...responses) => void script.push(...responses),
    waitFor: (pred, timeoutMs = 20_000) => poll(requests, pred, timeoutMs),
    clear() {
      requests.length = 0;
      script.length = 0;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const accepted = (): ScriptedResponse => ({
  status: 202,
  body: { result: 'Request will be processed', took: 0.01, requestId: randomUUID() },
});

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of req) chunks.push(chunk as Buffer);
  } catch {
    // The client went away mid-body; record what arrived.
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describe(req: IncomingMessage, text: string): Omit<RecordedRequest, 'status'> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  let body: unknown = text;
  try {
    body = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    // Not JSON: keep the text, so a test can still see what was sent.
  }
  return { method: req.method ?? '', path: req.url ?? '', headers, body, at: Date.now() };
}

function writeJson(res: ServerResponse, status: number, body: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function poll(
  requests: readonly RecordedRequest[],
  pred: (r: RecordedRequest) => boolean,
  timeoutMs: number,
): Promise<RecordedRequest> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = requests.find(pred);
    if (found) return found;
    if (Date.now() >= until) {
      const seen = requests.map((r) => `${r.method} ${r.path} → ${r.status}`).join('; ') || 'none';
      throw new Error(`Opsgenie stub: no matching request within ${timeoutMs} ms (requests: ${seen})`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
