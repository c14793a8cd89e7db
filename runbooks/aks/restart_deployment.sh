#!/usr/bin/env bash
# aks/restart_deployment.sh: rolling restart of the deployment an AKS alert names (AKS_NAMESPACE, AKS_DEPLOYMENT).
set -euo pipefail

: "${AKS_NAMESPACE:?AKS_NAMESPACE is not set: this runbook needs an AKS alert}"
: "${AKS_DEPLOYMENT:?AKS_DEPLOYMENT is not set: this runbook needs an AKS alert}"

# With "aks_login": true on the mapping, ClouDO already set KUBECONFIG; otherwise log in to the alert's cluster here.
if [ -z "${KUBECONFIG:-}" ]; then
  if [ "${RESOURCE_TYPE:-}" != "microsoft.containerservice/managedclusters" ]; then
    echo "no kubeconfig: set \"aks_login\": true on the mapping, or send an alert on an AKS cluster" >&2
    exit 2
  fi
  # shellcheck source=../lib/aks-login.sh
  . "$(dirname "$0")/../lib/aks-login.sh"
  aks_login "$RESOURCE_RG" "$RESOURCE_NAME" "${RESOURCE_SUBSCRIPTION_ID:-}"
fi

echo "restarting deployment/${AKS_DEPLOYMENT} in namespace ${AKS_NAMESPACE} of ${AKS_CLUSTER_RG:-?}/${AKS_CLUSTER_NAME:-?}"
kubectl -n "$AKS_NAMESPACE" rollout restart "deployment/${AKS_DEPLOYMENT}"
kubectl -n "$AKS_NAMESPACE" rollout status "deployment/${AKS_DEPLOYMENT}" --timeout=240s
