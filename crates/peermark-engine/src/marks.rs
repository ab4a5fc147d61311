//! Sets of marks and how well two agree (what `peermark agree A.csv B.csv` reports) — peermark against a centre's
//! own markers (calibration), or a first marker against a second (second marking).
//!
//! Each input is a gradebook or any CSV with a `submission` column and one column per criterion
//! id holding a level (0 to the rubric's top level; empty = no level). Rows are matched by
//! `submission`, columns by criterion id (any case); other columns are ignored. Per criterion:
//! exact and adjacent agreement, quadratic weighted kappa and a confusion matrix; then all
//! criteria pooled, and outcome agreement (Cohen's kappa) from the `outcome` columns, or from
//! the rubric's outcome rule where a file has no `outcome` column. Unmatched rows and missing
//! levels are listed, never silently dropped.

use crate::agreement::{agreement, cohen_kappa, confusion, qwk_interval, FEW_PAIRS};
use crate::rubric::Rubric;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct AgreeError(pub String);

/// One input file's marks.
#[derive(Clone, Debug)]
pub struct Marks {
    pub file: String,
    /// Criterion ids of the rubric that this file has a column for, in rubric order.
    pub criteria: Vec<String>,
    pub has_outcome: bool,
    /// By submission: levels per criterion id (None = empty cell) and the outcome.
    pub rows: BTreeMap<String, MarksRow>,
    /// Rows read with a caveat (`file:line: …`), for the person comparing to see.
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct MarksRow {
    pub levels: BTreeMap<String, Option<u8>>,
    /// `Some(true)` achieved, `Some(false)` not yet achieved, `None` empty or no column.
    pub outcome: Option<bool>,
    /// The `group` column (a writer brief, a year, a tutor group), when the file has one:
    /// `rubric fit` holds out one group at a time to see how its fit does on new writers.
    pub group: Option<String>,
    /// The `anchor` column says `yes`: an agreed exemplar whose levels `rubric fit` keeps
    /// wherever it can.
    pub anchor: bool,
}

/// Reads a level written as a number (`2`) or a level name (`Achieved`, any case).
pub fn parse_level(text: &str, level_names: &[String]) -> Result<u8, String> {
    let t = text.trim();
    let max = level_names.len().saturating_sub(1);
    if let Ok(n) = t.parse::<usize>() {
        if n <= max {
            return Ok(n as u8);
        }
    }
    if let Some(i) = level_names.iter().position(|n| n.eq_ignore_ascii_case(t)) {
        return Ok(i as u8);
    }
    Err(format!(
        "level {t:?} is not a level of the rubric; give 0–{max} or a level name ({})",
        level_names
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{i} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// Reads a CSV of marks (comma, semicolon or tab separated; UTF-8, BOM allowed).
pub fn read_marks(path: &Path, rubric: &Rubric) -> Result<Marks, AgreeError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        AgreeError(format!(
            "{shown}: cannot read: {e}; give a CSV file with a submission column and one column per criterion"
        ))
    })?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| (first.iter().filter(|b| *b == d).count(), *d == b','))
        .unwrap_or(b',');
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| AgreeError(format!("{shown}:1: cannot read the header: {e}")))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let Some(sub_col) = col("submission") else {
        return Err(AgreeError(format!(
            "{shown}:1: no `submission` column; the first row must name the columns (submission, then one column per criterion id, e.g. {})",
            rubric.criteria.first().map(|c| c.id.as_str()).unwrap_or("personal_story")
        )));
    };
    let criteria: Vec<(String, usize)> = rubric
        .criteria
        .iter()
        .filter_map(|c| col(&c.id.to_lowercase()).map(|i| (c.id.clone(), i)))
        .collect();
    let outcome_col = col("outcome");
    let group_col = col("group");
    let anchor_col = col("anchor");
    let max = rubric.level_names.len().saturating_sub(1);
    let mut rows: BTreeMap<String, MarksRow> = BTreeMap::new();
    let mut first_line: BTreeMap<String, u64> = BTreeMap::new();
    let mut warnings = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e
                .position()
                .map(|p| peermark_files::cell::line_at(bytes, p))
                .unwrap_or(0);
            AgreeError(format!(
                "{shown}:{line}: cannot read this row ({e}); save the file as CSV UTF-8"
            ))
        })?;
        let line = rec
            .position()
            .map(|p| peermark_files::cell::line_at(bytes, p))
            .unwrap_or(0);
        if rec.iter().all(str::is_empty) {
            continue;
        }
        let id = peermark_files::cell::clean_id(rec.get(sub_col).unwrap_or(""));
        if id.is_empty() {
            return Err(AgreeError(format!(
                "{shown}:{line}: the submission cell is empty; every row needs its submission id"
            )));
        }
        if let Some(prev) = first_line.insert(id.clone(), line) {
            return Err(AgreeError(format!(
                "{shown}:{line}: submission {id:?} appears again (first on line {prev}); keep one row per submission"
            )));
        }
        if rec.len() < header.len() {
            warnings.push(format!(
                "{shown}:{line}: the row has {} cells and the header {}; the missing cells are read as empty (no level)",
                rec.len(),
                header.len()
            ));
        }
        let mut row = MarksRow::default();
        for (cid, i) in &criteria {
            let cell = rec.get(*i).unwrap_or("").trim();
            let level = if cell.is_empty() {
                None
            } else {
                // A number, or a level name as `override` takes it ("Strong").
                match cell.parse::<f64>() {
                    Ok(v) if v.fract() == 0.0 && v >= 0.0 && v <= max as f64 => Some(v as u8),
                    _ => match parse_level(cell, &rubric.level_names) {
                        Ok(l) => Some(l),
                        Err(_) => {
                            return Err(AgreeError(format!(
                                "{shown}:{line}: {cid} = {cell:?} is not a level 0–{max} or a level name ({}); fix the cell or leave it empty",
                                rubric.level_names.join(", ")
                            )))
                        }
                    },
                }
            };
            row.levels.insert(cid.clone(), level);
        }
        row.group = group_col
            .and_then(|i| rec.get(i))
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(str::to_string);
        row.anchor = anchor_col.and_then(|i| rec.get(i)).is_some_and(|a| {
            matches!(a.trim().to_lowercase().as_str(), "yes" | "y" | "true" | "1")
        });
        if let Some(i) = outcome_col {
            let cell = rec
                .get(i)
                .unwrap_or("")
                .trim()
                .to_lowercase()
                .replace([' ', '-'], "_");
            row.outcome = match cell.as_str() {
                "" => None,
                "achieved" => Some(true),
                "not_yet_achieved" => Some(false),
                _ => {
                    return Err(AgreeError(format!(
                        "{shown}:{line}: outcome = {cell:?} is not achieved or not_yet_achieved; fix the cell or leave it empty"
                    )))
                }
            };
        }
        rows.insert(id, row);
    }
    if rows.is_empty() {
        return Err(AgreeError(format!(
            "{shown}: no rows of marks; give one row per submission under the header"
        )));
    }
    Ok(Marks {
        file: shown,
        criteria: criteria.into_iter().map(|(c, _)| c).collect(),
        has_outcome: outcome_col.is_some(),
        rows,
        warnings,
    })
}

