#!/usr/bin/env bash
# `make demo`: start the local dual-stack control plane (or reuse the running
# one), apply testdata/demo/, wait until every demo pod has its IPs, and show
# what plain kubectl prints beside what kubectl dualstack prints.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$PWD/bin}
TOOLS_BIN=${TOOLS_BIN:-$BIN}
# The pinned kubectl first on PATH, and the plugin beside it, so that
# `kubectl dualstack` runs through kubectl's own plugin lookup.
export PATH="$TOOLS_BIN:$BIN:$PATH"

if [ -t 1 ]; then bold=$'\e[1m' reset=$'\e[0m'; else bold='' reset=''; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$reset"; }
show() { printf '%s$ %s%s\n' "$bold" "$*" "$reset"; "$@"; }

step "Starting the local dual-stack control plane (IPv4 primary)"
export_line=$("$BIN/localcluster" up --bin-dir "$TOOLS_BIN")
eval "$export_line"

step "Applying the demo workloads (testdata/demo/)"
kubectl apply -f testdata/demo/
kubectl -n demo rollout status deployment/web --timeout=60s
kubectl -n demo wait --for=condition=Ready pod --all --timeout=60s >/dev/null
echo "every demo pod is Running with its pod IPs"

step "What plain kubectl shows: one IP per pod, one cluster IP per Service, one family per endpoint list"
show kubectl -n demo get pods -o wide
show kubectl -n demo get services
printf '%s$ kubectl -n demo describe service web | grep -E "^(IPs?|Endpoints):"%s\n' "$bold" "$reset"
kubectl -n demo describe service web | grep -E '^(IPs?|Endpoints):'

step "What kubectl dualstack shows"
show kubectl dualstack version
show kubectl dualstack get pods -n demo -o wide
show kubectl dualstack get services -n demo -o wide
show kubectl dualstack get endpoints -n demo
show kubectl dualstack get nodes
pod=$(kubectl -n demo get pods -l app=web -o jsonpath='{.items[0].metadata.name}')
printf '%s$ kubectl dualstack describe pod %s -n demo | grep -E "^(IPs?|Host IPs):"%s\n' "$bold" "$pod" "$reset"
kubectl dualstack describe pod "$pod" -n demo | grep -E '^(IPs?|Host IPs):'
show kubectl dualstack describe service web -n demo
show kubectl dualstack check --probe

step "How far along each namespace is: pods, Services, load balancers and policies with both families"
show kubectl dualstack summary -A
show kubectl dualstack summary -n demo --by owner -o wide

step "Before a cluster exists: kubeadm files with one mistake, findings at file:line"
show kubectl dualstack check --from-file testdata/files/broken/kcm-node-cidr-mask-size-dual/manifests --fail-on=never

step "Moving to dual-stack: kubectl dualstack plan on a single-stack IPv4 cluster started for it"
single_dir=${TMPDIR:-/tmp}/kubectl-dualstack-demo-ipv4
single_log=$(mktemp)
single_export=$("$BIN/localcluster" up --bin-dir "$TOOLS_BIN" --layout ipv4 --state-dir "$single_dir" 2>"$single_log") ||
	{ cat "$single_log" >&2; exit 1; }
rm -f "$single_log"
trap '"$BIN/localcluster" down --state-dir "$single_dir" >/dev/null' EXIT
(
	eval "$single_export"
	kubectl apply -f testdata/demo-single/ >/dev/null
	kubectl -n shop rollout status deployment/web --timeout=60s >/dev/null
	show kubectl dualstack plan --service-cidr fd00:10:96::/112 --pod-cidr fd00:10:244::/56
)
"$BIN/localcluster" down --state-dir "$single_dir" >/dev/null
trap - EXIT
echo "(the single-stack cluster is stopped again)"

step "The cluster keeps running"
cat <<TXT
Use it:   $export_line
          export PATH=$BIN:\$PATH   # the plugin, and the pinned kubectl v1.37 beside it
          kubectl dualstack version
Stop it:  make cluster-down
TXT
