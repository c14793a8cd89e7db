// The --test of `cloudo azure verify`: a test alert through the action group, then waiting for the app to record it.
import type { ArmWebhookReceiver, MonitorPort, TestNotificationResult } from '../adapters/azure/arm-monitor';
import { checkLine, type Check } from '../adapters/azure/azure-wiring';
import { AppApiError, type AppApi, type Arrival } from '../adapters/azure/app-api';
import type { AzureDeps } from './azure-deps';

/** The alert types Azure's test notification accepts. */
export const ALERT_TYPES: readonly string[] = [
  'metricstaticthreshold',
  'metricsdynamicthreshold',
  'logalertv2',
  'logalertv1numresult',
  'logalertv1metricmeasurement',
  'activitylog',
  'servicehealth',
  'resourcehealth',
  'smartalert',
  'webtestalert',
  'actualcostbudget',
  'forecastedbudget',
];

export type TestTarget = {
  readonly resourceGroup: string;
  readonly name: string;
  readonly alertType: string;
  readonly waitSeconds: number;
};

// The app's clock and ours may differ: list from a while back, and count only what was not there before.
const SKEW_MS = 10 * 60_000;

export async function sendTestAlert(
  deps: AzureDeps,
  monitor: MonitorPort,
  app: AppApi,
  target: TestTarget,
  receivers: readonly ArmWebhookReceiver[],
): Promise<boolean> {
  const since = new Date(deps.now().getTime() - SKEW_MS);
  const before = await arrivals(app, since).catch(appFailure(deps));
  if (!before) return false;
  const names = receivers.map((r) => `"${r.name}"`).join(', ');
  deps.print(`sending a ${target.alertType} test alert to webhook ${names}…`);
  const sent = await monitor.sendTestNotification(target.resourceGroup, target.name, target.alertType, receivers);
  const notified = notificationCheck(sent);
  print(deps, notified);
  const seen = new Set(before.map((a) => a.key));
  const found = await waitForNew(deps, app, since, seen, target.waitSeconds);
  if (found.length === 0) {
    print(deps, { ok: false, text: `nothing new arrived at the app within ${target.waitSeconds}s` });
    deps.print('  a repeated test alert with the same id and fire time counts as already received: try again later');
    return false;
  }
  for (const a of found) print(deps, { ok: true, text: `arrived: ${a.text}` });
  return notified.ok;
}

function notificationCheck(sent: TestNotificationResult): Check {
  const failed = sent.details.filter((d) => /fail|error/i.test(d.status));
  // Azure's detail text may quote the receiver URL, key included.
  const details = sent.details.map(
    (d) => `${d.mechanism} "${d.name}": ${d.status}${d.detail ? ` (${withoutKeys(d.detail)})` : ''}`,
  );
  const text = `test notification ${sent.state}${details.length > 0 ? `; ${details.join('; ')}` : ''}`;
  return { ok: failed.length === 0 && !/fail/i.test(sent.state), text };
}

async function waitForNew(
  deps: AzureDeps,
  app: AppApi,
  since: Date,
  seen: ReadonlySet<string>,
  waitSeconds: number,
): Promise<Arrival[]> {
  const deadline = deps.now().getTime() + waitSeconds * 1000;
  let lastError: string | undefined;
  for (;;) {
    try {
      const fresh = (await arrivals(app, since)).filter((a) => !seen.has(a.key));
      if (fresh.length > 0) return fresh;
      lastError = undefined;
    } catch (err) {
      // A deployed app may answer 503 while it scales: keep waiting, and say so if it never recovers.
      if (!(err instanceof AppApiError)) throw err;
      lastError = err.message;
    }
    if (deps.now().getTime() >= deadline) break;
    await deps.sleep(Math.min(deps.appPollMs, Math.max(deadline - deps.now().getTime(), 0)));
  }
  if (lastError) deps.print(`  last error reading the app: ${lastError}`);
  return [];
}

async function arrivals(app: AppApi, since: Date): Promise<Arrival[]> {
  const [executions, unmatched] = await Promise.all([app.alertExecutions(since), app.unmatchedAlerts()]);
  return [...executions, ...unmatched];
}

function appFailure(deps: AzureDeps) {
  return (err: unknown): undefined => {
    if (!(err instanceof AppApiError)) throw err;
    print(deps, { ok: false, text: `cannot read the app's API before the test: ${err.message}` });
    if (/HTTP 40[13]/.test(err.message)) deps.print('  pass --function-key <a host key of the app>');
    return undefined;
  };
}

function print(deps: AzureDeps, c: Check): void {
  deps.print(checkLine(c));
}

const withoutKeys = (text: string): string => text.replace(/([?&]code=)[^&\s"')]+/gi, '$1…');
