// The OpenAPI 3.1 document of ClouDO's HTTP API, generated from the contract's zod schemas, built once and kept.
import { createDocument } from 'zod-openapi';
import { API_PREFIX } from '../../domain/shared/api-paths';
import { errorBody } from './common';
import { SECURITY_SCHEMES } from './operation';
import { CONSOLE_PATHS } from './paths-console';
import { RUN_PATHS } from './paths-runs';

export type OpenApiDocument = ReturnType<typeof createDocument>;

// Built on first use and kept: the schemas do not change while the app runs.
let built: OpenApiDocument | undefined;

/** The document: every route under the host's route prefix, its parameters, bodies, answers and errors. */
export function openApiDocument(version: string): OpenApiDocument {
  built ??= createDocument({
    openapi: '3.1.0',
    info: {
      title: 'ClouDO',
      version,
      description:
        'Runbook automation on Azure Functions. Generated from the zod schemas the handlers validate with; ' +
        'every error is a JSON body naming the field at fault.',
    },
    servers: [{ url: API_PREFIX || '/' }],
    paths: { ...RUN_PATHS, ...CONSOLE_PATHS },
    components: { securitySchemes: SECURITY_SCHEMES, schemas: { Error: errorBody } },
  });
  return built;
}
