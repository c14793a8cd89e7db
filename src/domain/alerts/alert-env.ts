// Runbook environment of an alert (seed contract: RESOURCE_*, AKS_*, alert fields, ALERT_LABEL_*) and its AKS context.
import type { AksContext, AlertContext } from './alert';
import { lookupIgnoringCase } from './alert-fields';

export const MAX_ENV_VALUE_LENGTH = 4096;
export const MAX_LABEL_VARIABLES = 64;
// Label names are sender-chosen; a bounded variable name keeps the environment block small.
const MAX_LABEL_NAME_LENGTH = 128;

type Labels = Readonly<Record<string, string>>;

export function buildAlertEnvironment(alert: AlertContext): Record<string, string> {
  const env: Record<string, string> = {};
  const put = (name: string, value: string | null): void => {
    const v = value === null ? '' : cleanValue(value);
    if (v !== '') env[name] = v;
  };
  const { resource, aks } = alert;
  put('RESOURCE_ID', resource.id);
  put('RESOURCE_RG', resource.resourceGroup);
  put('RESOURCE_NAME', resource.name);
  put('RESOURCE_SUBSCRIPTION_ID', resource.subscriptionId);
  put('RESOURCE_TYPE', resource.type);
  put('AKS_NAMESPACE', aks.namespace);
  put('AKS_POD', aks.pod);
  put('AKS_DEPLOYMENT', aks.deployment);
  put('AKS_JOB', aks.job);
  put('AKS_HPA', aks.hpa);
  put('MONITOR_CONDITION', alert.monitorCondition);
  put('SEVERITY', alert.severity);
  put('ALERT_RULE', alert.rule);
  put('ALERT_ID', alert.alertId);
  put('SIGNAL_TYPE', alert.signalType);
  put('FIRED_AT', alert.firedAt);
  put('RESOLVED_AT', alert.resolvedAt);
  return isPrometheusAlert(alert) ? { ...env, ...labelVariables(alert.labels) } : env;
}

/** Alertmanager alerts, and Azure managed Prometheus alerts (signalType or monitoringService "Prometheus"). */
export function isPrometheusAlert(alert: Pick<AlertContext, 'source' | 'signalType' | 'monitoringService'>): boolean {
  return alert.source === 'alertmanager' || isPrometheusSignal(alert.signalType, alert.monitoringService);
}

export function isPrometheusSignal(signalType: string | null, monitoringService: string | null): boolean {
  return signalType?.toLowerCase() === 'prometheus' || monitoringService?.toLowerCase() === 'prometheus';
}

function cleanValue(value: string): string {
  return value.replaceAll('\0', '').slice(0, MAX_ENV_VALUE_LENGTH);
}

/** `app.kubernetes.io/name` → `APP_KUBERNETES_IO_NAME`; '' when nothing usable is left. */
export function sanitizeLabelName(name: string): string {
  const upper = name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return upper.slice(0, MAX_LABEL_NAME_LENGTH).replace(/^_+|_+$/g, '');
}

/** One ALERT_LABEL_<NAME> per label, in sorted label order: the first label to claim a name keeps it. */
function labelVariables(labels: Labels): Record<string, string> {
  const out = new Map<string, string>();
  for (const key of Object.keys(labels).sort()) {
    if (out.size >= MAX_LABEL_VARIABLES) break;
    const suffix = sanitizeLabelName(key);
    const value = cleanValue(labels[key] ?? '');
    const name = `ALERT_LABEL_${suffix}`;
    if (suffix !== '' && value !== '' && !out.has(name)) out.set(name, value);
  }
  return Object.fromEntries(out);
}

const NAMESPACE = ['namespace', 'kubernetes_namespace', 'exported_namespace'];
const POD = ['pod', 'kubernetes_pod_name', 'exported_pod', 'podname', 'pod_name'];
const JOB = ['job_name', 'kubernetes_job_name'];
const HPA = ['horizontalpodautoscaler', 'hpa'];
// pod-template-hash suffix of a Deployment's ReplicaSet (Kubernetes' SafeEncodeString alphabet: no vowels).
const REPLICASET_HASH = /-[bcdfghjklmnpqrstvwxz2456789]{5,10}$/;

/**
 * AKS context from labels first, then annotations; names match case-insensitively so that log-alert
 * dimensions (`Namespace`, `PodName`, `ControllerName`) count. The Prometheus scrape label `job` never does.
 */
export function readAksContext(labels: Labels, annotations: Labels = {}): AksContext {
  const pick = (names: readonly string[]): string | null => firstOf(labels, names) ?? firstOf(annotations, names);
  return {
    namespace: pick(NAMESPACE),
    pod: pick(POD),
    deployment: deploymentFrom(labels) ?? deploymentFrom(annotations),
    job: pick(JOB) ?? jobFrom(labels) ?? jobFrom(annotations),
    hpa: pick(HPA),
  };
}

function firstOf(map: Labels, names: readonly string[]): string | null {
  for (const name of names) {
    const v = lookupIgnoringCase(map, name);
    if (v !== null && v !== '') return v;
  }
  return null;
}

/**
 * In order: a `deployment` label; `owner_name` / `ControllerName` whose kind is Deployment; then a ReplicaSet name
 * with its pod-template-hash stripped, from a `replicaset` label or `owner_name` / `ControllerName` of kind
 * ReplicaSet (or `ControllerName` with no kind). A ReplicaSet name without the hash suffix is not a Deployment's,
 * so it gives nothing; other kinds (DaemonSet, StatefulSet, Job…) give nothing either.
 */
function deploymentFrom(map: Labels): string | null {
  const direct = firstOf(map, ['deployment']);
  if (direct !== null) return direct;
  const owner = ownedBy(map, 'owner_kind', 'owner_name');
  const controller = ownedBy(map, 'controllerkind', 'controllername');
  if (owner?.kind === 'deployment') return owner.name;
  if (controller?.kind === 'deployment') return controller.name;
  const replicaSets = [
    firstOf(map, ['replicaset']),
    owner?.kind === 'replicaset' ? owner.name : null,
    controller !== null && ['replicaset', ''].includes(controller.kind) ? controller.name : null,
  ];
  for (const name of replicaSets) {
    const deployment = name !== null && REPLICASET_HASH.test(name) ? name.replace(REPLICASET_HASH, '') : '';
    if (deployment !== '') return deployment;
  }
  return null;
}

/** A Kubernetes Job named as the owner or controller of the pod (kube-state-metrics labels, log-alert dimensions). */
function jobFrom(map: Labels): string | null {
  for (const owner of [ownedBy(map, 'owner_kind', 'owner_name'), ownedBy(map, 'controllerkind', 'controllername')]) {
    if (owner?.kind === 'job') return owner.name;
  }
  return null;
}

function ownedBy(map: Labels, kindKey: string, nameKey: string): { kind: string; name: string } | null {
  const name = firstOf(map, [nameKey]);
  return name === null ? null : { kind: (firstOf(map, [kindKey]) ?? '').toLowerCase(), name };
}
