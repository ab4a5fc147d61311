//! `peermark export moodle`: the offline grading worksheet filled in place, and
//! `DIR/moodle-feedback.zip` for "Upload multiple feedback files in a zip".

use super::rawcsv::RawCsv;
use super::{ExportError, LevelDescriptors, ReadCriterion, ReadOverride, ReadResult};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What `export moodle` is asked to do.
#[derive(Clone, Debug)]
pub struct MoodleExport {
    pub worksheet: PathBuf,
    pub results: PathBuf,
    pub out: Option<PathBuf>,
    /// `achieved=ITEM,not_yet_achieved=ITEM` for a worksheet with a `Scale` column.
    pub scale: Option<String>,
    /// The support line that ends every learner's feedback.
    pub support_line: String,
    /// The rubric's level descriptors: what an assessor's level means, for results.json
    /// that does not hold it.
    pub descriptors: LevelDescriptors,
}

/// What `export moodle` did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MoodleSummary {
    pub out: PathBuf,
    pub zip: Option<PathBuf>,
    /// Worksheet rows filled.
    pub filled: usize,
    /// Worksheet rows left as downloaded.
    pub untouched: usize,
    /// Moodle results with no worksheet row (their submission ids).
    pub without_row: Vec<String>,
    /// Results not filled because they could not be marked (their submission ids).
    pub not_marked: Vec<String>,
    /// Feedback files in the zip.
    pub zipped: usize,
}

/// The learner's feedback as Moodle's `Feedback comments` HTML: one `<p>` per paragraph,
/// every paragraph escaped.
pub fn feedback_html(r: &ReadResult, support_line: &str) -> String {
    feedback_paragraphs(r, support_line)
        .iter()
        .map(|p| format!("<p>{}</p>", escape_html(p)))
        .collect()
}

/// The feedback paragraphs, from the result after the assessor's overrides: outcome and
/// score, one per criterion ([`criterion_paragraph`]), a pointer to the feedback sheet, the
/// support line.
pub fn feedback_paragraphs(r: &ReadResult, support_line: &str) -> Vec<String> {
    let mut ps = Vec::new();
    let outcome = match r.outcome.as_deref() {
        Some("achieved") => "Achieved",
        Some("not_yet_achieved") => "Not yet achieved",
        _ => "",
    };
    match (outcome, r.score) {
        ("", Some(s)) => ps.push(format!("Score: {s:.1} out of 100.")),
        (o, Some(s)) => ps.push(format!("Outcome: {o}, {s:.1} out of 100.")),
        ("", None) => {}
        (o, None) => ps.push(format!("Outcome: {o}.")),
    }
    for c in &r.criteria {
        ps.push(criterion_paragraph(c));
    }
    if !r.lapses.is_empty() {
        ps.push(format!(
            "Your feedback sheet lists {} phrase{} to reconsider, each with other words you could use.",
            r.lapses.len(),
            if r.lapses.len() == 1 { "" } else { "s" }
        ));
    }
    if !support_line.trim().is_empty() {
        ps.push(support_line.trim().to_string());
    }
    ps
}

/// One criterion's paragraph, `Title (Level): …`, the level being the final one:
/// - not overridden: peermark's feedback (what is there, then the next step);
/// - the assessor set another level than peermark proposed: their name and reason, and what
///   their level means (its descriptor). peermark's feedback is left out: it was written for
///   the level it proposed, and would describe a level the learner was not given;
/// - the assessor confirmed peermark's level: their name and reason, then peermark's feedback.
pub fn criterion_paragraph(c: &ReadCriterion) -> String {
    let mut parts = vec![format!("{} ({}):", c.title.trim(), c.level_name.trim())];
    match &c.assessor_override {
        Some(o) if o.changed_level() => {
            parts.push(assessor_words(o, "set"));
            if !c.descriptor.trim().is_empty() {
                parts.push(format!("What this level means: {}", c.descriptor.trim()));
            }
        }
        Some(o) => {
            parts.push(assessor_words(o, "confirmed"));
            parts.push(c.feedback.trim().to_string());
        }
        None => parts.push(c.feedback.trim().to_string()),
    }
    parts.retain(|p| !p.is_empty());
    parts.join(" ")
}

