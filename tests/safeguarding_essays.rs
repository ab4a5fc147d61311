//! Whole essays nobody tuned to (`tests/corpus/`, labelled by two blind markers: an essay is at
//! current risk when either says so): every held-out essay at risk is flagged, at most 5 % of
//! the others are, and none of those that tell of past self-harm or a past suicidal crisis.
//! The samples and the calibration essays, labelled the same way (`tests/corpus/remark/`),
//! hold no current risk and none is flagged. The tune part's figures are printed beside.

mod common;

use common::read_csv;
use std::collections::BTreeMap;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn flagged(rubric: &peermark_engine::rubric::Rubric, path: &Path) -> bool {
    let doc = peermark_ingest::read_file(path, peermark_ingest::Format::Txt).unwrap();
    !rubric.safeguarding.scan(&doc).is_empty()
}

#[derive(Default, Debug)]
struct Part {
    at_risk: usize,
    at_risk_flagged: usize,
    others: usize,
    others_flagged: usize,
    past: usize,
    past_flagged: usize,
}

#[test]
fn every_essay_at_risk_is_flagged_and_few_others_are() {
    let rubric = peermark_engine::load_rubric(None).unwrap();
    let corpus = root().join("tests/corpus");
    let part: BTreeMap<String, String> = read_csv(&corpus.join("split.csv"))
        .into_iter()
        .map(|r| (r["submission"].clone(), r["part"].clone()))
        .collect();
    let mut parts: BTreeMap<String, Part> = BTreeMap::new();
    for r in read_csv(&corpus.join("consensus.csv")) {
        let id = &r["submission"];
        let p = parts.entry(part[id].clone()).or_default();
        let hit = flagged(&rubric, &corpus.join("essays").join(format!("{id}.txt")));
        if r["current_risk"] == "yes" {
            p.at_risk += 1;
            p.at_risk_flagged += usize::from(hit);
        } else {
            p.others += 1;
            p.others_flagged += usize::from(hit);
            if r["past_harm"] == "yes" {
                p.past += 1;
                p.past_flagged += usize::from(hit);
            }
        }
    }
    for (name, p) in &parts {
        println!(
            "{name}: at risk flagged {} of {}; others flagged {} of {}; past self-harm flagged {} of {}",
            p.at_risk_flagged, p.at_risk, p.others_flagged, p.others, p.past_flagged, p.past
        );
    }
    let h = &parts["heldout"];
    assert!(h.at_risk > 0 && h.past > 0, "{h:?}");
    assert_eq!(
        h.at_risk_flagged, h.at_risk,
        "an essay at risk is not flagged"
    );
    assert!(
        h.others_flagged as f64 <= 0.05 * h.others as f64,
        "{} of {} essays without current risk are flagged",
        h.others_flagged,
        h.others
    );
    assert_eq!(
        h.past_flagged, 0,
        "an essay telling of past self-harm is flagged"
    );
}

#[test]
fn the_samples_and_calibration_essays_hold_no_current_risk_and_none_is_flagged() {
    let rubric = peermark_engine::load_rubric(None).unwrap();
    let rows = read_csv(&root().join("tests/corpus/remark/consensus.csv"));
    assert_eq!(rows.len(), 24);
    for r in rows {
        assert_eq!(r["current_risk"], "no", "{}", r["file"]);
        assert!(
            !flagged(&rubric, &root().join(&r["file"])),
            "{} is flagged",
            r["file"]
        );
    }
}

/// The benchmark's 120 essays (`bench/essays`, written to the course's brief by four writers
/// who never saw the cue file or the model), labelled after the fact by two blind readers
/// (`safeguarding-labels.csv`; they agreed on every essay: 8 at current risk, 34 telling of
/// past self-harm by both). Nothing was trained or tuned on them: a second whole-essay check.
///
/// Issue 15's bar (every essay at risk flagged, at most 5 % of the others, none that tells of
/// past self-harm) is met here on the others only: when first measured (2026-12-08) 7 of 8 at
/// risk were flagged (the miss: a partner's control told without threats or violence) and 4
/// of 29 past-self-harm essays were flagged. The floors below are where it stood, so that it
/// cannot get worse unnoticed; the essays are not read for tuning, to keep the check clean.
#[test]
fn the_benchmark_essays_are_flagged_as_their_blind_readers_say() {
    let rubric = peermark_engine::load_rubric(None).unwrap();
    let dir = root().join("bench/essays");
    let mut p = Part::default();
    let mut missed = Vec::new();
    let mut wrong = Vec::new();
    for r in read_csv(&dir.join("safeguarding-labels.csv")) {
        let id = &r["essay"];
        assert_eq!(r["reader_a"], r["reader_b"], "{id}: the readers disagree");
        let hit = flagged(&rubric, &dir.join(format!("{id}.txt")));
        if r["current_risk"] == "yes" {
            p.at_risk += 1;
            p.at_risk_flagged += usize::from(hit);
            if !hit {
                missed.push(id.clone());
            }
        } else {
            p.others += 1;
            p.others_flagged += usize::from(hit);
            if hit {
                wrong.push(id.clone());
            }
            if r["past_harm_a"] == "yes" && r["past_harm_b"] == "yes" {
                p.past += 1;
                p.past_flagged += usize::from(hit);
            }
        }
    }
    println!(
        "benchmark essays: at risk flagged {} of {} (missed {missed:?}); others flagged {} of {} ({wrong:?}); past self-harm flagged {} of {}",
        p.at_risk_flagged, p.at_risk, p.others_flagged, p.others, p.past_flagged, p.past
    );
    assert_eq!(p.at_risk + p.others, 120);
    assert!(p.at_risk_flagged >= 7, "{p:?}");
    assert!(
        p.others_flagged as f64 <= 0.05 * p.others as f64,
        "{} of {} essays without current risk are flagged",
        p.others_flagged,
        p.others
    );
    assert!(p.past_flagged <= 4, "{p:?}");
}
