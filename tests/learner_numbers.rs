//! No self-contradiction to the learner: the numbers a learner reads agree with the rule they
//! come with.
//!
//! A level rule counts on peermark's own scale (`concepts >= 6`), while its descriptor and
//! advice speak the marker's ("five or more key concepts"). Both are fine on their own; what
//! must never happen is a learner reading peermark's raw count beside a number that means
//! something else ("you discuss 5 key concepts … To reach Strong: explain five or more").
//! For every rubric peermark ships:
//!
//! 1. each requirement's advice names no number but its rule's threshold, a number of the
//!    descriptor of its level, the rubric's word range (for a rule on the word count) or a
//!    year (in a citation);
//! 2. a measure is **offset** when the advice of one of its rules names a number other than
//!    the rule's threshold (the rule counts differently from what the learner is told); no
//!    text a learner reads (feedback, advice, stretch, strengths) shows an offset measure's
//!    raw value (`{concepts}`), checked by rendering every text with a distinct value per
//!    measure;
//! 3. rendered for real, with five concepts counted (Achieved, one short of Strong on
//!    peermark's count), the learner reads "five or more" and never a 5 or a 6.

mod common;

use common::root;
use peermark_engine::analyse::{Analysis, Measured};
use peermark_engine::rubric::spec::MeasureSpec;
use peermark_engine::rubric::Rubric;
use std::collections::{BTreeMap, BTreeSet};

/// The rubrics peermark ships (the default, built in, and the second assignment's).
fn rubrics() -> Vec<(String, Rubric)> {
    vec![
        (
            "recovery-story-essay".into(),
            peermark_engine::load_rubric(None).unwrap(),
        ),
        (
            "peer-practice-reflection".into(),
            peermark_engine::load_rubric(Some(
                &root().join("rubrics/peer-practice-reflection.toml"),
            ))
            .unwrap(),
        ),
    ]
}

const NUMBER_WORDS: [&str; 21] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

/// Every number a text states, as (value, as written): digits (`1,350`, `0.5`, `50 %` read as
/// 0.5) and number words (`five`). Placeholders (`{concepts}`) are not numbers.
fn numbers(text: &str) -> Vec<(f64, String)> {
    let placeholder = regex::Regex::new(r"\{[^}]*\}").unwrap();
    let text = placeholder.replace_all(text, " ");
    let token = regex::Regex::new(r"(?i)(\d[\d,]*(?:\.\d+)?)(\s*%)?|\b([a-z]+)\b").unwrap();
    let mut out = Vec::new();
    for m in token.captures_iter(&text) {
        if let Some(d) = m.get(1) {
            let digits = d.as_str().trim_end_matches(',').replace(',', "");
            let Ok(mut v) = digits.parse::<f64>() else {
                continue;
            };
            if m.get(2).is_some() {
                v /= 100.0;
            }
            out.push((v, m[0].to_string()));
        } else if let Some(w) = m.get(3) {
            let w = w.as_str().to_lowercase();
            if let Some(v) = NUMBER_WORDS.iter().position(|n| *n == w) {
                out.push((v as f64, w));
            }
        }
    }
    out
}

fn is_year(v: f64) -> bool {
    (1900.0..2100.0).contains(&v) && v.fract() == 0.0
}

/// The outputs of the rubric's `length` measures (the word count and what is made of it).
fn word_outputs(r: &Rubric) -> BTreeSet<String> {
    r.measures
        .iter()
        .filter(|m| matches!(m, MeasureSpec::Length { .. }))
        .flat_map(|m| m.outputs())
        .collect()
}

/// Measures whose advice names a number other than its rule's threshold.
fn offset_measures(r: &Rubric) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for c in &r.criteria {
        for req in c.levels.iter().flatten() {
            let n = req.condition.value;
            let other: Vec<String> = numbers(&req.advice)
                .into_iter()
                .filter(|(v, _)| *v != n && !is_year(*v))
                .map(|(_, w)| w)
                .collect();
            if !other.is_empty() && !word_outputs(r).contains(&req.condition.measure) {
                out.insert(
                    req.condition.measure.clone(),
                    format!(
                        "{}: `{} {} {}` is told as {other:?}",
                        c.id,
                        req.condition.measure,
                        req.condition.op.symbol(),
                        n
                    ),
                );
            }
        }
    }
    out
}

