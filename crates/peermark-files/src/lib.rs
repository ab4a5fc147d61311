//! What every writer in peermark shares, and nothing else: private, atomic writes of output
//! files ([`mod@write`], [`output`]), what each command may write over ([`manifest`]),
//! clean-up after an interrupt ([`interrupt`]), the one error of writing an output ([`WriteError`]) and
//! CSV cell handling ([`cell`]: formula-injection escaping, submission ids as written in a
//! cell, line numbers of CSV records).
//!
//! It knows nothing of essays, rubrics or results: the marking engine, the cohort tools,
//! the reports and the LMS exports all build on it, and it uses none of them.

pub mod cell;
pub mod error;
pub mod interrupt;
pub mod manifest;
pub mod output;
pub mod write;

pub use error::WriteError;
