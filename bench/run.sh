#!/usr/bin/env bash
# Benchmark: marks generated cohorts of .docx essays and reports essays/second and peak RSS.
# Usage: bench/run.sh [N ...]   (default: 1000)
# Needs python3 (standard library only) and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/peermark
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for n in "${@:-1000}"; do
  python3 bench/make-corpus.py "$n" "$work/cohort-$n" >/dev/null
  # Warm the page cache once, then measure.
  "$bin" mark "$work/cohort-$n" --out "$work/out-$n" --quiet 2>/dev/null || true
  /usr/bin/time -f "%e %M" -o "$work/time" "$bin" mark "$work/cohort-$n" --out "$work/out-$n" --quiet 2>/dev/null || true
  read -r secs kb < "$work/time"
  rows=$(($(wc -l < "$work/out-$n/gradebook.csv") - 1))
  python3 - "$n" "$secs" "$kb" "$rows" <<'PY'
import sys
n, secs, kb, rows = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"mark {n} docx essays (markdown sheets): {secs:.2f} s, {n / max(secs, 1e-9):.0f} essays/s, peak RSS {kb / 1024:.1f} MB, {rows} rows")
PY
done
