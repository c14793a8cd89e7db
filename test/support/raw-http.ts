// Raw HTTP requests for tests that set what fetch forbids: the Host header, Sec-Fetch-* and absolute-form targets.
import http from 'node:http';

export type RawReply = {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  /** The client end's port: equal for two replies on one keep-alive connection. */
  readonly localPort: number | undefined;
};

export type RawRequest = {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent with a Content-Length, or chunked when `chunked` is set. */
  readonly body?: Buffer;
  readonly chunked?: boolean;
  /** Default: a fresh connection, closed after the reply. */
  readonly agent?: http.Agent;
};

/** Sends one request to the server at `base` and resolves with the whole reply. */
export function rawRequest(base: string, target: string, opts: RawRequest = {}): Promise<RawReply> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: target,
        method: opts.method ?? 'GET',
        headers: opts.headers,
        agent: opts.agent ?? false,
      },
      (res) => {
        // Read now: the socket is detached from the response by the time it ends.
        const localPort = res.socket.localPort;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, localPort });
        });
      },
    );
    // An error after the reply arrived (the server closing a connection we still write on) changes nothing.
    req.on('error', reject);
    if (opts.body === undefined) return void req.end();
    if (!opts.chunked) req.setHeader('Content-Length', opts.body.length);
    writeInPieces(req, opts.body);
  });
}

// Several writes, so a chunked body really arrives as many chunks.
function writeInPieces(req: http.ClientRequest, body: Buffer): void {
  const piece = 256 * 1024;
  for (let offset = 0; offset < body.length; offset += piece) req.write(body.subarray(offset, offset + piece));
  req.end();
}

/** The `error` object of a JSON error reply; throws when the reply is not JSON. */
export function errorOf(reply: RawReply): { code?: string; message?: string } {
  const parsed = JSON.parse(reply.text) as { error?: { code?: string; message?: string } };
  return parsed.error ?? {};
}
