#!/usr/bin/env bash
# greet.sh: the example of run parameters (mapping test/greet): each arrives as CLOUDO_PARAM_<NAME>.
set -euo pipefail

name="${CLOUDO_PARAM_NAME:?the mapping declares NAME as required}"
times="${CLOUDO_PARAM_TIMES:-1}"
for ((i = 1; i <= times; i++)); do
  if [[ "${CLOUDO_PARAM_LOUD:-false}" == "true" ]]; then echo "HELLO, ${name^^}! (${i}/${times})"; else echo "hello, ${name} (${i}/${times})"; fi
  # A pause between lines, so `cloudo run greet --follow` shows them arrive.
  if ((i < times)); then sleep 1; fi
done
