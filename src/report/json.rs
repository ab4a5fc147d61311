//! `DIR/results.json` (an array of result objects) and the single object that
//! `check --format json` prints.
//!
//! The object's shape is `MarkResult`'s `Serialize` impl, which skips every assessor-only field
//! (assessor notes and their quotes), so nothing here filters. Field order follows the struct and
//! `measures` is a `BTreeMap`, so the output is byte-identical across runs.

use super::{Exporter, ReportContext, ReportError};
use crate::result::MarkResult;
use std::path::Path;

/// Writes `DIR/results.json`.
pub struct ResultsJson;

impl Exporter for ResultsJson {
    fn is_results_json(&self) -> bool {
        true
    }

    fn export(
        &self,
        results: &[MarkResult],
        _ctx: &ReportContext,
        out_dir: &Path,
    ) -> Result<(), ReportError> {
        // Written a result at a time: a large cohort's results are never one string.
        let path = out_dir.join("results.json");
        super::files::write_atomically_with(&path, |w| {
            serde_json::to_writer_pretty(&mut *w, results).map_err(std::io::Error::other)?;
            w.write_all(b"\n")
        })
        .map_err(|e| ReportError::io(&path, e))
    }
}

/// `DIR/results.json` written while marking: each result's object goes to a temporary
/// file in `DIR` as it finishes, and [`ResultsSpool::finish`] copies them into
/// `results.json` in submission order, exactly as [`ResultsJson`] writes them.
pub struct ResultsSpool {
    path: std::path::PathBuf,
    file: std::io::BufWriter<std::fs::File>,
    written: u64,
    /// (submission, offset, length) of each object.
    entries: Vec<(String, u64, usize)>,
}

impl ResultsSpool {
    pub fn create(out_dir: &Path) -> Result<Self, ReportError> {
        let path = out_dir.join(format!(
            ".results.json{}spool-{}",
            super::files::TMP_MARK,
            std::process::id()
        ));
        let file = super::files::create_new(&path).map_err(|e| ReportError::io(&path, e))?;
        Ok(ResultsSpool {
            path,
            file: std::io::BufWriter::with_capacity(256 * 1024, file),
            written: 0,
            entries: Vec::new(),
        })
    }

    /// Adds one result's object.
    pub fn add(&mut self, r: &MarkResult) -> Result<(), ReportError> {
        use std::io::Write;
        let object = element(r);
        self.file
            .write_all(object.as_bytes())
            .map_err(|e| ReportError::io(&self.path, e))?;
        self.entries
            .push((r.submission.clone(), self.written, object.len()));
        self.written += object.len() as u64;
        Ok(())
    }

    /// Writes `DIR/results.json` from the spool, sorted by submission, and removes the spool.
    pub fn finish(mut self, out_dir: &Path) -> Result<(), ReportError> {
        use std::io::{Read, Seek, SeekFrom, Write};
        let finished = (|| {
            self.file
                .flush()
                .map_err(|e| ReportError::io(&self.path, e))?;
            let mut spool =
                std::fs::File::open(&self.path).map_err(|e| ReportError::io(&self.path, e))?;
            self.entries
                .sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            let path = out_dir.join("results.json");
            let mut buf = Vec::new();
            super::files::write_atomically_with(&path, |w| {
                if self.entries.is_empty() {
                    return w.write_all(b"[]\n");
                }
                w.write_all(b"[\n")?;
                for (i, (_, offset, len)) in self.entries.iter().enumerate() {
                    if i > 0 {
                        w.write_all(b",\n")?;
                    }
                    buf.resize(*len, 0);
                    spool.seek(SeekFrom::Start(*offset))?;
                    spool.read_exact(&mut buf)?;
                    w.write_all(&buf)?;
                }
                w.write_all(b"\n]\n")
            })
            .map_err(|e| ReportError::io(&path, e))
        })();
        finished
    }
}

