// Stands in for the Functions host's `@azure/functions-core` module, capturing what `app.*` registers.
import Module from 'node:module';

export type CoreBinding = { type: string; direction: string; [key: string]: unknown };
export type CoreFunctionMetadata = { name: string; bindings: Record<string, CoreBinding> };

type Resolver = (request: string, ...rest: unknown[]) => string;
const moduleInternals = Module as unknown as { _resolveFilename: Resolver };

const STUB_PATH = '/__cloudo_test__/@azure/functions-core.js';

/** Installs the stand-in; must run before the first `app.*` call in this process. */
function captureHostRegistrations(): CoreFunctionMetadata[] {
  const captured: CoreFunctionMetadata[] = [];
  const original = moduleInternals._resolveFilename;
  moduleInternals._resolveFilename = (request, ...rest) =>
    request === '@azure/functions-core' ? STUB_PATH : original(request, ...rest);
  const stub = new Module(STUB_PATH);
  stub.filename = STUB_PATH;
  stub.loaded = true;
  stub.exports = {
    setProgrammingModel: () => undefined,
    getProgrammingModel: () => undefined,
    registerHook: () => ({ dispose: () => undefined }),
    // The library checks for it before it turns HTTP streams on: hosts from v4.28 have it.
    log: () => undefined,
    registerFunction: (metadata: CoreFunctionMetadata) => {
      captured.push(metadata);
      return { dispose: () => undefined };
    },
  };
  require.cache[STUB_PATH] = stub;
  return captured;
}

/** Filled as `app.*` registers functions: import this module before the code that registers. */
export const hostRegistrations: readonly CoreFunctionMetadata[] = captureHostRegistrations();
