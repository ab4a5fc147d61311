//! One module per command, each a thin call into the crates: `check` (the learner's),
//! `mark`, `override`, `agree`, `sample`, `export`, `rubric` and `explain`; `run_review` is
//! what `mark` does with the assessor's overrides and a previous run.

use crate::cli::UsageError;
use peermark_engine::rubric::Rubric;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

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
    crate::cache::load_rubric(rubric.map(|p| p.as_path())).map_err(|e| UsageError(format!("{e}")))
}

/// The rubric one result of `DIR/results.json` records.
#[derive(serde::Deserialize)]
pub struct RecordedRubric {
    pub id: String,
    pub sha256: String,
    /// The file's absolute path, or `built-in`; absent in results from before it was recorded.
    #[serde(default)]
    pub path: Option<String>,
}

/// The rubric each result in a `results.json` text records, in order (empty when the text is
/// not results).
pub fn recorded_rubrics(results: &[u8]) -> Vec<RecordedRubric> {
    #[derive(serde::Deserialize)]
    struct Recorded {
        rubric: Option<RecordedRubric>,
    }
    serde_json::from_slice::<Vec<Recorded>>(results)
        .map(|v| v.into_iter().filter_map(|r| r.rubric).collect())
        .unwrap_or_default()
}

/// The rubric a marked folder was marked with: `--rubric` when given, else the one
/// `DIR/results.json` records (its file, or the built-in rubric). A recorded file whose
/// SHA-256 no longer matches is refused: it would not be the scheme the marks came from.
pub fn load_for_results(rubric: Option<&PathBuf>, dir: &Path) -> Result<Rubric, UsageError> {
    if rubric.is_some() {
        return load(rubric);
    }
    let recorded = std::fs::read(dir.join("results.json"))
        .map(|b| recorded_rubrics(&b))
        .unwrap_or_default();
    rubric_for_results(None, dir, &recorded)
}

/// [`load_for_results`] with the folder's results already read ([`recorded_rubrics`]).
pub fn rubric_for_results(
    rubric: Option<&PathBuf>,
    dir: &Path,
    recorded: &[RecordedRubric],
) -> Result<Rubric, UsageError> {
    if rubric.is_some() {
        return load(rubric);
    }
    let results = dir.join("results.json");
    let Some((sha256, path)) = recorded
        .iter()
        .find_map(|r| r.path.as_deref().map(|p| (&r.sha256, p)))
    else {
        // No results (the command says so itself), or results from before paths were
        // recorded: the built-in rubric, as before.
        return load(None);
    };
    if path == peermark_engine::result::BUILT_IN {
        let r = load(None)?;
        if &r.sha256 != sha256 {
            eprintln!(
                "note: {} was marked with another version of the built-in rubric; using this version's (pass --rubric FILE to use another)",
                results.display()
            );
        }
        return Ok(r);
    }
    let r = peermark_engine::load_rubric(Some(Path::new(path))).map_err(|e| {
        UsageError(format!(
            "{}: marked with the rubric {path}, which cannot be loaded now ({e}); pass --rubric FILE",
            results.display()
        ))
    })?;
    if &r.sha256 != sha256 {
        return Err(UsageError(format!(
            "{path}: changed since {} was marked with it (its SHA-256 differs); pass --rubric with the rubric the folder was marked with, or mark it again",
            dir.display()
        )));
    }
    Ok(r)
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
