#!/usr/bin/env bash
# Marker A against marker B on the marked part of the corpus (validation-protocol.md §2):
# the ceiling a tool can be asked to reach. Usage: tests/corpus/report-markers.sh [peermark binary]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-$here/../../target/release/peermark}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for m in marker-a marker-b; do
  first=1
  for f in "$here"/marks/$m/b??-b??.csv; do
    if [ $first = 1 ]; then cat "$f"; first=0; else tail -n +2 "$f"; fi
  done > "$tmp/$m.csv"
done
"$bin" agree "$tmp/marker-a.csv" "$tmp/marker-b.csv"
