#!/usr/bin/env bash
# Start-up benchmark (issue 18): wall time of whole `peermark` processes, timed from outside,
# median of REPEAT runs (default 11): `check` on one ~1,500-word .docx essay, warm (the phrase
# cache filled by an earlier run), cold (the first run after the cache folder is emptied) and
# with --no-cache; and `explain L56`.
# Usage: [PEERMARK=path/to/peermark] [REPEAT=11] bench/startup.sh [ESSAY.docx]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PEERMARK:-}" ]; then
  cargo build --release --quiet
  PEERMARK=target/release/peermark
fi
repeat=${REPEAT:-11}
work=$(mktemp -d /tmp/peermark-startup.XXXXXX)
trap 'rm -rf "$work"' EXIT
essay=${1:-}
if [ -z "$essay" ]; then
  # The first distinct essay of the benchmark cohort, written with python-docx.
  python3 bench/make-corpus.py 1 "$work/one" >/dev/null 2>&1
  essay=$(ls "$work"/one/*.docx | head -1)
fi
export PEERMARK_CACHE_DIR="$work/cache"
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] * 1000 }'; }
time_of() { /usr/bin/time -f "%e" "$@" 2>&1 >/dev/null | tail -1; }
"$PEERMARK" check "$essay" >/dev/null || true
warm=$(for _ in $(seq "$repeat"); do time_of "$PEERMARK" check "$essay"; done | median)
cold=$(for _ in $(seq "$repeat"); do rm -rf "$PEERMARK_CACHE_DIR"; time_of "$PEERMARK" check "$essay"; done | median)
if "$PEERMARK" --help | grep -q -- --no-cache; then
  none=$(for _ in $(seq "$repeat"); do time_of "$PEERMARK" --no-cache check "$essay"; done | median)
else
  none="n/a (a peermark without the cache)"
fi
"$PEERMARK" explain L56 >/dev/null
explain=$(for _ in $(seq "$repeat"); do time_of "$PEERMARK" explain L56; done | median)
echo "$PEERMARK on $(basename "$essay"), median of $repeat runs (ms):"
echo "  check warm ${warm}  check cold ${cold}  check --no-cache ${none}  explain ${explain}"
