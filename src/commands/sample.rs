//! `peermark sample DIR`: the second-marking sample.

use crate::cli::{Done, UsageError};
use std::path::PathBuf;

/// `peermark sample DIR`: the moderation sample as CSV.
pub fn sample(
    dir: PathBuf,
    size: Option<usize>,
    seed: Option<u64>,
    rubric: Option<PathBuf>,
    out: Option<PathBuf>,
    force: bool,
) -> Result<Done, UsageError> {
    use peermark_cohort::moderation;
    let path = dir.join("results.json");
    peermark_files::manifest::install(
        peermark_files::manifest::Guard::new("sample", force).input(&path),
    );
    let text = std::fs::read_to_string(&path).map_err(|e| {
        UsageError(format!(
            "{}: cannot read it ({e}); give the output folder of `peermark mark`",
            path.display()
        ))
    })?;
    let recorded = super::recorded_rubrics(text.as_bytes());
    let r = super::rubric_for_results(rubric.as_ref(), &dir, &recorded)?;
    let rubric_ids: std::collections::BTreeSet<&str> =
        recorded.iter().map(|x| x.id.as_str()).collect();
    if let Some(other) = rubric_ids.iter().find(|id| **id != r.id) {
        return Err(UsageError(format!(
            "{}: marked with rubric {other:?}, not {:?}; pass the same rubric with --rubric FILE",
            path.display(),
            r.id
        )));
    }
    let cands = moderation::candidates_from_json(&text).map_err(|e| {
        UsageError(format!(
            "{}: not a peermark results file ({e}); run `peermark mark` again",
            path.display()
        ))
    })?;
    let marked = cands.iter().filter(|c| c.marked).count();
    let size = size.unwrap_or_else(|| moderation::size_for(r.moderation.as_ref(), marked));
    let seed = seed.unwrap_or_else(|| moderation::seed_for(r.moderation.as_ref()));
    let s = moderation::select(&cands, &r.achieved_when, size, seed);
    let csv = moderation::sample_csv(&s);
    match out {
        Some(p) => peermark_files::output::write_atomically(&p, csv.as_bytes())
            .and_then(|()| peermark_files::manifest::finish())
            .map_err(|e| UsageError(e.to_string()))?,
        None => super::print_out(&csv, "sample")?,
    }
    if s.over_size > 0 {
        eprintln!(
            "the sample holds {} submissions, {} more than --size {size}: every not-yet-achieved and every borderline submission is included",
            s.picks.len(),
            s.over_size
        );
    }
    Ok(Done::Ok)
}