impl Drop for ResultsSpool {
    /// The spool never outlives the run, whether it finished or not.
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// One result as an element of the pretty-printed results array (indented one level, with
/// neither the comma nor the line break that separate elements).
fn element(r: &MarkResult) -> String {
    let array =
        serde_json::to_string_pretty(std::slice::from_ref(r)).expect("a result always serialises");
    // "[\n" + element + "\n]"
    array[2..array.len() - 2].to_string()
}

/// One result object, pretty-printed, ending with a newline (print it with `print!`).
pub fn result_json(r: &MarkResult) -> String {
    pretty(r)
}

fn pretty<T: serde::Serialize + ?Sized>(value: &T) -> String {
    // Results hold only strings, numbers (non-finite ones serialise as null), lists and
    // string-keyed maps, so serialising cannot fail.
    let mut s = serde_json::to_string_pretty(value).expect("a result always serialises");
    s.push('\n');
    s
}

/// Hand-built results shared by the report tests: one marked result with two criteria, one
/// lapse, one note, one assessor note and one safeguarding cue, and one error result.
#[cfg(test)]
pub(crate) mod fixtures {
    use crate::report::ReportContext;
    use crate::result::*;

    /// Text that only the assessor may see; tests assert it never reaches a learner.
    pub const ASSESSOR_QUOTE: &str = "I do not want to be here any more";
    pub const RISK_CUE: &str = "present-tense ideation";

    pub fn context() -> ReportContext {
        ReportContext {
            rubric_id: "recovery-story-essay".into(),
            rubric_title: "My recovery story, the recovery approach and peer support".into(),
            assignment: "In an essay, consider your personal recovery story in relation to the recovery approach and the role of peer support.".into(),
            criteria: vec![
                ("personal_story".into(), "Personal recovery story".into()),
                ("recovery_language".into(), "Recovery-oriented language".into()),
            ],
            level_names: vec![
                "Not yet evidenced".into(),
                "Emerging".into(),
                "Achieved".into(),
                "Strong".into(),
            ],
            support_line: "If writing this brought up anything difficult, support is there: your tutor; Samaritans 116 123; in Scotland, Breathing Space 0800 83 85 87.".into(),
            safeguarding_contact: "safeguarding@example.org".into(),
        }
    }

    pub fn rubric() -> RubricRef {
        RubricRef {
            id: "recovery-story-essay".into(),
            sha256: "ab12".into(),
        }
    }

    /// The essay the marked result's positions refer to, as extracted text (one line per
    /// paragraph, a blank line between paragraphs).
    pub const PARAGRAPHS: &[&str] = &[
        "Finding my way back",
        "Looking back, what hurt most was the silence | nobody asked.",
        "My \u{201c}uncle\u{201d} committed suicide when I was ten.",
        "Now I work alongside service users as a peer, and I remember being called \u{201c}a schizophrenic\u{201d}.",
        "I do not want to be here any more, some days.",
    ];

