//! `peermark export moodle|canvas`: grades and feedback back into the LMS.

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
            force,
        } => {
            let r = super::load_for_results(rubric.as_ref(), &results)?;
            peermark_files::manifest::install(
                peermark_files::manifest::Guard::new("export moodle", force)
                    .input(&worksheet)
                    .input(&results.join("results.json")),
            );
            let s = peermark_lms::moodle::export(&peermark_lms::moodle::MoodleExport {
                worksheet,
                results,
                out,
                scale,
                support_line: r.safeguarding_settings.support_line.clone(),
                descriptors: peermark_lms::LevelDescriptors::of(&r),
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
            force,
        } => {
            peermark_files::manifest::install(
                peermark_files::manifest::Guard::new("export canvas", force)
                    .input(&gradebook)
                    .input(&results.join("results.json")),
            );
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
            if let Some(z) = &s.zip {
                eprintln!(
                    "{} feedback sheet(s) for Canvas → {} (upload it on the assignment's page: \"Re-upload submissions\" → choose this zip; each sheet is added to its learner's submission as a comment)",
                    s.zipped,
                    z.display()
                );
            }
            if !s.without_upload.is_empty() {
                eprintln!(
                    "not in the zip, no uploaded file to attach a sheet to (online text): {} (add their sheet from the results' feedback folder in SpeedGrader)",
                    s.without_upload.join(", ")
                );
            }
            if !s.without_sheet.is_empty() {
                eprintln!(
                    "not in the zip, no feedback sheet: {} (mark again with Word or Markdown sheets)",
                    s.without_sheet.join(", ")
                );
            }
            report_unfilled(&s.without_row, &s.not_marked, "gradebook");
        }
    }
    peermark_files::manifest::finish().map_err(|e| UsageError(e.to_string()))?;
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
