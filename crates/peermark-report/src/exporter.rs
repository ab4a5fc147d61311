//! The [`Exporter`] trait every output implements, the [`ReportContext`] they share, and the
//! names of per-learner files.

use peermark_engine::result::MarkResult;
use peermark_engine::rubric::Rubric;
use peermark_files::WriteError;
use std::path::Path;

/// What the exporters need to know about the rubric, as plain data.
#[derive(Clone, Debug)]
pub struct ReportContext {
    pub rubric_id: String,
    pub rubric_title: String,
    /// The assignment brief, one sentence.
    pub assignment: String,
    /// Criterion ids and titles, in rubric order.
    pub criteria: Vec<(String, String)>,
    /// Each criterion's stretch for a learner at its top level (rubric order, as `criteria`).
    pub stretch: Vec<String>,
    /// Level names, index = level.
    pub level_names: Vec<String>,
    /// The warm line that support is available, shown to learners whatever the essay says.
    pub support_line: String,
    /// The organisation's safeguarding contact, shown to assessors only.
    pub safeguarding_contact: String,
}

/// One output of `mark`, written from all results at once (results are sorted by submission).
pub trait Exporter: Send + Sync {
    /// Writes this exporter's files under `out_dir`; a per-learner exporter writes every
    /// result's files, in parallel, unless it says otherwise.
    fn export(
        &self,
        results: &[MarkResult],
        ctx: &ReportContext,
        out_dir: &Path,
    ) -> Result<(), WriteError> {
        export_each(self, results, ctx, out_dir)
    }

    /// Whether this is `results.json`, which `mark` writes while marking when it streams.
    fn is_results_json(&self) -> bool {
        false
    }

    /// Whether this exporter writes one learner's files from that learner's result alone
    /// ([`Exporter::write_learner`]), so `mark` can write them as each result finishes.
    fn per_learner(&self) -> bool {
        false
    }

    /// A per-learner exporter's files for one result, named `name` (see
    /// [`sheet_names`]). Whole-cohort exporters write nothing here.
    fn write_learner(
        &self,
        _result: &MarkResult,
        _name: &str,
        _ctx: &ReportContext,
        _out_dir: &Path,
    ) -> Result<(), WriteError> {
        Ok(())
    }
}

/// Every result's files of a per-learner exporter, in parallel.
fn export_each(
    exporter: &(impl Exporter + ?Sized),
    results: &[MarkResult],
    ctx: &ReportContext,
    out_dir: &Path,
) -> Result<(), WriteError> {
    use rayon::prelude::*;
    let names = sheet_names(results);
    results
        .par_iter()
        .zip(names)
        .try_for_each(|(r, name)| exporter.write_learner(r, &name, ctx, out_dir))
}

/// The file-name stems of the results' sheets, in order: each submission id made safe and
/// told apart from the others ([`peermark_files::write::unique_file_names`]). Every per-submission
/// output (Markdown and Word sheets, annotated copies) is named from these.
pub fn sheet_names(results: &[MarkResult]) -> Vec<String> {
    peermark_files::write::unique_file_names(results.iter().map(|r| r.submission.as_str()))
}

/// The file stem of one submission's sheet on its own: its id made safe
/// ([`peermark_files::write::safe_file_name`]); a batch uses [`sheet_names`].
pub fn sheet_file_stem(submission: &str) -> String {
    peermark_files::write::safe_file_name(submission)
}

/// The report context for a rubric.
pub fn report_context(rubric: &Rubric) -> ReportContext {
    ReportContext {
        rubric_id: rubric.id.clone(),
        rubric_title: rubric.title.clone(),
        assignment: rubric.assignment.clone(),
        criteria: rubric
            .criteria
            .iter()
            .map(|c| (c.id.clone(), c.title.clone()))
            .collect(),
        stretch: rubric.criteria.iter().map(|c| c.stretch.clone()).collect(),
        level_names: rubric.level_names.clone(),
        support_line: rubric.safeguarding_settings.support_line.clone(),
        safeguarding_contact: rubric.safeguarding_settings.contact.clone(),
    }
}
