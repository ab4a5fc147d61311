//! Borderline levels: not a cliff.
//!
//! A level rule such as `concepts >= 6` draws a sharp line through measures that are not
//! exact: peermark may count one concept, paragraph or source more or fewer than a careful
//! marker would. The rubric's `[borderline]` table says how uncertain each kind of measure is
//! (a margin for counts, one for shares, and a share of the word range's edges for the word
//! count). A criterion is **borderline** when moving any one measure of its level rules by its
//! margin would give it another level: one short of the next level, or right at the edge of
//! its own. Both the learner (a line saying what is close and why) and the assessor (the
//! gradebook's `borderline` column and the moderation sample) are told.

use crate::result::{Borderline, BorderlineUnit};
use crate::rubric::condition::Condition;
use crate::rubric::margins::{Margin, Margins};
use crate::rubric::{Criterion, Rubric};
use std::collections::BTreeMap;

/// A nudge smaller than any difference between two measured values, to step just past a
/// threshold (`x > 2` needs more than 2).
const STEP: f64 = 1e-6;

/// One way a measure may move within its margin: every value after the move, the value
/// measured, the edge crossed when known (the word range's) and the measure's unit.
struct Move {
    values: BTreeMap<String, f64>,
    value: f64,
    edge: Option<f64>,
    unit: BorderlineUnit,
}

/// What one measure is, for moving it.
#[derive(Clone, Debug, PartialEq)]
enum Subject {
    /// A count or share output, with its margin; shares stay within 0–1.
    Value {
        output: String,
        margin: f64,
        share: bool,
    },
    /// The word count of a `length` measure (named `count`), within `share` of an edge.
    Words { count: String, share: f64 },
}

/// Why `c`'s `level` (reached with `values`) is borderline under `margins`: one entry per
/// measure and level it could tip to, those that would reach a higher level first. Empty when
/// no measure is within its margin of a threshold that matters. `fill` fills an advice text.
pub fn borderline(
    rubric: &Rubric,
    margins: &Margins,
    c: &Criterion,
    values: &BTreeMap<String, f64>,
    level: u8,
    fill: &dyn Fn(&str) -> String,
) -> Vec<Borderline> {
    let mut subjects: Vec<Subject> = Vec::new();
    for r in c.levels.iter().flatten() {
        let subject = match margins.of(&r.condition.measure) {
            Margin::None => continue,
            Margin::Count(m) => Subject::Value {
                output: r.condition.measure.clone(),
                margin: m,
                share: false,
            },
            Margin::Share(m) => Subject::Value {
                output: r.condition.measure.clone(),
                margin: m,
                share: true,
            },
            Margin::Words { count, share } => Subject::Words { count, share },
        };
        if !subjects.contains(&subject) {
            subjects.push(subject);
        }
    }
    let mut out: Vec<Borderline> = Vec::new();
    for subject in &subjects {
        for Move {
            values: moved,
            value,
            edge,
            unit,
        } in moves(rubric, c, values, subject)
        {
            let other = c.level(&moved);
            if other == level {
                continue;
            }
            let Some(rule) = tipping_rule(c, values, &moved, level, other) else {
                continue;
            };
            let edge = edge.unwrap_or(rule.condition.value);
            let measure = match subject {
                Subject::Value { output, .. } => output.clone(),
                Subject::Words { count, .. } => count.clone(),
            };
            if out.iter().any(|b| b.measure == measure && b.level == other) {
                continue;
            }
            out.push(Borderline {
                measure,
                value,
                edge,
                level: other,
                unit,
                advice: fill(&rule.advice),
            });
        }
    }
    // Close to the next level first, the nearest level first; then the edges of this one.
    out.sort_by_key(|b| (!b.is_up(level), b.level.abs_diff(level)));
    out
}

