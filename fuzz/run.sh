#!/usr/bin/env bash
# Runs every peermark fuzz target for a fixed number of executions.
#
#   fuzz/run.sh [RUNS] [TARGET...]     (default: 200000 runs of every target)
#
# MAX_TIME=SECONDS caps each target's time as well (the executions done are printed);
# MAX_LEN=BYTES caps input size (the text target marks each input, so small inputs keep
# it fast).
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Seeds each
# target's corpus (fuzz/corpus/<target>, not committed) from the real fixtures in
# ../shared/fixtures, the calibration essays and the rubrics, runs it, and prints the
# executions done. A crash leaves its input in fuzz/artifacts/<target>/ and makes the script
# exit non-zero: turn that input into a regression test (see crates/peermark-ingest/tests/
# fuzz_regressions.rs) before fixing it.
set -euo pipefail
cd "$(dirname "$0")"
runs=${1:-200000}
shift || true
if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi
fixtures=../../shared/fixtures
mkdir -p logs

seed() {
    local t=$1 dir=corpus/$1
    mkdir -p "$dir"
    case $t in
        docx)
            find "$fixtures" -name '*.docx' -size -2M -exec cp -n {} "$dir"/ \; 2>/dev/null || true ;;
        docx_xml)
            for f in $(find "$fixtures" -name '*.docx' -size -2M 2>/dev/null); do
                unzip -p "$f" word/document.xml > "$dir/$(basename "$f").xml" 2>/dev/null || true
            done ;;
        text)
            find "$fixtures" -name '*.txt' -size -64k -exec cp -n {} "$dir"/ \; 2>/dev/null || true
            cp -n ../tests/calibration/essays/c0*.txt "$dir"/ 2>/dev/null || true ;;
        markdown)
            find "$fixtures" ../samples -name '*.md' -size -64k -exec cp -n {} "$dir"/ \; 2>/dev/null || true
            cp -n ../tests/calibration/essays/c1*.txt "$dir"/ 2>/dev/null || true ;;
        rubric)
            # The main rubric, then (after a NUL) the frames, two language rules and two
            # safeguarding triggers as the included text.
            {
                cat ../rubrics/recovery-story-essay.toml
                printf '\0'
                sed -n '1,439p' ../rubrics/recovery-language-rules.toml
                sed -n '1,108p' ../rubrics/safeguarding-cues.toml
            } > "$dir/default-small" ;;
        odt)
            find "$fixtures" -name '*.odt' -size -2M -exec cp -n {} "$dir"/ \; 2>/dev/null || true ;;
        odt_xml)
            for f in $(find "$fixtures" -name '*.odt' -size -2M 2>/dev/null); do
                unzip -p "$f" content.xml > "$dir/$(basename "$f").xml" 2>/dev/null || true
            done ;;
        lms_name)
            printf 'Jane Doe_12345_assignsubmission_file_essay.docx' > "$dir/moodle"
            printf 'doejane_12345_67890_My Essay.docx' > "$dir/canvas"
            printf 'doejane_LATE_12345_67890_essay-1.docx' > "$dir/canvas-late" ;;
    esac
}

status=0
summary=()
for t in "${targets[@]}"; do
    seed "$t"
    log=logs/$t.log
    echo "fuzzing $t for $runs runs (log: fuzz/$log)"
    extra=()
    [ -n "${MAX_TIME:-}" ] && extra+=(-max_total_time="$MAX_TIME")
    [ -n "${MAX_LEN:-}" ] && extra+=(-max_len="$MAX_LEN")
    if cargo +nightly fuzz run "$t" "corpus/$t" -- -runs="$runs" -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 "${extra[@]}" >"$log" 2>&1; then
        result=ok
    else
        result="CRASH (see fuzz/$log and fuzz/artifacts/$t/)"
        status=1
    fi
    done_runs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1 || true)
    [ -n "$done_runs" ] || done_runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 || true)
    summary+=("$t: $result — ${done_runs:-no count}")
done
printf '%s\n' "${summary[@]}"
exit "$status"
