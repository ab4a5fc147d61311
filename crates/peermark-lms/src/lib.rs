//! The LMS round trip outside the readers: the Canvas roster, and the
//! exports back into Moodle and Canvas (`peermark export moodle|canvas`).
//!
//! The LMS files are edited in place: only the cells peermark fills change; every other byte
//! (BOM, header, quoting, line ends, cells such as `Last modified (grade)`) is copied, because
//! Moodle and Canvas skip or misread rows whose other cells changed.

pub mod canvas;
pub mod moodle;
pub mod rawcsv;
pub mod roster;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// An LMS export error: one line, exit 1.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ExportError(pub String);

/// A marked result as `export` reads it back from `DIR/results.json`.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct ReadResult {
    pub submission: String,
    #[serde(default)]
    pub learner: Option<String>,
    #[serde(default)]
    pub learner_id: Option<String>,
    #[serde(default)]
    pub lms: Option<String>,
    /// The file marked: a path, or `archive!member` for a file inside a download.
    #[serde(default)]
    pub file: Option<String>,
    #[serde(default)]
    pub rubric: Option<ReadRubric>,
    pub status: String,
    #[serde(default)]
    pub score: Option<f64>,
    #[serde(default)]
    pub outcome: Option<String>,
    #[serde(default)]
    pub criteria: Vec<ReadCriterion>,
    #[serde(default)]
    pub lapses: Vec<serde_json::Value>,
}

/// One criterion of a [`ReadResult`], after the assessor's overrides: `level` and
/// `level_name` are the assessor's when they set the level; `feedback` is what peermark wrote
/// for its own proposal. Every field but the title and level name may be missing from
/// results written by an earlier peermark.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct ReadCriterion {
    #[serde(default)]
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub level: Option<u8>,
    pub level_name: String,
    /// The descriptor of `level`, when results.json holds it; else filled in from the rubric
    /// by [`LevelDescriptors::fill`].
    #[serde(default)]
    pub descriptor: String,
    #[serde(default)]
    pub feedback: String,
    /// The assessor's override (`criteria[].override`), when they set or confirmed the level.
    #[serde(default, rename = "override")]
    pub assessor_override: Option<ReadOverride>,
}

/// An assessor's override as results.json records it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct ReadOverride {
    /// The level the assessor set (the criterion's `level`).
    pub level: u8,
    /// peermark's proposal before the assessor's.
    pub proposed_level: u8,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub assessor: String,
}

impl ReadOverride {
    /// The assessor set a level other than peermark's proposal (rather than confirming it).
    pub fn changed_level(&self) -> bool {
        self.level != self.proposed_level
    }
}

/// The rubric a result was marked with (`rubric` in results.json).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct ReadRubric {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub sha256: String,
}

impl ReadResult {
    pub fn is_marked(&self) -> bool {
        self.status == "marked"
    }
}

/// The level descriptors of a rubric, to say what an assessor's level means where
/// results.json does not hold the descriptor.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LevelDescriptors {
    pub rubric_id: String,
    pub sha256: String,
    /// Criterion id → descriptor of each level (level 0 first).
    pub by_criterion: BTreeMap<String, Vec<String>>,
}

impl LevelDescriptors {
    pub fn of(rubric: &peermark_engine::rubric::Rubric) -> LevelDescriptors {
        LevelDescriptors {
            rubric_id: rubric.id.clone(),
            sha256: rubric.sha256.clone(),
            by_criterion: rubric
                .criteria
                .iter()
                .map(|c| (c.id.clone(), c.descriptors.clone()))
                .collect(),
        }
    }

    /// Whether `r` was marked with this rubric: the same file (by its SHA-256) where both are
    /// known, else the same rubric id. Unknown: no.
    fn marked_with(&self, r: &ReadResult) -> bool {
        match &r.rubric {
            Some(used) if !used.sha256.is_empty() && !self.sha256.is_empty() => {
                used.sha256 == self.sha256
            }
            Some(used) => !used.id.is_empty() && used.id == self.rubric_id,
            None => false,
        }
    }