/// The values `subject` may move to within its margin.
fn moves(
    rubric: &Rubric,
    c: &Criterion,
    values: &BTreeMap<String, f64>,
    subject: &Subject,
) -> Vec<Move> {
    let conditions: Vec<&Condition> = c.levels.iter().flatten().map(|r| &r.condition).collect();
    match subject {
        Subject::Value {
            output,
            margin,
            share,
        } => {
            let v = values.get(output).copied().unwrap_or(0.0);
            // Nothing found is not uncertain: a measure at 0 is never moved up (peermark does
            // not guess at what it found none of).
            let hi = if v <= 0.0 {
                v
            } else if *share {
                (v + margin).min(1.0)
            } else {
                v + margin
            };
            let lo = (v - margin).max(0.0);
            // The ends of the margin, and either side of every threshold inside it (a rule
            // with `==` is not monotone).
            let mut to = vec![lo, hi];
            for cond in conditions.iter().filter(|k| &k.measure == output) {
                for t in [cond.value - STEP, cond.value, cond.value + STEP] {
                    if lo <= t && t <= hi {
                        to.push(t);
                    }
                }
            }
            let unit = if *share {
                BorderlineUnit::Share
            } else {
                BorderlineUnit::Count
            };
            to.into_iter()
                .filter(|t| *t != v)
                .map(|t| {
                    let mut moved = values.clone();
                    moved.insert(output.clone(), t);
                    Move {
                        values: moved,
                        value: v,
                        edge: None,
                        unit,
                    }
                })
                .collect()
        }
        Subject::Words { count, share } => {
            let w = rubric.words;
            let words = values.get(count).copied().unwrap_or(0.0);
            let in_range = format!("{count}_in_range");
            let ratio = format!("{count}_ratio");
            let mut edges: Vec<f64> = Vec::new();
            for cond in &conditions {
                if &cond.measure == count {
                    edges.push(cond.value);
                } else if cond.measure == in_range {
                    edges.extend([w.min as f64, w.max as f64]);
                } else if cond.measure == ratio {
                    edges.push(cond.value * w.target as f64);
                }
            }
            let mut out = Vec::new();
            for edge in edges {
                if (words - edge).abs() > share * edge {
                    continue;
                }
                for t in [edge - 1.0, edge, edge + 1.0] {
                    if t < 0.0 || t == words {
                        continue;
                    }
                    let mut moved = values.clone();
                    moved.insert(count.clone(), t);
                    let inside = t >= w.min as f64 && t <= w.max as f64;
                    moved.insert(in_range.clone(), if inside { 1.0 } else { 0.0 });
                    moved.insert(ratio.clone(), t / w.target as f64);
                    out.push(Move {
                        values: moved,
                        value: words,
                        edge: Some(edge),
                        unit: BorderlineUnit::Words,
                    });
                }
            }
            out
        }
    }
}

