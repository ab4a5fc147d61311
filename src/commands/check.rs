//! `peermark check FILE`: mark one draft and print its report (the learner's command).

use super::{load, use_color};
use crate::cli::{CheckFormat, Done, UsageError};
use peermark_engine::result::{MarkResult, Outcome, Status};
use std::io::Read;
use std::path::PathBuf;

pub fn check(
    file: PathBuf,
    rubric: Option<PathBuf>,
    format: CheckFormat,
    strict: bool,
    sheet: Option<PathBuf>,
    force: bool,
    limits: &peermark_ingest::Limits,
) -> Result<Done, UsageError> {
    let r = load(rubric.as_ref())?;
    if sheet.is_some() {
        let mut guard = peermark_files::manifest::Guard::new("check", force);
        if file.as_os_str() != "-" {
            guard.add_input(&file);
        }
        peermark_files::manifest::install(guard);
    }
    let ctx = peermark_report::report_context(&r);
    let (doc, submission, shown) = if file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(limits.max_file_size.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| UsageError(format!("cannot read standard input: {e}")))?;
        (
            peermark_engine::read_stdin_text_with(&bytes, limits),
            "stdin".to_string(),
            "-".to_string(),
        )
    } else {
        if !file.exists() {
            return Err(UsageError(format!(
                "{}: no such file; check the path",
                file.display()
            )));
        }
        let Some(fmt) = peermark_ingest::Format::from_path(&file) else {
            return Err(UsageError(format!(
                "{}: not an essay format peermark reads; save it as .docx, .odt, .pdf, .txt or .md",
                file.display()
            )));
        };
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("essay")
            .to_string();
        (
            peermark_ingest::read_file_with(&file, fmt, limits),
            stem,
            file.display().to_string(),
        )
    };
    let (result, doc) = match doc {
        Ok(d) => (
            peermark_engine::check_document(&r, &d, &submission, &shown),
            Some(d),
        ),
        Err(e) => (
            MarkResult::error(&submission, &shown, r.reference(), e.to_string()),
            None,
        ),
    };
    let failed = result.status == Status::Error;
    let out = match format {
        CheckFormat::Json => peermark_report::json::learner_json(&result, &ctx.support_line),
        // An unreadable file has no report: its error is printed once, on stderr, below.
        _ if failed => String::new(),
        CheckFormat::Text => peermark_report::text::render_check(&result, &ctx, use_color()),
        CheckFormat::Diagnostics => {
            peermark_report::text::render_diagnostics(&result, doc.as_ref(), &ctx, use_color())
        }
        CheckFormat::Html => peermark_report::check_html::check_html(&result, doc.as_ref(), &ctx),
    };
    if let Some(path) = &sheet {
        let bytes = peermark_report::sheet_docx::sheet_docx(
            &result,
            &ctx,
            &peermark_report::sheet_docx::today(),
        );
        peermark_files::output::write_atomically(path, &bytes)
            .and_then(|()| peermark_files::manifest::finish())
            .map_err(|e| UsageError(e.to_string()))?;
    }
    if !out.is_empty() {
        super::print_out(&format!("{}\n", out.trim_end()), "report")?;
    }
    if failed {
        // Written for the person running `check` (the writer), once: JSON keeps its error
        // object on stdout and prints nothing else.
        if format != CheckFormat::Json {
            eprintln!(
                "{}: {}",
                shown,
                peermark_report::learner::error_for_writer(
                    result.message.as_deref().unwrap_or("could not be read")
                )
            );
        }
        return Ok(Done::SomeFailed);
    }
    if strict && result.outcome != Some(Outcome::Achieved) {
        return Ok(Done::NotYetAchieved);
    }
    Ok(Done::Ok)
}