/// Agreement on one criterion (or all pooled).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CriterionAgreement {
    pub id: String,
    /// Pairs compared (submissions with a level in both files).
    pub n: usize,
    pub exact: Option<f64>,
    pub adjacent: Option<f64>,
    pub qwk: Option<f64>,
    /// `confusion[a][b]`: submissions at level `a` in the first file and `b` in the second.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub confusion: Vec<Vec<usize>>,
    /// Matched submissions without a level for this criterion in one file or both.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// With fewer than 30 pairs: a 95 % bootstrap interval for the QWK, which is uncertain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qwk_interval: Option<[f64; 2]>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct OutcomeAgreement {
    /// `outcome columns`, or `rubric rule` where a file had no outcome column.
    pub source: String,
    pub n: usize,
    pub exact: Option<f64>,
    /// Cohen's kappa over achieved / not yet achieved.
    pub kappa: Option<f64>,
    /// Rows: first file, columns: second file; order `achieved`, `not_yet_achieved`.
    pub confusion: [[usize; 2]; 2],
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FileSummary {
    pub file: String,
    pub rows: usize,
}

/// The whole comparison (`agree --format json` prints it).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AgreeReport {
    pub a: FileSummary,
    pub b: FileSummary,
    pub rubric: String,
    pub max_level: u8,
    /// Submissions in both files.
    pub matched: usize,
    pub only_in_a: Vec<String>,
    pub only_in_b: Vec<String>,
    pub criteria: Vec<CriterionAgreement>,
    pub all_criteria: CriterionAgreement,
    /// `null` when neither an outcome column nor the rubric's rule gives both outcomes.
    pub outcome: Option<OutcomeAgreement>,
    /// Criterion columns only one file has (not compared), and similar remarks.
    pub notes: Vec<String>,
}

/// Rounded to four decimals, without a negative zero.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0 + 0.0
}

