#!/usr/bin/env bash
# template.sh: copy this to start a bash runbook. It shows every variable ClouDO sets and the exit-code contract.
#
# Exit code: 0 = success; anything else = failure (status "failed"; on-call paging for oncall mappings comes later).
# Output: stdout and stderr are captured together, in order; the first and last parts are kept when it is long.
# Time: the mapping's "timeout" (default 300 s); then SIGTERM to the whole process group, SIGKILL after a grace.
set -euo pipefail

# Always set by ClouDO.
echo "exec id:        ${CLOUDO_EXEC_ID}"
echo "mapping:        ${CLOUDO_PARTITION}/${CLOUDO_MAPPING_ID} (${CLOUDO_MAPPING_NAME})"
echo "trigger:        ${CLOUDO_TRIGGER} at ${CLOUDO_REQUESTED_AT}"
echo "runbooks dir:   ${CLOUDO_RUNBOOKS_DIR}"

# Set when the run comes from an alert (empty for manual runs).
echo "resource:       ${RESOURCE_ID:-} (rg ${RESOURCE_RG:-}, name ${RESOURCE_NAME:-})"
echo "aks:            ns=${AKS_NAMESPACE:-} pod=${AKS_POD:-} deploy=${AKS_DEPLOYMENT:-} job=${AKS_JOB:-} hpa=${AKS_HPA:-}"
echo "condition:      ${MONITOR_CONDITION:-} severity=${SEVERITY:-} rule=${ALERT_RULE:-} signal=${SIGNAL_TYPE:-}"
echo "alert times:    fired=${FIRED_AT:-} resolved=${RESOLVED_AT:-} id=${ALERT_ID:-}"
# Alertmanager and Prometheus labels arrive one per variable: ALERT_LABEL_<NAME>.
env | grep '^ALERT_LABEL_' || true
# The original alert JSON, for anything the variables do not carry (deleted after the run).
if [ -n "${CLOUDO_ALERT_FILE:-}" ]; then echo "alert file:     $(wc -c < "$CLOUDO_ALERT_FILE") bytes"; fi

# Arguments come from the mapping's run_args, split like a shell would but never expanded.
echo "arguments:      $#"
for arg in "$@"; do echo "  - ${arg}"; done

# To act on Azure, log in as the runbook identity (CLOUDO_RUNBOOK_CLIENT_ID) first:
# if ! az account show >/dev/null 2>&1; then
#   az login --identity --client-id "$AZURE_CLIENT_ID" >/dev/null
# fi

# Make remediations idempotent: alerts are retried, and a runbook may run again for the same problem.
echo "template: done"
