//! `peermark override SUBMISSION CRITERION LEVEL`: the assessor sets a level (a row appended
//! to `overrides.csv`).

use crate::cli::{Done, UsageError};
use peermark_cohort::overrides::{self, NewRow};
use peermark_cohort::resubmission;
use peermark_engine::rubric::Rubric;
use std::path::Path;

/// One override as typed on the command line.
pub struct NewOverride<'a> {
    pub submission: &'a str,
    pub criterion: &'a str,
    pub level: &'a str,
    pub reason: &'a str,
    pub assessor: &'a str,
}

/// `peermark override SUBMISSION CRITERION LEVEL --reason … --assessor … [--out DIR]
/// [--force]`.
pub fn override_command(
    rubric: &Rubric,
    new: &NewOverride,
    out: &Path,
    force: bool,
) -> Result<Done, UsageError> {
    let NewOverride {
        submission,
        criterion,
        level,
        reason,
        assessor,
    } = *new;
    let Some(c) = rubric.criterion(criterion.trim()) else {
        return Err(UsageError(rubric.no_criterion(criterion)));
    };
    let level =
        peermark_engine::marks::parse_level(level, &rubric.level_names).map_err(UsageError)?;
    let submission = peermark_files::cell::clean_id(submission);
    if submission.is_empty() {
        return Err(UsageError(
            "the submission id is empty; give the id from gradebook.csv".into(),
        ));
    }
    overrides::validate(&NewRow {
        submission: &submission,
        criterion: &c.id,
        level,
        reason,
        assessor,
    })
    .map_err(|e| UsageError(e.to_string()))?;
    if out.is_file() {
        return Err(UsageError(format!(
            "{}: is a file; give --out the folder that `peermark mark --out` wrote",
            out.display()
        )));
    }
    let path = out.join(overrides::FILE_NAME);
    // Say so when the id is not among the marked results, but keep the row: it applies once
    // that submission is marked into this folder.
    let results = out.join("results.json");
    if !results.is_file() && !force {
        return Err(UsageError(format!(
            "{}: no marked results there (no results.json); give --out the folder `peermark mark` wrote, or add --force to start an overrides file before marking",
            out.display()
        )));
    }
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
    super::print_out(
        &format!(
            "added {}:{line}: {submission} {} → {level} ({}). Run `peermark mark … --out {}` again to apply it.\n",
            path.display(),
            c.id,
            rubric.level_names[level as usize],
            out.display()
        ),
        "confirmation",
    )?;
    // The file is the assessor's: tell them at once if any row would stop `mark`.
    if let Err(e) = overrides::read(&path, &rubric.level_names) {
        eprintln!("warning: {e}; `peermark mark` stops until this row is fixed");
    }
    Ok(Done::Ok)
}
