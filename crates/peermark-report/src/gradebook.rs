//! `DIR/gradebook.csv`: one row per submission, for course leads and LMS imports.
//!
//! Columns (`cli.md`): `submission,learner,learner_id,file,words,<criterion ids in rubric order>,score,outcome,
//! lapses,status,message`, then `overridden` (the criteria the assessor set, `;`-separated) and
//! `borderline` (the criteria whose level is within the rubric's `[borderline]` margins of a
//! boundary, `;`-separated, in rubric order; empty when none). Programs read columns by name,
//! so later issues may add columns — at the end, so that existing imports keep working.

use crate::exporter::Exporter;
use crate::exporter::ReportContext;
use peermark_engine::result::{MarkResult, Status};
use peermark_files::cell::safe_cell;
use peermark_files::output::write_atomically;
use peermark_files::WriteError;
use std::path::Path;

/// Writes `DIR/gradebook.csv`.
pub struct Gradebook;

impl Exporter for Gradebook {
    fn export(
        &self,
        results: &[MarkResult],
        ctx: &ReportContext,
        out_dir: &Path,
    ) -> Result<(), WriteError> {
        let path = out_dir.join("gradebook.csv");
        let csv = try_gradebook_csv(results, ctx).map_err(|e| WriteError::Format {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        write_atomically(&path, csv.as_bytes())
    }
}

/// The gradebook as text: header always, then one row per result in the given order, LF line
/// endings.
pub fn gradebook_csv(results: &[MarkResult], ctx: &ReportContext) -> String {
    try_gradebook_csv(results, ctx).expect("writing CSV to memory cannot fail")
}

fn try_gradebook_csv(results: &[MarkResult], ctx: &ReportContext) -> Result<String, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());

    let mut header: Vec<&str> = vec!["submission", "learner", "learner_id", "file", "words"];
    header.extend(ctx.criteria.iter().map(|(id, _)| id.as_str()));
    header.extend(["score", "outcome", "lapses", "status", "message"]);
    header.push("overridden");
    header.push("borderline");
    w.write_record(&header)?;

    for r in results {
        let marked = r.status == Status::Marked;
        let mut row: Vec<String> = vec![
            safe_cell(&r.submission),
            safe_cell(r.learner.learner.as_deref().unwrap_or_default()),
            safe_cell(r.learner.learner_id.as_deref().unwrap_or_default()),
            safe_cell(&r.file),
            r.words.map(|n| n.to_string()).unwrap_or_default(),
        ];
        row.extend(ctx.criteria.iter().map(|(id, _)| {
            r.criteria
                .iter()
                .find(|c| &c.id == id)
                .map(|c| c.level.to_string())
                .unwrap_or_default()
        }));
        row.push(r.score.map(|s| format!("{s:.1}")).unwrap_or_default());
        row.push(
            r.outcome
                .map(|o| o.as_str().to_string())
                .unwrap_or_default(),
        );
        row.push(if marked {
            r.lapses.len().to_string()
        } else {
            String::new()
        });
        row.push(if marked { "marked" } else { "error" }.to_string());
        // Why, for errors; for marked rows, what the reader could not do exactly and, for
        // LMS rows, the learner's other files and lateness.
        row.push(safe_cell(r.message.as_deref().unwrap_or_default()));
        row.push(peermark_cohort::overrides::overridden_ids(r).join(";"));
        row.push(safe_cell(&r.borderline.join(";")));
        w.write_record(&row)?;
    }

    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).expect("every cell is a Rust string"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::fixtures::{context, error_result, marked_result};

    #[test]
    fn header_follows_the_rubric_order() {
        let csv = gradebook_csv(&[], &context());
        assert_eq!(
            csv,
            "submission,learner,learner_id,file,words,personal_story,recovery_language,score,outcome,lapses,status,message,overridden,borderline\n"
        );
    }

    #[test]
    fn rows_keep_the_given_order_and_numbers_stay_numbers() {
        let csv = gradebook_csv(&[marked_result(), error_result()], &context());
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[1],
            "e01,,,cohort/e01.txt,1512,3,2,86.7,achieved,1,marked,,,"
        );
        assert_eq!(
            lines[2],
            "e02,,,cohort/e02.docx,,,,,,,error,e02.docx is not a readable Word file; save it again and resubmit,,"
        );
        assert!(!csv.contains('\r'));
        assert!(csv.ends_with('\n'));
    }

    #[test]
    fn text_cells_are_neutralised_against_formulas() {
        let mut r = marked_result();
        r.submission = "=cmd".into();
        r.file = "+evil.txt".into();
        let mut e = error_result();
        e.message = Some("@SUM(A1)".into());
        let csv = gradebook_csv(&[r, e], &context());
        let lines: Vec<&str> = csv.lines().collect();
        assert!(
            lines[1].starts_with("'=cmd,,,'+evil.txt,1512,"),
            "{}",
            lines[1]
        );
        assert!(lines[2].ends_with(",error,'@SUM(A1),,"), "{}", lines[2]);
    }

    #[test]
    fn a_missing_criterion_leaves_its_cell_empty() {
        let mut r = marked_result();
        r.criteria.retain(|c| c.id != "recovery_language");
        let csv = gradebook_csv(&[r], &context());
        assert_eq!(
            csv.lines().nth(1).unwrap(),
            "e01,,,cohort/e01.txt,1512,3,,86.7,achieved,1,marked,,,"
        );
    }

    #[test]
    fn overridden_names_the_criteria_the_assessor_set() {
        let mut r = marked_result();
        for c in &mut r.criteria {
            c.assessor_override = Some(peermark_engine::result::Override {
                level: c.level,
                proposed_level: 1,
                reason: "r".into(),
                assessor: "A".into(),
            });
        }
        let csv = gradebook_csv(&[r], &context());
        assert!(csv
            .lines()
            .nth(1)
            .unwrap()
            .ends_with(",marked,,personal_story;recovery_language,"));
    }

    #[test]
    fn borderline_names_the_criteria_at_the_end_of_the_row() {
        let mut r = marked_result();
        r.borderline = vec!["personal_story".into(), "recovery_language".into()];
        let csv = gradebook_csv(&[r, error_result()], &context());
        let lines: Vec<&str> = csv.lines().collect();
        // The last column, after every column programs and LMS imports already read.
        assert!(lines[0].ends_with(",message,overridden,borderline"));
        assert!(
            lines[1].ends_with(",marked,,,personal_story;recovery_language"),
            "{}",
            lines[1]
        );
        // Empty when none, and for a file that could not be marked.
        assert!(lines[2].ends_with(
            ",error,e02.docx is not a readable Word file; save it again and resubmit,,"
        ));
        let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
            .records()
            .map(|r| r.unwrap())
            .collect();
        let header = csv::Reader::from_reader(csv.as_bytes())
            .headers()
            .unwrap()
            .clone();
        let at = header.iter().position(|h| h == "borderline").unwrap();
        assert_eq!(at, header.len() - 1);
        assert_eq!(&rows[0][at], "personal_story;recovery_language");
        assert_eq!(&rows[1][at], "");
    }
}
