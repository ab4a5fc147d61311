//! `peermark export canvas`: one assignment column of a Canvas gradebook export filled by
//! `ID`, in place; the `Points Possible` row and every other byte stay as downloaded. And
//! `DIR/canvas-feedback.zip` for the assignment's "Re-upload submissions", which attaches
//! each learner's feedback sheet to their submission as a comment.
//!
//! How Canvas matches re-uploaded files (canvas-lms `AbstractAssignment#
//! infer_comment_context_from_filename`): it splits the file's base name on `_`, drops
//! `LATE`, and reads the first two all-digit parts as the user id and the attachment id (the
//! id of a file the learner handed in); a file whose attachment is not one of that
//! learner's submission files is ignored. The submissions download names each uploaded file
//! `<sortable name>[_LATE]_<user id>_<attachment id>_<file name>` (canvas-lms
//! `ContentZipper#add_upload_submission`) and online text `<name>[_LATE]_<user id>_text.html`,
//! which carries no attachment id: Canvas cannot take a re-uploaded file for it.

use super::rawcsv::RawCsv;
use super::{ExportError, ReadResult};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The re-upload zip's name, in the results folder.
pub const REUPLOAD_ZIP: &str = "canvas-feedback.zip";

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
    /// `DIR/canvas-feedback.zip` for "Re-upload submissions", when any sheet went in it.
    pub zip: Option<PathBuf>,
    /// Sheets in the zip.
    pub zipped: usize,
    /// Marked learners Canvas has no uploaded file of to attach a sheet to (online text, or
    /// a file not named as in a Canvas download): their submission ids.
    pub without_upload: Vec<String>,
    /// Marked learners with no feedback sheet in `DIR/feedback`: their submission ids.
    pub without_sheet: Vec<String>,
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
    let zip_path = job.results.join(REUPLOAD_ZIP);
    // Never over an input (the gradebook, a download the results were marked from), nor the
    // filled gradebook itself; checked before anything is written.
    if same_file(&out, &zip_path) {
        return Err(ExportError(format!(
            "{}: peermark writes the Canvas feedback zip there; give --out another file name",
            out.display()
        )));
    }
    let mut inputs = vec![job.gradebook.clone()];
    inputs.extend(
        canvas
            .iter()
            .filter_map(|r| r.file.as_deref())
            .map(archive_of),
    );
    if inputs.iter().any(|p| same_file(p, &zip_path)) {
        return Err(ExportError(format!(
            "{}: is an input of this export (the gradebook or a submissions download) and would be replaced by the feedback zip; move it out of {} and run the export again",
            zip_path.display(),
            job.results.display()
        )));
    }
    peermark_files::output::write_atomically(&out, &csv.with_cells(&changes))
        .map_err(|e| ExportError(e.to_string()))?;
    summary.out = out;

    let stems = super::sheet_stems(&results);
    let plan = reupload_plan(&canvas, &job.results, &stems);
    summary.without_upload = plan.without_upload;
    summary.without_sheet = plan.without_sheet;
    if !plan.files.is_empty() {
        write_zip(&zip_path, &plan.files)?;
        summary.zip = Some(zip_path);
        summary.zipped = plan.files.len();
    }
    Ok(summary)
}

/// The file an input path names: the archive of `archive!member`, else the path itself.
fn archive_of(file: &str) -> PathBuf {
    PathBuf::from(file.split_once('!').map_or(file, |(archive, _)| archive))
}

/// Whether two paths name one file, whether or not it exists yet.
fn same_file(a: &Path, b: &Path) -> bool {
    let real = |p: &Path| {
        std::fs::canonicalize(p).ok().or_else(|| {
            let dir = match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            Some(std::fs::canonicalize(dir).ok()?.join(p.file_name()?))
        })
    };
    matches!((real(a), real(b)), (Some(x), Some(y)) if x == y)
}

