// `cloudo azure verify`: checks an action group's webhook reaches the app's Trigger, and with --test sends a test alert.
import { ArmError } from '../adapters/azure/arm-requests';
import type { ActionGroupView, MonitorPort } from '../adapters/azure/arm-monitor';
import {
  checkLine as line,
  readFunctionKey,
  pointsAtTrigger,
  toTriggerUrl,
  checkWebhooks,
  type Check,
} from '../adapters/azure/azure-wiring';
import { createAppApi, type AppApi } from '../adapters/azure/app-api';
import type { AzureDeps } from './azure-deps';
import { ALERT_TYPES, sendTestAlert } from './azure-test-alert';
import { readIntFlag, UsageError, type FlagSpec, type Flags } from './cli-args';

export const VERIFY_FLAGS: FlagSpec = {
  '--subscription': { kind: 'value', required: true },
  '--resource-group': { kind: 'value', required: true },
  '--action-group': { kind: 'value', required: true },
  '--app-url': { kind: 'value', required: true },
  '--function-key': { kind: 'value' },
  '--test': { kind: 'switch' },
  '--wait-seconds': { kind: 'value' },
  '--alert-type': { kind: 'value' },
};

export async function verify(flags: Flags, deps: AzureDeps): Promise<number> {
  const v = (name: string) => flags.values[name] ?? '';
  const trigger = toTriggerUrl(v('app-url'));
  if (!trigger) throw new UsageError(`--app-url: "${v('app-url')}" is not an http(s) URL`);
  const test = flags.switches.has('test');
  for (const only of ['wait-seconds', 'alert-type']) {
    if (!test && only in flags.values) throw new UsageError(`--${only} goes with --test`);
  }
  const waitSeconds = readIntFlag(flags, 'wait-seconds', 1, 3600, 120);
  const alertType = flags.values['alert-type'] ?? 'metricstaticthreshold';
  if (!ALERT_TYPES.includes(alertType)) throw new UsageError(`--alert-type must be one of ${ALERT_TYPES.join(', ')}`);

  const monitor = deps.monitor(v('subscription'));
  const group = await findGroup(monitor, v('resource-group'), v('action-group'), deps);
  if (!group) return 1;
  const receivers = group.webhooks.filter((w) => pointsAtTrigger(w.serviceUri, trigger));
  // Without --function-key, the webhook's own key reads the app API too (a host key works for every function).
  const key = flags.values['function-key'] ?? receivers.map((w) => readFunctionKey(w.serviceUri)).find(Boolean);
  const app = createAppApi(v('app-url'), key, deps.fetch, deps.token);
  const checks = [enabledCheck(group), ...checkWebhooks(group.webhooks, trigger), ...(await probes(app, receivers))];
  for (const c of checks) deps.print(line(c));
  const passed = checks.every((c) => c.ok);
  if (!test) return passed ? 0 : 1;
  if (!passed) {
    deps.print('skipped --test: fix the failures above first');
    return 1;
  }
  const target = { resourceGroup: v('resource-group'), name: group.name, alertType, waitSeconds };
  return (await sendTestAlert(deps, monitor, app, target, receivers)) ? 0 : 1;
}

async function findGroup(
  monitor: MonitorPort,
  resourceGroup: string,
  name: string,
  deps: AzureDeps,
): Promise<ActionGroupView | undefined> {
  try {
    const group = await monitor.getActionGroup(resourceGroup, name);
    deps.print(line({ ok: true, text: `action group ${resourceGroup}/${group.name} found` }));
    return group;
  } catch (err) {
    if (!(err instanceof ArmError)) throw err;
    const why = err.status === 404 ? 'not found' : err.message;
    deps.print(line({ ok: false, text: `action group ${resourceGroup}/${name}: ${why}` }));
    return undefined;
  }
}

function enabledCheck(group: ActionGroupView): Check {
  return group.enabled
    ? { ok: true, text: `action group "${group.name}" is enabled` }
    : { ok: false, text: `action group "${group.name}" is disabled: none of its receivers are called` };
}

/** Only receivers that carry a key are probed: one without is a failure already. */
async function probes(app: AppApi, receivers: ActionGroupView['webhooks']): Promise<Check[]> {
  const keyed = receivers.filter((w) => readFunctionKey(w.serviceUri));
  return Promise.all(
    keyed.map(async (w) => {
      const probe = await app.probeTrigger(w.serviceUri);
      return { ok: probe.ok, text: `webhook "${w.name}": ${probe.text}` };
    }),
  );
}
