//! The LMS round trip with the real binary and the real fixtures: Moodle and Canvas
//! downloads in, grades and feedback back out, byte for byte where peermark does not write.

mod common;

use common::{fixtures, mark_with, peermark, read_csv};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

fn lms() -> PathBuf {
    fixtures().join("lms")
}

fn moodle_zip() -> PathBuf {
    lms().join("PSW101-Recovery story essay-88.zip")
}

fn by_submission(
    rows: Vec<BTreeMap<String, String>>,
) -> BTreeMap<String, BTreeMap<String, String>> {
    rows.into_iter()
        .map(|r| (r["submission"].clone(), r))
        .collect()
}

fn results(dir: &Path) -> Vec<serde_json::Value> {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("results.json")).unwrap()).unwrap();
    v.as_array().unwrap().clone()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The raw bytes of every cell of a CSV file (quotes included), row by row, after a BOM.
/// Written here, apart from peermark's own splitter, so the test checks it independently.
fn raw_cells(bytes: &[u8]) -> (bool, Vec<Vec<Vec<u8>>>) {
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let b = if bom { &bytes[3..] } else { bytes };
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = Vec::new();
    let mut in_quotes = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if in_quotes {
            cell.push(c);
            if c == b'"' {
                if b.get(i + 1) == Some(&b'"') {
                    cell.push(b'"');
                    i += 1;
                } else {
                    in_quotes = false;
                }
            }
        } else if c == b'"' {
            in_quotes = true;
            cell.push(c);
        } else if c == b',' {
            row.push(std::mem::take(&mut cell));
        } else if c == b'\n' {
            row.push(std::mem::take(&mut cell));
            rows.push(std::mem::take(&mut row));
        } else {
            cell.push(c);
        }
        i += 1;
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    (bom, rows)
}

fn unquote(raw: &[u8]) -> String {
    let s = String::from_utf8(raw.to_vec()).unwrap();
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .map(|s| s.replace("\"\"", "\""))
        .unwrap_or(s)
}

#[test]
fn a_moodle_download_marks_every_learner_with_name_and_participant_number() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("m");
    let o = mark_with(&[&moodle_zip()], &out, &["--quiet"]);
    assert!(matches!(o.status.code(), Some(0 | 2)), "{}", stderr(&o));
    let text = std::fs::read_to_string(out.join("gradebook.csv")).unwrap();
    assert!(
        text.starts_with("submission,learner,learner_id,file,words,"),
        "learner columns follow submission: {text}"
    );
    let rows = by_submission(read_csv(&out.join("gradebook.csv")));
    let expected = [
        (
            "moodle-123456",
            "Jane Doe",
            "123456",
            "Jane Doe_123456_assignsubmission_file/essay.docx",
        ),
        (
            "moodle-123470",
            "Siobhán O'Neill",
            "123470",
            "Siobhán O'Neill_123470_assignsubmission_file/My essay (final).docx",
        ),
        (
            "moodle-123481",
            "Ali Khan",
            "123481",
            "Ali Khan_123481_assignsubmission_onlinetext/onlinetext.html",
        ),
        (
            "moodle-123492",
            "Sam Reid",
            "123492",
            "Sam Reid_123492_assignsubmission_file/Drafts/recovery essay.odt",
        ),
    ];
    assert_eq!(rows.len(), 4, "{rows:#?}");
    for (id, name, number, member) in expected {
        let r = &rows[id];
        assert_eq!(r["learner"], name);
        assert_eq!(r["learner_id"], number);
        assert_eq!(
            r["file"],
            format!("{}!{member}", moodle_zip().display()),
            "file is archive!member"
        );
    }
    // The Word essays are marked (the online text and .odt rows depend on those readers).
    for id in ["moodle-123456", "moodle-123470"] {
        assert_eq!(rows[id]["status"], "marked", "{:?}", rows[id]);
        assert!(rows[id]["words"].parse::<usize>().unwrap() > 200);
    }
    let res = results(&out);
    assert_eq!(res[1]["submission"], "moodle-123470");
    assert_eq!(res[1]["learner"], "Siobhán O'Neill");
    assert_eq!(res[1]["learner_id"], "123470");
    assert_eq!(res[1]["lms"], "moodle");
    // In results.json the learner follows the submission, as in the gradebook.
    let json = std::fs::read_to_string(out.join("results.json")).unwrap();
    let at = |k: &str| json.find(&format!("\"{k}\":")).unwrap();
    assert!(at("submission") < at("learner") && at("learner_id") < at("file"));
    let sheet = std::fs::read_to_string(out.join("feedback/moodle-123470.md")).unwrap();
    assert!(sheet.contains("Learner: **Siobhán O'Neill**"), "{sheet}");

    // The unzipped download reads the same.
    let unzipped = tmp.path().join("PSW101-Recovery story essay-88");
    let mut z = zip::ZipArchive::new(std::fs::File::open(moodle_zip()).unwrap()).unwrap();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let p = unzipped.join(f.name());
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let out2 = tmp.path().join("m2");
    mark_with(&[&unzipped], &out2, &["--quiet"]);
    let rows2 = by_submission(read_csv(&out2.join("gradebook.csv")));
    for (id, r) in &rows {
        for col in ["learner", "learner_id", "score", "status"] {
            assert_eq!(rows2[id][col], r[col], "{id} {col}");
        }
    }
}