/// "Your assessor set this level. NAME wrote: “reason”", as the feedback sheet says it.
fn assessor_words(o: &ReadOverride, verb: &str) -> String {
    let (who, reason) = (o.assessor.trim(), o.reason.trim());
    match (who.is_empty(), reason.is_empty()) {
        (false, false) => format!("Your assessor {verb} this level. {who} wrote: “{reason}”"),
        (true, false) => format!("Your assessor {verb} this level and wrote: “{reason}”"),
        (false, true) => format!("Your assessor, {who}, {verb} this level."),
        (true, true) => format!("Your assessor {verb} this level."),
    }
}

/// Escapes text for HTML (`&`, `<`, `>`, `"`, `'`); line breaks inside a paragraph become
/// `<br>`.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// `achieved=Pass,not_yet_achieved=Refer` → outcome → scale item.
pub fn parse_scale(s: &str) -> Result<HashMap<String, String>, ExportError> {
    let mut map = HashMap::new();
    for part in s.split([',', ';']) {
        let Some((k, v)) = part.split_once('=') else {
            return Err(ExportError(format!(
                "--scale {s:?}: write it as achieved=ITEM,not_yet_achieved=ITEM (the items as the Moodle scale names them)"
            )));
        };
        let k = k.trim();
        if k != "achieved" && k != "not_yet_achieved" {
            return Err(ExportError(format!(
                "--scale: unknown outcome {k:?}; use achieved and not_yet_achieved"
            )));
        }
        map.insert(k.to_string(), v.trim().to_string());
    }
    for k in ["achieved", "not_yet_achieved"] {
        if !map.contains_key(k) {
            return Err(ExportError(format!(
                "--scale: no item for {k}; write it as achieved=ITEM,not_yet_achieved=ITEM"
            )));
        }
    }
    Ok(map)
}

/// Fills the worksheet and writes the feedback zip.
pub fn export(job: &MoodleExport) -> Result<MoodleSummary, ExportError> {
    let mut results = super::read_results(&job.results)?;
    job.descriptors.fill(&mut results);
    let stems = super::sheet_stems(&results);
    let bytes = super::read_input(&job.worksheet, "grading worksheet")?;
    let shown = job.worksheet.display().to_string();
    let csv = RawCsv::parse(bytes);
    if csv.rows.is_empty() {
        return Err(ExportError(format!(
            "{shown}: empty file; download the grading worksheet from Moodle again"
        )));
    }
    let col = |name: &str| {
        csv.column(name).ok_or_else(|| {
            ExportError(format!(
                "{shown}: not a Moodle grading worksheet (no `{name}` column); in Moodle: the assignment → View all submissions → Grading action → Download grading worksheet"
            ))
        })
    };
    let identifier = col("Identifier")?;
    let grade = col("Grade")?;
    let comments = col("Feedback comments")?;
    let full_name = csv.column("Full name");
    let max_grade = csv.column("Maximum grade");
    let scale_col = csv.column("Scale");
    let scale = match (&job.scale, scale_col) {
        (Some(s), Some(_)) => Some(parse_scale(s)?),
        (Some(_), None) => {
            return Err(ExportError(format!(
                "{shown}: --scale was given but the worksheet has no `Scale` column (the assignment is graded in points); leave out --scale"
            )))
        }
        (None, Some(_)) => {
            return Err(ExportError(format!(
                "{shown}: the assignment is graded on a scale; give --scale achieved=ITEM,not_yet_achieved=ITEM"
            )))
        }
        (None, None) => None,
    };

    let moodle: Vec<&ReadResult> = results
        .iter()
        .filter(|r| r.lms.as_deref() == Some("moodle") && r.learner_id.is_some())
        .collect();
    if moodle.is_empty() {
        return Err(ExportError(format!(
            "{}: no Moodle submissions in these results; mark the Moodle download (its zip or folder) first",
            job.results.join("results.json").display()
        )));
    }
    let by_id: HashMap<&str, &ReadResult> = moodle
        .iter()
        .map(|r| (r.learner_id.as_deref().unwrap_or_default(), *r))
        .collect();

    let mut summary = MoodleSummary::default();
    let mut changes = Vec::new();
    let mut names: HashMap<String, String> = HashMap::new();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for row in 1..csv.rows.len() {
        let cells = &csv.rows[row].cells;
        let value = |c: usize| cells.get(c).map(|cell| csv.value(cell));
        let Some(id) = value(identifier)
            .as_deref()
            .and_then(super::trailing_number)
            .map(str::to_string)
        else {
            summary.untouched += 1;
            continue;
        };
        if let Some(n) = full_name.and_then(value) {
            names.insert(id.clone(), n);
        }
        let Some(r) = by_id.get(id.as_str()) else {
            summary.untouched += 1;
            continue;
        };
        seen.insert(r.learner_id.as_deref().unwrap_or_default());
        if !r.is_marked() || cells.len() <= grade.max(comments) {
            summary.untouched += 1;
            continue;
        }
        let grade_value = match &scale {
            Some(map) => {
                let Some(item) = r.outcome.as_deref().and_then(|o| map.get(o)) else {
                    summary.untouched += 1;
                    continue;
                };
                if let Some(allowed) = scale_col.and_then(value) {
                    let items: Vec<&str> = allowed.split(',').map(str::trim).collect();
                    if !allowed.trim().is_empty() && !items.contains(&item.as_str()) {
                        return Err(ExportError(format!(
                            "{shown}: the scale item {item:?} is not one of this worksheet's ({allowed}); check --scale"
                        )));
                    }
                }
                item.clone()
            }
            None => {
                let Some(score) = r.score else {
                    summary.untouched += 1;
                    continue;
                };
                let max = max_grade.and_then(value);
                let places = max.as_deref().map(super::decimals).unwrap_or(2);
                super::points(
                    score,
                    max.and_then(|m| m.trim().parse::<f64>().ok()),
                    places,
                )
            }
        };
        changes.push(((row, grade), grade_value));
        changes.push((
            (row, comments),
            peermark_files::cell::safe_cell(&feedback_html(r, &job.support_line)),
        ));
        summary.filled += 1;
    }
    for r in &moodle {
        let id = r.learner_id.as_deref().unwrap_or_default();
        if !seen.contains(id) {
            summary.without_row.push(r.submission.clone());
        } else if !r.is_marked() {
            summary.not_marked.push(r.submission.clone());
        }
    }

    let out = super::out_path(job.out.clone(), &job.worksheet, &job.results)?;
    peermark_files::output::write_atomically(&out, &csv.with_cells(&changes))
        .map_err(|e| ExportError(e.to_string()))?;
    summary.out = out;

    let (zip, zipped) = feedback_zip(&moodle, &names, &job.results, &stems)?;
    summary.zip = zip;
    summary.zipped = zipped;
    Ok(summary)
}

