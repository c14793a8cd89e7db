// Token broker: a loopback HTTP endpoint speaking App Service's managed-identity protocol, through which runbooks get
// tokens for the runbook identity and for no other; ClouDO's own identity credentials never leave this process.
import type { TokenCredential } from '@azure/identity';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { redact } from '../../domain/shared/redact';
import { parseTokenRequest, toScope, type TokenAnswer } from '../../domain/worker/token-request';
import type { Logger } from '../../services/shared/ports';

export type TokenBrokerOptions = {
  /** The runbook identity: every token is this identity's. */
  readonly clientId: string;
  /** Gets the runbook identity's tokens (with ClouDO's own identity endpoint or federated token). */
  readonly credential: TokenCredential;
  /** ClouDO's own identity credentials: cut out of every error the broker passes on or logs. */
  readonly hostSecrets: readonly string[];
  readonly log: Logger;
};

export type TokenBroker = {
  /** IDENTITY_ENDPOINT for runbooks, on 127.0.0.1. */
  readonly endpoint: string;
  /** IDENTITY_HEADER for runbooks: random, new at every start. */
  readonly header: string;
  stop(): Promise<void>;
};

const PATH = '/msi/token';
// A token request stuck on the identity endpoint must not hold a runbook (or the broker) forever.
const TOKEN_TIMEOUT_MS = 30_000;
const MAX_MESSAGE = 500;

type Reply = { readonly status: number; readonly body: TokenAnswer | ErrorBody };
type ErrorBody = { statusCode: number; message: string; error: string; error_description: string };

export async function startTokenBroker(opts: TokenBrokerOptions): Promise<TokenBroker> {
  const header = randomBytes(32).toString('hex');
  const server = http.createServer((req, res) => {
    void reply(opts, header, req)
      .catch(() => failure(400, 'malformed request'))
      .then(({ status, body }) => {
        res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify(body));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}${PATH}`, header, stop: () => close(server) };
}

/** Every failure is an answer in the protocol's error format; only a request URL Node cannot parse rejects. */
async function reply(opts: TokenBrokerOptions, header: string, req: http.IncomingMessage): Promise<Reply> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname !== PATH && url.pathname !== `${PATH}/`)
    return failure(404, `no such endpoint; tokens are at ${PATH}`);
  if (req.method !== 'GET') return failure(405, 'only GET');
  // As the platform's endpoint: no header, no token, before anything else is looked at.
  const given = req.headers['x-identity-header'];
  if (given === undefined) return failure(401, 'X-IDENTITY-HEADER is missing: send the value of IDENTITY_HEADER');
  if (typeof given !== 'string' || !sameSecret(given, header)) return failure(403, 'X-IDENTITY-HEADER is not valid');
  const verdict = parseTokenRequest([...url.searchParams], opts.clientId);
  if (!verdict.ok) return failure(verdict.status, verdict.message);
  try {
    const signal = AbortSignal.timeout(TOKEN_TIMEOUT_MS);
    const token = await opts.credential.getToken(toScope(verdict.resource), { abortSignal: signal });
    if (token === null) throw new Error('the credential returned no token');
    const body: TokenAnswer = {
      access_token: token.token,
      expires_on: String(Math.floor(token.expiresOnTimestamp / 1000)),
      resource: verdict.resource,
      token_type: token.tokenType ?? 'Bearer',
      client_id: opts.clientId,
    };
    return { status: 200, body };
  } catch (err) {
    const why = clean(err instanceof Error ? err.message : String(err), opts.hostSecrets);
    opts.log.warn(`runbook identity ${opts.clientId}: no token for ${verdict.resource}: ${why}`);
    return failure(500, `no token for ${verdict.resource} as ${opts.clientId}: ${why}`);
  }
}

/** App Service's error shape (statusCode, message), with the OAuth error fields MSAL clients also read. */
function failure(status: number, message: string): Reply {
  const error = status === 401 || status === 403 ? 'unauthorized_client' : 'invalid_request';
  return { status, body: { statusCode: status, message, error, error_description: message } };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** One line, bounded, and never ClouDO's own credentials (an SDK error may quote what its endpoint said). */
function clean(message: string, hostSecrets: readonly string[]): string {
  const secrets = hostSecrets
    .filter((s) => s.length > 0)
    .sort((a, b) => b.length - a.length)
    .map((value) => ({ name: "ClouDO's identity", value }));
  const line = redact(message, secrets).replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE)}…` : line;
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Clients keep connections alive; a stop must not wait for them to hang up.
    server.closeAllConnections();
  });
}
