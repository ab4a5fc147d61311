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
