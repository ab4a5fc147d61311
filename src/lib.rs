//! peermark marks essays for a mental-health peer support course against a rubric, offline.
//!
//! The pipeline runs one way: **ingest** (find submissions, read them into a
//! [`Document`](peermark_text::Document)) → **analyse** (the rubric's evidence measures) →
//! **score** (levels, points, outcome, feed-forward) → **report** (gradebook, results,
//! sheets, assessor notes). This crate is the front door; the binary is a thin layer over
//! [`load_rubric`], [`check_document`] and [`mark_batch`].

pub mod agree;
pub mod agreement;
pub mod analyse;
pub mod cli;
pub mod cli_limits;
pub mod lms;
pub mod moderation;
pub mod overrides;
pub mod report;
pub mod resubmission;
pub mod result;
pub mod review;
pub mod rubric;
pub mod score;
pub mod similarity;

pub use peermark_ingest as ingest;
pub use peermark_text as text;

use peermark_ingest::{Format, Submission};
use peermark_text::Document;
use rayon::prelude::*;
use result::{
    AssessorNote, Evidence, LanguageLapse, LanguageNote, MarkResult, SafeguardingCue, Status,
};
use rubric::Rubric;
use std::path::Path;

/// peermark's version, recorded in every result.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The default rubric, built in so that peermark works from any folder.
pub const DEFAULT_RUBRIC_NAME: &str = "recovery-story-essay.toml";
const DEFAULT_RUBRIC_FILES: &[(&str, &str)] = &[
    (
        "recovery-story-essay.toml",
        include_str!("../rubrics/recovery-story-essay.toml"),
    ),
    (
        "recovery-language-rules.toml",
        include_str!("../rubrics/recovery-language-rules.toml"),
    ),
    (
        "recovery-language-rules-2.toml",
        include_str!("../rubrics/recovery-language-rules-2.toml"),
    ),
    (
        "safeguarding-cues.toml",
        include_str!("../rubrics/safeguarding-cues.toml"),
    ),
];

/// Loads a rubric file (and the files it includes), or the built-in default when `path` is
/// `None`.
pub fn load_rubric(path: Option<&Path>) -> Result<Rubric, rubric::RubricError> {
    match path {
        Some(p) => rubric::load(p),
        None => rubric::load_with(
            Path::new("rubrics").join(DEFAULT_RUBRIC_NAME).as_path(),
            &|p: &Path| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                DEFAULT_RUBRIC_FILES
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, text)| text.to_string())
                    .ok_or_else(|| {
                        std::io::Error::new(
                            std::io::ErrorKind::NotFound,
                            "not a file of the built-in rubric",
                        )
                    })
            },
        ),
    }
}

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
    let mut safeguarding = Vec::new();
    let mut assessor_notes = Vec::new();
    for flag in flags {
        let pos = doc.position(flag.paragraph, flag.range.start);
        safeguarding.push(SafeguardingCue {
            paragraph: pos.paragraph,
            line: pos.line,
            tier: flag.tier,
            cue: flag.cue.clone(),
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
/// learner's other files (see [`lms::submission_notes`]).
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
            .map(|s| Box::new(similarity::Fingerprint::new(&doc, s)));
        Ok(r)
    });
    lms::attach_learner(&mut r, sub);
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

/// Marks every submission in parallel (on the current rayon pool), calling `progress` after
/// each one; results come back sorted by submission id. When the rubric has a `[similarity]`
/// table, pairs of submissions whose text largely overlaps get assessor notes.
pub fn mark_batch(
    rubric: &Rubric,
    submissions: &[Submission],
    progress: &(dyn Fn() + Sync),
) -> Vec<MarkResult> {
    mark_batch_with(
        rubric,
        submissions,
        &peermark_ingest::Limits::default(),
        progress,
    )
}

/// [`mark_batch`] reading within `limits`.
pub fn mark_batch_with(
    rubric: &Rubric,
    submissions: &[Submission],
    limits: &peermark_ingest::Limits,
    progress: &(dyn Fn() + Sync),
) -> Vec<MarkResult> {
    let mut results: Vec<MarkResult> = submissions
        .par_iter()
        .map(|s| {
            let r = mark_submission_with(rubric, s, limits);
            progress();
            r
        })
        .collect();
    finish_cohort(rubric, &mut results);
    results
}

/// Puts a cohort's results in submission order and notes similar submissions (the last step
/// of [`mark_batch_with`], and of a caller of [`mark_each_with`]).
pub fn finish_cohort(rubric: &Rubric, results: &mut [MarkResult]) {
    results.sort_by(|a, b| a.submission.as_bytes().cmp(b.submission.as_bytes()));
    similarity::annotate(results, rubric.similarity.as_ref());
}

/// Marks `submissions` in parallel (in the current rayon pool) and hands each result to
/// `finished` as soon as it is marked, on one thread of its own, in the order they finish: a
/// caller writes each learner's files there and keeps only what the cohort's outputs need,
/// so memory stays flat however large the cohort. At most a few hundred results wait for
/// `finished` at a time. Results are not yet compared for similarity (see
/// [`similarity::annotate`]).
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

/// The report context for a rubric.
pub fn report_context(rubric: &Rubric) -> report::ReportContext {
    report::ReportContext {
        rubric_id: rubric.id.clone(),
        rubric_title: rubric.title.clone(),
        assignment: rubric.assignment.clone(),
        criteria: rubric
            .criteria
            .iter()
            .map(|c| (c.id.clone(), c.title.clone()))
            .collect(),
        level_names: rubric.level_names.clone(),
        support_line: rubric.safeguarding_settings.support_line.clone(),
        safeguarding_contact: rubric.safeguarding_settings.contact.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_marking_becomes_the_error_row() {
        let rubric = load_rubric(None).unwrap();
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
        assert_eq!(r.status, result::Status::Error);
        assert_eq!(r.submission, "e07");
        assert_eq!(r.file, "cohort/e07.docx");
        let m = r.message.unwrap();
        assert!(m.contains("internal error") && !m.contains("boom"), "{m}");
        // And the batch goes on: the next submission is marked as usual.
        let ok = guarded(&rubric, &sub, || Err("not read".into()));
        assert_eq!(ok.message.as_deref(), Some("not read"));
    }
}
