#!/usr/bin/env bash
# Benchmark: marks generated cohorts of .docx essays and reports essays/second and peak RSS,
# with Markdown sheets only and with every sheet (Markdown, Word, annotated copies).
# Usage: [REPEAT=3] bench/run.sh [N ...]   (default: 1000 10000)
# Needs python3 (standard library only) and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/peermark
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Each configuration is timed REPEAT times (default 3), each run into a fresh folder; the
# median is reported with the range. Folders are removed only at the end: ext4 slows down
# creating files for a few minutes after thousands were deleted, which would measure the file
# system, not peermark (so leave a few minutes between two invocations of this script too).
repeat=${REPEAT:-3}
if [ $# -eq 0 ]; then set -- 1000 10000; fi
for n in "$@"; do
  python3 bench/make-corpus.py "$n" "$work/cohort-$n" >/dev/null
  for sheets in md md,docx,annotated; do
    out="$work/out-$n-${sheets//,/-}"
    # Warm the page cache once.
    "$bin" mark "$work/cohort-$n" --out "$out-warm" --sheets "$sheets" --quiet 2>/dev/null || true
    : > "$work/times"
    for r in $(seq "$repeat"); do
      /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$bin" mark "$work/cohort-$n" --out "$out-$r" --sheets "$sheets" --quiet 2>/dev/null || true
      cat "$work/time" >> "$work/times"
    done
    rows=$(($(wc -l < "$out-1/gradebook.csv") - 1))
    python3 - "$n" "$sheets" "$rows" "$work/times" <<'PY'
import statistics, sys
n, sheets, rows = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
runs = [tuple(float(x) for x in line.split()) for line in open(sys.argv[4]) if line.strip()]
secs = statistics.median(r[0] for r in runs)
kb = max(r[1] for r in runs)
cpu = statistics.median(r[2] + r[3] for r in runs)
lo, hi = min(r[0] for r in runs), max(r[0] for r in runs)
print(f"mark {n} docx essays (--sheets {sheets}): median {secs:.2f} s of {len(runs)} runs "
      f"({lo:.2f}-{hi:.2f} s), {n / max(secs, 1e-9):.0f} essays/s, peak RSS {kb / 1024:.1f} MB, "
      f"CPU {cpu:.2f} s, {rows} rows")
PY
  done
done
