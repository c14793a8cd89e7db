// Console function: GET /api/console/ serves the browser console's built files; its data comes from the public API.
import type { HttpFunctionOptions, HttpRequest, HttpResponseInit } from '@azure/functions';
import { CONSOLE_PATH } from '../src/domain/shared/api-paths';
import { notFound } from '../src/domain/shared/errors';
import { CONSOLE_HEADERS, toConsoleResponse } from '../src/http/console-response';
import { createHttpHandler } from '../src/http/http-handler';
import type { ConsoleFiles } from '../src/services/console/ports';

export function defineConsoleFunction(files: () => ConsoleFiles): HttpFunctionOptions {
  return {
    route: 'console/{*path}',
    methods: ['GET'],
    // The files hold no data: every call they make goes to the API, which checks the caller. On Azure, sign-in
    // (App Service authentication) stands in front of this route as of every route but Trigger and health.
    authLevel: 'anonymous',
    handler: createHttpHandler((request) => serveConsole(files, request)),
  };
}

async function serveConsole(files: () => ConsoleFiles, request: HttpRequest): Promise<HttpResponseInit> {
  const name = request.params['path'] ?? '';
  // The page loads its files by relative name: it must be addressed as a folder.
  if (name === '' && !new URL(request.url).pathname.endsWith('/')) {
    return { status: 308, headers: { ...CONSOLE_HEADERS, Location: CONSOLE_PATH } };
  }
  const file = await files().read(name === '' ? 'index.html' : name);
  if (!file) {
    if (name === '') throw notFound('The console is not built: run `npm run build`.');
    throw notFound(`No console file "${name}".`, { field: 'path' });
  }
  return toConsoleResponse(file, request);
}