/// The name of a feedback file in Moodle's zip:
/// `<Full Name>_<participant>_assignfeedback_file_<sheet name>`.
pub fn feedback_file_name(full_name: &str, participant: &str, sheet: &str) -> String {
    format!(
        "{}_{}_assignfeedback_file_{}",
        super::file_name_part(full_name),
        participant,
        sheet
    )
}

/// Writes `DIR/moodle-feedback.zip` with every marked Moodle learner's feedback sheets
/// (`feedback/<sheet stem>.md`, and `.docx` where present; stems as `mark` named them, see
/// [`super::sheet_stems`]). Names come from the worksheet
/// (else the results; else "Participant"). A participant with several marked submissions
/// (two downloads marked together) gets every sheet: taken in submission order, the first
/// submission's are `…_feedback.md`, the second's `…_feedback-2.md`, and so on. Returns the
/// zip's path and how many files it holds.
fn feedback_zip(
    moodle: &[&ReadResult],
    names: &HashMap<String, String>,
    dir: &Path,
    stems: &HashMap<String, String>,
) -> Result<(Option<PathBuf>, usize), ExportError> {
    // Marked learners only, as in the worksheet: a learner whose file could not be read is
    // marked by hand, and their sheet would only say so.
    let mut marked: Vec<&ReadResult> = moodle.iter().copied().filter(|r| r.is_marked()).collect();
    marked.sort_by(|a, b| a.submission.cmp(&b.submission));
    let mut files: BTreeMap<String, PathBuf> = BTreeMap::new();
    // Submissions with sheets so far, by participant.
    let mut count: HashMap<&str, usize> = HashMap::new();
    for r in marked {
        let id = r.learner_id.as_deref().unwrap_or_default();
        if !id.bytes().all(|b| b.is_ascii_digit()) || id.is_empty() {
            continue;
        }
        let name = names
            .get(id)
            .cloned()
            .or_else(|| r.learner.clone())
            .unwrap_or_else(|| "Participant".to_string());
        let sheets: Vec<(&str, PathBuf)> = ["md", "docx"]
            .into_iter()
            .filter_map(|ext| Some((ext, super::sheet_path(dir, stems, &r.submission, ext)?)))
            .collect();
        if sheets.is_empty() {
            continue;
        }
        let nth = count.entry(id).or_insert(0);
        *nth += 1;
        // The next number free for every one of this submission's sheets.
        let mut n = *nth;
        let entry = |n: usize, ext: &str| {
            let sheet = match n {
                1 => format!("feedback.{ext}"),
                _ => format!("feedback-{n}.{ext}"),
            };
            feedback_file_name(&name, id, &sheet)
        };
        while sheets
            .iter()
            .any(|(ext, _)| files.contains_key(&entry(n, ext)))
        {
            n += 1;
        }
        *nth = n;
        for (ext, sheet) in sheets {
            files.insert(entry(n, ext), sheet);
        }
    }
    if files.is_empty() {
        return Ok((None, 0));
    }
    let path = dir.join("moodle-feedback.zip");
    let err = |e: String| ExportError(format!("cannot write {}: {e}", path.display()));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, src) in &files {
        let bytes = std::fs::read(src).map_err(|e| err(format!("{}: {e}", src.display())))?;
        zip.start_file(name.as_str(), options)
            .map_err(|e| err(e.to_string()))?;
        zip.write_all(&bytes).map_err(|e| err(e.to_string()))?;
    }
    let bytes = zip.finish().map_err(|e| err(e.to_string()))?.into_inner();
    peermark_files::output::write_atomically(&path, &bytes)
        .map_err(|e| ExportError(e.to_string()))?;
    Ok((Some(path), files.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ReadCriterion;

    fn result() -> ReadResult {
        ReadResult {
            submission: "moodle-1".into(),
            learner: Some("Jane Doe".into()),
            learner_id: Some("1".into()),
            lms: Some("moodle".into()),
            status: "marked".into(),
            score: Some(72.5),
            outcome: Some("achieved".into()),
            criteria: vec![ReadCriterion {
                title: "Personal recovery story".into(),
                level_name: "Achieved".into(),
                feedback: "You tell your story <openly> & \"honestly\".\nNext, say what helped."
                    .into(),
                ..Default::default()
            }],
            lapses: vec![serde_json::json!({})],
            ..Default::default()
        }
    }

    #[test]
    fn feedback_is_escaped_html_paragraphs() {
        let html = feedback_html(&result(), "Support is there: Samaritans 116 123.");
        assert_eq!(
            html,
            "<p>Outcome: Achieved, 72.5 out of 100.</p>\
             <p>Personal recovery story (Achieved): You tell your story &lt;openly&gt; &amp; &quot;honestly&quot;.<br>Next, say what helped.</p>\
             <p>Your feedback sheet lists 1 phrase to reconsider, each with other words you could use.</p>\
             <p>Support is there: Samaritans 116 123.</p>"
        );
    }

    fn overridden(level: u8, proposed: u8) -> ReadCriterion {
        ReadCriterion {
            id: "structure".into(),
            title: "Structure and academic conventions".into(),
            level: Some(level),
            level_name: "Achieved".into(),
            descriptor: "Within the acceptable range, with an introduction.".into(),
            feedback: "The length is far from what the assignment asks for.".into(),
            assessor_override: Some(ReadOverride {
                level,
                proposed_level: proposed,
                reason: "Your headings were lost in conversion; the structure is clear.".into(),
                assessor: "J. Rivera".into(),
            }),
        }
    }

    #[test]
    fn a_level_the_assessor_set_is_told_in_their_words_not_the_proposals() {
        assert_eq!(
            criterion_paragraph(&overridden(2, 0)),
            "Structure and academic conventions (Achieved): Your assessor set this level. \
             J. Rivera wrote: “Your headings were lost in conversion; the structure is clear.” \
             What this level means: Within the acceptable range, with an introduction."
        );
        // Without a descriptor (results from another rubric): the assessor's words alone,
        // still never the proposal's feedback.
        let mut c = overridden(2, 0);
        c.descriptor.clear();
        let p = criterion_paragraph(&c);
        assert!(p.ends_with("the structure is clear.”"), "{p}");
        assert!(!p.contains("far from"), "{p}");
    }

    #[test]
    fn a_level_the_assessor_confirmed_keeps_the_feedback_and_adds_their_reason() {
        assert_eq!(
            criterion_paragraph(&overridden(2, 2)),
            "Structure and academic conventions (Achieved): Your assessor confirmed this level. \
             J. Rivera wrote: “Your headings were lost in conversion; the structure is clear.” \
             The length is far from what the assignment asks for."
        );
        let mut c = overridden(2, 2);
        c.assessor_override.as_mut().unwrap().assessor.clear();
        assert!(criterion_paragraph(&c)
            .contains("Your assessor confirmed this level and wrote: “Your headings"));
        c.assessor_override.as_mut().unwrap().reason.clear();
        c.assessor_override.as_mut().unwrap().assessor = "J. Rivera".into();
        assert!(criterion_paragraph(&c)
            .contains("(Achieved): Your assessor, J. Rivera, confirmed this level. The length"));
    }

    #[test]
    fn the_comments_cell_is_written_from_the_result_after_overrides() {
        let mut r = result();
        r.criteria.push(overridden(2, 0));
        let html = feedback_html(&r, "");
        assert!(html.contains("<p>Structure and academic conventions (Achieved): Your assessor set this level. J. Rivera wrote: “Your headings were lost in conversion; the structure is clear.” What this level means: Within the acceptable range, with an introduction.</p>"), "{html}");
        assert!(!html.contains("far from"), "{html}");
        // The criterion not overridden is as before.
        assert!(html.contains("<p>Personal recovery story (Achieved): You tell your story"));
    }

    #[test]
    fn scale_maps_both_outcomes() {
        let m = parse_scale("achieved=Competent, not_yet_achieved=Not yet competent").unwrap();
        assert_eq!(m["not_yet_achieved"], "Not yet competent");
        assert!(parse_scale("achieved=Pass").is_err());
        assert!(parse_scale("pass=Pass,not_yet_achieved=x").is_err());
    }

    #[test]
    fn a_participant_with_two_marked_submissions_keeps_both_sheets() {
        let dir = tempfile::tempdir().unwrap();
        let feedback = dir.path().join("feedback");
        std::fs::create_dir(&feedback).unwrap();
        for (file, text) in [
            ("moodle-1.md", "first md"),
            ("moodle-1.docx", "first docx"),
            ("moodle-1-2.md", "second md"),
            ("moodle-1-3.docx", "third docx"),
            ("moodle-2.md", "other learner"),
        ] {
            std::fs::write(feedback.join(file), text).unwrap();
        }
        let sub = |submission: &str, id: &str| ReadResult {
            submission: submission.into(),
            learner_id: Some(id.into()),
            ..result()
        };
        let (a, b, c, d) = (
            sub("moodle-1", "1"),
            sub("moodle-1-2", "1"),
            sub("moodle-1-3", "1"),
            sub("moodle-2", "2"),
        );
        // Given out of order: numbered in submission order all the same.
        let stems = crate::sheet_stems(&[a.clone(), b.clone(), c.clone(), d.clone()]);
        let (path, zipped) =
            feedback_zip(&[&d, &c, &b, &a], &HashMap::new(), dir.path(), &stems).unwrap();
        let mut z = zip::ZipArchive::new(std::fs::File::open(path.unwrap()).unwrap()).unwrap();
        let mut got = BTreeMap::new();
        for i in 0..z.len() {
            let mut f = z.by_index(i).unwrap();
            let mut text = String::new();
            std::io::Read::read_to_string(&mut f, &mut text).unwrap();
            got.insert(f.name().to_string(), text);
        }
        let want: BTreeMap<String, String> = [
            ("Jane Doe_1_assignfeedback_file_feedback.md", "first md"),
            ("Jane Doe_1_assignfeedback_file_feedback.docx", "first docx"),
            ("Jane Doe_1_assignfeedback_file_feedback-2.md", "second md"),
            (
                "Jane Doe_1_assignfeedback_file_feedback-3.docx",
                "third docx",
            ),
            (
                "Jane Doe_2_assignfeedback_file_feedback.md",
                "other learner",
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(got, want);
        assert_eq!(zipped, 5, "the count is the zip's entries");
    }

    #[test]
    fn feedback_file_names_match_moodles_importer() {
        let n = feedback_file_name("Siobhán O'Neill", "123470", "feedback.md");
        assert_eq!(n, "Siobhán O'Neill_123470_assignfeedback_file_feedback.md");
        // Moodle splits on `_` into at most 5 parts: name, participant, plugin type, plugin, file.
        let parts: Vec<&str> = n.splitn(5, '_').collect();
        assert_eq!(parts[1..4], ["123470", "assignfeedback", "file"]);
        let evil = feedback_file_name("../x_y/z", "1", "feedback.md");
        assert!(!evil.contains('/'));
        assert_eq!(evil.split('_').nth(1), Some("1"));
    }
}