#[test]
fn advice_names_only_its_rule_s_or_its_descriptor_s_numbers() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (name, r) in rubrics() {
        let range: Vec<f64> = [r.words.min, r.words.max, r.words.target]
            .iter()
            .map(|w| *w as f64)
            .collect();
        let words = word_outputs(&r);
        for c in &r.criteria {
            for (k, reqs) in c.levels.iter().enumerate() {
                let level = k + 1;
                let descriptor: Vec<f64> = numbers(&c.descriptors[level])
                    .into_iter()
                    .map(|(v, _)| v)
                    .collect();
                for req in reqs {
                    checked += 1;
                    let n = req.condition.value;
                    for (v, written) in numbers(&req.advice) {
                        let ok = v == n
                            || descriptor.contains(&v)
                            || is_year(v)
                            || (words.contains(&req.condition.measure) && range.contains(&v));
                        if !ok {
                            failures.push(format!(
                                "{name} {} level {level}: `{}` but the advice says {written:?}: {:?}",
                                c.id, req.condition.measure, req.advice
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 60, "{checked} requirements");
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_check_catches_a_count_beside_another_number() {
    // The test itself: the old concepts texts fail it, the way the checks above read them.
    let old_rule = ("concepts", 6.0);
    let old_advice = "Explain five or more key concepts; CHIME gives five (connectedness, hope, identity, meaning, empowerment) — say what each means.";
    let old_feedback = "You explain what recovery means and discuss {concepts} key concepts with some explanation: {concepts.items}.";
    let told: Vec<f64> = numbers(old_advice).into_iter().map(|(v, _)| v).collect();
    assert!(told.contains(&5.0) && !told.contains(&old_rule.1), "offset");
    assert!(
        old_feedback.contains(&format!("{{{}}}", old_rule.0)),
        "shown raw"
    );
    // And it reads numbers as a learner does.
    let got: Vec<f64> =
        numbers("1,350–1,650 words, under 50 % of it, four or more (Anthony, 1993) {x}")
            .into_iter()
            .map(|(v, _)| v)
            .collect();
    assert_eq!(got, [1350.0, 1650.0, 0.5, 4.0, 1993.0]);
}

#[test]
fn no_text_shows_the_raw_count_of_a_measure_told_as_another_number() {
    let mut failures = Vec::new();
    let mut offsets = 0;
    for (name, r) in rubrics() {
        let offset = offset_measures(&r);
        offsets += offset.len();
        // Every measure value a distinct sentinel: whichever shows up in a rendered text was
        // printed raw.
        let mut values = BTreeMap::new();
        let mut by_sentinel = BTreeMap::new();
        for (i, m) in r.measures.iter().flat_map(|m| m.outputs()).enumerate() {
            let sentinel = 70_001 + i as u32;
            values.insert(m.clone(), f64::from(sentinel));
            by_sentinel.insert(sentinel.to_string(), m);
        }
        let analysis = Analysis {
            values,
            measured: BTreeMap::new(),
        };
        for c in &r.criteria {
            let texts = c
                .feedback
                .iter()
                .map(|t| ("feedback", t))
                .chain(c.levels.iter().flatten().map(|q| ("advice", &q.advice)))
                .chain(c.strengths.iter().map(|(_, say)| ("strength", say)))
                .chain(std::iter::once(("stretch", &c.stretch)));
            for (what, template) in texts {
                let rendered = peermark_engine::score::fill(template, &analysis);
                for (sentinel, measure) in &by_sentinel {
                    if rendered.contains(sentinel.as_str()) {
                        if let Some(why) = offset.get(measure) {
                            failures.push(format!(
                                "{name} {} {what} shows {{{measure}}} raw ({why}): {template:?}",
                                c.id
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(offsets >= 1, "the default rubric's concepts rule is offset");
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn five_concepts_counted_read_as_five_or_more_never_as_a_count() {
    let r = peermark_engine::load_rubric(None).unwrap();
    let doc = peermark_text::Document::new(
        vec![peermark_text::Paragraph::new(
            "My recovery",
            peermark_text::Hint::None,
        )],
        peermark_text::SourceLines::Extracted,
    );
    let mut values: BTreeMap<String, f64> = [
        ("recovery_mentions", 6.0),
        ("recovery_defined", 2.0),
        ("concepts", 5.0),
        ("concepts_named", 7.0),
        ("recovery_sources", 3.0),
        ("factors_discussed", 4.0),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let mut measured = BTreeMap::new();
    let mut concepts = Measured::new(1);
    concepts.items = [
        "hope",
        "connectedness",
        "identity",
        "meaning and purpose",
        "empowerment and control",
    ]
    .map(String::from)
    .to_vec();
    measured.insert("concepts".to_string(), concepts);
    let analysis = Analysis {
        values: values.clone(),
        measured,
    };
    let (criteria, _, _) = peermark_engine::score::score(&r, &analysis, &doc, &[]);
    let c = criteria
        .iter()
        .find(|c| c.id == "recovery_concepts")
        .unwrap();
    assert_eq!(c.level, 2);
    let ctx = peermark_report::report_context(&r);
    let line = peermark_report::wording::borderline_line(c, &ctx.level_names)
        .expect("five counted is one short of Strong: borderline");
    let learner = format!("{} {} {line}", c.feedback, c.next_steps.join(" "));
    assert!(learner.contains("five or more"), "{learner}");
    assert!(
        learner.contains("hope, connectedness, identity"),
        "{learner}"
    );
    for digit in ["5", "6"] {
        assert!(!learner.contains(digit), "{digit} in {learner:?}");
    }
    // The numbers the learner reads are the descriptor's (five).
    let said: BTreeSet<String> = numbers(&learner).into_iter().map(|(_, w)| w).collect();
    assert_eq!(said, BTreeSet::from(["five".to_string()]), "{learner}");
    // At six, Strong: the feedback names the concepts, not a count either.
    values.insert("concepts".into(), 6.0);
    let analysis = Analysis {
        values,
        measured: analysis.measured,
    };
    let (criteria, _, _) = peermark_engine::score::score(&r, &analysis, &doc, &[]);
    let c = criteria
        .iter()
        .find(|c| c.id == "recovery_concepts")
        .unwrap();
    assert_eq!(c.level, 3);
    assert!(!c.feedback.contains('6'), "{}", c.feedback);
}
