// OpenAPI function: GET /api/openapi.json serves the API's OpenAPI 3.1 document, generated from the contract's schemas.
import type { HttpFunctionOptions } from '@azure/functions';
import { openApiDocument } from '../src/http/api-contract/document';
import { createHttpHandler } from '../src/http/http-handler';
import { parseQuery } from '../src/http/query-params';

export function defineOpenApiFunction(version: () => string): HttpFunctionOptions {
  return {
    route: 'openapi.json',
    methods: ['GET'],
    // The document holds no data: it says what the routes take and answer, which the docs say too.
    authLevel: 'anonymous',
    handler: createHttpHandler(async (request) => {
      parseQuery(request, {});
      return {
        status: 200,
        headers: { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' },
        jsonBody: openApiDocument(version()),
      };
    }),
  };
}
