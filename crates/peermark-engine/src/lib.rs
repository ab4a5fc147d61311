//! The marking engine: everything between a read [`Document`](peermark_text::Document) and a
//! [`MarkResult`](result::MarkResult).
//!
//! It owns the rubric ([`rubric`]: loading, checking, the built-in files in [`builtin`]), the
//! evidence measures ([`analyse`]), scoring (levels, points, outcome, feed-forward:
//! [`score`]; borderline levels, within the rubric's margins of a threshold: [`borderline`]),
//! marking one submission end to end ([`mark`]: safeguarding scan, language
//! check, measures, score, and the essay's similarity [`fingerprint`]), the result types
//! ([`result`], including the data of an assessor's override and of a previous attempt), and
//! agreement statistics ([`agreement`]: QWK, kappa, confusion matrices) with the sets of marks
//! they compare ([`marks`]).
//!
//! It must not know about output formats or files other than the rubric and a marks CSV:
//! sheets, gradebooks, JSON, LMS exports and the cohort tools build on its results and are
//! not used here.

pub mod agreement;
pub mod analyse;
pub mod borderline;
pub mod builtin;
pub mod fingerprint;
pub mod fit;
#[cfg(feature = "fixtures")]
pub mod fixtures;
pub mod mark;
pub mod marks;
pub mod result;
pub mod rubric;
pub mod score;

pub use builtin::{built_in_files, load_rubric, DEFAULT_RUBRIC_NAME};
pub use mark::{
    check_document, mark_each_with, mark_submission, mark_submission_with, read_stdin_text,
    read_stdin_text_with,
};
pub use result::VERSION;