#[test]
fn a_canvas_download_keeps_user_ids_and_lateness_and_the_roster_names_learners() {
    let tmp = tempfile::tempdir().unwrap();
    let zip = lms().join("canvas-submissions.zip");
    let roster = lms().join("canvas-gradebook.csv");
    let out = tmp.path().join("c");
    let o = mark_with(
        &[&zip],
        &out,
        &["--quiet", "--roster", roster.to_str().unwrap()],
    );
    assert!(matches!(o.status.code(), Some(0 | 2)), "{}", stderr(&o));
    let rows = by_submission(read_csv(&out.join("gradebook.csv")));
    assert_eq!(rows.len(), 3);
    assert_eq!(rows["canvas-5512"]["learner"], "Jane Doe");
    assert_eq!(rows["canvas-5513"]["learner"], "Siobhán O'Neill");
    assert_eq!(rows["canvas-5514"]["learner"], "Ali Khan");
    assert_eq!(rows["canvas-5514"]["learner_id"], "5514");
    assert!(rows["canvas-5514"]["file"].ends_with("!khanali_5514_text.html"));
    assert_eq!(rows["canvas-5512"]["status"], "marked");
    assert_eq!(rows["canvas-5513"]["status"], "marked");
    assert!(rows["canvas-5513"]["message"].contains("late"));
    assert_eq!(rows["canvas-5512"]["message"], "");
    let res = results(&out);
    assert_eq!(res[1]["late"], true);
    assert!(res[0].get("late").is_none());

    // Without the roster: the name as Canvas wrote it.
    let out2 = tmp.path().join("c2");
    mark_with(&[&zip], &out2, &["--quiet"]);
    let rows2 = by_submission(read_csv(&out2.join("gradebook.csv")));
    assert_eq!(rows2["canvas-5512"]["learner"], "doejane");

    // A roster that is not a Canvas gradebook: one clear line, exit 1.
    let o = mark_with(
        &[&zip],
        &tmp.path().join("c3"),
        &[
            "--roster",
            lms().join("moodle-grading-worksheet.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("not a Canvas gradebook export"), "{e}");
    assert_eq!(e.trim().lines().count(), 1, "{e}");
}

#[test]
fn anonymous_marking_keeps_names_out_until_export() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("anon");
    mark_with(&[&moodle_zip()], &out, &["--quiet", "--anonymous"]);
    let canvas = tmp.path().join("anon-canvas");
    mark_with(
        &[&lms().join("canvas-submissions.zip")],
        &canvas,
        &[
            "--quiet",
            "--anonymous",
            "--roster",
            lms().join("canvas-gradebook.csv").to_str().unwrap(),
        ],
    );
    let names = [
        "Jane", "Doe", "doejane", "Siobh", "Neill", "oneill", "Ali Khan", "khanali", "Sam Reid",
    ];
    for dir in [&out, &canvas] {
        let mut files = vec![dir.join("gradebook.csv"), dir.join("results.json")];
        for e in std::fs::read_dir(dir.join("feedback")).unwrap() {
            files.push(e.unwrap().path());
        }
        for f in files {
            let text = common::output_text(&f);
            for n in names {
                assert!(!text.contains(n), "{} names {n}", f.display());
            }
        }
    }
    let rows = by_submission(read_csv(&out.join("gradebook.csv")));
    assert_eq!(rows["moodle-123456"]["learner"], "");
    assert_eq!(rows["moodle-123456"]["learner_id"], "123456");
    assert!(rows["moodle-123456"]["file"]
        .ends_with("!Participant_123456_assignsubmission_file/essay.docx"));

    // Export puts the names back from the worksheet.
    let o = peermark()
        .args(["export", "moodle", "--worksheet"])
        .arg(lms().join("moodle-grading-worksheet.csv"))
        .arg("--results")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let names = zip_names(&out.join("moodle-feedback.zip"));
    assert!(
        names.contains(&"Jane Doe_123456_assignfeedback_file_feedback.md".to_string()),
        "{names:?}"
    );
}

fn zip_names(path: &Path) -> Vec<String> {
    let z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    z.file_names().map(str::to_string).collect()
}

#[test]
fn moodle_round_trip_changes_only_the_grade_and_feedback_of_marked_learners() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("m");
    mark_with(&[&moodle_zip()], &out, &["--quiet"]);
    // A Word sheet (the Word sheets come from another exporter) is zipped too.
    std::fs::write(out.join("feedback/moodle-123456.docx"), b"PK docx sheet").unwrap();
    let worksheet = lms().join("moodle-grading-worksheet.csv");
    let filled = tmp.path().join("filled.csv");
    let o = peermark()
        .args(["export", "moodle", "--worksheet"])
        .arg(&worksheet)
        .arg("--results")
        .arg(&out)
        .arg("--out")
        .arg(&filled)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let before = std::fs::read(&worksheet).unwrap();
    let after = std::fs::read(&filled).unwrap();
    let (bom_before, rows_before) = raw_cells(&before);
    let (bom_after, rows_after) = raw_cells(&after);
    assert!(bom_before && bom_after, "the BOM stays");
    assert_eq!(before.ends_with(b"\n"), after.ends_with(b"\n"));
    assert_eq!(rows_before.len(), rows_after.len());
    assert_eq!(
        rows_before[0], rows_after[0],
        "the header stays byte for byte"
    );
    let header: Vec<String> = rows_before[0].iter().map(|c| unquote(c)).collect();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (grade, comments, ident) = (col("Grade"), col("Feedback comments"), col("Identifier"));

    let res = results(&out);
    let marked: BTreeMap<String, &serde_json::Value> = res
        .iter()
        .filter(|r| r["status"] == "marked")
        .map(|r| (r["learner_id"].as_str().unwrap().to_string(), r))
        .collect();
    assert!(marked.contains_key("123456") && marked.contains_key("123470"));
    let mut filled_rows = 0;
    for (b, a) in rows_before.iter().zip(&rows_after).skip(1) {
        assert_eq!(b.len(), a.len(), "column count");
        let id = unquote(&b[ident]).rsplit(' ').next().unwrap().to_string();
        match marked.get(&id) {
            Some(r) => {
                filled_rows += 1;
                for (i, (cb, ca)) in b.iter().zip(a).enumerate() {
                    if i != grade && i != comments {
                        assert_eq!(cb, ca, "participant {id}, column {}", header[i]);
                    }
                }
                // Quoted like every other cell.
                assert!(a[grade].starts_with(b"\"") && a[comments].starts_with(b"\"<p>"));
                let g: f64 = unquote(&a[grade]).parse().unwrap();
                assert!((g - r["score"].as_f64().unwrap()).abs() < 0.01);
                let html = unquote(&a[comments]);
                assert!(html.ends_with("</p>"));
                let first = r["criteria"][0]["feedback"].as_str().unwrap();
                let escaped = first
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
                    .replace('"', "&quot;")
                    .replace('\'', "&#39;");
                assert!(html.contains(&escaped), "{html}");
                assert!(!html.contains("safeguarding"));
            }
            None => assert_eq!(b, a, "participant {id} is untouched"),
        }
    }
    assert_eq!(filled_rows, marked.len());
    // The formula "name" is copied as downloaded: peermark does not write that cell.
    assert!(after.windows(14).any(|w| w == b"\"=HYPERLINK(\"\""));

    // Re-read as CSV: the same rows and columns, the values filled.
    let reread = read_csv(&filled);
    let original = read_csv(&worksheet);
    assert_eq!(reread.len(), original.len());
    assert_eq!(reread[0]["Last modified (grade)"], "-");

    // The feedback zip: Moodle's "Upload multiple feedback files in a zip" names.
    let names = zip_names(&out.join("moodle-feedback.zip"));
    assert!(
        names.contains(&"Jane Doe_123456_assignfeedback_file_feedback.md".to_string()),
        "{names:?}"
    );
    assert!(names.contains(&"Jane Doe_123456_assignfeedback_file_feedback.docx".to_string()));
    assert!(names.contains(&"Siobhán O'Neill_123470_assignfeedback_file_feedback.md".to_string()));
    let mut z = zip::ZipArchive::new(std::fs::File::open(out.join("moodle-feedback.zip")).unwrap())
        .unwrap();
    let mut md = String::new();
    z.by_name("Jane Doe_123456_assignfeedback_file_feedback.md")
        .unwrap()
        .read_to_string(&mut md)
        .unwrap();
    assert_eq!(
        md,
        std::fs::read_to_string(out.join("feedback/moodle-123456.md")).unwrap()
    );
    for n in &names {
        assert_eq!(n.split('_').nth(2), Some("assignfeedback"), "{n}");
    }

    // --out defaults into the results folder and never overwrites the download.
    let o = peermark()
        .args(["export", "moodle", "--worksheet"])
        .arg(&worksheet)
        .arg("--results")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        std::fs::read(out.join("moodle-grading-worksheet.csv")).unwrap(),
        after
    );
    let copy = tmp.path().join("w.csv");
    std::fs::copy(&worksheet, &copy).unwrap();
    let o = peermark()
        .args(["export", "moodle", "--worksheet"])
        .arg(&copy)
        .arg("--results")
        .arg(&out)
        .arg("--out")
        .arg(&copy)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("would overwrite the downloaded file"));
    assert_eq!(std::fs::read(&copy).unwrap(), before);
}

