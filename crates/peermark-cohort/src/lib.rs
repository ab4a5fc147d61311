//! The assessor's tools over a cohort's results: applying the assessor's overrides
//! ([`overrides`]), comparing a resubmission with the previous attempt and carrying
//! overrides forward ([`resubmission`]), finding submissions whose text largely overlaps
//! ([`similarity`]), drawing the second-marking sample ([`moderation`]), and marking a whole
//! cohort in one call ([`batch`]).
//!
//! It works on results (and the fingerprints marking left on them), never on a document's
//! internals, and knows no output format: the reports and LMS exports build on it.

pub mod batch;
pub mod moderation;
pub mod overrides;
pub mod resubmission;
pub mod similarity;

pub use batch::{finish_cohort, mark_batch, mark_batch_with};
