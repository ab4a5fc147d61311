//! Marking one submission: read it, scan it for safeguarding cues, check its language,
//! measure the evidence, score it, and make its result. Any failure (a panic included)
//! becomes that submission's error row.

use crate::analyse;
use crate::fingerprint::Fingerprint;
use crate::result::{
    AssessorNote, Evidence, LanguageLapse, LanguageNote, LearnerRef, MarkResult, SafeguardingCue,
    Status, VERSION,
};
use crate::rubric::Rubric;
use crate::score;
use peermark_ingest::{Format, Submission};
use peermark_text::Document;
use rayon::prelude::*;

/// The default rubric, built in so that peermark works from any folder.
/// Marks one document: analysis, levels, score, outcome, language findings and
/// safeguarding cues.
pub fn check_document(rubric: &Rubric, doc: &Document, submission: &str, file: &str) -> MarkResult {
    // Safeguarding first: flagged sentences are withheld from every quote a learner sees.
    let flags = rubric.safeguarding.scan(doc);
    let withheld: Vec<analyse::Span> = flags
        .iter()
        .map(|f| analyse::Span {
            paragraph: f.paragraph,
            range: f.range.clone(),
        })
        .collect();
    let findings = rubric.language.check(doc);
    let analysis = analyse::analyse(rubric, doc, &findings);
    let (criteria, score, outcome) = score::score(rubric, &analysis, doc, &withheld);
    let mut lapses = Vec::new();
    let mut notes = Vec::new();
    let mut awareness = Vec::new();
    for f in &findings {
        let pos = doc.position(f.paragraph, f.range.start);
        let frame = serde_json::to_value(f.frame)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        if f.lapse {
            lapses.push(LanguageLapse {
                rule: f.rule.clone(),
                text: f.text.clone(),
                paragraph: pos.paragraph,
                line: pos.line,
                column: pos.column,
                frame,
                suggestions: f.suggestions.clone(),
                why: f.message.clone(),
            });
        } else {
            let span = analyse::Span {
                paragraph: f.paragraph,
                range: f.range.clone(),
            };
            if f.awareness && !score::is_withheld(doc, &span, &withheld) {
                awareness.push(score::quote(doc, &span).0);
            }
            notes.push(LanguageNote {
                rule: f.rule.clone(),
                text: f.text.clone(),
                paragraph: pos.paragraph,
                line: pos.line,
                column: pos.column,
                frame,
                message: f.message.clone(),
            });
        }
    }
    let borderline = criteria
        .iter()
        .filter(|c| !c.borderline.is_empty())
        .map(|c| c.id.clone())
        .collect();
    let mut safeguarding = Vec::new();
    let mut assessor_notes = Vec::new();
    for flag in flags {
        let pos = doc.position(flag.paragraph, flag.range.start);
        safeguarding.push(SafeguardingCue {
            paragraph: pos.paragraph,
            line: pos.line,
            tier: flag.tier,
            cue: flag.cue.clone(),
            sentence: (flag.paragraph, flag.range.clone()),
        });
        assessor_notes.push(AssessorNote {
            kind: "safeguarding".into(),
            tier: Some(flag.tier),
            cue: flag.cue.into(),
            paragraph: pos.paragraph,
            line: pos.line,
            quote: flag.quote.into(),
        });
    }
    MarkResult {
        submission: submission.to_string(),
        learner: Default::default(),
        file: file.to_string(),
        peermark_version: VERSION.to_string(),
        rubric: rubric.reference(),
        status: Status::Marked,
        // What the reader could not do exactly (e.g. PDF paragraphs guessed) reaches the row.
        message: (!doc.warnings.is_empty()).then(|| doc.warnings.join(" ")),
        words: Some(doc.body_words()),
        criteria,
        score: Some(score),
        outcome: Some(outcome),
        borderline,
        lapses,
        notes,
        safeguarding,
        assessor_notes,
        title: doc.title().map(str::to_string),
        word_range: (rubric.words.min, rubric.words.max, rubric.words.target),
        language_awareness: dedup_evidence(awareness),
        previous: None,
        fingerprint: None,
    }
}

fn dedup_evidence(mut v: Vec<Evidence>) -> Vec<Evidence> {
    let mut seen = std::collections::BTreeSet::new();
    v.retain(|e| seen.insert((e.paragraph, e.line, e.column, e.quote.clone())));
    v
}

/// Reads and marks one submission; any failure, a panic included, becomes its error row.
/// A submission from an LMS download carries its learner, and its row's `message` lists the
/// learner's other files (see [`attach_learner`]).
pub fn mark_submission(rubric: &Rubric, sub: &Submission) -> MarkResult {
    mark_submission_with(rubric, sub, &peermark_ingest::Limits::default())
}

