//! LMS feedback from the final result: after an assessor's override, every export (Moodle's
//! Feedback comments and feedback zip, Canvas's grades and re-upload zip) gives the assessor's
//! level, what it means and their reason, never the level peermark proposed. And Canvas's
//! "Re-upload submissions" zip, built from the real Canvas download.

mod common;

use common::{fixtures, mark_with, peermark, read_csv};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

fn lms() -> PathBuf {
    fixtures().join("lms")
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn results(dir: &Path) -> Vec<serde_json::Value> {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("results.json")).unwrap()).unwrap();
    v.as_array().unwrap().clone()
}

fn result<'a>(res: &'a [serde_json::Value], submission: &str) -> &'a serde_json::Value {
    res.iter()
        .find(|r| r["submission"] == submission)
        .unwrap_or_else(|| panic!("no result {submission}"))
}

fn criterion<'a>(r: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    r["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no criterion {id}"))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A level other than `proposed`, two steps away where the scale allows.
fn another_level(proposed: u64) -> u64 {
    if proposed >= 2 {
        0
    } else {
        2
    }
}

/// `peermark override SUBMISSION CRITERION LEVEL --reason … --assessor … --out DIR`.
fn assessor_sets(out: &Path, submission: &str, criterion: &str, level: u64, reason: &str) {
    let o = peermark()
        .args(["override", submission, criterion, &level.to_string()])
        .args(["--reason", reason, "--assessor", "J. Rivera", "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Canvas's re-upload rule, written here apart from peermark (canvas-lms
/// `infer_comment_context_from_filename`): the base name split on `_`, `LATE` dropped, the
/// first two all-digit parts are the user id and the attachment id.
fn canvas_reads(name: &str) -> Option<(String, String)> {
    let digits: Vec<&str> = name
        .split('_')
        .filter(|p| *p != "LATE")
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .take(2)
        .collect();
    (digits.len() == 2).then(|| (digits[0].to_string(), digits[1].to_string()))
}

fn zip_entries(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().to_string(), bytes)
        })
        .collect()
}

