// A stand-in for App Service's managed identity endpoint (IDENTITY_ENDPOINT, api-version 2019-08-01): it checks the
// header it was given, records every request, and answers a fake token for whichever client id was asked for.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type IdentityRequest = {
  readonly headerOk: boolean;
  readonly params: Readonly<Record<string, string>>;
};

export type IdentityEndpointStub = {
  /** IDENTITY_ENDPOINT to give ClouDO. */
  readonly url: string;
  /** IDENTITY_HEADER to give ClouDO: the credential of this endpoint. */
  readonly header: string;
  readonly requests: IdentityRequest[];
  /** The fake access token a request for this client id and resource gets. */
  tokenFor(clientId: string, resource: string): string;
  close(): Promise<void>;
};

/** Resources whose request fails with a message that quotes the header back, as no real endpoint should. */
export const FAILING_RESOURCE = 'https://fails.example.com';

export async function startIdentityEndpointStub(): Promise<IdentityEndpointStub> {
  const header = `real-identity-header-${randomBytes(16).toString('hex')}`;
  const requests: IdentityRequest[] = [];
  const tokenFor = (clientId: string, resource: string) =>
    `fake-token.${Buffer.from(`${clientId}|${resource}`).toString('base64url')}`;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headerOk = req.headers['x-identity-header'] === header;
    const params = Object.fromEntries(url.searchParams);
    requests.push({ headerOk, params });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!headerOk) return send(401, { statusCode: 401, message: 'Unauthorized' });
    const resource = params['resource'] ?? '';
    const clientId = params['client_id'] ?? 'system-assigned';
    if (resource === FAILING_RESOURCE)
      return send(400, { statusCode: 400, message: `refused request with header ${header} for ${resource}` });
    send(200, {
      access_token: tokenFor(clientId, resource),
      expires_on: String(Math.floor(Date.now() / 1000) + 3600),
      resource,
      token_type: 'Bearer',
      client_id: clientId,
    });
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/msi/token`,
    header,
    requests,
    tokenFor,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
