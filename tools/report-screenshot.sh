#!/usr/bin/env bash
# Renders DIR/report.html of a demonstration cohort in headless Chromium, offline, and saves
# docs/report.png. The cohort: the .txt samples, the calibration essays, two test essays of
# tests/data (one with a safeguarding note, and a near-copy of it) and two broken fixture
# files, so that every section of the report has content. The demonstration rubric is the
# default one with a larger moderation sample (18), so the sample shows all three reasons.
# Needs Debian's chromium (apt-get install chromium). Usage: tools/report-screenshot.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/cohort"
cp samples/*.txt tests/calibration/essays/c*.txt "$work/cohort/"
cp tests/data/current-risk.txt tests/data/current-risk-removed.txt "$work/cohort/"
cp ../shared/fixtures/broken/truncated.docx ../shared/fixtures/broken/empty-file.txt "$work/cohort/"
mkdir "$work/rubrics"
cp rubrics/*.toml "$work/rubrics/"
sed -i 's/^size = 5$/size = 18/' "$work/rubrics/recovery-story-essay.toml"
cargo run --release --quiet -- mark "$work/cohort" --out "$work/marked" --quiet \
  --rubric "$work/rubrics/recovery-story-essay.toml" || true
test -s "$work/marked/report.html"
# No network: a private network namespace where possible, and no resolvable host anyway.
run=(chromium --headless --no-sandbox --disable-gpu --hide-scrollbars
     "--host-resolver-rules=MAP * ~NOTFOUND" --proxy-server=127.0.0.1:9
     "--user-data-dir=$work/profile" --window-size=1100,3480
     "--screenshot=$PWD/docs/report.png" "file://$work/marked/report.html")
if unshare -n true 2>/dev/null; then unshare -n "${run[@]}"; else "${run[@]}"; fi
echo "wrote docs/report.png"