/// The rule that tips the criterion from `level` (with `values`) to `other` (with `moved`):
/// for a higher level, the first rule of the next level that holds only when moved; for a
/// lower one, the first rule of the level it falls below that no longer holds.
fn tipping_rule<'a>(
    c: &'a Criterion,
    values: &BTreeMap<String, f64>,
    moved: &BTreeMap<String, f64>,
    level: u8,
    other: u8,
) -> Option<&'a crate::rubric::Requirement> {
    if other > level {
        c.levels
            .get(level as usize)?
            .iter()
            .find(|r| !r.condition.holds(values) && r.condition.holds(moved))
    } else {
        c.levels
            .get(other as usize)?
            .iter()
            .find(|r| r.condition.holds(values) && !r.condition.holds(moved))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rubric::{self, RubricError};
    use std::path::Path;

    /// A small rubric: a count measure `found` (phrases), a `together` share, a `length`
    /// measure and a `sections` measure, one criterion on each, and `borderline` as given.
    fn rubric_with(borderline: &str) -> Result<Rubric, RubricError> {
        let text = format!(
            r#"[rubric]
id = "t"
title = "T"
assignment = "Write."
level_names = ["None", "Some", "Enough", "Plenty"]

[words]
target = 1000
min = 900
max = 1100

[outcome.achieved_when]
counted = 2

[[safeguarding.triggers]]
id = "x"
cue = "x"
tier = 3
phrases = ["zzqx"]

[lexicon]
intro = ["in this essay"]
outro = ["in conclusion"]

[[measure]]
kind = "phrases"
name = "found"
phrases = ["hope"]

[[measure]]
kind = "phrases"
name = "other"
phrases = ["peer"]

[[measure]]
kind = "together"
name = "both"
all = ["found", "other"]

[[measure]]
kind = "length"
name = "words"

[[measure]]
kind = "sections"
name = "sections"
intro = "intro"
conclusion = "outro"

[[criterion]]
id = "counted"
title = "Counted"
weight = 10
descriptors = ["d0", "d1", "d2", "d3"]
feedback = ["f0", "f1", "f2", "f3"]
evidence = ["found"]
  [[criterion.level]]
  level = 1
  require = [{{ when = "found >= 1", advice = "Name it once." }}]
  [[criterion.level]]
  level = 2
  require = [{{ when = "found >= 3", advice = "Name it three times." }}, {{ when = "other >= 1", advice = "Bring in the other." }}]
  [[criterion.level]]
  level = 3
  require = [{{ when = "found >= 6", advice = "Name it six times ({{found}} now)." }}]

[[criterion]]
id = "shared"
title = "Shared"
weight = 10
descriptors = ["d0", "d1", "d2", "d3"]
feedback = ["f0", "f1", "f2", "f3"]
evidence = ["both"]
  [[criterion.level]]
  level = 1
  require = [{{ when = "both >= 1", advice = "Together once." }}]
  [[criterion.level]]
  level = 2
  require = [{{ when = "both_share >= 0.3", advice = "Together more." }}]
  [[criterion.level]]
  level = 3
  require = [{{ when = "both_share >= 0.55", advice = "Together in most." }}]

[[criterion]]
id = "shape"
title = "Shape"
weight = 10
descriptors = ["d0", "d1", "d2", "d3"]
feedback = ["f0", "f1", "f2", "f3"]
evidence = ["sections"]
  [[criterion.level]]
  level = 1
  require = [{{ when = "words_ratio >= 0.5", advice = "Longer." }}]
  [[criterion.level]]
  level = 2
  require = [{{ when = "words_in_range >= 1", advice = "Within the range." }}, {{ when = "sections_intro >= 1", advice = "An introduction." }}]
  [[criterion.level]]
  level = 3
  require = [{{ when = "sections_conclusion >= 1", advice = "A conclusion." }}]

{borderline}
"#
        );
        rubric::load_with(Path::new("t.toml"), &|_| Ok(text.clone()))
    }

    const MARGINS: &str = "[borderline]\nmargin = 1\nshare = 0.05\nword_share = 0.02\n";

    fn values(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
        let mut v: BTreeMap<String, f64> = [
            ("found", 4.0),
            ("other", 2.0),
            ("both", 3.0),
            ("both_share", 0.4),
            ("words", 1000.0),
            ("words_in_range", 1.0),
            ("words_ratio", 1.0),
            ("sections_intro", 1.0),
            ("sections_conclusion", 1.0),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        for (k, x) in pairs {
            v.insert(k.to_string(), *x);
            if *k == "words" {
                v.insert(
                    "words_in_range".into(),
                    f64::from((900.0..=1100.0).contains(x)),
                );
                v.insert("words_ratio".into(), x / 1000.0);
            }
        }
        v
    }

    /// The borderline entries of criterion `id` with these values.
    fn of(r: &Rubric, id: &str, v: &BTreeMap<String, f64>) -> (u8, Vec<Borderline>) {
        let c = r.criterion(id).unwrap();
        let level = c.level(v);
        let fill = |t: &str| t.replace("{found}", &v["found"].to_string());
        let b = borderline(r, r.borderline.as_ref().unwrap(), c, v, level, &fill);
        (level, b)
    }

    #[test]
    fn one_short_of_the_next_level_is_borderline_up() {
        let r = rubric_with(MARGINS).unwrap();
        let (level, b) = of(&r, "counted", &values(&[("found", 5.0)]));
        assert_eq!(level, 2);
        assert_eq!(b.len(), 1, "{b:?}");
        assert_eq!(
            (b[0].measure.as_str(), b[0].value, b[0].edge, b[0].level),
            ("found", 5.0, 6.0, 3)
        );
        assert_eq!(b[0].unit, BorderlineUnit::Count);
        assert!(b[0].is_up(level));
        // The advice of the rule it is close to, filled in.
        assert_eq!(b[0].advice, "Name it six times (5 now).");
    }

    #[test]
    fn right_at_a_threshold_is_borderline_down() {
        let r = rubric_with(MARGINS).unwrap();
        let (level, b) = of(&r, "counted", &values(&[("found", 6.0)]));
        assert_eq!(level, 3);
        assert_eq!(
            b.iter()
                .map(|b| (b.measure.as_str(), b.edge, b.level))
                .collect::<Vec<_>>(),
            [("found", 6.0, 2)]
        );
        assert!(!b[0].is_up(level));
        assert_eq!(b[0].advice, "Name it six times (6 now).");
    }

    #[test]
    fn beyond_the_margin_is_not_borderline() {
        let r = rubric_with(MARGINS).unwrap();
        // 4: two from 6, one above 3 (3 is the edge, 4 is not).
        assert!(of(&r, "counted", &values(&[("found", 4.0)])).1.is_empty());
        assert!(of(&r, "counted", &values(&[("found", 8.0)])).1.is_empty());
    }

    #[test]
    fn every_measure_near_an_edge_is_listed_the_next_level_first() {
        let r = rubric_with(MARGINS).unwrap();
        // At level 2 with 3 found and `other` at its edge (1): either would tip it to 1.
        let (level, b) = of(&r, "counted", &values(&[("found", 3.0), ("other", 1.0)]));
        assert_eq!(level, 2);
        let got: Vec<(&str, u8)> = b.iter().map(|b| (b.measure.as_str(), b.level)).collect();
        assert_eq!(got, [("found", 1), ("other", 1)]);
        // With 5 found and `other` at its edge: close to level 3 first, then the edges of 2.
        let (level, b) = of(&r, "counted", &values(&[("found", 5.0), ("other", 1.0)]));
        assert_eq!(level, 2);
        let got: Vec<(&str, u8)> = b.iter().map(|b| (b.measure.as_str(), b.level)).collect();
        assert_eq!(got, [("found", 3), ("other", 1)]);
    }

    #[test]
    fn a_count_at_zero_is_never_moved_up() {
        let r = rubric_with(MARGINS).unwrap();
        // Nothing found: level 0, and not "close" to level 1.
        let (level, b) = of(&r, "counted", &values(&[("found", 0.0)]));
        assert_eq!(level, 0);
        assert!(b.is_empty(), "{b:?}");
        // One found: at the edge of level 1 (down), not speculated up.
        let (level, b) = of(&r, "counted", &values(&[("found", 1.0)]));
        assert_eq!(level, 1);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].level, 0);
    }

    #[test]
    fn shares_move_by_the_share_margin() {
        let r = rubric_with(MARGINS).unwrap();
        let (level, b) = of(&r, "shared", &values(&[("both_share", 0.51)]));
        assert_eq!(level, 2);
        assert_eq!(b.len(), 1);
        assert_eq!(
            (b[0].measure.as_str(), b[0].edge, b[0].level),
            ("both_share", 0.55, 3)
        );
        assert_eq!(b[0].unit, BorderlineUnit::Share);
        assert!(of(&r, "shared", &values(&[("both_share", 0.45)]))
            .1
            .is_empty());
    }

    #[test]
    fn the_word_count_within_its_share_of_a_range_edge() {
        let r = rubric_with(MARGINS).unwrap();
        // 2 % of 900 is 18: 882 is within it, 881 is not.
        let (level, b) = of(&r, "shape", &values(&[("words", 882.0)]));
        assert_eq!(level, 1);
        assert_eq!(b.len(), 1, "{b:?}");
        assert_eq!(
            (b[0].measure.as_str(), b[0].value, b[0].edge, b[0].level),
            ("words", 882.0, 900.0, 3)
        );
        assert_eq!(b[0].unit, BorderlineUnit::Words);
        assert_eq!(b[0].advice, "Within the range.");
        assert!(of(&r, "shape", &values(&[("words", 881.0)])).1.is_empty());
        // Just inside the top of the range: it meets its level with little to spare.
        let (level, b) = of(&r, "shape", &values(&[("words", 1090.0)]));
        assert_eq!(level, 3);
        assert_eq!((b[0].edge, b[0].level), (1100.0, 1));
        // Near half the target (the ratio rule): 500 words is level 1's edge.
        let (level, b) = of(&r, "shape", &values(&[("words", 495.0)]));
        assert_eq!(level, 0);
        assert_eq!((b[0].edge, b[0].level), (500.0, 1));
        // Well inside the range: nothing.
        assert!(of(&r, "shape", &values(&[("words", 1000.0)])).1.is_empty());
    }

    #[test]
    fn yes_or_no_outputs_are_not_counts() {
        let r = rubric_with(MARGINS).unwrap();
        // An introduction and a conclusion found: `margin` does not move them.
        assert!(of(&r, "shape", &values(&[])).1.is_empty());
        // A margin of their own does.
        let r = rubric_with(&format!(
            "{MARGINS}\n[borderline.measure]\nsections_conclusion = 1\n"
        ))
        .unwrap();
        let (level, b) = of(&r, "shape", &values(&[]));
        assert_eq!(level, 3);
        assert_eq!(b[0].measure, "sections_conclusion");
    }

    #[test]
    fn margins_are_data_per_rubric_and_per_measure() {
        // No [borderline]: never borderline.
        let r = rubric_with("").unwrap();
        assert!(r.borderline.is_none());
        // A margin of 0 for one measure turns it off; a wider one reaches further.
        let r = rubric_with(&format!("{MARGINS}\n[borderline.measure]\nfound = 0\n")).unwrap();
        assert!(of(&r, "counted", &values(&[("found", 5.0)])).1.is_empty());
        let r = rubric_with(&format!("{MARGINS}\n[borderline.measure]\nfound = 2\n")).unwrap();
        let (_, b) = of(&r, "counted", &values(&[("found", 4.0)]));
        assert_eq!((b[0].edge, b[0].level), (6.0, 3));
        // Kinds left out have no margin.
        let r = rubric_with("[borderline]\nword_share = 0.02\n").unwrap();
        assert!(of(&r, "counted", &values(&[("found", 5.0)])).1.is_empty());
        assert!(!of(&r, "shape", &values(&[("words", 882.0)])).1.is_empty());
    }

    #[test]
    fn a_bad_borderline_table_names_the_field() {
        let e = rubric_with("[borderline]\nmargin = -1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("borderline.margin"), "{e}");
        let e = rubric_with("[borderline]\nword_share = 2\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("borderline.word_share"), "{e}");
        let e = rubric_with("[borderline]\nmargins = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("margins"), "{e}");
        let e = rubric_with("[borderline.measure]\nfund = 1\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("borderline.measure.fund") && e.contains("no measure"),
            "{e}"
        );
    }

    #[test]
    fn the_default_rubric_flags_the_concepts_cliff_and_the_word_range() {
        let r = crate::builtin::load_rubric(None).unwrap();
        let m = r
            .borderline
            .as_ref()
            .expect("the default rubric has [borderline]");
        let concepts = |n: f64| {
            let v: BTreeMap<String, f64> = [
                ("recovery_mentions", 4.0),
                ("recovery_defined", 2.0),
                ("concepts", n),
                ("recovery_sources", 3.0),
                ("factors_discussed", 4.0),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            let c = r.criterion("recovery_concepts").unwrap();
            let level = c.level(&v);
            (level, borderline(&r, m, c, &v, level, &|t| t.to_string()))
        };
        // Five explained on peermark's count: Achieved, one short of Strong.
        let (level, b) = concepts(5.0);
        assert_eq!(level, 2);
        assert_eq!(
            (b[0].measure.as_str(), b[0].edge, b[0].level),
            ("concepts", 6.0, 3)
        );
        assert!(b[0].advice.starts_with("Explain five or more key concepts"));
        // Six: Strong with little to spare; four: Achieved, not close.
        assert_eq!(concepts(6.0).1[0].level, 2);
        assert!(concepts(4.0).1.is_empty());
        // Structure: 1,346 counted words with everything else in place (the issue's example).
        let v: BTreeMap<String, f64> = [
            ("words", 1346.0),
            ("words_in_range", 0.0),
            ("words_ratio", 1346.0 / 1500.0),
            ("sections_paragraphs", 6.0),
            ("sections_intro", 1.0),
            ("sections_conclusion", 1.0),
            ("citations", 3.0),
            ("citations_unmatched", 0.0),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let c = r.criterion("structure").unwrap();
        let b = borderline(&r, m, c, &v, c.level(&v), &|t| t.to_string());
        assert_eq!(c.level(&v), 1);
        assert_eq!(
            (b[0].measure.as_str(), b[0].value, b[0].edge, b[0].level),
            ("words", 1346.0, 1350.0, 3)
        );
    }
}
