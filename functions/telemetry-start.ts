// index.ts's first import: telemetry starts before @azure/functions loads, so the Functions instrumentation can join
// the host's traces to ClouDO's (it patches that module as it loads).
import { loadConfig } from '../src/config/load-config';
import { processTelemetry } from '../src/composition/telemetry-wiring';

processTelemetry(loadConfig());