#[test]
fn moodle_feedback_gives_the_assessors_level_and_reason_not_the_proposal() {
    let rubric = peermark_engine::load_rubric(None).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("m");
    let download = lms().join("PSW101-Recovery story essay-88.zip");
    let o = mark_with(&[&download], &out, &["--quiet"]);
    assert!(matches!(o.status.code(), Some(0 | 2)), "{}", stderr(&o));
    let before = results(&out);
    let jane = result(&before, "moodle-123456");
    assert_eq!(jane["status"], "marked");
    let proposed = criterion(jane, "structure").clone();
    let proposed_level = proposed["level"].as_u64().unwrap();
    let proposed_feedback = proposed["feedback"].as_str().unwrap().to_string();
    let proposed_name = proposed["level_name"].as_str().unwrap().to_string();
    let confirmed_level = criterion(jane, "linking")["level"].as_u64().unwrap();
    let score_before = jane["score"].as_f64().unwrap();

    let set = another_level(proposed_level);
    let set_reason = "Your headings were lost when the file was converted; the structure is clear.";
    let confirm_reason = "You link your story to the theory in every paragraph.";
    assessor_sets(&out, "moodle-123456", "structure", set, set_reason);
    assessor_sets(
        &out,
        "moodle-123456",
        "linking",
        confirmed_level,
        confirm_reason,
    );
    let o = mark_with(&[&download], &out, &["--quiet"]);
    assert!(matches!(o.status.code(), Some(0 | 2)), "{}", stderr(&o));
    let after = results(&out);
    let jane = result(&after, "moodle-123456");
    assert_eq!(
        criterion(jane, "structure")["override"]["proposed_level"],
        proposed_level
    );
    let score = jane["score"].as_f64().unwrap();
    assert!(
        (score - score_before).abs() > 0.05,
        "the override changes the score"
    );

    let filled = tmp.path().join("filled.csv");
    let o = peermark()
        .args(["export", "moodle", "--worksheet"])
        .arg(lms().join("moodle-grading-worksheet.csv"))
        .arg("--results")
        .arg(&out)
        .arg("--out")
        .arg(&filled)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows = read_csv(&filled);
    let row = rows
        .iter()
        .find(|r| r["Identifier"].ends_with(" 123456"))
        .unwrap();
    // The grade is the score after the override.
    let grade: f64 = row["Grade"].parse().unwrap();
    assert!((grade - score).abs() < 0.01, "{grade} vs {score}");
    let html = &row["Feedback comments"];
    let paragraphs: Vec<&str> = html
        .split("</p>")
        .filter_map(|p| p.strip_prefix("<p>"))
        .collect();
    assert!(
        paragraphs[0].contains(&format!("{score:.1} out of 100")),
        "{}",
        paragraphs[0]
    );

    // The level the assessor set: their level, their words, what it means; not the proposal.
    let structure = rubric.criterion("structure").unwrap();
    let title = escape(&structure.title);
    let para = paragraphs
        .iter()
        .find(|p| p.starts_with(&format!("{title} (")))
        .unwrap();
    let level_name = &rubric.level_names[set as usize];
    assert!(
        para.starts_with(&format!(
            "{title} ({}): Your assessor set this level. J. Rivera wrote: “{}”",
            escape(level_name),
            escape(set_reason)
        )),
        "{para}"
    );
    let descriptor = escape(&structure.descriptors[set as usize]);
    assert!(
        para.ends_with(&format!("What this level means: {descriptor}")),
        "{para}"
    );
    assert!(
        !para.contains(&format!("({})", escape(&proposed_name))),
        "{para}"
    );
    // peermark's feedback for its proposal is nowhere in the comments.
    let first_sentence = proposed_feedback.split(". ").next().unwrap();
    assert!(!html.contains(&escape(first_sentence)), "{html}");

    // The level the assessor confirmed: their words, then peermark's feedback.
    let linking = rubric.criterion("linking").unwrap();
    let para = paragraphs
        .iter()
        .find(|p| p.starts_with(&format!("{} (", escape(&linking.title))))
        .unwrap();
    let feedback = criterion(jane, "linking")["feedback"].as_str().unwrap();
    assert!(
        para.ends_with(&format!(
            "Your assessor confirmed this level. J. Rivera wrote: “{}” {}",
            escape(confirm_reason),
            escape(feedback)
        )),
        "{para}"
    );

    // Learners read these words: no language lapses in them.
    let mut lapses = Vec::new();
    for p in &paragraphs {
        let text = p.replace("&#39;", "'").replace("&quot;", "\"");
        for f in rubric
            .language
            .check_text(&text)
            .into_iter()
            .filter(|f| f.lapse)
        {
            lapses.push(format!("{} {:?} in {text:?}", f.rule, f.text));
        }
    }
    assert!(lapses.is_empty(), "{lapses:#?}");

    // The feedback zip carries the sheets written from the same final result.
    let zipped = zip_entries(&out.join("moodle-feedback.zip"));
    let sheet = std::fs::read(out.join("feedback/moodle-123456.md")).unwrap();
    assert_eq!(
        zipped["Jane Doe_123456_assignfeedback_file_feedback.md"],
        sheet
    );
    assert!(String::from_utf8(sheet).unwrap().contains(set_reason));
}

