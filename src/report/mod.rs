//! Outputs. One [`Exporter`] per file kind, all fed the same results; none recomputes a mark.

use crate::result::MarkResult;
use std::path::Path;

pub mod annotate;
pub mod docx_pkg;
pub mod files;
pub mod gradebook;
pub mod html;
pub mod json;
pub mod notes;
pub mod review_md;
pub mod sheet_docx;
pub mod sheet_md;
pub mod text;

/// What the exporters need to know about the rubric, as plain data.
#[derive(Clone, Debug)]
pub struct ReportContext {
    pub rubric_id: String,
    pub rubric_title: String,
    /// The assignment brief, one sentence.
    pub assignment: String,
    /// Criterion ids and titles, in rubric order.
    pub criteria: Vec<(String, String)>,
    /// Level names, index = level.
    pub level_names: Vec<String>,
    /// The warm line that support is available, shown to learners whatever the essay says.
    pub support_line: String,
    /// The organisation's safeguarding contact, shown to assessors only.
    pub safeguarding_contact: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(
        "cannot write {path}: {source}; check that the folder is writable and the disk is not full"
    )]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {message}")]
    Format { path: String, message: String },
}

impl ReportError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        ReportError::Io {
            path: path.display().to_string(),
            source,
        }
    }
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
    ) -> Result<(), ReportError> {
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
    /// [`sheet_md::sheet_names`]). Whole-cohort exporters write nothing here.
    fn write_learner(
        &self,
        _result: &MarkResult,
        _name: &str,
        _ctx: &ReportContext,
        _out_dir: &Path,
    ) -> Result<(), ReportError> {
        Ok(())
    }
}

/// Every result's files of a per-learner exporter, in parallel.
fn export_each(
    exporter: &(impl Exporter + ?Sized),
    results: &[MarkResult],
    ctx: &ReportContext,
    out_dir: &Path,
) -> Result<(), ReportError> {
    use rayon::prelude::*;
    let names = sheet_md::sheet_names(results);
    results
        .par_iter()
        .zip(names)
        .try_for_each(|(r, name)| exporter.write_learner(r, &name, ctx, out_dir))
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so an
/// interrupted run never leaves a half-written output; owner-only unless outputs are shared
/// (see [`files`]).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    files::write_atomically(path, bytes).map_err(|e| ReportError::io(path, e))
}

/// [`write_atomically`] for a per-learner sheet, which a re-run writes again: not flushed to
/// disk before the rename (see [`files::write_replaceable`]).
pub fn write_sheet(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    files::write_replaceable(path, bytes).map_err(|e| ReportError::io(path, e))
}

/// Neutralises spreadsheet formula injection in a text cell peermark writes: a leading `=`,
/// `+`, `-`, `@`, tab or carriage return gets a `'` prefix (as OWASP and Moodle advise).
pub fn safe_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}
