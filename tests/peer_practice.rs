//! A second assignment by data alone: `rubrics/peer-practice-reflection.toml` (a reflective
//! account of practice as a peer supporter) marks its own sample essays, in
//! `tests/peer-practice/`, at the levels a marker gave them, with no Rust written for it.

mod common;

use common::{mark_with, peermark, read_csv, root};
use std::path::{Path, PathBuf};

fn rubric_path() -> PathBuf {
    root().join("rubrics/peer-practice-reflection.toml")
}

const CRITERIA: &[&str] = &[
    "peer_relationship",
    "boundaries",
    "positive_risk",
    "intentional_sharing",
    "reflective_practice",
    "recovery_language",
];

#[test]
fn the_rubric_checks_clean() {
    let o = peermark()
        .args(["rubric", "check"])
        .arg(rubric_path())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("\"peer-practice-reflection\", 6 criteria"),
        "{out}"
    );
}

#[test]
fn its_samples_are_marked_at_the_expected_levels() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("marked");
    let essays = root().join("tests/peer-practice");
    let o = mark_with(
        &[&essays],
        &out,
        &["--quiet", "--rubric", rubric_path().to_str().unwrap()],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let expected = read_csv(&essays.join("expected.csv"));
    let got = read_csv(&out.join("gradebook.csv"));
    assert_eq!(got.len(), 3);
    let text = std::fs::read_to_string(out.join("gradebook.csv")).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let first = header.iter().position(|h| *h == CRITERIA[0]).unwrap_or(0);
    assert_eq!(
        &header[first..first + CRITERIA.len()],
        CRITERIA,
        "criteria in rubric order"
    );
    let mut mismatches = Vec::new();
    for e in &expected {
        let g = got
            .iter()
            .find(|g| g["submission"] == e["submission"])
            .unwrap_or_else(|| panic!("no row for {}", e["submission"]));
        for (k, v) in e {
            if k != "submission" && &g[k] != v {
                mismatches.push(format!(
                    "{} {k}: expected {v}, got {}",
                    e["submission"], g[k]
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    // The three essays differ in outcome and spread across the levels.
    let levels: std::collections::BTreeSet<&str> = got
        .iter()
        .flat_map(|g| CRITERIA.iter().map(move |c| g[*c].as_str()))
        .collect();
    assert_eq!(levels.len(), 4, "every level 0–3 is used: {levels:?}");
    // Results name the rubric, and sheets use its titles and word range.
    let results = std::fs::read_to_string(out.join("results.json")).unwrap();
    assert!(results.contains("\"id\": \"peer-practice-reflection\""));
    let sheet = std::fs::read_to_string(out.join("feedback/middling.md")).unwrap();
    assert!(sheet.contains("Positive risk taking"), "{sheet}");
    assert!(sheet.contains("900–1,100"), "{sheet}");
    assert!(
        sheet.contains("Explain positive risk taking"),
        "the next step is the rubric's advice"
    );
}

/// Every text of the rubric that a learner reads passes peermark's own language check.
#[test]
fn the_texts_learners_read_have_no_language_lapses() {
    let rubric = peermark_engine::load_rubric(Some(&rubric_path())).unwrap();
    let mut texts = vec![rubric.assignment.clone(), rubric.title.clone()];
    for c in &rubric.criteria {
        texts.push(c.title.clone());
        texts.extend(c.descriptors.iter().cloned());
        texts.extend(c.feedback.iter().cloned());
        texts.push(c.stretch.clone());
        for reqs in &c.levels {
            texts.extend(reqs.iter().map(|r| r.advice.clone()));
        }
    }
    assert!(texts.len() > 60);
    let lapses: Vec<String> = texts
        .iter()
        .flat_map(|t| {
            rubric
                .language
                .check_text(t)
                .into_iter()
                .filter(|f| f.lapse)
                .map(move |f| format!("{} {:?} in {t:?}", f.rule, f.text))
        })
        .collect();
    assert!(lapses.is_empty(), "{lapses:#?}");
}

/// No Rust source names this rubric or its criteria: it is data only.
#[test]
fn no_rust_code_is_specific_to_the_second_assignment() {
    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    rust_files(&root().join("crates"), &mut files);
    assert!(files.len() > 20);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for needle in [
            "peer-practice",
            "peer_relationship",
            "positive_risk",
            "intentional_sharing",
            "reflective_practice",
        ] {
            assert!(!text.contains(needle), "{} names {needle}", f.display());
        }
    }
}
