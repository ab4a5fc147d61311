//! The assessor's side of the command line: overrides applied by `mark`, `--previous` /
//! `--carry-overrides`, and the `override` and `agree` commands. `cli.rs` calls in here.

use crate::cli::{Done, UsageError};
use crate::overrides::{self, NewRow, NotApplied, OverrideRow};
use crate::resubmission::{self, NotCarried, PreviousRun};
use crate::result::MarkResult;
use crate::rubric::Rubric;
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};

/// `mark`'s options for the assessor's review.
#[derive(Args, Debug, Clone, Default)]
pub struct ReviewArgs {
    /// An earlier `mark` output folder: compare each learner's new attempt with it (levels then
    /// and now, what changed in the feedback), in the sheets and results.json.
    #[arg(long, value_name = "OLD_DIR")]
    pub previous: Option<PathBuf>,
    /// With --previous: carry the assessor's overrides in OLD_DIR/overrides.csv forward for
    /// criteria that did not change (same proposed level from the same evidence), by appending
    /// them to DIR/overrides.csv.
    #[arg(long, requires = "previous")]
    pub carry_overrides: bool,
}

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

/// `peermark override SUBMISSION CRITERION LEVEL --reason … --assessor … [--out DIR]`.
pub fn override_command(
    rubric: &Rubric,
    submission: &str,
    criterion: &str,
    level: &str,
    reason: &str,
    assessor: &str,
    out: &Path,
) -> Result<Done, UsageError> {
    let Some(c) = rubric.criterion(criterion.trim()) else {
        return Err(UsageError(format!(
            "no criterion {criterion:?} in rubric {}; criteria are {}",
            rubric.id,
            rubric
                .criteria
                .iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    let level = overrides::parse_level(level, &rubric.level_names).map_err(UsageError)?;
    let submission = overrides::clean_id(submission);
    if submission.is_empty() {
        return Err(UsageError(
            "the submission id is empty; give the id from gradebook.csv".into(),
        ));
    }
    let path = out.join(overrides::FILE_NAME);
    // Say so when the id is not among the marked results, but keep the row: it applies once
    // that submission is marked into this folder.
    let results = out.join("results.json");
    if let Ok(prev) = resubmission::load(out) {
        match prev.results.iter().find(|r| r.submission == submission) {
            None => eprintln!(
                "note: no submission {submission:?} in {}; the override is kept and applies when it is marked into {}",
                results.display(),
                out.display()
            ),
            Some(r) => {
                if let Some(old) = r.criteria.iter().find(|x| x.id == c.id) {
                    eprintln!(
                        "{submission} {}: peermark proposed {} ({}); you set {} ({})",
                        c.id,
                        old.proposed(),
                        rubric.level_names[old.proposed() as usize],
                        level,
                        rubric.level_names[level as usize]
                    );
                }
            }
        }
    }
    let line = overrides::append(
        &path,
        &NewRow {
            submission: &submission,
            criterion: &c.id,
            level,
            reason,
            assessor,
        },
    )
    .map_err(|e| UsageError(e.to_string()))?;
    println!(
        "added {}:{line}: {submission} {} → {level} ({}). Run `peermark mark … --out {}` again to apply it.",
        path.display(),
        c.id,
        rubric.level_names[level as usize],
        out.display()
    );
    // The file is the assessor's: tell them at once if any row would stop `mark`.
    if let Err(e) = overrides::read(&path, &rubric.level_names) {
        eprintln!("warning: {e}; `peermark mark` stops until this row is fixed");
    }
    Ok(Done::Ok)
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum AgreeFormat {
    Text,
    Json,
}

/// `peermark agree A.csv B.csv [--format text|json]`.
pub fn agree_command(
    rubric: &Rubric,
    a: &Path,
    b: &Path,
    format: AgreeFormat,
) -> Result<Done, UsageError> {
    let ma = crate::agree::read_marks(a, rubric).map_err(|e| UsageError(e.to_string()))?;
    let mb = crate::agree::read_marks(b, rubric).map_err(|e| UsageError(e.to_string()))?;
    let report = crate::agree::compare(rubric, &ma, &mb).map_err(|e| UsageError(e.to_string()))?;
    let text = match format {
        AgreeFormat::Text => crate::agree::render_text(&report),
        AgreeFormat::Json => crate::agree::render_json(&report),
    };
    use std::io::Write;
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(|e| UsageError(format!("cannot write the report: {e}")))?;
    Ok(Done::Ok)
}
