#!/usr/bin/env bash
# lib/aks-login.sh: source it, then `aks_login <resource-group> <cluster> [subscription]` for a private KUBECONFIG.
#
#   . "$(dirname "$0")/../lib/aks-login.sh"
#   aks_login "$RESOURCE_RG" "$RESOURCE_NAME" "${RESOURCE_SUBSCRIPTION_ID:-}"
#
# Logs in as the runbook identity (the seed README's snippet; ClouDO's token broker serves its tokens), writes the
# cluster's kubeconfig to a fresh private directory, converts it for managed-identity tokens with kubelogin, and
# exports KUBECONFIG, AKS_CLUSTER_NAME and AKS_CLUSTER_RG. An EXIT trap (replacing any earlier one) removes the directory.
# Not a runbook itself: no mapping should point at this file.
# Mappings with "aks_login": true need none of this: ClouDO does the same before the runbook starts.

aks_login() {
  local rg="${1:?aks_login: resource group missing}" name="${2:?aks_login: cluster name missing}" sub="${3:-}"
  local -a identity=() subscription=()
  if [ -n "${AZURE_CLIENT_ID:-}" ]; then identity=(--client-id "$AZURE_CLIENT_ID"); fi
  if [ -n "$sub" ]; then subscription=(--subscription "$sub"); fi

  # Ensure Azure login
  if ! az account show >/dev/null 2>&1; then
    echo "Logging into Azure..."
    # ${a[@]+"${a[@]}"}: an empty array is "unbound" under set -u in bash before 4.4.
    az login --identity ${identity[@]+"${identity[@]}"} >/dev/null ||
      { echo "aks_login: az login --identity failed" >&2; return 1; }
  fi

  # A second call replaces the first login's directory instead of leaking it.
  if [ -n "${AKS_LOGIN_DIR:-}" ]; then rm -rf "$AKS_LOGIN_DIR"; fi
  AKS_LOGIN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/cloudo-aks-XXXXXX")" || return 1
  chmod 700 "$AKS_LOGIN_DIR"
  trap 'rm -rf "${AKS_LOGIN_DIR:-}"' EXIT
  local kubeconfig="$AKS_LOGIN_DIR/kubeconfig"

  az aks get-credentials --resource-group "$rg" --name "$name" ${subscription[@]+"${subscription[@]}"} \
    --file "$kubeconfig" --overwrite-existing --only-show-errors ||
    { echo "aks_login: az aks get-credentials failed for $rg/$name" >&2; return 1; }
  kubelogin convert-kubeconfig -l msi --kubeconfig "$kubeconfig" ${identity[@]+"${identity[@]}"} ||
    { echo "aks_login: kubelogin convert-kubeconfig failed" >&2; return 1; }

  export KUBECONFIG="$kubeconfig" AKS_CLUSTER_NAME="$name" AKS_CLUSTER_RG="$rg"
}
