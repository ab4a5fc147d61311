//! Level thresholds fitted to a centre's own marks: what `peermark rubric fit` does.
//!
//! A criterion's level rules keep their shape (a level needs every one of its conditions, on
//! top of the level below); only the numbers of its `measure >= n` and `measure <= n`
//! conditions are fitted. The search is by coordinates: each number in turn moves to the
//! value of its measure, among the values the essays show, that agrees best with the marks
//! (see `objective`: anchor essays first, then the squared differences, so that a two-level
//! miss weighs four times a one-level one, then exact agreements; on a tie, the number
//! nearest where it was), until no single move helps. An anchor essay (the marks file's
//! `anchor` column: the course's agreed exemplars) keeps its marked level whenever a
//! number can keep it so. A condition marked `fixed`
//! (its number is the descriptor's own, such as the word range) never moves.
//!
//! How well a fit does on essays it did not see is measured by cross-validation: with a
//! `group` column in the marks (writer briefs, years, tutor groups) one group is held out at
//! a time, so the figure describes new writers; otherwise five folds by a seeded hash of the
//! submission ids (one essay at a time when there are fewer than ten).
//!
//! Few essays: fitted on `n` < [`FULL_TRUST`] essays, each number moves only `n / 30` of the
//! way from the rubric's own towards the fitted one (rounded to the measure's step: whole
//! counts stay whole, rounding towards the rubric's number). A criterion whose
//! cross-validated exact agreement does not rise by [`MIN_GAIN`], or whose adjacent agreement
//! falls (more two-level misses on unseen essays), keeps the rubric's numbers: it is held
//! back, and the report says so and why. So twenty marked essays cannot move peermark far
//! from the shipped rubric, and never on a criterion where moving did not help on essays
//! the fit had not seen.

use crate::rubric::condition::Op;
use crate::rubric::{Criterion, Rubric};
use crate::score::meets_outcome_rule;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// From this many essays a fit is trusted in full; below it, numbers are shrunk.
pub const FULL_TRUST: usize = 30;
/// Folds of the cross-validation when the marks have no groups.
pub const FOLDS: usize = 5;
/// The least rise in cross-validated exact agreement that moves a criterion's numbers: a
/// smaller one is one essay in fifty, within what a different split would give.
pub const MIN_GAIN: f64 = 0.02;
/// Seed of the fold assignment.
pub const FOLD_SEED: u64 = 20261208;

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct FitError(pub String);

/// One marked essay: peermark's measures and the assessors' levels.
#[derive(Clone, Debug)]
pub struct MarkedEssay {
    pub submission: String,
    pub group: Option<String>,
    /// Every measure a level condition refers to, by name.
    pub measures: BTreeMap<String, f64>,
    /// The assessors' level per criterion id (absent: not marked on that criterion).
    pub levels: BTreeMap<String, u8>,
    /// An exemplar whose agreed levels the fit keeps wherever it can.
    pub anchor: bool,
}

/// Agreement of a set of levels with the marks.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq)]
pub struct Agreement {
    pub essays: usize,
    pub exact: f64,
    pub adjacent: f64,
    /// Mean of peermark's level minus the marks' (negative: harsher than the assessors).
    pub signed: f64,
}

impl Agreement {
    fn of(pairs: &[(u8, u8)]) -> Agreement {
        let n = pairs.len().max(1) as f64;
        Agreement {
            essays: pairs.len(),
            exact: pairs.iter().filter(|(p, m)| p == m).count() as f64 / n,
            adjacent: pairs.iter().filter(|(p, m)| p.abs_diff(*m) <= 1).count() as f64 / n,
            signed: pairs
                .iter()
                .map(|(p, m)| *p as f64 - *m as f64)
                .sum::<f64>()
                / n,
        }
    }
}

/// One condition's number before and after the fit.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Threshold {
    /// The level whose condition this is (1 to the top).
    pub level: u8,
    /// Its place among the level's conditions.
    pub index: usize,
    pub measure: String,
    pub op: &'static str,
    /// The rubric's number.
    pub from: f64,
    /// What the search found on every essay, before shrinking.
    pub fitted: f64,
    /// What the new rubric holds.
    pub to: f64,
    /// The descriptor's own number: never fitted.
    pub fixed: bool,
}

