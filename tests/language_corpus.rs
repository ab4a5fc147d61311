//! The language checker against an independently labelled corpus
//! (tests/language-corpus: sentences written for peermark, labelled by a helper who had not
//! seen the rule patterns). Fails below precision 0.97 or recall 0.90 of lapse detection,
//! judged per sentence (a sentence is a lapse sentence when it holds at least one lapse).

use std::collections::BTreeMap;
use std::path::Path;

fn tsv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split('\t')
        .map(str::to_string)
        .collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(
                    l.split('\t')
                        .map(str::to_string)
                        .chain(std::iter::repeat(String::new())),
                )
                .collect()
        })
        .collect()
}

#[test]
fn lapse_detection_precision_and_recall() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/language-corpus");
    let sentences = tsv(&dir.join("sentences.tsv"));
    let labels: BTreeMap<String, BTreeMap<String, String>> = tsv(&dir.join("labels.tsv"))
        .into_iter()
        .map(|r| (r["id"].clone(), r))
        .collect();
    assert!(sentences.len() >= 300);
    let rubric = peermark_engine::load_rubric(None).unwrap();
    let (mut tp, mut fp, mut fn_, mut tn) = (0, 0, 0, 0);
    let (mut rule_tp, mut rule_pred, mut rule_gold) = (0usize, 0usize, 0usize);
    let mut misses = Vec::new();
    for s in &sentences {
        let gold = &labels[&s["id"]];
        let gold_lapse = gold["lapse"] == "1";
        let found: Vec<String> = rubric
            .language
            .check_text(&s["sentence"])
            .into_iter()
            .filter(|f| f.lapse)
            .map(|f| f.rule)
            .collect();
        let predicted = !found.is_empty();
        match (predicted, gold_lapse) {
            (true, true) => tp += 1,
            (true, false) => {
                fp += 1;
                misses.push(format!("FP {} {:?}: {}", s["id"], found, s["sentence"]));
            }
            (false, true) => {
                fn_ += 1;
                misses.push(format!(
                    "FN {} {}: {}",
                    s["id"], gold["rules"], s["sentence"]
                ));
            }
            (false, false) => tn += 1,
        }
        let mut gold_rules: Vec<&str> = gold["rules"].split_whitespace().collect();
        rule_gold += gold_rules.len();
        rule_pred += found.len();
        for r in &found {
            if let Some(k) = gold_rules.iter().position(|g| g == r) {
                gold_rules.remove(k);
                rule_tp += 1;
            }
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    for m in &misses {
        println!("{m}");
    }
    println!(
        "sentences: {} (lapse {}, not {}); TP {tp} FP {fp} FN {fn_} TN {tn}",
        sentences.len(),
        tp + fn_,
        fp + tn
    );
    println!("sentence-level precision {precision:.3} recall {recall:.3}");
    println!(
        "rule-level (same rule id): precision {:.3} recall {:.3}",
        rule_tp as f64 / rule_pred.max(1) as f64,
        rule_tp as f64 / rule_gold.max(1) as f64
    );
    assert!(precision >= 0.97, "precision {precision:.3} < 0.97");
    assert!(recall >= 0.90, "recall {recall:.3} < 0.90");
}

/// Precision and recall of lapse detection, per sentence, on one part of the independent
/// corpus; the tune part's errors are printed (the held-out part's never are).
fn independent_part(part: &str) -> (f64, f64, usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/language-corpus/independent");
    let text: BTreeMap<String, String> = tsv(&dir.join("sentences.tsv"))
        .into_iter()
        .map(|r| (r["id"].clone(), r["sentence"].clone()))
        .collect();
    let rubric = peermark_engine::load_rubric(None).unwrap();
    let (mut tp, mut fp, mut fn_, mut n) = (0, 0, 0, 0);
    for gold in tsv(&dir.join("consensus.tsv")) {
        if gold["part"] != part {
            continue;
        }
        n += 1;
        let sentence = &text[&gold["id"]];
        let found: Vec<String> = rubric
            .language
            .check_text(sentence)
            .into_iter()
            .filter(|f| f.lapse)
            .map(|f| f.rule)
            .collect();
        let (predicted, lapse) = (!found.is_empty(), gold["lapse"] == "1");
        match (predicted, lapse) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fn_ += 1,
            (false, false) => {}
        }
        if part == "tune" && predicted != lapse {
            println!(
                "{} {} {:?} (gold {}): {sentence}",
                if predicted { "FP" } else { "FN" },
                gold["id"],
                found,
                gold["ids"]
            );
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    println!(
        "independent corpus, {part}: {n} sentences, precision {precision:.3} ({fp} false flags), recall {recall:.3} ({fn_} missed)"
    );
    (precision, recall, n)
}

/// Issue 16's bar on the independent corpus (tests/language-corpus/independent: 660
/// sentences by three writers who never saw the rule files, labelled blind by two labellers,
/// disagreements adjudicated, a seeded held-out third).
#[test]
fn independent_corpus_precision_and_recall_on_both_parts() {
    let (tp, tr, tn) = independent_part("tune");
    let (hp, hr, hn) = independent_part("heldout");
    assert!(tn > 400 && hn > 200);
    assert!(
        tp >= TUNE_PRECISION && tr >= TUNE_RECALL,
        "tune {tp:.3}/{tr:.3}"
    );
    assert!(
        hp >= HELDOUT_PRECISION && hr >= HELDOUT_RECALL,
        "held out {hp:.3}/{hr:.3}"
    );
}

// Where the checker stands today (2026-12-07): tune 0.799 / 0.858, held out 0.817 / 0.892
// (before this session's changes — negation over a list, terms said of things, spelling and
// slang variants, "kicking off" said of anyone — tune 0.679 / 0.806, held out 0.714 / 0.846).
// Issue 16's bar is 0.98 / 0.95 on the held-out part: not met yet. These floors keep what has
// been reached from slipping back.
const TUNE_PRECISION: f64 = 0.79;
const TUNE_RECALL: f64 = 0.85;
const HELDOUT_PRECISION: f64 = 0.81;
const HELDOUT_RECALL: f64 = 0.88;
