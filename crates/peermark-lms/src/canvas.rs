//! `peermark export canvas`: one assignment column of a Canvas gradebook export filled by
//! `ID`, in place; the `Points Possible` row and every other byte stay as downloaded.

use super::rawcsv::RawCsv;
use super::ExportError;
use std::collections::HashMap;
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct CanvasExport {
    pub gradebook: PathBuf,
    /// The assignment column: its full header (`"Recovery story essay (40721)"`), its
    /// title, or its id.
    pub assignment: String,
    pub results: PathBuf,
    pub out: Option<PathBuf>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CanvasSummary {
    pub out: PathBuf,
    pub column: String,
    pub filled: usize,
    pub untouched: usize,
    pub without_row: Vec<String>,
    pub not_marked: Vec<String>,
}

/// The assignment column named by `wanted`: the exact header, or `Title (id)` matched by
/// title or by id.
fn find_column(header: &[String], wanted: &str) -> Option<usize> {
    let wanted = wanted.trim();
    header.iter().position(|h| h.trim() == wanted).or_else(|| {
        let matches: Vec<usize> = header
            .iter()
            .enumerate()
            .filter(|(_, h)| {
                let h = h.trim();
                h.ends_with(&format!("({wanted})")) || h.starts_with(&format!("{wanted} ("))
            })
            .map(|(i, _)| i)
            .collect();
        (matches.len() == 1).then(|| matches[0])
    })
}

pub fn export(job: &CanvasExport) -> Result<CanvasSummary, ExportError> {
    let results = super::read_results(&job.results)?;
    let bytes = super::read_input(&job.gradebook, "Canvas gradebook")?;
    let shown = job.gradebook.display().to_string();
    let csv = RawCsv::parse(bytes);
    if csv.rows.is_empty() {
        return Err(ExportError(format!(
            "{shown}: empty file; export the gradebook from Canvas again"
        )));
    }
    let header = csv.values(0);
    let Some(id_col) = csv.column("ID") else {
        return Err(ExportError(format!(
            "{shown}: not a Canvas gradebook export (no `ID` column); in Canvas: Grades → Export → Export Entire Gradebook"
        )));
    };
    let Some(col) = find_column(&header, &job.assignment) else {
        let assignments: Vec<&str> = header
            .iter()
            .map(|h| h.trim())
            .filter(|h| h.ends_with(')') && h.contains(" ("))
            .collect();
        return Err(ExportError(format!(
            "{shown}: no assignment column {:?}; the columns are {}",
            job.assignment,
            assignments.join(", ")
        )));
    };
    let canvas: Vec<&super::ReadResult> = results
        .iter()
        .filter(|r| r.lms.as_deref() == Some("canvas") && r.learner_id.is_some())
        .collect();
    if canvas.is_empty() {
        return Err(ExportError(format!(
            "{}: no Canvas submissions in these results; mark the Canvas submissions zip first",
            job.results.join("results.json").display()
        )));
    }
    let by_id: HashMap<&str, &super::ReadResult> = canvas
        .iter()
        .map(|r| (r.learner_id.as_deref().unwrap_or_default(), *r))
        .collect();
    // Points Possible: the row Canvas puts under the header, with no ID.
    let mut max = None;
    for row in 1..csv.rows.len() {
        let v = csv.values(row);
        if v.first().is_some_and(|s| s.trim() == "Points Possible") {
            max = v.get(col).cloned();
        }
    }
    let places = max.as_deref().map(super::decimals).unwrap_or(2);
    let max_points = max.as_deref().and_then(|m| m.trim().parse::<f64>().ok());

    let mut summary = CanvasSummary {
        column: header[col].trim().to_string(),
        ..Default::default()
    };
    let mut seen = std::collections::HashSet::new();
    let mut changes = Vec::new();
    for row in 1..csv.rows.len() {
        let cells = &csv.rows[row].cells;
        let id = cells.get(id_col).map(|c| csv.value(c)).unwrap_or_default();
        let Some(r) = by_id.get(id.trim()) else {
            summary.untouched += 1;
            continue;
        };
        seen.insert(id.trim().to_string());
        match (r.is_marked(), r.score, cells.len() > col) {
            (true, Some(score), true) => {
                changes.push(((row, col), super::points(score, max_points, places)));
                summary.filled += 1;
            }
            _ => summary.untouched += 1,
        }
    }
    for r in &canvas {
        let id = r.learner_id.as_deref().unwrap_or_default();
        if !seen.contains(id) {
            summary.without_row.push(r.submission.clone());
        } else if !r.is_marked() {
            summary.not_marked.push(r.submission.clone());
        }
    }
    let out = super::out_path(job.out.clone(), &job.gradebook, &job.results)?;
    peermark_files::output::write_atomically(&out, &csv.with_cells(&changes))
        .map_err(|e| ExportError(e.to_string()))?;
    summary.out = out;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignment_columns_by_header_title_or_id() {
        let h: Vec<String> = [
            "Student",
            "ID",
            "Recovery story essay (40721)",
            "Reflection (40722)",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(find_column(&h, "Recovery story essay (40721)"), Some(2));
        assert_eq!(find_column(&h, "40722"), Some(3));
        assert_eq!(find_column(&h, "Recovery story essay"), Some(2));
        assert_eq!(find_column(&h, "Essay"), None);
    }
}
