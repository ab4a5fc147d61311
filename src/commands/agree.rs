//! `peermark agree A.csv B.csv`: how well two sets of marks agree.

use crate::cli::{AgreeFormat, Done, UsageError};
use peermark_engine::rubric::Rubric;
use std::path::Path;

/// `peermark agree A.csv B.csv [--format text|json]`.
pub fn agree_command(
    rubric: &Rubric,
    a: &Path,
    b: &Path,
    format: AgreeFormat,
) -> Result<Done, UsageError> {
    let ma =
        peermark_engine::marks::read_marks(a, rubric).map_err(|e| UsageError(e.to_string()))?;
    let mb =
        peermark_engine::marks::read_marks(b, rubric).map_err(|e| UsageError(e.to_string()))?;
    for w in ma.warnings.iter().chain(&mb.warnings) {
        eprintln!("warning: {w}");
    }
    let report =
        peermark_engine::marks::compare(rubric, &ma, &mb).map_err(|e| UsageError(e.to_string()))?;
    let text = match format {
        AgreeFormat::Text => peermark_report::agreement::render_text(&report),
        AgreeFormat::Json => peermark_report::agreement::render_json(&report),
    };
    super::print_out(&text, "report")?;
    Ok(Done::Ok)
}
