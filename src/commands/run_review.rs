//! The assessor's review of a run: what `mark` does with `DIR/overrides.csv`, `--previous`
//! and `--carry-overrides`, and what it says about them.

use crate::cli::ReviewArgs;
use crate::cli::UsageError;
use peermark_cohort::overrides::{self, NewRow, NotApplied, OverrideRow};
use peermark_cohort::resubmission::{self, NotCarried, PreviousRun};
use peermark_engine::result::MarkResult;
use peermark_engine::rubric::Rubric;
use std::path::{Path, PathBuf};

/// What `mark` reads for the review before marking (so that a bad file stops it before
/// anything is written).
pub struct Review {
    overrides_path: PathBuf,
    rows: Vec<OverrideRow>,
    previous: Option<PreviousRun>,
    old_overrides: Option<(PathBuf, Vec<OverrideRow>)>,
    not_applied: Vec<NotApplied>,
}

impl Review {
    /// Whether the review changes nothing: no override rows and no earlier run to compare
    /// with. Only then can `mark` write each learner's files as soon as they are marked;
    /// otherwise it needs the whole cohort first (overrides name submissions, a comparison
    /// lists who did not resubmit).
    pub fn is_inert(&self) -> bool {
        self.rows.is_empty() && self.previous.is_none()
    }

    /// Reads `DIR/overrides.csv` and, with `--previous`, the earlier run (and its overrides).
    pub fn load(rubric: &Rubric, out: &Path, args: &ReviewArgs) -> Result<Review, UsageError> {
        let overrides_path = out.join(overrides::FILE_NAME);
        let rows = overrides::read(&overrides_path, &rubric.level_names)
            .map_err(|e| UsageError(e.to_string()))?;
        let previous = match &args.previous {
            Some(dir) => Some(resubmission::load(dir).map_err(|e| UsageError(e.to_string()))?),
            None => None,
        };
        // The earlier overrides must be readable only when they are to be carried; otherwise
        // they are just counted for a hint.
        let old_overrides = match &args.previous {
            Some(dir) => {
                let p = dir.join(overrides::FILE_NAME);
                let rows = match overrides::read(&p, &rubric.level_names) {
                    Ok(rows) => rows,
                    Err(e) if args.carry_overrides => return Err(UsageError(e.to_string())),
                    Err(_) => Vec::new(),
                };
                Some((p, rows))
            }
            None => None,
        };
        Ok(Review {
            overrides_path,
            rows,
            previous,
            old_overrides,
            not_applied: Vec::new(),
        })
    }

    /// After marking: carries overrides forward (when asked), applies `overrides.csv`, and
    /// compares with the earlier run. Says on stderr what it did; what was not applied is said
    /// even with `--quiet`.
    pub fn apply(
        &mut self,
        rubric: &Rubric,
        results: &mut [MarkResult],
        args: &ReviewArgs,
        quiet: bool,
    ) -> Result<(), UsageError> {
        if let (Some(prev), Some((old_path, old_rows))) = (&self.previous, &self.old_overrides) {
            if args.carry_overrides {
                let (carried, not_carried) =
                    resubmission::carry(prev, old_rows, results, &self.rows);
                for c in &carried {
                    let line = overrides::append(
                        &self.overrides_path,
                        &NewRow {
                            submission: &c.submission,
                            criterion: &c.criterion,
                            level: c.level,
                            reason: &c.reason,
                            assessor: &c.assessor,
                        },
                    )
                    .map_err(|e| UsageError(e.to_string()))?;
                    self.rows.push(OverrideRow {
                        submission: c.submission.clone(),
                        criterion: c.criterion.clone(),
                        level: c.level,
                        reason: c.reason.clone(),
                        assessor: c.assessor.clone(),
                        line,
                    });
                }
                if !carried.is_empty() {
                    eprintln!(
                        "carried {} override(s) forward from {} → {}",
                        carried.len(),
                        old_path.display(),
                        self.overrides_path.display()
                    );
                }
                for n in &not_carried {
                    eprintln!("{}", not_carried_line(old_path, n));
                }
            } else if !old_rows.is_empty() {
                eprintln!(
                    "{} has {} override row(s), not carried forward; add --carry-overrides to carry those for unchanged criteria",
                    old_path.display(),
                    old_rows.len()
                );
            }
        }
        let applied = overrides::apply(rubric, results, &self.rows);
        if applied.applied > 0 && !quiet {
            eprintln!(
                "applied {} assessor override(s) from {}",
                applied.applied,
                self.overrides_path.display()
            );
        }
        for n in &applied.not_applied {
            eprintln!("{}", overrides::describe(&self.overrides_path, n));
        }
        self.not_applied = applied.not_applied;
        if let Some(prev) = &self.previous {
            let c = resubmission::compare(prev, results);
            if !quiet {
                eprintln!(
                    "compared {} submission(s) with their previous attempt in {}{}",
                    c.matched,
                    prev.dir.display(),
                    if c.not_resubmitted.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "; {} earlier submission(s) have no new attempt: {}",
                            c.not_resubmitted.len(),
                            c.not_resubmitted.join(", ")
                        )
                    }
                );
            }
        }
        Ok(())
    }

    /// After the exporters: the overrides not applied go into `assessor-notes.csv`.
    pub fn after_export(&self, out: &Path) -> Result<(), UsageError> {
        overrides::add_to_assessor_notes(out, &self.not_applied)
            .map_err(|e| UsageError(e.to_string()))
    }
}

fn not_carried_line(old_path: &Path, n: &NotCarried) -> String {
    format!(
        "override not carried ({}:{}): {} {} → {}: {}",
        old_path.display(),
        n.row.line,
        n.row.submission,
        n.row.criterion,
        n.row.level,
        n.why
    )
}
