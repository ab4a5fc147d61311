#!/usr/bin/env bash
# Benchmark: marks generated cohorts of .docx essays and reports essays/second and peak RSS,
# with Markdown sheets only and with every sheet (Markdown, Word, annotated copies).
# Usage: [CORPUS=cohort|copies|rotated] [REPEAT=3] bench/run.sh [N ...]   (default: 1000 10000)
# CORPUS chooses bench/make-corpus.py's --kind (bench/README.md): cohort (default) is distinct
# essays, recombinations of their paragraphs and 2 % near-copies, a quarter of the files written
# by LibreOffice; copies is 24 essays repeated byte for byte (the similarity search's worst
# case); rotated is the recipe before 2026-12-08 (eight samples), to reproduce older figures.
# Needs python3 with python-docx, /usr/bin/time, and LibreOffice's soffice (optional: without
# it python-docx writes every file, as make-corpus says on stderr).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${CORPUS:-cohort}
case "$corpus" in
  cohort|copies|rotated) ;;
  *) echo "bench/run.sh: CORPUS must be cohort, copies or rotated (not '$corpus')" >&2; exit 2 ;;
esac
cargo build --release --quiet
# BASELINE=path/to/an/older/peermark times it too, back to back with this build on the same
# cohorts (each configuration: this build's runs, then the baseline's).
bins=(target/release/peermark)
if [ -n "${BASELINE:-}" ]; then bins+=("$BASELINE"); fi
work=$(mktemp -d /tmp/peermark-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
# The phrase cache of this run only (the warm-up run fills it).
export PEERMARK_CACHE_DIR="$work/phrase-cache"
# Each configuration is timed REPEAT times (default 3), each run into a fresh folder; the
# median is reported with the range. Folders are removed only at the end: ext4 slows down
# creating files for a few minutes after thousands were deleted, which would measure the file
# system, not peermark (so leave a few minutes between two invocations of this script too).
repeat=${REPEAT:-3}
if [ $# -eq 0 ]; then set -- 1000 10000; fi
for n in "$@"; do
  # The generator's summary (kind, seed, distinct / recombined / near-copy counts, writers).
  python3 bench/make-corpus.py --kind "$corpus" "$n" "$work/cohort-$n" | sed 's/^/# /'
  for sheets in md md,docx,annotated; do
  for bin in "${bins[@]}"; do
    tag=$(echo "$bin" | md5sum | cut -c1-8)
    out="$work/out-$n-${sheets//,/-}-$tag"
    # Warm the page cache once.
    "$bin" mark "$work/cohort-$n" --out "$out-warm" --sheets "$sheets" --quiet 2>/dev/null || true
    : > "$work/times"
    for r in $(seq "$repeat"); do
      /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$bin" mark "$work/cohort-$n" --out "$out-$r" --sheets "$sheets" --quiet 2>/dev/null || true
      cat "$work/time" >> "$work/times"
    done
    rows=$(($(wc -l < "$out-1/gradebook.csv") - 1))
    python3 - "$n" "$sheets" "$rows" "$work/times" "$corpus" "$bin" <<'PY'
import statistics, sys
n, sheets, rows, corpus = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[5]
runs = [tuple(float(x) for x in line.split()) for line in open(sys.argv[4]) if line.strip()]
secs = statistics.median(r[0] for r in runs)
kb = max(r[1] for r in runs)
cpu = statistics.median(r[2] + r[3] for r in runs)
lo, hi = min(r[0] for r in runs), max(r[0] for r in runs)
print(f"{sys.argv[6]}: mark {n} docx essays ({corpus}, --sheets {sheets}): median {secs:.2f} s of {len(runs)} runs "
      f"({lo:.2f}-{hi:.2f} s), {n / max(secs, 1e-9):.0f} essays/s, peak RSS {kb / 1024:.1f} MB, "
      f"CPU {cpu:.2f} s, {rows} rows")
PY
  done
  done
done