#[test]
fn canvas_reupload_zip_holds_each_learners_word_sheet_under_the_downloaded_name() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("c");
    let download = lms().join("canvas-submissions.zip");
    let gradebook = lms().join("canvas-gradebook.csv");
    let mark = || {
        let o = mark_with(
            &[&download],
            &out,
            &["--quiet", "--roster", gradebook.to_str().unwrap()],
        );
        assert!(matches!(o.status.code(), Some(0 | 2)), "{}", stderr(&o));
    };
    mark();
    let before = results(&out);
    let jane = result(&before, "canvas-5512");
    let proposed = criterion(jane, "structure")["level"].as_u64().unwrap();
    let score_before = jane["score"].as_f64().unwrap();
    let reason = "Your headings were lost when the file was converted; the structure is clear.";
    assessor_sets(
        &out,
        "canvas-5512",
        "structure",
        another_level(proposed),
        reason,
    );
    mark();
    let after = results(&out);
    let score = result(&after, "canvas-5512")["score"].as_f64().unwrap();
    assert!((score - score_before).abs() > 0.05);

    let export = |extra: &[&str]| {
        peermark()
            .args(["export", "canvas", "--gradebook"])
            .arg(&gradebook)
            .args(["--assignment", "Recovery story essay (40721)", "--results"])
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    let o = export(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let zip_path = out.join("canvas-feedback.zip");
    let e = stderr(&o);
    let line = e
        .lines()
        .find(|l| l.contains("Re-upload submissions"))
        .unwrap_or_else(|| panic!("{e}"));
    assert!(
        line.contains(&zip_path.display().to_string()) && line.contains("choose this zip"),
        "{line}"
    );
    assert!(
        e.lines()
            .any(|l| l.contains("no uploaded file") && l.contains("canvas-5514")),
        "{e}"
    );

    // The grade is the score after the override.
    let filled = read_csv(&out.join("canvas-gradebook.csv"));
    let row = filled.iter().find(|r| r["ID"] == "5512").unwrap();
    let grade: f64 = row["Recovery story essay (40721)"].parse().unwrap();
    assert!((grade - score).abs() < 0.01, "{grade} vs {score}");

    // One entry per learner who uploaded a file, named as the download named that file
    // (the sheet's extension), so Canvas reads the same user and attachment ids.
    let downloaded: Vec<String> = zip::ZipArchive::new(std::fs::File::open(&download).unwrap())
        .unwrap()
        .file_names()
        .map(str::to_string)
        .collect();
    let entries = zip_entries(&zip_path);
    let names: Vec<&str> = entries.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "doejane_5512_998877_Essay Final.docx",
            "oneillsiobhan_late_5513_998878_essay.docx"
        ]
    );
    for (name, bytes) in &entries {
        let (user, attachment) = canvas_reads(name).unwrap();
        let original = downloaded
            .iter()
            .find(|d| canvas_reads(d) == Some((user.clone(), attachment.clone())))
            .unwrap_or_else(|| panic!("{name}: no downloaded file with these ids"));
        let (prefix, _) = original.rsplit_once('_').unwrap();
        assert!(
            name.starts_with(&format!("{prefix}_")),
            "{name} vs {original}"
        );
        let n = peermark_ingest::parse_lms_name(name).unwrap();
        assert_eq!((n.lms, n.id), (peermark_ingest::Lms::Canvas, user.as_str()));
        // The bytes are that learner's Word sheet.
        let sheet = out.join(format!("feedback/canvas-{user}.docx"));
        assert_eq!(bytes, &std::fs::read(&sheet).unwrap(), "{name}");
    }
    // The sheet in the zip is written from the result after the override.
    let jane_sheet = common::output_text(&out.join("feedback/canvas-5512.docx"));
    assert!(jane_sheet.contains(reason), "{jane_sheet}");
    assert!(!names.iter().any(|n| n.contains("5514")));

    // Again: the zip is the export's own, so it is replaced; with no Word sheet, the
    // Markdown one goes in.
    std::fs::remove_file(out.join("feedback/canvas-5513.docx")).unwrap();
    let o = export(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let entries = zip_entries(&zip_path);
    assert_eq!(
        entries["oneillsiobhan_late_5513_998878_essay.md"],
        std::fs::read(out.join("feedback/canvas-5513.md")).unwrap()
    );
    assert!(!entries.contains_key("oneillsiobhan_late_5513_998878_essay.docx"));

    // A file there that peermark did not write is not replaced: one line, exit 1.
    std::fs::write(&zip_path, b"someone else's zip").unwrap();
    let o = export(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("canvas-feedback.zip"), "{e}");
    assert_eq!(e.trim().lines().count(), 1, "{e}");
    assert_eq!(std::fs::read(&zip_path).unwrap(), b"someone else's zip");

    // --out naming the zip's file: refused before anything is written.
    std::fs::remove_file(&zip_path).unwrap();
    let o = export(&["--out", zip_path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!zip_path.exists());
}

/// The download itself where the zip would go: never replaced, not even with --force.
#[test]
fn the_canvas_zip_never_replaces_the_download() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("c");
    std::fs::create_dir(&dir).unwrap();
    let download = dir.join("canvas-feedback.zip");
    std::fs::copy(lms().join("canvas-submissions.zip"), &download).unwrap();
    let o = mark_with(&[&download], &dir, &["--quiet"]);
    assert!(matches!(o.status.code(), Some(0 | 2)), "{}", stderr(&o));
    let original = std::fs::read(lms().join("canvas-submissions.zip")).unwrap();
    for force in [false, true] {
        let o = peermark()
            .args(["export", "canvas", "--gradebook"])
            .arg(lms().join("canvas-gradebook.csv"))
            .args(["--assignment", "40721", "--results"])
            .arg(&dir)
            .args(if force { &["--force"][..] } else { &[][..] })
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("is an input"), "{}", stderr(&o));
        assert_eq!(std::fs::read(&download).unwrap(), original);
    }
}
