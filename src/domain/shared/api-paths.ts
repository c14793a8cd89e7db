// API paths: every path of ClouDO's HTTP API is built here, under the route prefix host.json gives the Functions host.
import hostJson from '../../../host.json';

// The host mounts every HTTP function under `extensions.http.routePrefix`; the local runtime reads the same file.
const ROUTE_PREFIX: string = hostJson.extensions.http.routePrefix;

/** `/api`, or `` when host.json mounts functions at the root. */
export const API_PREFIX = ROUTE_PREFIX === '' ? '' : `/${ROUTE_PREFIX}`;

/** The path of a function's route, e.g. `apiPath('health')` → `/api/health`. */
export const apiPath = (route: string): string => `${API_PREFIX}/${route}`;

export const triggerPath = (): string => apiPath('Trigger');

export const executionPath = (execId: string): string => apiPath(`logs/${encodeURIComponent(execId)}`);

export const outputPath = (execId: string): string => `${executionPath(execId)}/output`;

/** The executions list, with its filters and continuation as given. */
export const executionsPath = (query: Readonly<Record<string, string>>): string =>
  `${apiPath('logs')}?${new URLSearchParams(query).toString()}`;

export const approvalPath = (execId: string, action: 'approve' | 'reject'): string =>
  apiPath(`approvals/${encodeURIComponent(execId)}/${action}`);

/** GET /api/audit with its query, e.g. the next page's link. */
export const auditPath = (query: Readonly<Record<string, string>>): string =>
  `${apiPath('audit')}${Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : ''}`;

/** The browser console: a folder, so its files load by relative name. */
export const CONSOLE_PATH = apiPath('console/');

/** The dry run of an alert nobody claimed, by its record's key. */
export const unmatchedDryRunPath = (key: string): string =>
  apiPath(`alerts/unmatched/${encodeURIComponent(key)}/dry-run`);