    pub fn marked_result() -> MarkResult {
        MarkResult {
            submission: "e01".into(),
            learner: LearnerRef::default(),
            file: "cohort/e01.txt".into(),
            peermark_version: "0.1.0".into(),
            rubric: rubric(),
            status: Status::Marked,
            message: None,
            words: Some(1512),
            criteria: vec![
                CriterionResult {
                    id: "personal_story".into(),
                    title: "Personal recovery story".into(),
                    level: 3,
                    level_name: "Strong".into(),
                    points: 20.0,
                    max_points: 20.0,
                    evidence: vec![Evidence {
                        quote: "Looking back, what hurt most was the silence | nobody asked."
                            .into(),
                        paragraph: 2,
                        line: 3,
                        column: 1,
                    }],
                    measures: [("reflection_markers".to_string(), 6.0)]
                        .into_iter()
                        .collect(),
                    feedback: "You tell your own story openly and reflect on what it meant to you."
                        .into(),
                    next_steps: vec![],
                    descriptor: "A vivid, reflective account of your own recovery journey.".into(),
                    assessor_override: None,
                },
                CriterionResult {
                    id: "recovery_language".into(),
                    title: "Recovery-oriented language".into(),
                    level: 2,
                    level_name: "Achieved".into(),
                    points: 6.7,
                    max_points: 10.0,
                    evidence: vec![Evidence {
                        quote: "I remember being called \u{201c}a schizophrenic\u{201d}".into(),
                        paragraph: 4,
                        line: 7,
                        column: 51,
                    }],
                    measures: [("lapses".to_string(), 1.0)].into_iter().collect(),
                    feedback: "Your language is mostly person-first and hopeful.".into(),
                    next_steps: vec![
                        "reword the one phrase listed below".into(),
                        "keep describing people before their diagnosis".into(),
                    ],
                    descriptor: "Mostly recovery-oriented, with one or two phrases to reconsider."
                        .into(),
                    assessor_override: None,
                },
            ],
            score: Some(86.7),
            outcome: Some(Outcome::Achieved),
            lapses: vec![LanguageLapse {
                rule: "L56".into(),
                text: "committed suicide".into(),
                paragraph: 3,
                line: 5,
                column: 12,
                frame: "own-voice-other".into(),
                suggestions: vec!["died by suicide".into(), "took their own life".into()],
                why: "Links suicide with crime; many guides suggest other words.".into(),
            }],
            notes: vec![LanguageNote {
                rule: "L43".into(),
                text: "service users".into(),
                paragraph: 4,
                line: 7,
                column: 22,
                frame: "low-severity".into(),
                message: "some people prefer \u{201c}people who use services\u{201d}".into(),
            }],
            safeguarding: vec![SafeguardingCue {
                paragraph: 5,
                line: 9,
                tier: 3,
                cue: RISK_CUE.into(),
            }],
            assessor_notes: vec![AssessorNote {
                kind: "safeguarding".into(),
                tier: Some(3),
                cue: RISK_CUE.into(),
                paragraph: 5,
                line: 9,
                quote: ASSESSOR_QUOTE.into(),
            }],
            title: Some("Finding my way back".into()),
            word_range: (1350, 1650, 1500),
            language_awareness: vec![Evidence {
                quote: "I remember being called \u{201c}a schizophrenic\u{201d}".into(),
                paragraph: 4,
                line: 7,
                column: 51,
            }],
            previous: None,
            fingerprint: None,
        }
    }

    pub fn error_result() -> MarkResult {
        MarkResult::error(
            "e02",
            "cohort/e02.docx",
            rubric(),
            "e02.docx is not a readable Word file; save it again and resubmit".into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    #[test]
    fn results_json_is_a_pretty_array_without_assessor_text() {
        let dir = tempfile::tempdir().unwrap();
        let results = [marked_result(), error_result()];
        ResultsJson
            .export(&results, &context(), dir.path())
            .unwrap();
        let text = std::fs::read_to_string(dir.path().join("results.json")).unwrap();
        assert!(text.starts_with("[\n  {\n    \"submission\": \"e01\","));
        assert!(text.ends_with("]\n"));
        assert!(!text.contains(ASSESSOR_QUOTE));
        assert!(!text.contains("assessor_notes"));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 2);
        assert_eq!(v[0]["outcome"], "achieved");
        assert_eq!(v[0]["score"], 86.7);
        assert_eq!(v[1]["status"], "error");
        assert!(v[1]["score"].is_null() && v[1]["words"].is_null() && v[1]["outcome"].is_null());
        // Written twice, byte-identical.
        ResultsJson
            .export(&results, &context(), dir.path())
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("results.json")).unwrap(),
            text
        );
    }

    #[test]
    fn one_result_for_check() {
        let text = result_json(&marked_result());
        assert!(text.starts_with("{\n  \"submission\": \"e01\""));
        assert!(text.ends_with("}\n"));
        assert!(!text.contains(ASSESSOR_QUOTE));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        // Where the cue is, never the sentence.
        assert_eq!(v["safeguarding"][0]["paragraph"], 5);
        assert_eq!(v["lapses"][0]["suggestions"][1], "took their own life");
        assert!(v["criteria"][0].get("next_steps").is_none());
        assert!(v["criteria"][0].get("descriptor").is_none());
    }
}