impl Threshold {
    /// The change as the report and the `[fit]` table write it: "level 2: story_paragraphs
    /// >= 5 (was 2)".
    pub fn change(&self) -> String {
        format!(
            "level {}: {} {} {} (was {})",
            self.level,
            self.measure,
            self.op,
            number_text(self.to),
            number_text(self.from)
        )
    }
}

/// A criterion's fit.
#[derive(Clone, Debug, Serialize)]
pub struct CriterionFit {
    pub id: String,
    /// Cross-validated agreement of the rubric as it is (no fitting: the same on every fold).
    pub before: Agreement,
    /// Cross-validated agreement of the fit (each fold fitted without the essays it scores).
    pub after: Agreement,
    pub thresholds: Vec<Threshold>,
    /// Why the rubric's numbers were kept, when they were.
    pub held_back: Option<String>,
}

impl CriterionFit {
    /// The conditions whose number the new rubric changes.
    pub fn changed(&self) -> impl Iterator<Item = &Threshold> {
        self.thresholds.iter().filter(|t| t.to != t.from)
    }
}

/// A whole rubric's fit.
#[derive(Clone, Debug, Serialize)]
pub struct Fit {
    pub essays: usize,
    /// How the figures were cross-validated, in words.
    pub validation: String,
    /// The share of the way each number moves towards the fitted one (1 from [`FULL_TRUST`]
    /// essays).
    pub trust: f64,
    pub criteria: Vec<CriterionFit>,
    /// Outcome agreement with the marks' outcomes, the rubric as it is and fitted
    /// (cross-validated), over essays marked on every criterion of the outcome rule.
    pub outcome_before: Agreement,
    pub outcome_after: Agreement,
}

/// The numbers of a criterion's conditions, `[level - 1][index]`.
type Numbers = Vec<Vec<f64>>;

fn numbers_of(c: &Criterion) -> Numbers {
    c.levels
        .iter()
        .map(|reqs| reqs.iter().map(|r| r.condition.value).collect())
        .collect()
}

/// The level `measures` reach under `numbers`.
fn level_with(c: &Criterion, numbers: &Numbers, measures: &BTreeMap<String, f64>) -> u8 {
    c.levels
        .iter()
        .zip(numbers)
        .take_while(|(reqs, ns)| {
            reqs.iter().zip(ns.iter()).all(|(r, n)| {
                let v = measures.get(&r.condition.measure).copied().unwrap_or(0.0);
                r.condition.op.holds(v, *n)
            })
        })
        .count() as u8
}

/// One essay as the search sees it: its measures, the marked level, and whether it is an
/// anchor.
type Example<'a> = (&'a BTreeMap<String, f64>, u8, bool);

/// How well `numbers` agree with `data`, larger is better: first the anchor essays that keep
/// their marked level, then the sum of squared differences (a two-level miss costs four
/// one-level ones), then exact agreements, then the mean signed difference nearest zero.
fn objective(c: &Criterion, numbers: &Numbers, data: &[Example]) -> (usize, i64, usize, i64) {
    let mut anchors = 0;
    let mut exact = 0;
    let mut signed = 0i64;
    let mut squared = 0i64;
    for (m, want, anchor) in data {
        let got = level_with(c, numbers, m);
        exact += usize::from(got == *want);
        anchors += usize::from(*anchor && got == *want);
        let d = got as i64 - *want as i64;
        signed += d;
        squared += d * d;
    }
    (anchors, -squared, exact, -signed.abs())
}

fn fittable(c: &Criterion, level: usize, index: usize) -> bool {
    let r = &c.levels[level][index];
    !r.fixed && matches!(r.condition.op, Op::Ge | Op::Le)
}

