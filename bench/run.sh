#!/usr/bin/env bash
# Benchmark: marks generated cohorts of .docx essays and reports essays/second and peak RSS,
# with Markdown sheets only and with every sheet (Markdown, Word, annotated copies).
# Usage: bench/run.sh [N ...]   (default: 1000 10000)
# Needs python3 (standard library only) and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/peermark
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for n in "${@:-1000 10000}"; do
  python3 bench/make-corpus.py "$n" "$work/cohort-$n" >/dev/null
  for sheets in md md,docx,annotated; do
    # Warm the page cache once, then measure a run into a fresh folder. Folders are removed
    # only at the end: ext4 slows down creating files just after thousands were deleted,
    # which would measure the file system, not peermark.
    out="$work/out-$n-${sheets//,/-}"
    "$bin" mark "$work/cohort-$n" --out "$out-warm" --sheets "$sheets" --quiet 2>/dev/null || true
    /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$bin" mark "$work/cohort-$n" --out "$out" --sheets "$sheets" --quiet 2>/dev/null || true
    read -r secs kb user sys < "$work/time"
    rows=$(($(wc -l < "$out/gradebook.csv") - 1))
    python3 - "$n" "$secs" "$kb" "$rows" "$sheets" "$user" "$sys" <<'PY'
import sys
n, secs, kb, rows = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
sheets, user, sys_ = sys.argv[5], float(sys.argv[6]), float(sys.argv[7])
print(f"mark {n} docx essays (--sheets {sheets}): {secs:.2f} s, {n / max(secs, 1e-9):.0f} essays/s, "
      f"peak RSS {kb / 1024:.1f} MB, CPU {user + sys_:.2f} s, {rows} rows")
PY
  done
done
