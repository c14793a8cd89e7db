#!/usr/bin/env bash
# disk_usage.sh: fails when a filesystem is fuller than a threshold. Usage: disk_usage.sh [--threshold PCT] [PATH...]
set -euo pipefail

threshold=90
paths=()
while [ $# -gt 0 ]; do
  case "$1" in
    --threshold) threshold="$2"; shift 2 ;;
    *) paths+=("$1"); shift ;;
  esac
done
[ ${#paths[@]} -eq 0 ] && paths=(/)
case "$threshold" in ''|*[!0-9]*) echo "threshold must be a whole percentage, got: $threshold" >&2; exit 2 ;; esac

status=0
for p in "${paths[@]}"; do
  used=$(df -P "$p" | awk 'NR==2 { sub("%", "", $5); print $5 }')
  if [ "$used" -ge "$threshold" ]; then
    echo "FULL  $p: ${used}% used (threshold ${threshold}%)" >&2
    status=1
  else
    echo "ok    $p: ${used}% used (threshold ${threshold}%)"
  fi
done
exit "$status"
