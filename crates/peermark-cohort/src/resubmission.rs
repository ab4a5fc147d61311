//! Resubmission: `mark --previous OLD_DIR` compares each learner's new attempt with the last.
//!
//! The earlier attempt is read from `OLD_DIR/results.json` (written by an earlier
//! `peermark mark`). A new result is matched to an old one by `learner_id` when both carry one
//! (LMS downloads), otherwise by `submission` id. Each matched result gains a `previous` object:
//! score and outcome then, and per criterion the level then and now and what changed in the
//! feedback (sentences no longer said, sentences new this time). Levels are the final ones,
//! after the assessor's overrides, on both sides: what the learner was told then and now.
//!
//! **Carrying overrides forward** (`--carry-overrides`, only when the assessor asks): an
//! override in `OLD_DIR/overrides.csv` is carried to the new attempt when its criterion is
//! *unchanged* — peermark's proposal is the same level from the same evidence counts
//! (`measures`) as last time. A carried override is **appended to the new `DIR/overrides.csv`**
//! (so it is the assessor's, visible and editable like any other row, and later runs keep it
//! without the flag), its reason marked as carried forward. A criterion that already has a row
//! in the new file is left alone, so running twice carries nothing twice. Overrides not carried
//! (the criterion changed, or the learner did not resubmit) are reported on stderr.

