//! `peermark rubric check FILE`: validate a rubric (its language rules' own examples included).

use crate::cli::{Done, UsageError};
use std::path::Path;

/// `peermark rubric check RUBRIC`.
pub fn check(rubric: &Path) -> Result<Done, UsageError> {
    let r = peermark_engine::load_rubric(Some(rubric)).map_err(|e| UsageError(e.to_string()))?;
    let failures = r.language.run_examples();
    if !failures.is_empty() {
        for f in &failures {
            eprintln!("{}: {f}", rubric.display());
        }
        return Err(UsageError(format!(
            "{}: {} language rule example(s) do not behave as the rule says",
            rubric.display(),
            failures.len()
        )));
    }
    super::print_out(
        &format!(
            "{}: ok — rubric {:?}, {} criteria, {} measures, {} language rules (every rule example passes), sha256 {}\n",
            rubric.display(),
            r.id,
            r.criteria.len(),
            r.measures.len(),
            r.language.rules().len(),
            r.sha256
        ),
        "result",
    )?;
    Ok(Done::Ok)
}
