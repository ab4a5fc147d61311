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

use std::path::{Path, PathBuf};

/// An LMS export error: one line, exit 1.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ExportError(pub String);

/// A marked result as `export` reads it back from `DIR/results.json`.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct ReadResult {
    pub submission: String,
    #[serde(default)]
    pub learner: Option<String>,
    #[serde(default)]
    pub learner_id: Option<String>,
    #[serde(default)]
    pub lms: Option<String>,
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

#[derive(Clone, Debug, serde::Deserialize)]
pub struct ReadCriterion {
    pub title: String,
    pub level_name: String,
    pub feedback: String,
}

impl ReadResult {
    pub fn is_marked(&self) -> bool {
        self.status == "marked"
    }
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
}
