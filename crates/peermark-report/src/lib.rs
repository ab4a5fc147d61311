//! Every output peermark writes from results, one [`Exporter`] per file kind, all fed the
//! same results: the gradebook ([`gradebook`]), `results.json` ([`json`]), the learner's
//! Markdown and Word sheets ([`sheet_md`], [`sheet_docx`], with the review sections of
//! [`review_md`] and the shared [`wording`]), annotated copies ([`annotate`]), the assessor
//! notes ([`notes`]), the cohort report ([`html`]), `check`'s text report ([`text`]) and an
//! agreement report ([`agreement`]).
//!
//! None recomputes a mark: the engine's results (after the cohort tools' overrides) are all
//! it reads. It knows nothing of the command line or the LMS exports, which build on it.

pub mod agreement;
pub mod annotate;
pub mod check_html;
pub mod docx_pkg;
pub mod exporter;
pub mod fit;
pub mod gradebook;
pub mod html;
pub mod json;
pub mod learner;
pub mod notes;
pub mod review_md;
pub mod sheet_docx;
pub mod sheet_md;
pub mod text;
pub mod wording;

pub use exporter::{report_context, sheet_file_stem, sheet_names, Exporter, ReportContext};
