// AKS target: the cluster a run logs in to, from the mapping's `aks_cluster` or else the alert's managed cluster.
import { z } from 'zod';
import type { AlertContext } from '../alerts/alert';
import { isObject, parseArmId } from '../alerts/alert-fields';

export type AksCluster = {
  readonly name: string;
  readonly resourceGroup: string;
  /** Absent: the managed identity's default subscription. */
  readonly subscriptionId?: string | undefined;
};

export const MANAGED_CLUSTER_TYPE = 'microsoft.containerservice/managedclusters';

// Azure's naming rules, a little looser; a leading '-' is refused so no value can pass for an `az` option.
const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const RESOURCE_GROUP = /^(?!-)[\p{L}\p{N}_().-]{1,90}$/u;
// Spelled out in both cases: JSON Schema patterns lose regex flags.
const SUBSCRIPTION = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const clusterName = z.string().regex(CLUSTER_NAME, 'an AKS cluster name: letters, digits, _ and -, at most 63');
// A refinement, not a regex: the pattern needs the u flag, which JSON Schema patterns do not carry.
const resourceGroup = z
  .string()
  .refine(
    (rg) => RESOURCE_GROUP.test(rg),
    'a resource group name: letters, digits, _ ( ) . and -, at most 90, not starting with -',
  )
  .describe('A resource group name.');
const subscription = z.string().regex(SUBSCRIPTION, 'a subscription id (a GUID)');

const clusterObject = z
  .strictObject({ name: clusterName, resource_group: resourceGroup, subscription: subscription.optional() })
  .transform((c): AksCluster => ({
    name: c.name,
    resourceGroup: c.resource_group,
    ...(c.subscription ? { subscriptionId: c.subscription } : {}),
  }));

const clusterId = z
  .string()
  .max(2048, 'at most 2048 characters')
  .transform((id, ctx): AksCluster => {
    const cluster = clusterFromId(id);
    if (cluster === null) {
      const message = `expected the resource id of a managed cluster, /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<name>`;
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return cluster;
  });

/** A mapping's `aks_cluster`: a managed cluster's ARM id, or { name, resource_group, subscription? }. */
export const aksClusterSchema = z
  .union([clusterId, clusterObject], { error: unionMessage })
  .describe(
    'The AKS cluster aks_login logs in to: a managed cluster resource id, or { name, resource_group, subscription? }. ' +
      "Default: the alert's resource, when it is a managed cluster.",
  );

// A union reports only that no option fitted; the option the value's type picks says what is actually wrong.
function unionMessage(issue: z.core.$ZodRawIssue): string {
  const option = typeof issue.input === 'string' ? 0 : isObject(issue.input) ? 1 : -1;
  const errors = issue.code === 'invalid_union' ? issue.errors : [];
  const first = errors[option]?.[0];
  if (!first) return 'expected a managed cluster resource id or { "name", "resource_group", "subscription"? }';
  return `${first.path.length > 0 ? `${first.path.join('.')}: ` : ''}${first.message}`;
}

/** The same shape back from storage (mapping and execution rows), checked again there. */
export const storedAksCluster: z.ZodType<AksCluster> = z.object({
  name: z.string(),
  resourceGroup: z.string(),
  subscriptionId: z.string().optional(),
});

/** The mapping's cluster when it names one, else the alert's resource when it is a managed cluster, else null. */
export function resolveAksTarget(
  e: { readonly aksCluster?: AksCluster },
  alert: AlertContext | undefined,
): AksCluster | null {
  if (e.aksCluster) return e.aksCluster;
  const r = alert?.resource;
  if (!r || r.type?.toLowerCase() !== MANAGED_CLUSTER_TYPE) return null;
  // Senders choose these values: they must pass the same rules as a mapping author's.
  return validCluster(r.name, r.resourceGroup, r.subscriptionId);
}

function clusterFromId(id: string): AksCluster | null {
  const r = parseArmId(id);
  if (r === null || r.type !== MANAGED_CLUSTER_TYPE) return null;
  return validCluster(r.name, r.resourceGroup, r.subscriptionId);
}

function validCluster(name: string | null, rg: string | null, sub: string | null): AksCluster | null {
  if (name === null || rg === null || !CLUSTER_NAME.test(name) || !RESOURCE_GROUP.test(rg)) return null;
  return { name, resourceGroup: rg, ...(sub !== null && SUBSCRIPTION.test(sub) ? { subscriptionId: sub } : {}) };
}
