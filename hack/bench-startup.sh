#!/usr/bin/env bash
# `make bench-startup`: how long `version --client` takes for the plugin, for
# kubectl itself and for `kubectl dualstack`, RUNS times each (default 20), as
# mean, min and max wall time. Neither contacts a server; this is the start-up cost users feel on
# every invocation (and on every completion request).
#
#   hack/bench-startup.sh PLUGIN KUBECTL
set -euo pipefail
plugin=${1:?usage: bench-startup.sh PLUGIN KUBECTL}
kubectl=${2:?usage: bench-startup.sh PLUGIN KUBECTL}
runs=${RUNS:-20}

bench() {
  local t0 t1 times=()
  "$@" >/dev/null # once untimed: measure start-up, not the first read from disk
  for ((i = 0; i < runs; i++)); do
    t0=$EPOCHREALTIME
    "$@" >/dev/null
    t1=$EPOCHREALTIME
    times+=("$t0 $t1")
  done
  printf '%s\n' "${times[@]}" | awk -v what="$*" -v n="$runs" '
    { d = ($2 - $1) * 1000; sum += d; if (NR == 1 || d < min) min = d; if (d > max) max = d }
    END { printf "bench-startup: %-60s mean %6.1f ms  min %6.1f  max %6.1f  (%d runs)\n", what, sum / n, min, max, n }'
}

bench "$plugin" version --client
bench "$kubectl" version --client
# What users run: kubectl's start-up, its plugin lookup on PATH, then the plugin.
PATH="$(cd "$(dirname "$plugin")" && pwd):$PATH" bench "$kubectl" dualstack version --client
