#!/usr/bin/env bash
# azure/vm_restart.sh: restarts the virtual machine an Azure Monitor alert names (RESOURCE_ID).
set -euo pipefail

: "${RESOURCE_ID:?RESOURCE_ID is not set: this runbook needs an Azure Monitor alert on a VM}"
case "${RESOURCE_ID,,}" in
  */providers/microsoft.compute/virtualmachines/*) ;;
  *) echo "not a virtual machine: $RESOURCE_ID" >&2; exit 2 ;;
esac

if ! az account show >/dev/null 2>&1; then
  echo "Logging into Azure..."
  : "${AZURE_CLIENT_ID:?AZURE_CLIENT_ID is not set: runbooks have no identity until CLOUDO_RUNBOOK_CLIENT_ID is set}"
  az login --identity --client-id "$AZURE_CLIENT_ID" >/dev/null
fi

echo "restarting ${RESOURCE_NAME:-$RESOURCE_ID}"
az vm restart --ids "$RESOURCE_ID"
az vm get-instance-view --ids "$RESOURCE_ID" --query "instanceView.statuses[?starts_with(code, 'PowerState/')].displayStatus" -o tsv
