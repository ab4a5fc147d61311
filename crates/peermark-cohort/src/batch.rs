//! Marking a whole cohort at once: every submission in parallel, then the cohort's own step
//! (submission order, similar submissions).

use crate::similarity;
use peermark_engine::mark::mark_submission_with;
use peermark_engine::result::MarkResult;
use peermark_engine::rubric::Rubric;
use peermark_ingest::Submission;
use rayon::prelude::*;

/// Marks every submission in parallel (on the current rayon pool), calling `progress` after
/// each one; results come back sorted by submission id. When the rubric has a `[similarity]`
/// table, pairs of submissions whose text largely overlaps get assessor notes.
pub fn mark_batch(
    rubric: &Rubric,
    submissions: &[Submission],
    progress: &(dyn Fn() + Sync),
) -> Vec<MarkResult> {
    mark_batch_with(
        rubric,
        submissions,
        &peermark_ingest::Limits::default(),
        progress,
    )
}

/// [`mark_batch`] reading within `limits`.
pub fn mark_batch_with(
    rubric: &Rubric,
    submissions: &[Submission],
    limits: &peermark_ingest::Limits,
    progress: &(dyn Fn() + Sync),
) -> Vec<MarkResult> {
    let mut results: Vec<MarkResult> = submissions
        .par_iter()
        .map(|s| {
            let r = mark_submission_with(rubric, s, limits);
            progress();
            r
        })
        .collect();
    finish_cohort(rubric, &mut results);
    results
}

/// Puts a cohort's results in submission order and notes similar submissions (the last step
/// of [`mark_batch_with`], and of a caller of [`mark_each_with`](peermark_engine::mark_each_with)).
pub fn finish_cohort(rubric: &Rubric, results: &mut [MarkResult]) {
    results.sort_by(|a, b| a.submission.as_bytes().cmp(b.submission.as_bytes()));
    similarity::annotate(results, rubric.similarity.as_ref());
}
