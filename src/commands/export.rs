//! `peermark export moodle|canvas`: grades and feedback back into the LMS.

use super::load;
use crate::cli::{Done, ExportCommand, UsageError};

pub fn export(command: ExportCommand) -> Result<Done, UsageError> {
    let usage = |e: peermark_lms::ExportError| UsageError(e.to_string());
    match command {
        ExportCommand::Moodle {
            worksheet,
            results,
            out,
            scale,
            rubric,
        } => {
            let r = load(rubric.as_ref())?;
            let s = peermark_lms::moodle::export(&peermark_lms::moodle::MoodleExport {
                worksheet,
                results,
                out,
                scale,
                support_line: r.safeguarding_settings.support_line.clone(),
            })
            .map_err(usage)?;
            eprintln!(
                "filled {} worksheet row(s); {} left as downloaded → {}",
                s.filled,
                s.untouched,
                s.out.display()
            );
            if let Some(z) = &s.zip {
                eprintln!(
                    "{} feedback file(s) for \"Upload multiple feedback files in a zip\" → {}",
                    s.zipped,
                    z.display()
                );
            }
            report_unfilled(&s.without_row, &s.not_marked, "worksheet");
        }
        ExportCommand::Canvas {
            gradebook,
            assignment,
            results,
            out,
        } => {
            let s = peermark_lms::canvas::export(&peermark_lms::canvas::CanvasExport {
                gradebook,
                assignment,
                results,
                out,
            })
            .map_err(usage)?;
            eprintln!(
                "filled {} learner(s) in \"{}\"; {} row(s) left as exported → {}",
                s.filled,
                s.column,
                s.untouched,
                s.out.display()
            );
            report_unfilled(&s.without_row, &s.not_marked, "gradebook");
        }
    }
    Ok(Done::Ok)
}

fn report_unfilled(without_row: &[String], not_marked: &[String], what: &str) {
    if !without_row.is_empty() {
        eprintln!(
            "no {what} row for: {} (check that the {what} is for the same assignment)",
            without_row.join(", ")
        );
    }
    if !not_marked.is_empty() {
        eprintln!(
            "not filled, could not be marked: {} (mark these by hand)",
            not_marked.join(", ")
        );
    }
}
