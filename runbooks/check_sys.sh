#!/usr/bin/env bash
# check_sys.sh: prints a short health report of the worker (the seed's example runbook).
set -euo pipefail

echo "ClouDO check_sys on $(hostname) at $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "execution: ${CLOUDO_EXEC_ID:-none} mapping: ${CLOUDO_MAPPING_ID:-none} (${CLOUDO_MAPPING_NAME:-})"
echo "--- uptime"
uptime || true
echo "--- disk"
df -h / 2>/dev/null | tail -n +1 || true
echo "--- memory"
if [ -r /proc/meminfo ]; then grep -E 'MemTotal|MemAvailable' /proc/meminfo; fi
echo "check_sys: OK"
