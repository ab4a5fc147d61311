//! `DIR/assessor-notes.csv`: safeguarding flags and anything else not for the learner, with the
//! quoted sentence. The only output that quotes them; for the assessor only.

use crate::exporter::Exporter;
use crate::exporter::ReportContext;
use peermark_engine::result::MarkResult;
use peermark_files::cell::safe_cell;
use peermark_files::WriteError;
use std::path::Path;

/// Writes `DIR/assessor-notes.csv`, header only when no submission has notes, so that an
/// assessor can see the file exists and that nothing was flagged.
pub struct AssessorNotes;

impl Exporter for AssessorNotes {
    fn export(
        &self,
        results: &[MarkResult],
        _ctx: &ReportContext,
        out_dir: &Path,
    ) -> Result<(), WriteError> {
        let path = out_dir.join("assessor-notes.csv");
        peermark_files::write::write_atomically_with(&path, |w| {
            write_notes(results, w)
                .map(|_| ())
                .map_err(std::io::Error::other)
        })
        .map_err(|e| WriteError::io(&path, e))
    }
}

/// How many submissions have at least one assessor note (stderr reports this number, never
/// which submissions).
pub fn count_with_notes(results: &[MarkResult]) -> usize {
    results
        .iter()
        .filter(|r| !r.assessor_notes.is_empty())
        .count()
}

#[cfg(test)]
fn notes_csv(results: &[MarkResult]) -> Result<String, csv::Error> {
    let bytes = write_notes(results, Vec::new())?;
    Ok(String::from_utf8(bytes).expect("every cell is a Rust string"))
}

/// Writes the notes as CSV to `to` (a row at a time: a large cohort's notes are never held
/// whole) and gives `to` back.
fn write_notes<W: std::io::Write>(results: &[MarkResult], to: W) -> Result<W, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(to);
    w.write_record([
        "submission",
        "kind",
        "tier",
        "cue",
        "paragraph",
        "line",
        "quote",
    ])?;
    for r in results {
        for n in &r.assessor_notes {
            w.write_record([
                safe_cell(&r.submission),
                safe_cell(&n.kind),
                n.tier.map(|t| t.to_string()).unwrap_or_default(),
                safe_cell(&n.cue),
                n.paragraph.to_string(),
                n.line.to_string(),
                safe_cell(&n.quote.to_string()),
            ])?;
        }
    }
    Ok(w.into_inner().map_err(|e| e.into_error())?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::fixtures::{context, error_result, marked_result, ASSESSOR_QUOTE};
    use peermark_engine::result::AssessorNote;

    const HEADER: &str = "submission,kind,tier,cue,paragraph,line,quote\n";

    #[test]
    fn one_row_per_note_with_the_quote() {
        let csv = notes_csv(&[marked_result(), error_result()]).unwrap();
        assert_eq!(
            csv,
            format!("{HEADER}e01,safeguarding,3,present-tense ideation,5,9,{ASSESSOR_QUOTE}\n")
        );
    }

    #[test]
    fn header_only_when_nothing_is_flagged_and_the_file_is_written() {
        let dir = tempfile::tempdir().unwrap();
        AssessorNotes
            .export(&[error_result()], &context(), dir.path())
            .unwrap();
        let text = std::fs::read_to_string(dir.path().join("assessor-notes.csv")).unwrap();
        assert_eq!(text, HEADER);
    }

    #[test]
    fn text_cells_are_neutralised_and_quoted() {
        let mut r = marked_result();
        r.submission = "=cmd".into();
        r.assessor_notes.push(AssessorNote {
            kind: "privacy".into(),
            tier: None,
            cue: "full name".into(),
            paragraph: 2,
            line: 3,
            quote: "-my CPN, \"Jo\", said".into(),
        });
        let csv = notes_csv(&[r]).unwrap();
        let last = csv.lines().last().unwrap();
        assert_eq!(
            last,
            "'=cmd,privacy,,full name,2,3,\"'-my CPN, \"\"Jo\"\", said\""
        );
    }

    #[test]
    fn counts_submissions_not_notes() {
        let mut twice = marked_result();
        twice.assessor_notes.push(twice.assessor_notes[0].clone());
        assert_eq!(
            count_with_notes(&[twice, marked_result(), error_result()]),
            2
        );
        assert_eq!(count_with_notes(&[]), 0);
    }
}
