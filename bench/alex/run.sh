#!/usr/bin/env bash
# Baseline: alex (the keyword linter) on peermark's labelled language corpus.
# Usage: bench/alex/run.sh   (installs alex from the npm registry into bench/alex/node_modules)
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules/alex ] || npm install --silent --no-audit --no-fund >/dev/null
node corpus.mjs
