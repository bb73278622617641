#!/usr/bin/env bash
# Fails if a process whose executable lives under DIR (default bin/) still
# runs, listing each with the TCP ports it holds: after `make test` or
# `make cluster-down` nothing the project started may be left behind.
set -uo pipefail
dir=$(cd "${1:-bin}" 2>/dev/null && pwd -P) || { echo "no leftovers: ${1:-bin} does not exist"; exit 0; }
found=0
for exe in /proc/[0-9]*/exe; do
  target=$(readlink "$exe" 2>/dev/null) || continue
  case "$target" in
    "$dir"/*)
      pid=${exe#/proc/}; pid=${pid%/exe}
      ports=$(ss -Htlnp 2>/dev/null | awk -v p="pid=$pid," 'index($0, p) { print $4 }' | tr '\n' ' ')
      echo "leftover process: pid $pid ${target#"$dir"/} ${ports:+listening on $ports}"
      found=1
      ;;
  esac
done
if [ "$found" = 1 ]; then exit 1; fi
echo "no leftovers: no process from $dir is running"