/// Coordinate search from `start` on `data`.
fn search(c: &Criterion, start: &Numbers, data: &[Example]) -> Numbers {
    let mut numbers = start.clone();
    // Each pass changes at least one number for the better, so the objective rises and the
    // search ends; the cap is a guard.
    for _ in 0..50 {
        let mut improved = false;
        for li in 0..numbers.len() {
            for ci in 0..numbers[li].len() {
                if !fittable(c, li, ci) {
                    continue;
                }
                let measure = &c.levels[li][ci].condition.measure;
                let current = numbers[li][ci];
                let mut candidates: Vec<f64> = data
                    .iter()
                    .map(|(m, _, _)| m.get(measure).copied().unwrap_or(0.0))
                    .chain([current])
                    .collect();
                candidates.sort_by(f64::total_cmp);
                candidates.dedup();
                let mut best = (objective(c, &numbers, data), current);
                for cand in candidates {
                    numbers[li][ci] = cand;
                    let score = objective(c, &numbers, data);
                    let closer = (cand - current).abs() < (best.1 - current).abs();
                    if score > best.0 || (score == best.0 && closer) {
                        best = (score, cand);
                    }
                }
                numbers[li][ci] = best.1;
                if best.1 != current {
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
    numbers
}

/// Whether every value of `measure` in `data` is a whole number.
fn whole(measure: &str, data: &[Example], also: f64) -> bool {
    also.fract() == 0.0
        && data
            .iter()
            .all(|(m, _, _)| m.get(measure).copied().unwrap_or(0.0).fract() == 0.0)
}

/// `fitted` moved `trust` of the way from `start`, at the measure's step.
fn shrink(
    c: &Criterion,
    start: &Numbers,
    fitted: &Numbers,
    data: &[Example],
    trust: f64,
) -> Numbers {
    let mut out = fitted.clone();
    for li in 0..out.len() {
        for ci in 0..out[li].len() {
            let (from, to) = (start[li][ci], fitted[li][ci]);
            if from == to || trust >= 1.0 {
                continue;
            }
            let moved = from + trust * (to - from);
            let measure = &c.levels[li][ci].condition.measure;
            out[li][ci] = if whole(measure, data, from) {
                // Round half towards the rubric's number.
                let r = moved.round();
                if (moved - moved.trunc()).abs() == 0.5 {
                    if from > moved {
                        moved.ceil()
                    } else {
                        moved.floor()
                    }
                } else {
                    r
                }
            } else {
                (moved * 1000.0).round() / 1000.0
            };
        }
    }
    out
}

/// How much a fit on `n` essays is trusted.
pub fn trust_for(n: usize) -> f64 {
    (n as f64 / FULL_TRUST as f64).min(1.0)
}

/// The fit the search gives on `data`, shrunk for its size.
fn fit_numbers(c: &Criterion, start: &Numbers, data: &[Example]) -> (Numbers, Numbers) {
    let fitted = search(c, start, data);
    let shrunk = shrink(c, start, &fitted, data, trust_for(data.len()));
    (fitted, shrunk)
}

/// FNV-1a of the seed and a submission id: a fold order that is the same on every machine.
fn fold_hash(submission: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325 ^ FOLD_SEED;
    for b in submission.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// The fold of each essay, and the cross-validation in words.
fn folds(essays: &[MarkedEssay]) -> (Vec<usize>, String) {
    let groups: BTreeSet<&str> = essays.iter().filter_map(|e| e.group.as_deref()).collect();
    if groups.len() >= 3 && essays.iter().all(|e| e.group.is_some()) {
        let index: BTreeMap<&str, usize> =
            groups.iter().enumerate().map(|(i, g)| (*g, i)).collect();
        let fold = essays
            .iter()
            .map(|e| index[e.group.as_deref().unwrap_or_default()])
            .collect();
        return (
            fold,
            format!("each of {} groups held out in turn", groups.len()),
        );
    }
    let k = if essays.len() < 10 {
        essays.len().max(1)
    } else {
        FOLDS
    };
    let mut order: Vec<usize> = (0..essays.len()).collect();
    order.sort_by_key(|&i| (fold_hash(&essays[i].submission), i));
    let mut fold = vec![0; essays.len()];
    for (rank, &i) in order.iter().enumerate() {
        fold[i] = rank % k;
    }
    let how = if k == essays.len() {
        "one essay held out at a time".to_string()
    } else {
        format!("{k} folds by a seeded hash of the submission ids")
    };
    (fold, how)
}

/// Fits every criterion of `rubric` to the marks of `essays`.
pub fn fit(rubric: &Rubric, essays: &[MarkedEssay]) -> Result<Fit, FitError> {
    if essays.is_empty() {
        return Err(FitError(
            "no essay has both a result and a row of marks; check that the submission ids in the marks file match the essays' file names".into(),
        ));
    }
    let (fold, validation) = folds(essays);
    let n_folds = fold.iter().max().map_or(0, |m| m + 1);
    let mut criteria = Vec::new();
    // Cross-validated levels per essay, by criterion: (as the rubric is, fitted).
    let mut predicted: Vec<BTreeMap<String, (u8, u8)>> = vec![BTreeMap::new(); essays.len()];
    for c in &rubric.criteria {
        let start = numbers_of(c);
        let marked: Vec<usize> = (0..essays.len())
            .filter(|&i| essays[i].levels.contains_key(&c.id))
            .collect();
        let example = |i: usize| -> Example {
            (
                &essays[i].measures,
                essays[i].levels[&c.id],
                essays[i].anchor,
            )
        };
        let all: Vec<Example> = marked.iter().map(|&i| example(i)).collect();
        let mut before = Vec::new();
        let mut after = Vec::new();
        let mut cv_levels: BTreeMap<usize, u8> = BTreeMap::new();
        for f in 0..n_folds {
            let train: Vec<Example> = marked
                .iter()
                .filter(|&&i| fold[i] != f)
                .map(|&i| example(i))
                .collect();
            let test: Vec<usize> = marked.iter().copied().filter(|&i| fold[i] == f).collect();
            if test.is_empty() {
                continue;
            }
            let numbers = if train.is_empty() {
                start.clone()
            } else {
                fit_numbers(c, &start, &train).1
            };
            for i in test {
                let want = essays[i].levels[&c.id];
                let as_is = level_with(c, &start, &essays[i].measures);
                let fitted = level_with(c, &numbers, &essays[i].measures);
                before.push((as_is, want));
                after.push((fitted, want));
                cv_levels.insert(i, fitted);
            }
        }
        let (before, after) = (Agreement::of(&before), Agreement::of(&after));
        let (fitted, shrunk) = fit_numbers(c, &start, &all);
        let moved = shrunk != start;
        let held_back = if marked.is_empty() {
            Some("no essay is marked on it".to_string())
        } else if moved && after.exact < before.exact + MIN_GAIN - 1e-9 {
            Some(format!(
                "on essays each fit had not seen, exact agreement would go from {:.2} to {:.2} (less than {MIN_GAIN:.2} better), so the rubric's numbers stay",
                before.exact, after.exact
            ))
        } else if moved && after.adjacent < before.adjacent - 1e-9 {
            Some(format!(
                "on essays each fit had not seen, more levels would be two or more away from the marks (adjacent agreement {:.2} to {:.2}), so the rubric's numbers stay",
                before.adjacent, after.adjacent
            ))
        } else {
            None
        };
        // Kept numbers mark as before, whatever the folds' fits did.
        let kept = held_back.is_some() || !moved;
        let adopted = if held_back.is_some() { &start } else { &shrunk };
        for &i in &marked {
            let as_is = level_with(c, &start, &essays[i].measures);
            let cv = if kept {
                as_is
            } else {
                cv_levels.get(&i).copied().unwrap_or(as_is)
            };
            predicted[i].insert(c.id.clone(), (as_is, cv));
        }
        let mut thresholds = Vec::new();
        for (li, reqs) in c.levels.iter().enumerate() {
            for (ci, r) in reqs.iter().enumerate() {
                thresholds.push(Threshold {
                    level: li as u8 + 1,
                    index: ci,
                    measure: r.condition.measure.clone(),
                    op: r.condition.op.symbol(),
                    from: start[li][ci],
                    fitted: fitted[li][ci],
                    to: adopted[li][ci],
                    fixed: !fittable(c, li, ci),
                });
            }
        }
        criteria.push(CriterionFit {
            id: c.id.clone(),
            before,
            after: if kept { before } else { after },
            thresholds,
            held_back,
        });
    }
    let outcome = |pick: fn(&(u8, u8)) -> u8| -> Agreement {
        let pairs: Vec<(u8, u8)> = essays
            .iter()
            .zip(&predicted)
            .filter(|(e, _)| {
                rubric
                    .achieved_when
                    .keys()
                    .all(|id| e.levels.contains_key(id))
            })
            .map(|(e, p)| {
                let got = meets_outcome_rule(rubric, |id| p.get(id).map(pick));
                let want = meets_outcome_rule(rubric, |id| e.levels.get(id).copied());
                (u8::from(got), u8::from(want))
            })
            .collect();
        Agreement::of(&pairs)
    };
    Ok(Fit {
        essays: essays.len(),
        validation,
        trust: trust_for(essays.len()),
        criteria,
        outcome_before: outcome(|p| p.0),
        outcome_after: outcome(|p| p.1),
    })
}

/// The files a rubric file's text includes (its `include` list), relative to it.
pub fn includes_of(text: &str) -> Vec<String> {
    toml::from_str::<toml::Table>(text)
        .ok()
        .and_then(|t| t.get("include").cloned())
        .and_then(|v| v.try_into::<Vec<String>>().ok())
        .unwrap_or_default()
}

/// A number as a rubric writes it: whole numbers without a point, others to three places.
pub fn number_text(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// The rubric file's text with the fitted numbers in its `when` conditions and the fit
/// recorded in its `[fit]` table; comments and layout are kept.
pub fn rewrite(text: &str, fit: &Fit, marks: &str, date: &str) -> Result<String, FitError> {
    use toml_edit::{value, Array, DocumentMut, Item, Table, Value};
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| FitError(format!("cannot read the rubric file as TOML: {e}")))?;
    let criteria = doc
        .get_mut("criterion")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or_else(|| FitError("the rubric file has no [[criterion]] tables".into()))?;
    for table in criteria.iter_mut() {
        let Some(id) = table.get("id").and_then(Item::as_str).map(str::to_string) else {
            continue;
        };
        let Some(cf) = fit.criteria.iter().find(|c| c.id == id) else {
            continue;
        };
        let Some(levels) = table
            .get_mut("level")
            .and_then(Item::as_array_of_tables_mut)
        else {
            continue;
        };
        for level in levels.iter_mut() {
            let Some(n) = level.get("level").and_then(Item::as_integer) else {
                continue;
            };
            let Some(require) = level.get_mut("require").and_then(Item::as_array_mut) else {
                continue;
            };
            for (index, req) in require.iter_mut().enumerate() {
                let Some(t) = cf
                    .thresholds
                    .iter()
                    .find(|t| t.level as i64 == n && t.index == index)
                else {
                    continue;
                };
                if t.to == t.from {
                    continue;
                }
                let Some(when) = req.as_inline_table_mut().and_then(|t| t.get_mut("when")) else {
                    continue;
                };
                let decor = when.decor().clone();
                *when = Value::from(format!("{} {} {}", t.measure, t.op, number_text(t.to)));
                *when.decor_mut() = decor;
            }
        }
    }
    let mut table = Table::new();
    table.decor_mut().set_prefix(
        "\n# How the level thresholds (the numbers in each criterion's `when` conditions) were fitted\n\
         # to marked essays: written by `peermark rubric fit`, a record only (marking does not read it).\n\
         # Agreement is cross-validated: each fold's fit scored on essays it had not seen.\n",
    );
    table.insert("date", value(date));
    table.insert("marks", value(marks));
    table.insert("essays", value(fit.essays as i64));
    table.insert("validation", value(fit.validation.as_str()));
    table.insert("trust", value(round3(fit.trust)));
    table.insert(
        "outcome_agreement_before",
        value(round3(fit.outcome_before.exact)),
    );
    table.insert(
        "outcome_agreement_after",
        value(round3(fit.outcome_after.exact)),
    );
    let mut per = Table::new();
    per.set_implicit(true);
    for c in &fit.criteria {
        let mut t = Table::new();
        t.insert("exact_before", value(round3(c.before.exact)));
        t.insert("exact_after", value(round3(c.after.exact)));
        t.insert("adjacent_before", value(round3(c.before.adjacent)));
        t.insert("adjacent_after", value(round3(c.after.adjacent)));
        t.insert("signed_before", value(round3(c.before.signed)));
        t.insert("signed_after", value(round3(c.after.signed)));
        let changed: Array = c.changed().map(Threshold::change).collect();
        t.insert("changed", value(changed));
        if let Some(why) = &c.held_back {
            t.insert("held_back", value(why.as_str()));
        }
        per.insert(&c.id, Item::Table(t));
    }
    table.insert("criteria", Item::Table(per));
    doc.insert("fit", Item::Table(table));
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn essay(id: &str, m: &[(&str, f64)], levels: &[(&str, u8)]) -> MarkedEssay {
        MarkedEssay {
            submission: id.into(),
            group: None,
            measures: m.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            levels: levels.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            anchor: false,
        }
    }

    /// Forty essays whose markers give structure 1 from 5 paragraphs up and 0 below; the word
    /// count is in proportion, and level 2 does not hold (outside the range).
    fn structure_essays() -> Vec<MarkedEssay> {
        (0..40)
            .map(|i| {
                let paragraphs = (i % 8) as f64;
                essay(
                    &format!("e{i:02}"),
                    &[
                        ("words_ratio", 1.0),
                        ("sections_paragraphs", paragraphs),
                        ("words_in_range", 0.0),
                    ],
                    &[("structure", if paragraphs >= 5.0 { 1 } else { 0 })],
                )
            })
            .collect()
    }

    #[test]
    fn numbers_print_as_a_rubric_writes_them() {
        assert_eq!(number_text(4.0), "4");
        assert_eq!(number_text(0.55), "0.55");
        assert_eq!(number_text(0.5714285), "0.571");
    }

    #[test]
    fn shrinking_moves_part_of_the_way_and_keeps_counts_whole() {
        let rubric = crate::builtin::load_rubric(None).unwrap();
        let c = rubric.criterion("personal_story").unwrap();
        let start = numbers_of(c);
        let mut fitted = start.clone();
        // reflection_markers >= 4 at level 2 (index 2) fitted to 1.
        fitted[1][2] = 1.0;
        let m: BTreeMap<String, f64> = [("reflection_markers".to_string(), 1.0)].into();
        let data = [(&m, 2u8, false)];
        // A third of the way from 4 to 1 is 3.
        assert_eq!(shrink(c, &start, &fitted, &data, 1.0 / 3.0)[1][2], 3.0);
        // A sixth of the way is 3.5: half rounds towards the rubric's 4.
        assert_eq!(shrink(c, &start, &fitted, &data, 1.0 / 6.0)[1][2], 4.0);
        assert_eq!(shrink(c, &start, &fitted, &data, 1.0)[1][2], 1.0);
    }

    #[test]
    fn a_fit_finds_the_number_the_marks_imply_and_holds_back_what_does_not_help() {
        let rubric = crate::builtin::load_rubric(None).unwrap();
        let essays = structure_essays();
        let f = fit(&rubric, &essays).unwrap();
        let s = f.criteria.iter().find(|c| c.id == "structure").unwrap();
        let paragraphs = s
            .thresholds
            .iter()
            .find(|t| t.measure == "sections_paragraphs")
            .unwrap();
        assert_eq!((paragraphs.from, paragraphs.to), (3.0, 5.0));
        assert!(s.held_back.is_none());
        assert!(s.after.exact > s.before.exact, "{s:?}");
        // The word range is the descriptor's own: fixed, never moved.
        assert!(s
            .thresholds
            .iter()
            .filter(|t| t.measure.starts_with("words"))
            .all(|t| t.fixed && t.to == t.from));
        // No essay is marked on the other criteria: nothing moves there.
        let p = f
            .criteria
            .iter()
            .find(|c| c.id == "personal_story")
            .unwrap();
        assert!(p.changed().next().is_none());
        assert!(p.held_back.is_some());
    }

    #[test]
    fn rewrite_changes_only_the_fitted_numbers_and_records_the_fit() {
        let text = crate::builtin::built_in_files()
            .find(|(n, _)| *n == crate::builtin::DEFAULT_RUBRIC_NAME)
            .unwrap()
            .1;
        let rubric = crate::builtin::load_rubric(None).unwrap();
        let essays = structure_essays();
        let f = fit(&rubric, &essays).unwrap();
        let out = rewrite(text, &f, "marks.csv", "2026-12-08").unwrap();
        assert!(
            out.contains("{ when = \"sections_paragraphs >= 5\", advice"),
            "{out}"
        );
        // Above the [fit] record, only the fitted number's line changes.
        fn before_fit(t: &str) -> Vec<&str> {
            t.lines().take_while(|l| *l != "[fit]").collect()
        }
        let changed: Vec<(&str, &str)> = before_fit(text)
            .into_iter()
            .zip(before_fit(&out))
            .filter(|(a, b)| a != b)
            .collect();
        assert_eq!(changed.len(), 1, "{changed:?}");
        assert!(out.contains("[fit]\ndate = \"2026-12-08\""));
        assert!(out.contains("essays = 40"));
        assert!(out.contains("[fit.criteria.structure]"));
        // Still a rubric.
        let spec: crate::rubric::spec::RubricFile = toml::from_str(&out).unwrap();
        assert!(spec.fit.is_some());
    }
}
