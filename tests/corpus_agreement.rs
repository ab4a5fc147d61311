//! peermark's levels against the independent corpus (`tests/corpus/`: 156 essays, two blind
//! markers and an adjudicator each, a held-out third fixed before any tuning), reported as
//! `validation-protocol.md` §5 asks, on both parts, beside the markers' own ceiling: per
//! criterion exact and adjacent agreement, QWK, mean signed difference (peermark minus the
//! consensus: below zero is harsh) and the share of two-level misses; outcome agreement with
//! both kinds of error.
//!
//! Issue 14's bars (held-out exact ≥ 0.80 per criterion, adjacent ≥ 0.97, |mean signed
//! difference| ≤ 0.15, outcome agreement ≥ 0.90) are not met yet. The level rules are fitted
//! (`peermark rubric fit` on the tune part, `tests/rubric_fit.rs`) where the descriptor does
//! not fix the number: held-out mean exact agreement went from 0.78 with the hand-set numbers
//! to 0.81 (with two measures that now read learning and a closing section in the writer's
//! own terms), outcome agreement stayed at 0.84. What is left is in the measures: the presence
//! of learning, turning points, an introduction and a conclusion are the descriptors' own
//! conditions and stay, so the fit cannot paper over a measure that misses them
//! (personal_story's two-level misses, concepts explained through experience). This test holds the held-out part to where peermark stands
//! now ([`FLOOR`]), so that no change makes it worse unnoticed.

use peermark_engine::agreement::agreement;
mod common;

use common::read_csv;
use std::collections::BTreeMap;
use std::path::Path;

/// Held-out floors: (outcome agreement, mean exact agreement over criteria).
const FLOOR: (f64, f64) = (0.83, 0.80);

struct Figures {
    exact: f64,
    adjacent: f64,
    qwk: f64,
    signed: f64,
    two_level: f64,
}

fn figures(pairs: &[(u8, u8)]) -> Figures {
    let a = agreement(pairs, 3);
    let n = pairs.len().max(1) as f64;
    Figures {
        exact: a.exact,
        adjacent: a.adjacent,
        qwk: a.qwk,
        signed: pairs
            .iter()
            .map(|(want, got)| f64::from(*got) - f64::from(*want))
            .sum::<f64>()
            / n,
        two_level: pairs.iter().filter(|(w, g)| w.abs_diff(*g) >= 2).count() as f64 / n,
    }
}

#[test]
fn peermark_against_the_independent_corpus() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let rubric = peermark_engine::load_rubric(None).unwrap();
    let ids: Vec<String> = rubric.criteria.iter().map(|c| c.id.clone()).collect();
    let part: BTreeMap<String, String> = read_csv(&corpus.join("split.csv"))
        .into_iter()
        .map(|r| (r["submission"].clone(), r["part"].clone()))
        .collect();
    let by_submission = |file: &str| -> BTreeMap<String, BTreeMap<String, String>> {
        read_csv(&corpus.join(file))
            .into_iter()
            .map(|r| (r["submission"].clone(), r))
            .collect()
    };
    let (a_rows, marker_b) = (by_submission("marker-a.csv"), by_submission("marker-b.csv"));
    let achieved = |levels: &dyn Fn(&str) -> u8| {
        rubric
            .achieved_when
            .iter()
            .all(|(id, min)| levels(id) >= *min)
    };
    // part → criterion → (consensus, peermark) pairs; part → outcome pairs.
    let mut pairs: BTreeMap<String, Vec<Vec<(u8, u8)>>> = BTreeMap::new();
    let mut markers: BTreeMap<String, Vec<Vec<(u8, u8)>>> = BTreeMap::new();
    let mut outcomes: BTreeMap<String, Vec<(bool, bool)>> = BTreeMap::new();
    for r in read_csv(&corpus.join("consensus.csv")) {
        let id = &r["submission"];
        let p = part[id].clone();
        let path = corpus.join("essays").join(format!("{id}.txt"));
        let doc = peermark_ingest::read_file(&path, peermark_ingest::Format::Txt).unwrap();
        let got = peermark_engine::check_document(&rubric, &doc, id, id);
        let want = |c: &str| r[c].parse::<u8>().unwrap();
        let have = |c: &str| got.criteria.iter().find(|x| x.id == c).unwrap().level;
        let entry = pairs
            .entry(p.clone())
            .or_insert_with(|| vec![Vec::new(); ids.len()]);
        let m = markers
            .entry(p.clone())
            .or_insert_with(|| vec![Vec::new(); ids.len()]);
        for (k, c) in ids.iter().enumerate() {
            entry[k].push((want(c), have(c)));
            m[k].push((
                a_rows[id][c].parse().unwrap(),
                marker_b[id][c].parse().unwrap(),
            ));
        }
        outcomes
            .entry(p)
            .or_default()
            .push((achieved(&want), achieved(&have)));
    }
    let mut held_exact = 0.0;
    let mut held_outcome = 0.0;
    for (p, crit) in &pairs {
        let o = &outcomes[p];
        let agree = o.iter().filter(|(a, b)| a == b).count() as f64 / o.len() as f64;
        let harsh = o.iter().filter(|(a, b)| *a && !*b).count();
        let lenient = o.iter().filter(|(a, b)| !*a && *b).count();
        println!(
            "{p} ({} essays): outcome agreement {agree:.2}; achieved marked not yet {harsh}, not yet marked achieved {lenient}",
            o.len()
        );
        println!(
            "  {:<18} {:>6} {:>9} {:>6} {:>7} {:>6}   markers A/B: {:>6} {:>6}",
            "criterion", "exact", "adjacent", "QWK", "signed", "2-lvl", "exact", "QWK"
        );
        let mut exact_sum = 0.0;
        for (k, c) in ids.iter().enumerate() {
            let f = figures(&crit[k]);
            let m = figures(&markers[p][k]);
            exact_sum += f.exact;
            println!(
                "  {c:<18} {:>6.2} {:>9.2} {:>6.2} {:>+7.2} {:>6.2}                {:>6.2} {:>6.2}",
                f.exact, f.adjacent, f.qwk, f.signed, f.two_level, m.exact, m.qwk
            );
        }
        if p == "heldout" {
            held_exact = exact_sum / ids.len() as f64;
            held_outcome = agree;
        }
    }
    assert!(
        held_outcome >= FLOOR.0,
        "held-out outcome agreement {held_outcome:.2} is below {}",
        FLOOR.0
    );
    assert!(
        held_exact >= FLOOR.1,
        "held-out mean exact agreement {held_exact:.2} is below {}",
        FLOOR.1
    );
}
