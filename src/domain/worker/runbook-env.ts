// Runbook environment: the allow-listed host variables, the mapping's, the alert's, and ClouDO's own; nothing else.
import type { AksCluster } from './aks-target';
import { buildAlertEnvironment } from '../alerts/alert-env';
import type { Execution } from '../runs/execution';

/** What an AKS login gave this run: the cluster, and its private kubeconfig and `az` state. */
export type AksRunEnv = { readonly cluster: AksCluster; readonly kubeconfig: string; readonly azureConfigDir: string };

/** The run's own places: its private HOME/TMPDIR, the alert file, the runbook identity's variables, the AKS login. */
export type RunPlaces = {
  readonly home: string;
  readonly alertFile?: string | undefined;
  /** IDENTITY_ENDPOINT, IDENTITY_HEADER and AZURE_CLIENT_ID of ClouDO's token broker, when runbooks have an identity. */
  readonly identity?: Readonly<Record<string, string>>;
  readonly aks?: AksRunEnv | undefined;
  /** CLOUDO_PARAM_<NAME> for each parameter, secret ones opened. */
  readonly params?: Readonly<Record<string, string>>;
};

/**
 * Later entries win: alert context over the mapping's static variables (the mapping schema also refuses the alert
 * names), the runbook identity and the AKS login over both, and ClouDO's variables over everything, so neither the
 * host nor a sender can forge them.
 */
export function buildRunbookEnvironment(
  base: Readonly<Record<string, string>>,
  e: Execution,
  runbooksDir: string,
  { home, alertFile, identity, aks, params }: RunPlaces,
): Record<string, string> {
  return {
    ...base,
    ...e.mappingEnv,
    ...(e.alert ? buildAlertEnvironment(e.alert) : {}),
    ...identity,
    ...(aks ? aksEnvironment(aks) : {}),
    ...params,
    // A directory of the run's own, so tools (az, kubectl, pip…) have a writable home and temp files stay private.
    HOME: home,
    TMPDIR: home,
    PYTHONUNBUFFERED: '1',
    CLOUDO_EXEC_ID: e.execId,
    CLOUDO_MAPPING_ID: e.mappingId,
    CLOUDO_MAPPING_NAME: e.mappingName,
    CLOUDO_PARTITION: e.partition,
    CLOUDO_TRIGGER: e.trigger,
    CLOUDO_REQUESTED_AT: e.requestedAt,
    CLOUDO_RUNBOOKS_DIR: runbooksDir,
    ...(alertFile ? { CLOUDO_ALERT_FILE: alertFile } : {}),
    ...(e.scheduledFor ? { CLOUDO_SCHEDULED_FOR: e.scheduledFor } : {}),
  };
}

function aksEnvironment({ cluster, kubeconfig, azureConfigDir }: AksRunEnv): Record<string, string> {
  return {
    KUBECONFIG: kubeconfig,
    // The `az` login made for this run: `az account show` succeeds, so the seed's login snippet is a no-op.
    AZURE_CONFIG_DIR: azureConfigDir,
    AKS_CLUSTER_NAME: cluster.name,
    AKS_CLUSTER_RG: cluster.resourceGroup,
    ...(cluster.subscriptionId ? { AKS_CLUSTER_SUBSCRIPTION_ID: cluster.subscriptionId } : {}),
  };
}