use crate::overrides::OverrideRow;
use peermark_engine::result::{
    CriterionChange, MarkResult, Outcome, Override, PreviousAttempt, Status,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `up`, `down`, `same`, or `new`/`gone` when one side lacks the criterion.
pub fn change_of(level_then: Option<u8>, level_now: Option<u8>) -> &'static str {
    match (level_then, level_now) {
        (Some(a), Some(b)) if b > a => "up",
        (Some(a), Some(b)) if b < a => "down",
        (Some(_), Some(_)) => "same",
        (None, _) => "new",
        (_, None) => "gone",
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ResubmissionError {
    #[error("{path}: cannot read the earlier run: {source}; --previous takes the --out folder of an earlier `peermark mark`")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a peermark results.json ({message}); --previous takes the --out folder of an earlier `peermark mark`")]
    Json { path: String, message: String },
}

/// A result of the earlier run (the parts the comparison needs; unknown fields are ignored).
#[derive(Clone, Debug, Deserialize)]
pub struct OldResult {
    pub submission: String,
    #[serde(default)]
    pub learner_id: Option<String>,
    #[serde(default)]
    pub file: String,
    pub status: Status,
    #[serde(default)]
    pub rubric: Option<OldRubric>,
    #[serde(default)]
    pub score: Option<f64>,
    #[serde(default)]
    pub outcome: Option<Outcome>,
    #[serde(default)]
    pub criteria: Vec<OldCriterion>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct OldRubric {
    pub id: String,
    pub sha256: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct OldCriterion {
    pub id: String,
    pub level: u8,
    #[serde(default)]
    pub feedback: String,
    #[serde(default)]
    pub measures: BTreeMap<String, f64>,
    #[serde(default, rename = "override")]
    pub assessor_override: Option<Override>,
}

impl OldCriterion {
    /// peermark's proposal in the earlier run (before any override).
    pub fn proposed(&self) -> u8 {
        self.assessor_override
            .as_ref()
            .map_or(self.level, |o| o.proposed_level)
    }
}

/// The earlier run.
#[derive(Clone, Debug)]
pub struct PreviousRun {
    pub dir: PathBuf,
    pub results: Vec<OldResult>,
}

/// Reads `OLD_DIR/results.json`.
pub fn load(dir: &Path) -> Result<PreviousRun, ResubmissionError> {
    let path = dir.join("results.json");
    let bytes = std::fs::read(&path).map_err(|e| ResubmissionError::Io {
        path: path.display().to_string(),
        source: e,
    })?;
    let results: Vec<OldResult> =
        serde_json::from_slice(&bytes).map_err(|e| ResubmissionError::Json {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
    Ok(PreviousRun {
        dir: dir.to_path_buf(),
        results,
    })
}

/// A result's `learner_id`, when results carry one (LMS downloads): read from the result
/// object itself, so the comparison follows whatever identity the result records.
fn learner_id_of(r: &MarkResult) -> Option<String> {
    serde_json::to_value(r)
        .ok()?
        .get("learner_id")?
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Pairs each new result (by index) with the earlier result (by index) of the same learner.
pub fn pair(prev: &PreviousRun, results: &[MarkResult]) -> BTreeMap<usize, usize> {
    let by_learner: BTreeMap<&str, usize> = prev
        .results
        .iter()
        .enumerate()
        .filter_map(|(i, o)| o.learner_id.as_deref().map(|l| (l, i)))
        .collect();
    let by_submission: BTreeMap<&str, usize> = prev
        .results
        .iter()
        .enumerate()
        .map(|(i, o)| (o.submission.as_str(), i))
        .collect();
    let mut out = BTreeMap::new();
    for (i, r) in results.iter().enumerate() {
        let learner = learner_id_of(r);
        let old = match learner.as_deref() {
            Some(l) if by_learner.contains_key(l) => by_learner.get(l).copied(),
            _ => by_submission
                .get(r.submission.as_str())
                .copied()
                // Same id but recorded as another learner: not the same person.
                .filter(|&j| {
                    learner.is_none()
                        || prev.results[j].learner_id.is_none()
                        || prev.results[j].learner_id == learner
                }),
        };
        if let Some(j) = old {
            out.insert(i, j);
        }
    }
    out
}

/// What [`compare`] found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Compared {
    /// New results matched to an earlier attempt.
    pub matched: usize,
    /// Earlier submissions with no new attempt in this run.
    pub not_resubmitted: Vec<String>,
}

/// Records the earlier attempt in each matched result (`previous`). Call after overrides are
/// applied, so that levels now are final.
pub fn compare(prev: &PreviousRun, results: &mut [MarkResult]) -> Compared {
    let pairs = pair(prev, results);
    let mut seen = vec![false; prev.results.len()];
    for (&i, &j) in &pairs {
        seen[j] = true;
        let old = &prev.results[j];
        let r = &mut results[i];
        if old.status != Status::Marked && r.status != Status::Marked {
            continue;
        }
        let rubric_changed = old
            .rubric
            .as_ref()
            .is_some_and(|o| o.id != r.rubric.id || o.sha256 != r.rubric.sha256);
        let mut criteria = Vec::new();
        for c in &r.criteria {
            let then = old.criteria.iter().find(|o| o.id == c.id);
            let (no_longer_said, new_this_time) = match then {
                Some(o) => sentence_diff(&o.feedback, &c.feedback),
                None => (Vec::new(), Vec::new()),
            };
            criteria.push(CriterionChange {
                id: c.id.clone(),
                level_then: then.map(|o| o.level),
                level_now: Some(c.level),
                change: change_of(then.map(|o| o.level), Some(c.level)).into(),
                no_longer_said,
                new_this_time,
            });
        }
        for o in &old.criteria {
            if !r.criteria.iter().any(|c| c.id == o.id) && r.status == Status::Marked {
                criteria.push(CriterionChange {
                    id: o.id.clone(),
                    level_then: Some(o.level),
                    level_now: None,
                    change: "gone".into(),
                    no_longer_said: Vec::new(),
                    new_this_time: Vec::new(),
                });
            }
        }
        r.previous = Some(PreviousAttempt {
            submission: old.submission.clone(),
            file: old.file.clone(),
            score: old.score,
            outcome: old.outcome,
            rubric_changed,
            criteria,
        });
    }
    Compared {
        matched: pairs.len(),
        not_resubmitted: prev
            .results
            .iter()
            .zip(&seen)
            .filter(|(_, s)| !**s)
            .map(|(o, _)| o.submission.clone())
            .collect(),
    }
}

/// Sentences of `then` not in `now`, and of `now` not in `then`, in order.
pub fn sentence_diff(then: &str, now: &str) -> (Vec<String>, Vec<String>) {
    let split = |t: &str| -> Vec<String> {
        peermark_text::sentences(t)
            .into_iter()
            .map(|r| t[r].split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty())
            .collect()
    };
    let (a, b) = (split(then), split(now));
    let gone = a.iter().filter(|s| !b.contains(s)).cloned().collect();
    let new = b.iter().filter(|s| !a.contains(s)).cloned().collect();
    (gone, new)
}

/// An override to carry into the new run's `overrides.csv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Carry {
    pub submission: String,
    pub criterion: String,
    pub level: u8,
    pub reason: String,
    pub assessor: String,
}

/// An earlier override not carried, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotCarried {
    pub row: OverrideRow,
    pub why: String,
}

/// The words added to a carried override's reason.
pub const CARRIED_NOTE: &str = "(carried forward from the previous attempt)";

/// Which of the earlier overrides (`old_rows`, the earlier `overrides.csv`) carry to this run:
/// those whose criterion is unchanged (same proposed level from the same measures) and that
/// have no row yet in this run's overrides (`new_rows`). Call before applying overrides:
/// `results` hold peermark's proposals.
pub fn carry(
    prev: &PreviousRun,
    old_rows: &[OverrideRow],
    results: &[MarkResult],
    new_rows: &[OverrideRow],
) -> (Vec<Carry>, Vec<NotCarried>) {
    let pairs = pair(prev, results);
    let new_for_old: BTreeMap<usize, usize> = pairs.iter().map(|(&i, &j)| (j, i)).collect();
    let old_index: BTreeMap<&str, usize> = prev
        .results
        .iter()
        .enumerate()
        .map(|(j, o)| (o.submission.as_str(), j))
        .collect();
    let mut latest: BTreeMap<(&str, &str), &OverrideRow> = BTreeMap::new();
    for row in old_rows {
        latest.insert((row.submission.as_str(), row.criterion.as_str()), row);
    }
    let mut rows: Vec<&OverrideRow> = latest.into_values().collect();
    rows.sort_by_key(|r| r.line);
    let (mut carried, mut not) = (Vec::new(), Vec::new());
    for row in rows {
        let mut skip = |why: String| {
            not.push(NotCarried {
                row: row.clone(),
                why,
            })
        };
        let Some(&j) = old_index.get(row.submission.as_str()) else {
            skip("the earlier run has no such submission".into());
            continue;
        };
        let Some(&i) = new_for_old.get(&j) else {
            skip("no new attempt in this run".into());
            continue;
        };
        let (old, new) = (&prev.results[j], &results[i]);
        if new.status != Status::Marked {
            skip("the new attempt could not be marked".into());
            continue;
        }
        let (Some(then), Some(now)) = (
            old.criteria.iter().find(|c| c.id == row.criterion),
            new.criteria.iter().find(|c| c.id == row.criterion),
        ) else {
            skip("the criterion is not in both runs".into());
            continue;
        };
        let proposed_now = now
            .assessor_override
            .as_ref()
            .map_or(now.level, |o| o.proposed_level);
        if then.proposed() != proposed_now {
            skip(format!(
                "the criterion changed: peermark proposed {} then and {} now; review it",
                then.proposed(),
                proposed_now
            ));
            continue;
        }
        if !then.measures.is_empty() && then.measures != now.measures {
            let changed: Vec<&str> = now
                .measures
                .iter()
                .filter(|(k, v)| then.measures.get(*k) != Some(*v))
                .map(|(k, _)| k.as_str())
                .collect();
            skip(format!(
                "the criterion changed: the evidence differs ({}); review it",
                changed.join(", ")
            ));
            continue;
        }
        if new_rows
            .iter()
            .any(|n| n.submission == new.submission && n.criterion == row.criterion)
        {
            // The assessor already decided for this attempt (or it was carried before).
            continue;
        }
        let reason = if row.reason.contains(CARRIED_NOTE) {
            row.reason.clone()
        } else {
            format!("{} {CARRIED_NOTE}", row.reason)
        };
        carried.push(Carry {
            submission: new.submission.clone(),
            criterion: row.criterion.clone(),
            level: row.level,
            reason,
            assessor: row.assessor.clone(),
        });
    }
    (carried, not)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_no_longer_said_and_new() {
        let (gone, new) = sentence_diff(
            "You tell your story. Next steps: say what helped.",
            "You tell your story. You reflect on what helped.",
        );
        assert_eq!(gone, vec!["Next steps: say what helped."]);
        assert_eq!(new, vec!["You reflect on what helped."]);
    }

    #[test]
    fn changes_read_as_words() {
        assert_eq!(change_of(Some(1), Some(2)), "up");
        assert_eq!(change_of(Some(2), Some(1)), "down");
        assert_eq!(change_of(Some(2), Some(2)), "same");
        assert_eq!(change_of(None, Some(2)), "new");
        assert_eq!(change_of(Some(2), None), "gone");
    }
}