/// The name Canvas gave a learner's uploaded file in its submissions download, split where
/// its re-upload reads it: the part through the attachment id (`"doejane_5512_998877_"`,
/// `"oneillsiobhan_late_5513_998878_"`) and the learner's own file name (`"Essay Final.docx"`).
/// `file` is the result's `file` (a path, or `archive!member`); `user_id` the learner's
/// Canvas user id. `None` for online text (no attachment id) and for files not named by
/// Canvas for this learner.
pub fn downloaded_name<'a>(file: &'a str, user_id: &str) -> Option<(&'a str, &'a str)> {
    // The whole path, then what follows each `!` (a member of an archive), longest first.
    let candidates =
        std::iter::once(file).chain(file.match_indices('!').map(|(i, _)| &file[i + 1..]));
    for candidate in candidates {
        let base = candidate.rsplit(['/', '\\']).next().unwrap_or(candidate);
        let Some(n) = peermark_ingest::parse_lms_name(base) else {
            continue;
        };
        if n.lms != peermark_ingest::Lms::Canvas || n.online_text || n.id != user_id {
            continue;
        }
        if let Some(prefix) = base.strip_suffix(n.file) {
            return Some((prefix, n.file));
        }
    }
    None
}

/// A sheet's name in the re-upload zip: the name Canvas gave the learner's file in the
/// download, with the sheet's extension (`"doejane_5512_998877_Essay Final.docx"`). Canvas
/// reads the user and attachment ids from the part before the learner's own file name, and
/// shows the attached sheet under the name of the learner's file.
pub fn reupload_name(prefix: &str, original: &str, ext: &str) -> String {
    numbered_name(prefix, original, ext, 1)
}

/// [`reupload_name`], the `n`th sheet for one upload: `… (n).ext` from the second on.
fn numbered_name(prefix: &str, original: &str, ext: &str, n: usize) -> String {
    let stem = match original.rsplit_once('.') {
        Some((stem, _)) if !stem.trim().is_empty() => stem,
        _ => original,
    };
    let stem = peermark_files::write::safe_file_name(stem);
    match n {
        1 => format!("{prefix}{stem}.{ext}"),
        n => format!("{prefix}{stem} ({n}).{ext}"),
    }
}

/// What goes into the re-upload zip.
#[derive(Debug, Default, PartialEq)]
struct ReuploadPlan {
    /// Name in the zip → the sheet.
    files: BTreeMap<String, PathBuf>,
    without_upload: Vec<String>,
    without_sheet: Vec<String>,
}

/// Every marked Canvas learner's Word sheet (`DIR/feedback/<stem>.docx`; the Markdown sheet
/// where there is no Word one), named for Canvas's re-upload.
fn reupload_plan(
    canvas: &[&ReadResult],
    dir: &Path,
    stems: &HashMap<String, String>,
) -> ReuploadPlan {
    let mut marked: Vec<&ReadResult> = canvas.iter().copied().filter(|r| r.is_marked()).collect();
    marked.sort_by(|a, b| a.submission.as_bytes().cmp(b.submission.as_bytes()));
    let mut plan = ReuploadPlan::default();
    for r in marked {
        let user = r.learner_id.as_deref().unwrap_or_default();
        let Some((prefix, original)) = r.file.as_deref().and_then(|f| downloaded_name(f, user))
        else {
            plan.without_upload.push(r.submission.clone());
            continue;
        };
        let Some((ext, sheet)) = ["docx", "md"]
            .into_iter()
            .find_map(|ext| Some((ext, super::sheet_path(dir, stems, &r.submission, ext)?)))
        else {
            plan.without_sheet.push(r.submission.clone());
            continue;
        };
        // The same upload marked twice (a download given twice): both sheets, told apart.
        let mut n = 1;
        let mut name = numbered_name(prefix, original, ext, n);
        while plan.files.contains_key(&name) {
            n += 1;
            name = numbered_name(prefix, original, ext, n);
        }
        plan.files.insert(name, sheet);
    }
    plan
}