    /// Gives each criterion without a descriptor the descriptor of its level, for results
    /// marked with this rubric (another rubric's words could describe another level).
    pub fn fill(&self, results: &mut [ReadResult]) {
        for r in results.iter_mut() {
            if !self.marked_with(r) {
                continue;
            }
            for c in &mut r.criteria {
                if !c.descriptor.trim().is_empty() {
                    continue;
                }
                let level = c.assessor_override.as_ref().map(|o| o.level).or(c.level);
                if let Some(d) = level.and_then(|l| {
                    self.by_criterion
                        .get(&c.id)
                        .and_then(|ds| ds.get(l as usize))
                }) {
                    c.descriptor = d.clone();
                }
            }
        }
    }
}

/// The file stem of every result's sheets (`DIR/feedback/<stem>.md` and `.docx`), by
/// submission id, as `mark` named them ([`peermark_files::write::sheet_stems`]).
pub fn sheet_stems(results: &[ReadResult]) -> HashMap<String, String> {
    peermark_files::write::sheet_stems(results.iter().map(|r| r.submission.as_str()))
}

/// A learner's sheet as `mark` wrote it: `DIR/feedback/<stem>.<ext>`, if it is there.
pub(crate) fn sheet_path(
    dir: &Path,
    stems: &HashMap<String, String>,
    submission: &str,
    ext: &str,
) -> Option<PathBuf> {
    let stem = stems
        .get(submission)
        .cloned()
        .unwrap_or_else(|| peermark_report::sheet_file_stem(submission));
    let p = dir.join("feedback").join(format!("{stem}.{ext}"));
    p.is_file().then_some(p)
}

/// Reads `DIR/results.json`.
pub fn read_results(dir: &Path) -> Result<Vec<ReadResult>, ExportError> {
    let path = dir.join("results.json");
    let bytes = std::fs::read(&path).map_err(|e| {
        ExportError(format!(
            "{}: cannot be read ({e}); give --results the folder that `peermark mark --out` wrote",
            path.display()
        ))
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ExportError(format!(
            "{}: not peermark results ({e}); run `peermark mark` again",
            path.display()
        ))
    })
}

/// Reads an LMS file given on the command line.
pub(crate) fn read_input(path: &Path, what: &str) -> Result<Vec<u8>, ExportError> {
    std::fs::read(path).map_err(|e| {
        ExportError(format!(
            "{}: cannot read the {what} ({e}); check the path",
            path.display()
        ))
    })
}

/// Where an export writes: `--out`, else the input's file name inside the results folder;
/// never over the downloaded file itself.
pub(crate) fn out_path(
    out: Option<PathBuf>,
    input: &Path,
    results: &Path,
) -> Result<PathBuf, ExportError> {
    let out = out.unwrap_or_else(|| {
        results.join(
            input
                .file_name()
                .map(|n| n.to_os_string())
                .unwrap_or_else(|| "export.csv".into()),
        )
    });
    let same = match (std::fs::canonicalize(input), std::fs::canonicalize(&out)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return Err(ExportError(format!(
            "{}: would overwrite the downloaded file; give --out another file name",
            out.display()
        )));
    }
    Ok(out)
}

/// The number of decimals of a number as written (`"100.00"` → 2).
pub(crate) fn decimals(s: &str) -> usize {
    s.trim().split_once('.').map(|(_, d)| d.len()).unwrap_or(0)
}

/// A score out of 100 on an LMS's scale of `max` points, written with `places` decimals.
pub(crate) fn points(score: f64, max: Option<f64>, places: usize) -> String {
    let value = match max {
        Some(m) if m > 0.0 => score * m / 100.0,
        _ => score,
    };
    format!("{value:.places$}")
}

/// The participant or user number at the end of an identifier (`"Participant 123456"` →
/// `"123456"`).
pub(crate) fn trailing_number(s: &str) -> Option<&str> {
    let s = s.trim();
    let start = s
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit())
        .last()
        .map(|(i, _)| i)?;
    Some(&s[start..])
}

