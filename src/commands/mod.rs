//! One module per command, each a thin call into the crates: `check` (the learner's),
//! `mark`, `override`, `agree`, `sample`, `export`, `rubric` and `explain`; `run_review` is
//! what `mark` does with the assessor's overrides and a previous run.

use crate::cli::UsageError;
use peermark_engine::rubric::Rubric;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

pub mod agree;
pub mod assessor_override;
pub mod check;
pub mod explain;
pub mod export;
pub mod mark;
pub mod rubric;
pub mod run_review;
pub mod sample;

/// The rubric of `--rubric`, or the built-in one.
pub fn load(rubric: Option<&PathBuf>) -> Result<Rubric, UsageError> {
    peermark_engine::load_rubric(rubric.map(|p| p.as_path()))
        .map_err(|e| UsageError(format!("{e}")))
}

/// Whether standard output is a terminal that takes colour.
pub fn use_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Writes `text` to standard output. A reader that has gone away (`peermark explain … | head`)
/// ends the output quietly: the command still ends as it would have; any other write error is
/// one line naming `what` was being written.
pub fn print_out(text: &str, what: &str) -> Result<(), UsageError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(UsageError(format!("cannot write the {what}: {e}"))),
        Ok(()) => Ok(()),
    }
}
