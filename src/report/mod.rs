//! Outputs. One [`Exporter`] per file kind, all fed the same results; none recomputes a mark.

use crate::result::MarkResult;
use std::path::Path;

pub mod annotate;
pub mod docx_pkg;
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
pub trait Exporter {
    /// Writes this exporter's files under `out_dir`.
    fn export(
        &self,
        results: &[MarkResult],
        ctx: &ReportContext,
        out_dir: &Path,
    ) -> Result<(), ReportError>;
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so an
/// interrupted run never leaves a half-written output.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    use std::io::Write;
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| ReportError::io(dir, e))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("out"),
        std::process::id()
    ));
    let mut f = std::fs::File::create(&tmp).map_err(|e| ReportError::io(&tmp, e))?;
    f.write_all(bytes).map_err(|e| ReportError::io(&tmp, e))?;
    f.sync_all().ok();
    drop(f);
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        ReportError::io(path, e)
    })
}

/// Neutralises spreadsheet formula injection in a text cell peermark writes: a leading `=`,
/// `+`, `-`, `@`, tab or carriage return gets a `'` prefix (as OWASP and Moodle advise).
pub fn safe_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}