/// A name made safe as part of a file name in a zip: no path separators, control
/// characters or underscores (Moodle splits feedback file names on `_`); never empty.
pub fn file_name_part(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, ' ' | '\'' | '-' | '.' | '(' | ')' | ',') {
                c
            } else {
                ' '
            }
        })
        .collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let cleaned = cleaned
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' '])
        .to_string();
    if cleaned.is_empty() {
        "Participant".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_names() {
        assert_eq!(trailing_number("Participant 123456"), Some("123456"));
        assert_eq!(trailing_number("Participant"), None);
        assert_eq!(decimals("100.00"), 2);
        assert_eq!(decimals("20"), 0);
        assert_eq!(points(86.66, Some(100.0), 2), "86.66");
        assert_eq!(points(50.0, Some(20.0), 1), "10.0");
        assert_eq!(file_name_part("Siobhán O'Neill"), "Siobhán O'Neill");
        let p = file_name_part("../../etc/passwd");
        assert!(!p.contains('/') && !p.starts_with('.'), "{p}");
        assert_eq!(file_name_part("a_b\u{0}c"), "a b c");
        assert_eq!(file_name_part("=HYPERLINK(\"x\")"), "HYPERLINK( x )");
        assert_eq!(file_name_part("///"), "Participant");
    }

    #[test]
    fn results_without_overrides_or_descriptors_still_read() {
        // As an earlier peermark wrote them: no `id`, `level`, `descriptor` or `override`.
        let old = r#"[{"submission": "e01", "status": "marked", "score": 50.0,
            "criteria": [{"title": "Structure", "level_name": "Achieved", "feedback": "Clear."}]}]"#;
        let r: Vec<ReadResult> = serde_json::from_str(old).unwrap();
        let c = &r[0].criteria[0];
        assert!(c.assessor_override.is_none() && c.descriptor.is_empty() && c.level.is_none());
        assert_eq!(c.feedback, "Clear.");
        let new = r#"[{"submission": "e01", "status": "marked",
            "rubric": {"id": "recovery-story-essay", "sha256": "ab"},
            "criteria": [{"id": "structure", "title": "Structure", "level": 2,
                "level_name": "Achieved", "feedback": "Far from it.",
                "override": {"level": 2, "proposed_level": 0, "reason": "Clear.", "assessor": "JR"}}]}]"#;
        let r: Vec<ReadResult> = serde_json::from_str(new).unwrap();
        let o = r[0].criteria[0].assessor_override.as_ref().unwrap();
        assert_eq!((o.level, o.proposed_level, o.changed_level()), (2, 0, true));
        assert_eq!((o.reason.as_str(), o.assessor.as_str()), ("Clear.", "JR"));
        assert_eq!(r[0].rubric.as_ref().unwrap().sha256, "ab");
    }

    #[test]
    fn descriptors_come_from_the_rubric_the_results_were_marked_with() {
        let rubric = peermark_engine::load_rubric(None).unwrap();
        let d = LevelDescriptors::of(&rubric);
        let structure = rubric.criterion("structure").unwrap();
        let read = |rubric_json: &str| -> ReadResult {
            serde_json::from_str(&format!(
                r#"{{"submission": "e01", "status": "marked", "rubric": {rubric_json},
                "criteria": [
                  {{"id": "structure", "title": "S", "level": 2, "level_name": "Achieved", "feedback": "f",
                    "override": {{"level": 2, "proposed_level": 0, "reason": "r", "assessor": "a"}}}},
                  {{"id": "linking", "title": "L", "level": 1, "level_name": "Emerging", "feedback": "f",
                    "descriptor": "As results.json says it."}}]}}"#
            ))
            .unwrap()
        };
        let mut rs = vec![
            read(&format!(r#"{{"id": "x", "sha256": "{}"}}"#, rubric.sha256)),
            read(r#"{"id": "recovery-story-essay", "sha256": "another file"}"#),
            read(&format!(r#"{{"id": "{}"}}"#, rubric.id)),
        ];
        rs.push(ReadResult {
            rubric: None,
            ..rs[0].clone()
        });
        d.fill(&mut rs);
        // The same rubric (by its file, else by id): the assessor's level's descriptor.
        assert_eq!(rs[0].criteria[0].descriptor, structure.descriptors[2]);
        assert_eq!(rs[2].criteria[0].descriptor, structure.descriptors[2]);
        // An edited rubric, or none recorded: none rather than another rubric's words.
        assert_eq!(rs[1].criteria[0].descriptor, "");
        assert_eq!(rs[3].criteria[0].descriptor, "");
        // A descriptor results.json holds is kept.
        assert_eq!(rs[0].criteria[1].descriptor, "As results.json says it.");
    }
}
