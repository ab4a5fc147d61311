//! `DIR/results.json` (an array of result objects) and the single object that
//! `check --format json` prints.
//!
//! The object's shape is `MarkResult`'s `Serialize` impl, which skips every assessor-only field
//! (assessor notes and their quotes), so nothing here filters. Field order follows the struct and
//! `measures` is a `BTreeMap`, so the output is byte-identical across runs.

use crate::exporter::Exporter;
use crate::exporter::ReportContext;
use peermark_engine::result::MarkResult;
use peermark_files::WriteError;
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
    ) -> Result<(), WriteError> {
        // Written a result at a time: a large cohort's results are never one string.
        let path = out_dir.join("results.json");
        peermark_files::write::write_atomically_with(&path, |w| {
            serde_json::to_writer_pretty(&mut *w, results).map_err(std::io::Error::other)?;
            w.write_all(b"\n")
        })
        .map_err(|e| WriteError::io(&path, e))
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
    pub fn create(out_dir: &Path) -> Result<Self, WriteError> {
        let path = out_dir.join(format!(
            ".results.json{}spool-{}",
            peermark_files::write::TMP_MARK,
            std::process::id()
        ));
        let file =
            peermark_files::write::create_new(&path).map_err(|e| WriteError::io(&path, e))?;
        Ok(ResultsSpool {
            path,
            file: std::io::BufWriter::with_capacity(256 * 1024, file),
            written: 0,
            entries: Vec::new(),
        })
    }

    /// Adds one result's object.
    pub fn add(&mut self, r: &MarkResult) -> Result<(), WriteError> {
        use std::io::Write;
        let object = element(r);
        self.file
            .write_all(object.as_bytes())
            .map_err(|e| WriteError::io(&self.path, e))?;
        self.entries
            .push((r.submission.clone(), self.written, object.len()));
        self.written += object.len() as u64;
        Ok(())
    }

    /// Writes `DIR/results.json` from the spool, sorted by submission, and removes the spool.
    pub fn finish(mut self, out_dir: &Path) -> Result<(), WriteError> {
        use std::io::{Read, Seek, SeekFrom, Write};
        let finished = (|| {
            self.file
                .flush()
                .map_err(|e| WriteError::io(&self.path, e))?;
            let mut spool =
                std::fs::File::open(&self.path).map_err(|e| WriteError::io(&self.path, e))?;
            self.entries
                .sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            let path = out_dir.join("results.json");
            let mut buf = Vec::new();
            peermark_files::write::write_atomically_with(&path, |w| {
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
            .map_err(|e| WriteError::io(&path, e))
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

/// One result object as the learner's `check --format json` prints it: no `safeguarding`
/// field whatever the draft says (that is the assessor's), and a `support` field with the
/// rubric's support line, always the same, so that its presence reveals nothing.
pub fn learner_json(r: &MarkResult, support_line: &str) -> String {
    let mut value = serde_json::to_value(r).expect("a result always serialises");
    if let Some(map) = value.as_object_mut() {
        map.remove("safeguarding");
        map.insert("support".into(), support_line.trim().into());
    }
    pretty(&value)
}

fn pretty<T: serde::Serialize + ?Sized>(value: &T) -> String {
    // Results hold only strings, numbers (non-finite ones serialise as null), lists and
    // string-keyed maps, so serialising cannot fail.
    let mut s = serde_json::to_string_pretty(value).expect("a result always serialises");
    s.push('\n');
    s
}

/// The report tests' results (see [`peermark_engine::fixtures`]) and a report context for them.
#[cfg(test)]
pub(crate) mod fixtures {
    use crate::exporter::ReportContext;
    pub use peermark_engine::fixtures::*;
    use peermark_engine::result::{Borderline, BorderlineUnit, CriterionResult, MarkResult};

    /// The marked result with two borderline criteria: structure, whose 1,346 counted words
    /// are 4 short of the range (all else there for Strong), and recovery-oriented language,
    /// one phrase from Strong.
    pub fn borderline_result() -> MarkResult {
        let mut r = marked_result();
        r.words = Some(1346);
        r.criteria[1].borderline = vec![Borderline {
            measure: "lapses".into(),
            value: 1.0,
            edge: 0.0,
            level: 3,
            unit: BorderlineUnit::Count,
            advice: "Rework the phrase listed below; when you mean a label others used, put it in quotation marks.".into(),
        }];
        let advice = "Bring the body to 1,350–1,650 words (now 1346).";
        r.criteria.push(CriterionResult {
            id: "structure".into(),
            title: "Structure and academic conventions".into(),
            level: 1,
            level_name: "Emerging".into(),
            points: 3.3,
            max_points: 10.0,
            evidence: vec![],
            measures: [("words_in_range".to_string(), 0.0)].into_iter().collect(),
            feedback: format!("The essay has a shape to build on (1346 words). Next steps: {advice}"),
            next_steps: vec![advice.into()],
            descriptor: "Outside the acceptable range, or no recognisable introduction and conclusion, or no citation.".into(),
            assessor_override: None,
            borderline: vec![Borderline {
                measure: "words".into(),
                value: 1346.0,
                edge: 1350.0,
                level: 3,
                unit: BorderlineUnit::Words,
                advice: advice.into(),
            }],
        });
        r.borderline = vec!["recovery_language".into(), "structure".into()];
        r
    }

    pub fn context() -> ReportContext {
        ReportContext {
            rubric_id: "recovery-story-essay".into(),
            rubric_title: "My recovery story, the recovery approach and peer support".into(),
            assignment: "In an essay, consider your personal recovery story in relation to the recovery approach and the role of peer support.".into(),
            criteria: vec![
                ("personal_story".into(), "Personal recovery story".into()),
                ("recovery_language".into(), "Recovery-oriented language".into()),
            ],
            stretch: vec![
                "To go further, you could say how what you learned will shape the way you support others.".into(),
                "To go further, you could say how you will choose your words with the people you support.".into(),
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
    fn borderline_is_listed_with_why_and_without_the_learner_text() {
        let text = result_json(&borderline_result());
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            v["borderline"],
            serde_json::json!(["recovery_language", "structure"])
        );
        // After the outcome, before the language findings.
        let top = text.find("\n  \"borderline\"").unwrap();
        assert!(text.find("\n  \"outcome\"").unwrap() < top);
        assert!(top < text.find("\n  \"lapses\"").unwrap());
        assert_eq!(
            v["criteria"][2]["borderline"],
            serde_json::json!([{ "measure": "words", "value": 1346.0, "edge": 1350.0, "level": 3, "unit": "words" }])
        );
        assert_eq!(v["criteria"][1]["borderline"][0]["unit"], "count");
        // A criterion that is not borderline has no `borderline` field; the result's list is
        // always there (empty when none, and for a file that could not be marked).
        assert!(v["criteria"][0].get("borderline").is_none());
        let plain: serde_json::Value =
            serde_json::from_str(&result_json(&marked_result())).unwrap();
        assert_eq!(plain["borderline"], serde_json::json!([]));
        let err: serde_json::Value = serde_json::from_str(&result_json(&error_result())).unwrap();
        assert_eq!(err["borderline"], serde_json::json!([]));
        // The learner's line is built from the advice, which stays out of the JSON.
        assert!(!text.contains("advice"));
        // `check --format json` carries it too.
        let learner: serde_json::Value =
            serde_json::from_str(&learner_json(&borderline_result(), "support")).unwrap();
        assert_eq!(learner["borderline"], v["borderline"]);
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
