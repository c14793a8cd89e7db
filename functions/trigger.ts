// Trigger function: GET|POST /api/Trigger[/{partition}]?id=<mapping id> requests a run and answers 202.
import type { HttpFunctionOptions, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { badRequest } from '../src/domain/errors';
import { mappingKeySchema, toMappingView } from '../src/domain/mapping';
import { errorResponse } from '../src/http/error-response';
import { contextLogger } from '../src/http/request-log';
import { executionLink } from '../src/http/views';
import type { ServicesProvider } from './register';

export function triggerFunction(services: ServicesProvider): HttpFunctionOptions {
  return {
    route: 'Trigger/{partition?}',
    methods: ['GET', 'POST'],
    authLevel: 'function',
    handler: (request, context) => handleTrigger(services, request, context),
  };
}

async function handleTrigger(
  services: ServicesProvider,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const log = contextLogger(context);
  try {
    const id = parseField('id', request.query.get('id'), 'Pass the mapping id as ?id=<id>.');
    const partitionParam = request.params['partition'];
    const partition = partitionParam === undefined ? undefined : parseField('partition', partitionParam, '');
    const { execution, mapping } = await services().requestRun(
      { id, trigger: 'manual', ...(partition ? { partition } : {}) },
      log,
    );
    const self = executionLink(execution.execId);
    return {
      status: 202,
      headers: { Location: self },
      jsonBody: {
        execId: execution.execId,
        status: execution.status,
        mapping: toMappingView(mapping),
        links: { self },
      },
    };
  } catch (err) {
    return errorResponse(err, log);
  }
}

function parseField(field: string, value: string | null, hint: string): string {
  if (value === null) throw badRequest(field, `Missing "${field}". ${hint}`.trim());
  const parsed = mappingKeySchema.safeParse(value);
  if (!parsed.success) throw badRequest(field, `Invalid "${field}": ${parsed.error.issues[0]?.message}.`);
  return parsed.data;
}
