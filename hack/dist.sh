#!/usr/bin/env bash
# `make dist`: release archives for every platform, their checksums and the
# rendered krew manifest, in dist/:
#
#   kubectl-dualstack_<version>_<os>_<arch>.tar.gz (.zip for windows)
#   checksums.txt          sha256sum format
#   krew/dualstack.yaml    krew.yaml with the version, URIs and sha256 values
#
# VERSION defaults to `git describe --tags --always --dirty` (the Makefile
# passes its own). Archives are reproducible for a given commit: static
# -trimpath builds, entries sorted, owner and mtime fixed (the commit time, or
# SOURCE_DATE_EPOCH), gzip without a name or timestamp. Needs GNU tar and zip.
# Default compression: -9 takes 2.5 times as long for 0.4% smaller archives.
set -euo pipefail
cd "$(dirname "$0")/.."

platforms=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64)
shim=hack/kubectl_complete-dualstack
out=dist

version=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
# krew requires spec.version, and so the release tag in the URIs, to be a
# v-prefixed semver. A checkout without a tag describes as a bare commit hash:
# package it as a pre-release of v0.0.0 so that everything still validates.
semver='^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$'
if [[ ! $version =~ $semver ]]; then
  if [[ $version =~ ^[0-9a-f]{7,}(-dirty)?$ ]]; then
    echo "dist: $version is not a release tag; packaging it as v0.0.0-g$version"
    version=v0.0.0-g$version
  else
    echo "dist: VERSION=$version is not a v-prefixed semver (tag the commit vX.Y.Z or set VERSION)" >&2
    exit 1
  fi
fi
case $version in *-dirty) echo "dist: warning: the working tree has uncommitted changes; not for a release" ;; esac

command -v zip >/dev/null || { echo "dist: zip is needed for the windows archives" >&2; exit 1; }
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
rm -rf "$out"
mkdir -p "$out/krew"
start=$SECONDS

echo "dist: version $version, file times $(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"
for platform in "${platforms[@]}"; do
  os=${platform%/*} arch=${platform#*/}
  dir=$stage/${os}_$arch
  mkdir -p "$dir"
  bin=kubectl-dualstack
  [ "$os" = windows ] && bin=kubectl-dualstack.exe
  t0=$SECONDS
  # The same -X main.version as the Makefile's LDFLAGS, with the semver
  # version; -s -w leave out the symbol table and DWARF (linux/amd64: 78 MB
  # to 56 MB; panics still print stack traces).
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath \
    -ldflags "-s -w -X main.version=$version" -o "$dir/$bin" ./cmd/kubectl-dualstack
  cp LICENSE README.md "$dir/"
  files=("$bin" LICENSE README.md)
  # The completion shim is a shell script: kubectl on Windows would not run it.
  if [ -f "$shim" ] && [ "$os" != windows ]; then
    cp "$shim" "$dir/kubectl_complete-dualstack"
    files+=(kubectl_complete-dualstack)
  fi
  # Fixed modes and times, whatever the umask and checkout time were.
  chmod 0644 "$dir"/*
  chmod 0755 "$dir/$bin"
  [ -f "$dir/kubectl_complete-dualstack" ] && chmod 0755 "$dir/kubectl_complete-dualstack"
  touch -d "@$epoch" "$dir"/*
  mapfile -t files < <(printf '%s\n' "${files[@]}" | LC_ALL=C sort)

  if [ "$os" = windows ]; then
    archive=kubectl-dualstack_${version}_${os}_$arch.zip
    # -X: no extra (uid/gid, extended time) fields; TZ: zip stores local time.
    (cd "$dir" && TZ=UTC zip -X -q "$OLDPWD/$out/$archive" "${files[@]}")
  else
    archive=kubectl-dualstack_${version}_${os}_$arch.tar.gz
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" --format=ustar \
      -C "$dir" -cf - "${files[@]}" | gzip -n >"$out/$archive"
  fi
  size=$(stat -c %s "$dir/$bin")
  printf 'dist: %-14s binary %s bytes (%s MB), %s (%s bytes: %s) in %ss\n' "$platform" "$size" \
    "$(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1e6 }')" "$archive" "$(stat -c %s "$out/$archive")" \
    "${files[*]}" "$((SECONDS - t0))"
done
[ -f "$shim" ] || echo "dist: $shim does not exist: archives ship without the completion shim"

(cd "$out" && sha256sum -- *.tar.gz *.zip >checksums.txt)
echo "dist: wrote $out/checksums.txt"

# Render the krew manifest: the header comment is about the template only; the
# caveats describe the completion shim, so they go when there is none.
subst=(-e '/^#/d' -e "s/@VERSION@/$version/g")
while read -r sum archive; do
  platform=${archive#kubectl-dualstack_"${version}"_}
  platform=${platform%%.*}
  grep -q "@SHA256_${platform}@" krew.yaml || { echo "dist: krew.yaml has no platform for $archive" >&2; exit 1; }
  subst+=(-e "s/@SHA256_${platform}@/$sum/")
done <"$out/checksums.txt"
sed "${subst[@]}" krew.yaml |
  if [ -f "$shim" ]; then cat; else awk '/^  caveats: \|/ {skip=1; next} skip && /^  [^ ]/ {skip=0} !skip'; fi \
    >"$out/krew/dualstack.yaml"
if left=$(grep -oE '@[A-Za-z0-9_]+@' "$out/krew/dualstack.yaml"); then
  echo "dist: krew.yaml placeholders without an archive: $left" >&2
  exit 1
fi
echo "dist: wrote $out/krew/dualstack.yaml"
echo "dist: done in $((SECONDS - start))s"
