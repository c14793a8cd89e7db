#!/usr/bin/env bash
# aks/restart_deployment.sh: rolling restart of the deployment an AKS alert names (AKS_NAMESPACE, AKS_DEPLOYMENT).
set -euo pipefail

: "${AKS_NAMESPACE:?AKS_NAMESPACE is not set: this runbook needs an AKS alert}"
: "${AKS_DEPLOYMENT:?AKS_DEPLOYMENT is not set: this runbook needs an AKS alert}"

if ! az account show >/dev/null 2>&1; then
  echo "Logging into Azure..."
  : "${AZURE_CLIENT_ID:?AZURE_CLIENT_ID is not set: the worker needs a user-assigned managed identity to log in}"
  az login --identity --client-id "$AZURE_CLIENT_ID" >/dev/null
fi

echo "restarting deployment/${AKS_DEPLOYMENT} in namespace ${AKS_NAMESPACE}"
kubectl -n "$AKS_NAMESPACE" rollout restart "deployment/${AKS_DEPLOYMENT}"
kubectl -n "$AKS_NAMESPACE" rollout status "deployment/${AKS_DEPLOYMENT}" --timeout=240s
