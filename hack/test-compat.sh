#!/usr/bin/env bash
# Runs the core end-to-end tests against each Kubernetes version given, on
# control planes built from that version's sources, and prints a table:
# version × (get, describe, check healthy, check broken) with the build time.
#
#   hack/test-compat.sh BIN "v1.34.4 v1.35.4 ..."
#
# BIN holds the plugin (built from this tree) and the pinned tools; each other
# version's tools go to BIN/<version>/ (make tools KUBE_VERSION=...). The
# tests run that version's etcd, kube-apiserver, kube-controller-manager and
# kube-scheduler with the pinned kubectl, the client whose printers the
# plugin's views match. Exits 1 if any group failed on any version; each
# group's log is kept in BIN/<version>/compat/<group>.log.
set -uo pipefail

bin=$(cd "${1:?usage: test-compat.sh BIN VERSIONS}" && pwd)
versions=${2:?usage: test-compat.sh BIN VERSIONS}
pinned=$(grep -oE 'k8s.io/kubernetes v[0-9.]+' hack/tools/go.mod | head -1 | cut -d' ' -f2)

# The groups of the table, each a go test -run pattern over test/e2e.
groups=(get describe check-healthy check-broken)
declare -A tests=(
  [get]='^(TestGet|TestGetErrorsAndWatch|TestGetServiceCIDRsCounts|TestDualStackCluster|TestSingleStackClusters|TestVersionAgainstServer)$'
  [describe]='^TestDescribe$'
  [check-healthy]='^(TestCheckHealthy|TestKubeadmLook|TestCheckServiceCIDRsOlderServers)$'
  [check-broken]='^(TestCheckMisconfigured|TestKubeadmLookMisconfigured|TestCheckServicesStoredWithoutFamilies|TestCheckKubeProxyDaemonSet|TestCheckCapacityNodePodCIDRs|TestCheckCapacitySmallServiceCIDR)$'
)

rows=()
failed=0
for v in $versions; do
  dir=$bin/$v
  [ "$v" = "$pinned" ] && dir=$bin
  start=$(date +%s)
  cached=no
  [ -e "$dir/.tools-$v" ] && cached=yes
  if ! make --no-print-directory tools KUBE_VERSION="$v"; then
    rows+=("| $v | build failed | | | | |")
    failed=1
    continue
  fi
  built="$(( $(date +%s) - start ))s"
  [ "$cached" = yes ] && built="built before"
  run=$dir/compat
  mkdir -p "$run"
  for b in etcd kube-apiserver kube-controller-manager kube-scheduler; do ln -sf "$dir/$b" "$run/$b"; done
  for b in kubectl kubectl-dualstack; do ln -sf "$bin/$b" "$run/$b"; done
  row="| $v | $built"
  for g in "${groups[@]}"; do
    log=$run/$g.log
    gstart=$(date +%s)
    if LOCALCLUSTER_BIN_DIR=$run go test -count=1 -timeout 20m ./test/e2e -run "${tests[$g]}" -v >"$log" 2>&1; then
      row+=" | pass ($(( $(date +%s) - gstart ))s)"
    else
      row+=" | **fail** ($log)"
      failed=1
    fi
  done
  rows+=("$row |")
done

echo
echo "| server | tools build | get | describe | check healthy | check broken |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
exit "$failed"