/// [`mark_submission`] reading within `limits`.
pub fn mark_submission_with(
    rubric: &Rubric,
    sub: &Submission,
    limits: &peermark_ingest::Limits,
) -> MarkResult {
    let mut r = guarded(rubric, sub, || {
        let doc = sub.read_with(limits).map_err(|e| e.to_string())?;
        let mut r = check_document(rubric, &doc, &sub.id, &sub.file);
        r.fingerprint = rubric
            .similarity
            .as_ref()
            .map(|s| Box::new(Fingerprint::new(&doc, s)));
        Ok(r)
    });
    attach_learner(&mut r, sub);
    r
}

/// Runs `run` for `sub`; an error or a panic becomes the submission's error row.
fn guarded(
    rubric: &Rubric,
    sub: &Submission,
    run: impl FnOnce() -> Result<MarkResult, String>,
) -> MarkResult {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(Ok(r)) => r,
        Ok(Err(message)) => MarkResult::error(&sub.id, &sub.file, rubric.reference(), message),
        Err(_) => MarkResult::error(
            &sub.id,
            &sub.file,
            rubric.reference(),
            "peermark hit an internal error on this file; please report it and mark this essay by hand".into(),
        ),
    }
}

/// Marks `submissions` in parallel (in the current rayon pool) and hands each result to
/// `finished` as soon as it is marked, on one thread of its own, in the order they finish: a
/// caller writes each learner's files there and keeps only what the cohort's outputs need,
/// so memory stays flat however large the cohort. At most a few hundred results wait for
/// `finished` at a time. Results are not yet compared for similarity (the cohort tools'
/// `similarity::annotate` does that).
pub fn mark_each_with(
    rubric: &Rubric,
    submissions: &[Submission],
    limits: &peermark_ingest::Limits,
    progress: &(dyn Fn() + Sync),
    mut finished: impl FnMut(MarkResult) + Send,
) {
    let (tx, rx) = std::sync::mpsc::sync_channel::<MarkResult>(256);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            for r in rx {
                finished(r);
            }
        });
        submissions.par_iter().for_each_with(tx, |tx, s| {
            let r = mark_submission_with(rubric, s, limits);
            progress();
            // The receiver only stops when this loop is done.
            let _ = tx.send(r);
        });
    });
}

/// Reads plain text given on standard input.
pub fn read_stdin_text(bytes: &[u8]) -> Result<Document, peermark_ingest::IngestError> {
    read_stdin_text_with(bytes, &peermark_ingest::Limits::default())
}

/// [`read_stdin_text`] within `limits`.
pub fn read_stdin_text_with(
    bytes: &[u8],
    limits: &peermark_ingest::Limits,
) -> Result<Document, peermark_ingest::IngestError> {
    peermark_ingest::read_bytes_with(bytes, Format::Txt, limits)
}

/// Puts the learner of an LMS submission on its result, and says in `message` which of the
/// learner's other files were not marked and whether Canvas marked it late.
pub fn attach_learner(r: &mut MarkResult, sub: &Submission) {
    let Some(l) = &sub.learner else {
        return;
    };
    r.learner = LearnerRef {
        learner: l.name.clone(),
        learner_id: Some(l.id.clone()),
        lms: Some(l.lms.as_str().to_string()),
        late: l.late,
        other_files: sub.others.clone(),
    };
    let mut notes = Vec::new();
    if l.late {
        notes.push("handed in late (Canvas)".to_string());
    }
    if !sub.others.is_empty() {
        notes.push(format!(
            "also handed in, not marked: {}",
            sub.others.join("; ")
        ));
    }
    if notes.is_empty() {
        return;
    }
    let notes = notes.join("; ");
    r.message = Some(match r.message.take() {
        Some(m) if r.status == Status::Error => format!("{m} ({notes})"),
        Some(m) => format!("{m}; {notes}"),
        None => notes,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_marking_becomes_the_error_row() {
        let rubric = crate::builtin::load_rubric(None).unwrap();
        let sub = Submission {
            id: "e07".into(),
            file: "cohort/e07.docx".into(),
            path: "cohort/e07.docx".into(),
            format: Format::Docx,
            learner: None,
            others: Vec::new(),
            member: None,
            problem: None,
            name_span: None,
        };
        let r = guarded(&rubric, &sub, || panic!("boom in the analysis"));
        assert_eq!(r.status, Status::Error);
        assert_eq!(r.submission, "e07");
        assert_eq!(r.file, "cohort/e07.docx");
        let m = r.message.unwrap();
        assert!(m.contains("internal error") && !m.contains("boom"), "{m}");
        // And the batch goes on: the next submission is marked as usual.
        let ok = guarded(&rubric, &sub, || Err("not read".into()));
        assert_eq!(ok.message.as_deref(), Some("not read"));
    }
}