fn write_zip(path: &Path, files: &BTreeMap<String, PathBuf>) -> Result<(), ExportError> {
    let err = |e: String| ExportError(format!("cannot write {}: {e}", path.display()));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, src) in files {
        let bytes = std::fs::read(src).map_err(|e| err(format!("{}: {e}", src.display())))?;
        zip.start_file(name.as_str(), options)
            .map_err(|e| err(e.to_string()))?;
        zip.write_all(&bytes).map_err(|e| err(e.to_string()))?;
    }
    let bytes = zip.finish().map_err(|e| err(e.to_string()))?.into_inner();
    peermark_files::output::write_atomically(path, &bytes).map_err(|e| ExportError(e.to_string()))
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

    /// Canvas's re-upload rule, written here apart from peermark's reader: the base name split
    /// on `_`, `LATE` dropped, the first two all-digit parts are the user id and the attachment
    /// id (canvas-lms `infer_comment_context_from_filename`).
    fn canvas_reads(name: &str) -> Option<(String, String)> {
        let base = name.rsplit('/').next().unwrap();
        let digits: Vec<&str> = base
            .split('_')
            .filter(|p| *p != "LATE")
            .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .take(2)
            .collect();
        (digits.len() == 2).then(|| (digits[0].to_string(), digits[1].to_string()))
    }

    #[test]
    fn downloaded_names_split_where_canvas_reads_them() {
        let zip = "/data/PSW 101_2024!/canvas-submissions.zip";
        for (file, user, want) in [
            (
                format!("{zip}!doejane_5512_998877_Essay Final.docx"),
                "5512",
                Some(("doejane_5512_998877_", "Essay Final.docx")),
            ),
            (
                format!("{zip}!oneillsiobhan_late_5513_998878_essay.docx"),
                "5513",
                Some(("oneillsiobhan_late_5513_998878_", "essay.docx")),
            ),
            (
                format!("{zip}!reidsam_LATE_5515_998879_my_essay_2.odt"),
                "5515",
                Some(("reidsam_LATE_5515_998879_", "my_essay_2.odt")),
            ),
            // A `!` in the learner's own file name; an unzipped download.
            (
                format!("{zip}!doejane_5512_998877_Wow!.docx"),
                "5512",
                Some(("doejane_5512_998877_", "Wow!.docx")),
            ),
            (
                "/data/unzipped/doejane_5512_998877_Essay Final.docx".to_string(),
                "5512",
                Some(("doejane_5512_998877_", "Essay Final.docx")),
            ),
            // Online text has no attachment id; another learner's file; not Canvas at all.
            (format!("{zip}!khanali_5514_text.html"), "5514", None),
            (format!("{zip}!doejane_5512_998877_e.docx"), "5513", None),
            ("/data/essays/e01.docx".to_string(), "5512", None),
            (
                format!("{zip}!Jane Doe_5512_assignsubmission_file/e.docx"),
                "5512",
                None,
            ),
        ] {
            assert_eq!(downloaded_name(&file, user), want, "{file}");
        }
    }

    #[test]
    fn reupload_names_carry_the_ids_canvas_matches() {
        for (prefix, original, ext, want) in [
            (
                "doejane_5512_998877_",
                "Essay Final.docx",
                "docx",
                "doejane_5512_998877_Essay Final.docx",
            ),
            (
                "oneillsiobhan_late_5513_998878_",
                "essay.pdf",
                "docx",
                "oneillsiobhan_late_5513_998878_essay.docx",
            ),
            (
                "reidsam_LATE_5515_998879_",
                "my_essay_2.odt",
                "md",
                "reidsam_LATE_5515_998879_my_essay_2.md",
            ),
            (
                "doejane_5512_998877_",
                "a\\b:c.docx",
                "docx",
                "doejane_5512_998877_a-b-c.docx",
            ),
            (
                "doejane_5512_998877_",
                "notes",
                "md",
                "doejane_5512_998877_notes.md",
            ),
        ] {
            let name = reupload_name(prefix, original, ext);
            assert_eq!(name, want);
            let download = format!("{prefix}{original}");
            assert_eq!(canvas_reads(&name), canvas_reads(&download), "{name}");
            assert!(canvas_reads(&name).is_some(), "{name}");
            assert!(!name.contains(['/', '\\']), "{name}");
        }
    }

    #[test]
    fn the_plan_takes_each_marked_learners_word_sheet_else_markdown() {
        let dir = tempfile::tempdir().unwrap();
        let feedback = dir.path().join("feedback");
        std::fs::create_dir(&feedback).unwrap();
        // Two ids that meet ignoring case: `mark` named the second sheet `-2`.
        for (file, text) in [
            ("canvas-5512.docx", "jane docx"),
            ("canvas-5512.md", "jane md"),
            ("canvas-5513.md", "siobhan md"),
            ("canvas-5514.docx", "ali docx"),
            ("Canvas-5516.docx", "first of two"),
            ("canvas-5516-2.docx", "second of two"),
        ] {
            std::fs::write(feedback.join(file), text).unwrap();
        }
        let zip = "c.zip";
        let r = |submission: &str, id: &str, file: &str, status: &str| ReadResult {
            submission: submission.into(),
            learner_id: Some(id.into()),
            lms: Some("canvas".into()),
            file: Some(format!("{zip}!{file}")),
            status: status.into(),
            ..Default::default()
        };
        let results = [
            r(
                "canvas-5512",
                "5512",
                "doejane_5512_998877_Essay Final.docx",
                "marked",
            ),
            r(
                "canvas-5513",
                "5513",
                "oneillsiobhan_late_5513_998878_essay.docx",
                "marked",
            ),
            r("canvas-5514", "5514", "khanali_5514_text.html", "marked"),
            r(
                "canvas-5515",
                "5515",
                "reidsam_5515_998880_essay.docx",
                "marked",
            ),
            r(
                "canvas-5517",
                "5517",
                "leeann_5517_998882_essay.docx",
                "failed",
            ),
            r(
                "Canvas-5516",
                "5516",
                "parkkim_5516_998881_a.docx",
                "marked",
            ),
            r(
                "canvas-5516",
                "5516",
                "parkkim_5516_998883_b.docx",
                "marked",
            ),
        ];
        let refs: Vec<&ReadResult> = results.iter().collect();
        let plan = reupload_plan(&refs, dir.path(), &crate::sheet_stems(&results));
        let got: BTreeMap<String, String> = plan
            .files
            .iter()
            .map(|(k, v)| (k.clone(), std::fs::read_to_string(v).unwrap()))
            .collect();
        let want: BTreeMap<String, String> = [
            ("doejane_5512_998877_Essay Final.docx", "jane docx"),
            ("oneillsiobhan_late_5513_998878_essay.md", "siobhan md"),
            ("parkkim_5516_998881_a.docx", "first of two"),
            ("parkkim_5516_998883_b.docx", "second of two"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(got, want);
        assert_eq!(plan.without_upload, ["canvas-5514"]);
        assert_eq!(plan.without_sheet, ["canvas-5515"]);
    }

    #[test]
    fn an_upload_marked_twice_keeps_both_sheets() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("feedback")).unwrap();
        std::fs::write(dir.path().join("feedback/canvas-5512.docx"), "one").unwrap();
        std::fs::write(dir.path().join("feedback/canvas-5512-2.docx"), "two").unwrap();
        let r = |submission: &str, zip: &str| ReadResult {
            submission: submission.into(),
            learner_id: Some("5512".into()),
            lms: Some("canvas".into()),
            file: Some(format!("{zip}!doejane_5512_998877_e.docx")),
            status: "marked".into(),
            ..Default::default()
        };
        let results = [r("canvas-5512", "a.zip"), r("canvas-5512-2", "b.zip")];
        let refs: Vec<&ReadResult> = results.iter().collect();
        let plan = reupload_plan(&refs, dir.path(), &crate::sheet_stems(&results));
        let got: BTreeMap<&str, String> = plan
            .files
            .iter()
            .map(|(k, v)| (k.as_str(), std::fs::read_to_string(v).unwrap()))
            .collect();
        assert_eq!(
            got,
            BTreeMap::from([
                ("doejane_5512_998877_e.docx", "one".to_string()),
                ("doejane_5512_998877_e (2).docx", "two".to_string()),
            ])
        );
        for n in got.keys() {
            assert_eq!(canvas_reads(n), Some(("5512".into(), "998877".into())));
        }
    }
}