#[test]
fn moodle_scale_worksheets_take_scale_items() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("m");
    mark_with(&[&moodle_zip()], &out, &["--quiet"]);
    let ws = tmp.path().join("scale.csv");
    std::fs::write(
        &ws,
        "Identifier,Full name,Status,Grade,Scale,Last modified (grade),Feedback comments\r\n\
         Participant 123456,Jane Doe,Submitted,,\"Not yet competent,Competent\",-,\r\n\
         Participant 999,Nobody,No submission,,\"Not yet competent,Competent\",-,\r\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        peermark()
            .args(["export", "moodle", "--worksheet"])
            .arg(&ws)
            .arg("--results")
            .arg(&out)
            .arg("--out")
            .arg(tmp.path().join("scale-out.csv"))
            .args(extra)
            .output()
            .unwrap()
    };
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("graded on a scale"), "{}", stderr(&o));
    let o = run(&[
        "--scale",
        "achieved=Competent,not_yet_achieved=Not yet competent",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(tmp.path().join("scale-out.csv")).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    let outcome = results(&out)[0]["outcome"].as_str().unwrap().to_string();
    let item = if outcome == "achieved" {
        "Competent"
    } else {
        "Not yet competent"
    };
    assert!(
        lines[1].starts_with(&format!(
            "Participant 123456,Jane Doe,Submitted,{item},\"Not yet competent,Competent\",-,\"<p>"
        )),
        "{}",
        lines[1]
    );
    assert_eq!(
        lines[2],
        "Participant 999,Nobody,No submission,,\"Not yet competent,Competent\",-,"
    );
    // --scale on a points worksheet is a usage error.
    let o = peermark()
        .args(["export", "moodle", "--worksheet"])
        .arg(lms().join("moodle-grading-worksheet.csv"))
        .arg("--results")
        .arg(&out)
        .args(["--scale", "achieved=A,not_yet_achieved=B"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no `Scale` column"));
}

#[test]
fn canvas_export_fills_the_assignment_column_by_id() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("c");
    let gradebook = lms().join("canvas-gradebook.csv");
    mark_with(
        &[&lms().join("canvas-submissions.zip")],
        &out,
        &["--quiet", "--roster", gradebook.to_str().unwrap()],
    );
    let filled = tmp.path().join("filled.csv");
    let o = peermark()
        .args(["export", "canvas", "--gradebook"])
        .arg(&gradebook)
        .args(["--assignment", "Recovery story essay (40721)", "--results"])
        .arg(&out)
        .arg("--out")
        .arg(&filled)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = std::fs::read(&gradebook).unwrap();
    let after = std::fs::read(&filled).unwrap();
    let (_, rb) = raw_cells(&before);
    let (_, ra) = raw_cells(&after);
    assert_eq!(rb.len(), ra.len());
    assert_eq!(rb[0], ra[0]);
    assert_eq!(rb[1], ra[1], "the Points Possible row stays");
    let res = results(&out);
    let score = |id: &str| {
        res.iter()
            .find(|r| r["learner_id"] == id && r["status"] == "marked")
            .and_then(|r| r["score"].as_f64())
    };
    let mut filled_rows = 0;
    for (b, a) in rb.iter().zip(&ra).skip(2) {
        let id = unquote(&b[1]);
        match score(&id) {
            Some(s) => {
                filled_rows += 1;
                for (i, (cb, ca)) in b.iter().zip(a).enumerate() {
                    if i != 5 {
                        assert_eq!(cb, ca, "user {id} column {i}");
                    }
                }
                assert_eq!(unquote(&a[5]), format!("{s:.2}"));
            }
            None => assert_eq!(b, a, "user {id} is untouched"),
        }
    }
    assert!(filled_rows >= 2);

    // By id alone; an unknown assignment is one clear line.
    let o = peermark()
        .args(["export", "canvas", "--gradebook"])
        .arg(&gradebook)
        .args(["--assignment", "40721", "--results"])
        .arg(&out)
        .arg("--out")
        .arg(tmp.path().join("by-id.csv"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(std::fs::read(tmp.path().join("by-id.csv")).unwrap(), after);
    let o = peermark()
        .args(["export", "canvas", "--gradebook"])
        .arg(&gradebook)
        .args(["--assignment", "Essay two (1)", "--results"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("Recovery story essay (40721)"),
        "{}",
        stderr(&o)
    );

    // Canvas results are not Moodle results: one clear line, nothing written.
    let o = peermark()
        .args(["export", "moodle", "--worksheet"])
        .arg(lms().join("moodle-grading-worksheet.csv"))
        .arg("--results")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no Moodle submissions"),
        "{}",
        stderr(&o)
    );
    assert!(!out.join("moodle-grading-worksheet.csv").exists());
}

/// Word essays in a zip built here: flat, blind, group and trailing-underscore layouts, and a
/// learner with several files.
#[test]
fn a_learner_marked_twice_gets_both_sheets_in_the_moodle_feedback_zip() {
    // The Moodle download, and a second download (a resubmission) holding another essay from
    // the same participant, marked together: two submissions for participant 123456.
    let tmp = tempfile::tempdir().unwrap();
    let late = tmp.path().join("late");
    std::fs::create_dir(&late).unwrap();
    let zip_path = late.join("PSW101-Recovery story essay-88.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    z.start_file(
        "Jane Doe_123456_assignsubmission_file/essay v2.docx",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    z.write_all(&std::fs::read(fixtures().join("docx/pandoc-essay.docx")).unwrap())
        .unwrap();
    z.finish().unwrap();
    let out = tmp.path().join("m");
    mark_with(&[&moodle_zip(), &zip_path], &out, &["--quiet"]);
    let rows = by_submission(read_csv(&out.join("gradebook.csv")));
    let jane: Vec<&String> = rows
        .iter()
        .filter(|(_, r)| r["learner_id"] == "123456" && r["status"] == "marked")
        .map(|(id, _)| id)
        .collect();
    assert_eq!(jane.len(), 2, "{:?}", rows.keys());
    let o = peermark()
        .args(["export", "moodle", "--worksheet"])
        .arg(lms().join("moodle-grading-worksheet.csv"))
        .arg("--results")
        .arg(&out)
        .arg("--out")
        .arg(tmp.path().join("filled.csv"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let zip_file = out.join("moodle-feedback.zip");
    let names = zip_names(&zip_file);
    let first = "Jane Doe_123456_assignfeedback_file_feedback.md";
    let second = "Jane Doe_123456_assignfeedback_file_feedback-2.md";
    assert!(names.contains(&first.to_string()), "{names:?}");
    assert!(names.contains(&second.to_string()), "{names:?}");
    // Each entry is its own submission's sheet, in submission order.
    let mut z = zip::ZipArchive::new(std::fs::File::open(&zip_file).unwrap()).unwrap();
    for (entry, submission) in [first, second].into_iter().zip(&jane) {
        let mut md = String::new();
        z.by_name(entry).unwrap().read_to_string(&mut md).unwrap();
        let sheet = out.join(format!("feedback/{submission}.md"));
        assert_eq!(md, std::fs::read_to_string(sheet).unwrap(), "{entry}");
    }
    // One entry per sheet written, and the count said is the zip's.
    let sheets = std::fs::read_dir(out.join("feedback"))
        .unwrap()
        .filter(|e| {
            let n = e.as_ref().unwrap().file_name();
            let n = n.to_string_lossy();
            rows.iter().any(|(id, r)| {
                r["status"] == "marked"
                    && !r["learner_id"].is_empty()
                    && (n == format!("{id}.md") || n == format!("{id}.docx"))
            })
        })
        .count();
    assert_eq!(names.len(), sheets, "{names:?}");
    assert!(
        stderr(&o).contains(&format!("{} feedback file(s)", names.len())),
        "{}",
        stderr(&o)
    );
}

#[test]
fn moodle_layouts_built_here_are_marked_one_row_per_learner() {
    let docx = std::fs::read(fixtures().join("docx/pandoc-essay.docx")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("download.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    for name in [
        "Jane Doe_11_assignsubmission_file_essay.docx",
        "Participant_22_assignsubmission_file/essay.docx",
        "Team Hope_33_assignsubmission_file/essay.docx",
        "Sam Reid_44_assignsubmission_file_/essay.docx",
        "Sam Reid_44_assignsubmission_file_/notes.txt",
        "Ali Khan_55_assignsubmission_onlinetext/onlinetext.html",
    ] {
        z.start_file(name, opts).unwrap();
        if name.ends_with(".docx") {
            z.write_all(&docx).unwrap();
        } else {
            z.write_all(b"<p>Some notes.</p>").unwrap();
        }
    }
    z.finish().unwrap();
    let out = tmp.path().join("m");
    mark_with(&[&zip_path], &out, &["--quiet"]);
    let rows = by_submission(read_csv(&out.join("gradebook.csv")));
    let ids: Vec<&str> = rows.keys().map(String::as_str).collect();
    assert_eq!(
        ids,
        [
            "moodle-11",
            "moodle-22",
            "moodle-33",
            "moodle-44",
            "moodle-55"
        ]
    );
    for (id, name) in [
        ("moodle-11", "Jane Doe"),
        ("moodle-22", ""),
        ("moodle-33", "Team Hope"),
        ("moodle-44", "Sam Reid"),
    ] {
        assert_eq!(rows[id]["learner"], name);
        assert_eq!(rows[id]["status"], "marked", "{id}: {:?}", rows[id]);
    }
    assert_eq!(rows["moodle-55"]["learner"], "Ali Khan");
    assert_eq!(rows["moodle-55"]["learner_id"], "55");
    assert!(
        rows["moodle-44"]["message"].contains("also handed in, not marked: notes.txt"),
        "{:?}",
        rows["moodle-44"]
    );
    let sheet = std::fs::read_to_string(out.join("feedback/moodle-44.md")).unwrap();
    assert!(
        sheet.contains(
            "this feedback is about **essay.docx**. Also handed in, not marked: notes.txt."
        ),
        "{sheet}"
    );
    // Every marked essay is the same pandoc essay: the same score.
    let scores: std::collections::BTreeSet<&str> =
        ["moodle-11", "moodle-22", "moodle-33", "moodle-44"]
            .iter()
            .map(|id| rows[*id]["score"].as_str())
            .collect();
    assert_eq!(scores.len(), 1);
}

/// Names inside an archive never decide where peermark writes.
#[test]
fn archive_names_do_not_choose_output_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("evil.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    for name in [
        "../../escape.txt",
        "/abs/rooted.txt",
        "x_1_assignsubmission_file/../../../up.txt",
        "..\\..\\win.txt",
    ] {
        z.start_file(name, opts).unwrap();
        z.write_all(b"My story\n\nLooking back, peer support gave me hope.\n")
            .unwrap();
    }
    z.finish().unwrap();
    let out = tmp.path().join("out");
    let o = mark_with(&[&zip_path], &out, &["--quiet"]);
    assert!(matches!(o.status.code(), Some(0 | 2)), "{}", stderr(&o));
    let mut top: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    top.sort();
    assert_eq!(top, ["evil.zip", "out"]);
    let sheets: Vec<_> = std::fs::read_dir(out.join("feedback"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "md")
        })
        .collect();
    assert_eq!(sheets.len(), read_csv(&out.join("gradebook.csv")).len());
}

/// The words peermark writes into Moodle's feedback comments and into LMS rows' messages pass
/// its own language check.
#[test]
fn lms_feedback_and_messages_have_no_language_lapses() {
    let rubric = peermark_engine::load_rubric(None).unwrap();
    let support = rubric.safeguarding_settings.support_line.clone();
    let mut texts = Vec::new();
    for name in ["strong.txt", "weak.txt", "middling.txt"] {
        let path = common::root().join("samples").join(name);
        let doc = peermark_ingest::read_file(&path, peermark_ingest::Format::Txt).unwrap();
        let r = peermark_engine::check_document(&rubric, &doc, name, name);
        let json = peermark_report::json::result_json(&r);
        let read: peermark_lms::ReadResult = serde_json::from_str(&json).unwrap();
        texts.extend(peermark_lms::moodle::feedback_paragraphs(&read, &support));
    }
    texts.push("handed in late (Canvas); also handed in, not marked: notes.txt".into());
    let mut failures = Vec::new();
    for t in &texts {
        for f in rubric
            .language
            .check_text(t)
            .into_iter()
            .filter(|f| f.lapse)
        {
            failures.push(format!("{} {:?} in {t:?}", f.rule, f.text));
        }
    }
    assert!(texts.len() > 10);
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Annotated copies are made from files inside a download too (read from the zip in memory),
/// and keep the learner's words.
#[test]
fn members_of_a_download_get_annotated_copies() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("m");
    let o = mark_with(&[&moodle_zip()], &out, &["--quiet"]);
    assert!(matches!(o.status.code(), Some(0 | 3)), "{}", stderr(&o));
    assert!(!stderr(&o).contains("no annotated copy"), "{}", stderr(&o));
    for id in ["moodle-123456", "moodle-123470", "moodle-123492"] {
        let copy = out.join(format!("annotated/{id}.docx"));
        let doc = peermark_ingest::read_file(&copy, peermark_ingest::Format::Docx)
            .unwrap_or_else(|e| panic!("{}: {e}", copy.display()));
        assert!(doc.body_words() > 200, "{id}: {}", doc.body_words());
    }
}
