#!/usr/bin/env bash
# `make verify-dist`: checks what `make dist` produced the way krew and its
# users will meet it, without the network:
#
#   1. validate-krew-manifest on dist/krew/dualstack.yaml (-skip-install: its
#      install step would download the URIs, which exist only once released);
#   2. krew install of every platform's archive (KREW_OS/KREW_ARCH), so each
#      sha256, bin name and LICENSE is checked as a user's install would be;
#   3. with the linux/amd64 install first on PATH, the pinned kubectl finds the
#      plugin, `kubectl dualstack version --client` prints the release version,
#      and `kubectl dualstack get pods -A` works on a local control plane;
#   4. a manifest with a wrong sha256 makes `krew install` fail.
#
# Everything krew and kubectl write goes to a temporary directory (KREW_ROOT,
# HOME), removed at the end; the control plane is stopped whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$PWD/bin}
TOOLS_BIN=${TOOLS_BIN:-$BIN}
manifest=$PWD/dist/krew/dualstack.yaml

[ -f "$manifest" ] || { echo "verify-dist: $manifest is missing: run make dist" >&2; exit 1; }
version=$(sed -n 's/^  version: "\(.*\)"$/\1/p' "$manifest")
[ -n "$version" ] || { echo "verify-dist: no spec.version in $manifest" >&2; exit 1; }

work=$(mktemp -d)
cluster_state=$work/cluster
cleanup() {
  if [ -f "$cluster_state/localcluster.pid" ]; then
    "$BIN/localcluster" down --state-dir "$cluster_state" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP # so that Ctrl-C or a CI timeout still runs cleanup

start=$SECONDS
step_start=$SECONDS
step() {
  if [ -n "${step_name:-}" ]; then echo "verify-dist: ok: $step_name ($((SECONDS - step_start))s)"; fi
  step_name=$1 step_start=$SECONDS
  echo "verify-dist: $step_name"
}
fail() { echo "verify-dist: FAIL: $*" >&2; exit 1; }

# krew and kubectl with a private HOME and a PATH holding only the given krew
# root's bin and the system's basics: no other kubectl-dualstack on PATH can
# answer for the installed one. No upgrade check: it would use the network.
isolated() {
  local root=$1; shift
  env HOME="$work/home" KREW_ROOT="$root" KREW_NO_UPGRADE_CHECK=1 \
    PATH="$root/bin:/usr/bin:/bin" "$@"
}

step "validate-krew-manifest $manifest"
"$BIN/validate-krew-manifest" -manifest "$manifest" -skip-install

step "krew install every platform's archive, version $version"
for archive in dist/kubectl-dualstack_"$version"_*; do
  platform=${archive#dist/kubectl-dualstack_"${version}"_}
  platform=${platform%%.*}
  os=${platform%_*} arch=${platform#*_}
  root=$work/krew-$platform
  isolated "$root" env KREW_OS="$os" KREW_ARCH="$arch" \
    "$BIN/krew" install --manifest="$manifest" --archive="$PWD/$archive" >"$work/install-$platform.log" 2>&1 ||
    { cat "$work/install-$platform.log" >&2; fail "krew install of $archive"; }
  installed=$root/store/dualstack/$version
  bin=kubectl-dualstack
  [ "$os" = windows ] && bin=kubectl-dualstack.exe
  [ -f "$installed/$bin" ] || fail "$archive: $bin not installed in $installed"
  [ -f "$installed/LICENSE" ] || fail "$archive: no LICENSE installed (krew-index requires one)"
  echo "verify-dist:   $os/$arch installed: $(cd "$installed" && echo *)"
done

step "kubectl plugin list finds the krew-installed plugin"
root=$work/krew-linux_amd64
list=$(isolated "$root" "$TOOLS_BIN/kubectl" plugin list 2>&1) || { echo "$list"; fail "kubectl plugin list"; }
echo "$list"
grep -qxF "$root/bin/kubectl-dualstack" <<<"$list" || fail "kubectl plugin list does not show $root/bin/kubectl-dualstack"

step "kubectl dualstack version --client prints $version"
out=$(isolated "$root" "$TOOLS_BIN/kubectl" dualstack version --client)
echo "$out"
grep -qxF "Plugin Version: $version" <<<"$out" || fail "version --client does not print $version"

step "kubectl dualstack get pods -A on a local control plane"
eval "$("$BIN/localcluster" up --bin-dir "$TOOLS_BIN" --state-dir "$cluster_state")" # export KUBECONFIG=...
kc() { isolated "$root" "$TOOLS_BIN/kubectl" "$@"; }
# One pod, so that the listing has a row with an address of each family.
kc run verify-dist --image=registry.k8s.io/pause:3.10 --restart=Never >/dev/null
kc wait --for=condition=Ready pod/verify-dist --timeout=60s >/dev/null
out=$(kc dualstack get pods -A)
echo "$out"
grep -qE '^default +verify-dist +1/1 +Running .* [0-9.]+,[0-9a-f:]+( |$)' <<<"$out" ||
  fail "get pods -A does not show verify-dist with an IPv4 and an IPv6 address"
"$BIN/localcluster" down --state-dir "$cluster_state"

step "krew install refuses an archive whose sha256 differs from the manifest's"
mkdir -p "$work/bad"
sed 's/^\(    sha256: \)".*"$/\1"0000000000000000000000000000000000000000000000000000000000000000"/' \
  "$manifest" >"$work/bad/dualstack.yaml"
root=$work/krew-bad
if isolated "$root" "$BIN/krew" install --manifest="$work/bad/dualstack.yaml" \
  --archive="$PWD/dist/kubectl-dualstack_${version}_linux_amd64.tar.gz" >"$work/bad.log" 2>&1; then
  cat "$work/bad.log"
  fail "krew install accepted a wrong sha256"
fi
grep -i 'checksum does not match' "$work/bad.log" || { cat "$work/bad.log"; fail "krew failed for another reason"; }
[ ! -e "$root/bin/kubectl-dualstack" ] || fail "krew installed the plugin despite the wrong sha256"

step done
echo "verify-dist: all checks passed in $((SECONDS - start))s"
