#!/usr/bin/env bash
# Builds etcd, kube-apiserver, kube-controller-manager, kube-scheduler and
# kubectl of Kubernetes VERSION into OUT.
#
#   hack/tools/build.sh VERSION OUT
#
# The pinned version (hack/tools/go.mod) builds from the committed module. Any
# other version (an older server for compatibility tests, say v1.36.3) builds
# from a module generated the same way in a temporary directory: require
# k8s.io/kubernetes VERSION and replace each of its k8s.io/* staging modules
# with the published v0.MINOR.PATCH.
set -euo pipefail

version=${1:?usage: build.sh VERSION OUT}
out=${2:?usage: build.sh VERSION OUT}
here=$(cd "$(dirname "$0")" && pwd)
pinned=$(grep -oE 'k8s.io/kubernetes v[0-9.]+' "$here/go.mod" | head -1 | cut -d' ' -f2)
tools=(k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager
       k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)

mod=$here
if [ "$version" != "$pinned" ]; then
  mod=$(mktemp -d)
  trap 'rm -rf "$mod"' EXIT
  echo "tools: generating a tools module for Kubernetes $version"
  cp -r "$here/etcd" "$mod/"
  (
    cd "$mod"
    go mod init github.com/kubectl-dualstack/kubectl-dualstack/hack/tools >/dev/null 2>&1
    go mod edit -require="k8s.io/kubernetes@$version"
    gomod=$(go mod download -json "k8s.io/kubernetes@$version" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')
    for m in $(awk '$1 ~ /^k8s.io\// && $2 == "=>" && $3 ~ /^\.\/staging/ { print $1 }' "$gomod"); do
      go mod edit -replace="$m=$m@v0.${version#v1.}"
    done
    for t in "${tools[@]}"; do go mod edit -tool="$t"; done
    go mod tidy
  )
fi

mkdir -p "$out"
echo "tools: building etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl $version into $out"
echo "tools: a cold build takes about 10-15 minutes on 2 cores; later builds take seconds"
start=$(date +%s)
# Stamp the version the way Kubernetes' own build does (hack/lib/version.sh),
# so that servers, nodes and kubectl report it instead of v0.0.0-master.
major=${version#v}; major=${major%%.*}
minor=${version#v*.}; minor=${minor%%.*}
ldflags=""
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
(cd "$mod" && go build -ldflags "$ldflags" -o "$out/" "${tools[@]}" ./etcd)
echo "tools: built in $(( $(date +%s) - start ))s"