fn figures(id: &str, pairs: &[(u8, u8)], max: u8, missing: Vec<String>) -> CriterionAgreement {
    let a = agreement(pairs, max);
    let some = |x: f64| (!pairs.is_empty()).then(|| round4(x));
    CriterionAgreement {
        id: id.to_string(),
        n: a.n,
        exact: some(a.exact),
        adjacent: some(a.adjacent),
        qwk: some(a.qwk),
        confusion: if pairs.is_empty() {
            Vec::new()
        } else {
            confusion(pairs, max)
        },
        missing,
        qwk_interval: (pairs.len() >= 2 && pairs.len() < FEW_PAIRS).then(|| {
            let (lo, hi) = qwk_interval(pairs, max);
            [round4(lo), round4(hi)]
        }),
    }
}

/// The outcome of a row by the rubric's rule, when the file has every level the rule needs.
fn rule_outcome(rubric: &Rubric, row: &MarksRow) -> Option<bool> {
    let mut ok = true;
    for (id, min) in &rubric.achieved_when {
        ok &= (*row.levels.get(id)?)? >= *min;
    }
    Some(ok)
}

/// Compares two sets of marks.
pub fn compare(rubric: &Rubric, a: &Marks, b: &Marks) -> Result<AgreeReport, AgreeError> {
    let max = rubric.level_names.len().saturating_sub(1) as u8;
    let shared: Vec<&String> = a
        .criteria
        .iter()
        .filter(|c| b.criteria.contains(c))
        .collect();
    let mut notes = Vec::new();
    for (m, other) in [(a, b), (b, a)] {
        for c in m.criteria.iter().filter(|c| !other.criteria.contains(c)) {
            notes.push(format!("criterion {c} is only in {}: not compared", m.file));
        }
    }
    if shared.is_empty() {
        return Err(AgreeError(format!(
            "no criterion column in both files; name the columns by criterion id ({}) — {} has {}, {} has {}",
            rubric.criteria.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(", "),
            a.file,
            list_or_none(&a.criteria),
            b.file,
            list_or_none(&b.criteria)
        )));
    }
    let matched: Vec<&String> = a.rows.keys().filter(|k| b.rows.contains_key(*k)).collect();
    if matched.is_empty() {
        return Err(AgreeError(format!(
            "no submission is in both {} and {}; rows are matched by the submission column",
            a.file, b.file
        )));
    }
    let mut criteria = Vec::new();
    let mut all = Vec::new();
    for c in &shared {
        let mut pairs = Vec::new();
        let mut missing = Vec::new();
        for s in &matched {
            match (a.rows[*s].levels[*c], b.rows[*s].levels[*c]) {
                (Some(x), Some(y)) => pairs.push((x, y)),
                _ => missing.push((*s).clone()),
            }
        }
        all.extend_from_slice(&pairs);
        criteria.push(figures(c, &pairs, max, missing));
    }
    let mut all_criteria = figures("all criteria", &all, max, Vec::new());
    all_criteria.confusion.clear();

    let from_column = a.has_outcome && b.has_outcome;
    let outcome_of = |m: &Marks, row: &MarksRow| {
        if m.has_outcome && from_column {
            row.outcome
        } else {
            rule_outcome(rubric, row)
        }
    };
    let mut opairs = Vec::new();
    for s in &matched {
        if let (Some(x), Some(y)) = (outcome_of(a, &a.rows[*s]), outcome_of(b, &b.rows[*s])) {
            opairs.push((u8::from(!x), u8::from(!y)));
        }
    }
    let outcome = if opairs.is_empty() {
        notes.push(
            "outcome not compared: give both files an outcome column, or every level the outcome rule needs"
                .into(),
        );
        None
    } else {
        let m = confusion(&opairs, 1);
        let exact = opairs.iter().filter(|(x, y)| x == y).count() as f64 / opairs.len() as f64;
        Some(OutcomeAgreement {
            source: if from_column {
                "outcome columns".into()
            } else {
                format!("rubric rule ({})", rubric.id)
            },
            n: opairs.len(),
            exact: Some(round4(exact)),
            kappa: Some(round4(cohen_kappa(&opairs, 1))),
            confusion: [[m[0][0], m[0][1]], [m[1][0], m[1][1]]],
        })
    };
    let only = |m: &Marks, other: &Marks| -> Vec<String> {
        m.rows
            .keys()
            .filter(|k| !other.rows.contains_key(*k))
            .cloned()
            .collect()
    };
    Ok(AgreeReport {
        a: FileSummary {
            file: a.file.clone(),
            rows: a.rows.len(),
        },
        b: FileSummary {
            file: b.file.clone(),
            rows: b.rows.len(),
        },
        rubric: rubric.id.clone(),
        max_level: max,
        matched: matched.len(),
        only_in_a: only(a, b),
        only_in_b: only(b, a),
        criteria,
        all_criteria,
        outcome,
        notes,
    })
}

/// The items joined by commas, or `none`.
pub fn list_or_none(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn no_negative_zero() {
        assert_eq!(super::round4(-0.00001).to_string(), "0");
    }
}
