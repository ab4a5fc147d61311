//! Safety tests: safeguarding never reaches a learner and never changes a mark, peermark's own
//! words pass its own language check, `explain` covers every rule and criterion, and language
//! findings are shown as compiler-style diagnostics that point at the right characters.
//!
//! Runs the real `peermark` binary (as `tests/cli.rs` does) and the library. The essays used
//! here live in `tests/data/`.

mod common;

use common::{mark_with, peermark, read_csv, root};
use peermark_engine::result::MarkResult;
use peermark_engine::rubric::Rubric;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The sentence of `tests/data/current-risk.txt` that suggests current risk.
const RISK_SENTENCE: &str = "Lately I don't see the point anymore and I have not told anyone.";

fn data(name: &str) -> PathBuf {
    root().join("tests/data").join(name)
}

/// `peermark mark PATHS --out OUT` (no `--quiet`, so the summary is on stderr too).
fn mark(paths: &[&Path], out: &Path) -> std::process::Output {
    mark_with(paths, out, &[])
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn result_of<'a>(results: &'a Value, submission: &str) -> &'a Value {
    results
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["submission"] == submission)
        .unwrap_or_else(|| panic!("no result for {submission}"))
}

/// Every part of a Word file, uncompressed, one after another.
fn docx_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    for i in 0..zip.len() {
        zip.by_index(i).unwrap().read_to_string(&mut text).unwrap();
    }
    text
}

/// Every file under `dir`, recursively, with its text (a Word file's XML, unzipped).
fn files_under(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                let text = if p.extension().is_some_and(|e| e == "docx") {
                    docx_text(&bytes)
                } else {
                    String::from_utf8_lossy(&bytes).to_string()
                };
                out.push((p, text));
            }
        }
    }
    out
}

/// The levels and score of a result, the parts of a mark a flag must never change.
fn marks(r: &Value) -> (Vec<(String, u64)>, Value, Value) {
    let levels = r["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["level"].as_u64().unwrap(),
            )
        })
        .collect();
    (levels, r["score"].clone(), r["outcome"].clone())
}

fn default_rubric() -> Rubric {
    peermark_engine::load_rubric(None).expect("the built-in rubric loads")
}

/// Marks a text file through the library, as `mark` does.
fn mark_with_library(rubric: &Rubric, path: &Path) -> MarkResult {
    let doc = peermark_ingest::read_file(path, peermark_ingest::Format::Txt).unwrap();
    let stem = path.file_stem().unwrap().to_str().unwrap();
    peermark_engine::check_document(rubric, &doc, stem, &path.display().to_string())
}

// ---------------------------------------------------------------------------------------------
// 1. Safeguarding
// ---------------------------------------------------------------------------------------------

#[test]
fn the_test_essays_are_what_they_claim_to_be() {
    let risk = std::fs::read_to_string(data("current-risk.txt")).unwrap();
    let removed = std::fs::read_to_string(data("current-risk-removed.txt")).unwrap();
    assert_eq!(
        risk.matches(RISK_SENTENCE).count(),
        1,
        "the risky sentence is in current-risk.txt once"
    );
    assert_eq!(
        risk.replacen(&format!(" {RISK_SENTENCE}"), "", 1),
        removed,
        "current-risk-removed.txt is current-risk.txt without the risky sentence, nothing else"
    );
    let past = std::fs::read_to_string(data("past-only.txt")).unwrap();
    assert!(past.contains("In 2015 I attempted suicide"));
    assert!(past.contains("I haven't self-harmed for four years"));
    for text in [&risk, &past] {
        let words = text.split_whitespace().count();
        assert!((250..400).contains(&words), "{words} words");
    }
}

#[test]
fn a_current_risk_sentence_goes_to_the_assessor_only() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("marked");
    let o = mark(&[&data("current-risk.txt"), &data("past-only.txt")], &out);
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(0), "{stderr}");

    // assessor-notes.csv: exactly one row, for current-risk, quoting the sentence.
    let notes = read_csv(&out.join("assessor-notes.csv"));
    assert_eq!(notes.len(), 1, "{notes:#?}");
    let n = &notes[0];
    assert_eq!(n["submission"], "current-risk");
    assert_eq!(n["kind"], "safeguarding");
    let tier: u8 = n["tier"].parse().unwrap();
    assert!((2..=4).contains(&tier), "tier {tier}");
    assert!(!n["cue"].trim().is_empty(), "a cue is named");
    assert_eq!(n["quote"], RISK_SENTENCE);
    assert!(
        notes.iter().all(|n| n["submission"] != "past-only"),
        "a past attempt told as history is not flagged"
    );

    // stderr says how many, never which.
    let line = stderr
        .lines()
        .find(|l| l.contains("have assessor notes"))
        .unwrap_or_else(|| panic!("the count is said on stderr: {stderr}"));
    assert!(
        line.starts_with("1 submission(s) have assessor notes (1 with safeguarding cues)"),
        "{line}"
    );
    assert!(
        !line.contains("current-risk"),
        "names no submission: {line}"
    );
    assert!(!line.contains("past-only"), "names no submission: {line}");

    // results.json: where and how serious, never the sentence.
    let results = read_json(&out.join("results.json"));
    let r = result_of(&results, "current-risk");
    let sg = r["safeguarding"].as_array().unwrap();
    assert_eq!(sg.len(), 1, "{sg:?}");
    assert_eq!(sg[0]["tier"].as_u64(), Some(u64::from(tier)));
    assert_eq!(sg[0]["cue"].as_str(), Some(n["cue"].as_str()));
    assert_eq!(
        sg[0]["paragraph"].as_u64().unwrap().to_string(),
        n["paragraph"]
    );
    assert_eq!(sg[0]["line"].as_u64().unwrap().to_string(), n["line"]);
    let mut keys: Vec<&str> = sg[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["cue", "line", "paragraph", "tier"]);
    // The line in results.json is the file's own line, and it holds the sentence.
    let text = std::fs::read_to_string(data("current-risk.txt")).unwrap();
    let line_no = sg[0]["line"].as_u64().unwrap() as usize;
    assert!(text
        .lines()
        .nth(line_no - 1)
        .unwrap()
        .contains(RISK_SENTENCE));
    assert!(
        result_of(&results, "past-only")["safeguarding"]
            .as_array()
            .unwrap()
            .is_empty(),
        "past-only has no safeguarding entry"
    );
    let results_text = std::fs::read_to_string(out.join("results.json")).unwrap();
    assert!(
        !results_text.contains(RISK_SENTENCE),
        "results.json never holds the sentence"
    );
    assert!(!results_text.contains("the point anymore"));

    // Nothing about safeguarding reaches a learner's feedback sheet.
    let sheets = files_under(&out.join("feedback"));
    assert_eq!(
        sheets.len(),
        4,
        "a Markdown and a Word sheet per submission"
    );
    let cue = n["cue"].as_str();
    for (path, sheet) in &sheets {
        let shown = path.display();
        assert!(
            !sheet.contains(RISK_SENTENCE),
            "{shown} quotes the sentence"
        );
        assert!(
            !sheet.contains("the point anymore"),
            "{shown} quotes part of the sentence"
        );
        assert!(
            !sheet.to_lowercase().contains(&cue.to_lowercase()),
            "{shown} names the cue {cue:?}"
        );
        assert!(
            !sheet.to_lowercase().contains("safeguarding"),
            "{shown} says safeguarding"
        );
        assert!(
            !sheet.contains("assessor-notes"),
            "{shown} points to the notes"
        );
    }
}

#[test]
fn check_never_lists_a_risk_cue_and_ends_with_the_support_line() {
    let rubric = default_rubric();
    let support = rubric.safeguarding_settings.support_line.trim().to_string();
    assert!(support.contains("116 123"), "{support}");

    let o = peermark()
        .args(["check", "tests/data/current-risk.txt"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(!text.contains(RISK_SENTENCE), "{text}");
    assert!(!text.contains("the point anymore"), "{text}");
    assert!(!text.to_lowercase().contains("hopelessness"), "{text}");
    assert!(!text.to_lowercase().contains("safeguarding"), "{text}");
    assert!(
        text.trim_end().ends_with(&support),
        "the report ends with the support line: {text}"
    );
    // The same line whatever the draft says, so that it reveals nothing.
    let calm = peermark()
        .args(["check", "tests/data/current-risk-removed.txt"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let calm = String::from_utf8(calm.stdout).unwrap();
    assert_eq!(
        text.trim_end().lines().last(),
        calm.trim_end().lines().last()
    );

    let o = peermark()
        .args(["check", "tests/data/current-risk.txt", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let json = String::from_utf8(o.stdout).unwrap();
    assert!(!json.contains(RISK_SENTENCE), "{json}");
    assert!(!json.contains("the point anymore"), "{json}");
    let v: Value = serde_json::from_str(&json).unwrap();
    // The learner's JSON has no safeguarding field at all, flagged or not, and always the
    // same support line.
    assert!(v.get("safeguarding").is_none(), "{json}");
    assert!(!json.to_lowercase().contains("safeguarding"), "{json}");
    assert_eq!(v["support"].as_str(), Some(support.as_str()));
    let calm = peermark()
        .args([
            "check",
            "tests/data/current-risk-removed.txt",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let calm: Value = serde_json::from_slice(&calm.stdout).unwrap();
    assert_eq!(calm["support"], v["support"]);
    assert!(calm.get("safeguarding").is_none());
    // No language finding sits inside the risky sentence (columns count characters).
    let essay = std::fs::read_to_string(data("current-risk.txt")).unwrap();
    let risk_line = essay
        .lines()
        .position(|l| l.contains(RISK_SENTENCE))
        .unwrap() as u64
        + 1;
    let line_text = essay.lines().nth(risk_line as usize - 1).unwrap();
    let from = line_text[..line_text.find(RISK_SENTENCE).unwrap()]
        .chars()
        .count() as u64
        + 1;
    let to = from + RISK_SENTENCE.chars().count() as u64;
    for key in ["lapses", "notes"] {
        for f in v[key].as_array().unwrap() {
            let on_line = f["line"].as_u64() == Some(risk_line);
            let col = f["column"].as_u64().unwrap();
            assert!(
                !(on_line && (from..to).contains(&col)),
                "the risky sentence is shown as a fault: {f}"
            );
        }
    }
    for c in v["criteria"].as_array().unwrap() {
        assert!(!c["feedback"].as_str().unwrap().contains("point anymore"));
    }
}

#[test]
fn a_flag_never_changes_a_mark() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("marked");
    let o = mark(
        &[&data("current-risk.txt"), &data("current-risk-removed.txt")],
        &out,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let results = read_json(&out.join("results.json"));
    let flagged = result_of(&results, "current-risk");
    let removed = result_of(&results, "current-risk-removed");
    assert_eq!(flagged["safeguarding"].as_array().unwrap().len(), 1);
    assert!(removed["safeguarding"].as_array().unwrap().is_empty());
    assert_eq!(marks(flagged), marks(removed));

    let rows = read_csv(&out.join("gradebook.csv"));
    let row = |id: &str| rows.iter().find(|r| r["submission"] == id).unwrap();
    let (a, b) = (row("current-risk"), row("current-risk-removed"));
    let rubric = default_rubric();
    for col in rubric
        .criteria
        .iter()
        .map(|c| c.id.as_str())
        .chain(["score", "outcome", "lapses"])
    {
        assert_eq!(a[col], b[col], "gradebook column {col}");
    }
    // The library gives the same answer.
    let x = mark_with_library(&rubric, &data("current-risk.txt"));
    let y = mark_with_library(&rubric, &data("current-risk-removed.txt"));
    assert_eq!(x.safeguarding.len(), 1);
    assert_eq!(x.score, y.score);
    assert_eq!(
        x.criteria.iter().map(|c| c.level).collect::<Vec<_>>(),
        y.criteria.iter().map(|c| c.level).collect::<Vec<_>>()
    );
}

#[test]
fn a_flagged_sentence_is_never_quoted_as_evidence() {
    // Same essay, but the risky sentence is "These days I feel hopeless and I have not told
    // anyone.", which also holds words the rubric's lexicons count ("these days", "hope*").
    let sentence = "These days I feel hopeless and I have not told anyone.";
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("marked");
    let o = mark(&[&data("current-risk-evidence.txt")], &out);
    assert_eq!(o.status.code(), Some(0));
    let notes = read_csv(&out.join("assessor-notes.csv"));
    assert_eq!(notes.len(), 1, "the sentence is flagged: {notes:#?}");
    assert_eq!(notes[0]["quote"], sentence);
    let results = std::fs::read_to_string(out.join("results.json")).unwrap();
    assert!(
        !results.contains(sentence),
        "results.json quotes the flagged sentence as evidence"
    );
    for (path, sheet) in files_under(&out.join("feedback")) {
        assert!(
            !sheet.contains(sentence),
            "{} quotes the flagged sentence",
            path.display()
        );
    }
}

/// The text of an annotated copy's `word/document.xml`, and for each character whether a
/// comment of peermark's covers it (between a `w:commentRangeStart` and its end).
fn commented_text(docx: &[u8]) -> (String, Vec<bool>) {
    use quick_xml::events::Event;
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut text, mut covered) = (String::new(), Vec::new());
    let mut open: Vec<Vec<u8>> = Vec::new();
    let mut in_t = false;
    loop {
        match reader.read_event().unwrap() {
            Event::Eof => break,
            Event::Start(e) if e.local_name().as_ref() == b"t" => in_t = true,
            Event::End(e) if e.local_name().as_ref() == b"t" => in_t = false,
            Event::Empty(e) | Event::Start(e) => {
                let id = || {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == b"id")
                        .map(|a| a.value.to_vec())
                        .unwrap_or_default()
                };
                match e.local_name().as_ref() {
                    b"commentRangeStart" => open.push(id()),
                    b"commentRangeEnd" => {
                        let id = id();
                        open.retain(|o| *o != id);
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_t => {
                let s = t.unescape().unwrap();
                for c in s.chars() {
                    text.push(c);
                    covered.push(!open.is_empty());
                }
            }
            _ => {}
        }
    }
    (text, covered)
}

/// A copy of the default rubric whose safeguarding scan never flags anything.
fn rubric_with_the_scan_off(dir: &Path) -> PathBuf {
    for f in [
        "recovery-language-rules.toml",
        "recovery-language-rules-2.toml",
    ] {
        std::fs::copy(root().join("rubrics").join(f), dir.join(f)).unwrap();
    }
    // The main rubric without the safeguarding model: nothing reads for risk.
    let main = std::fs::read_to_string(root().join("rubrics/recovery-story-essay.toml")).unwrap();
    assert!(main.contains("  \"safeguarding-model.toml\",\n"));
    std::fs::write(
        dir.join("recovery-story-essay.toml"),
        main.replace("  \"safeguarding-model.toml\",\n", ""),
    )
    .unwrap();
    std::fs::write(
        dir.join("safeguarding-cues.toml"),
        "[safeguarding]\n[[safeguarding.triggers]]\nid = \"off\"\ncue = \"off\"\ntier = 2\nphrases = [\"qqzzxq\"]\n",
    )
    .unwrap();
    dir.join("recovery-story-essay.toml")
}

#[test]
fn a_flagged_essay_gets_the_same_files_and_marks_as_with_the_scan_off() {
    // The flagged sentence holds words the criteria count, so with the scan off it is quoted
    // as evidence and commented on; with the scan on, neither.
    let sentence = "These days I feel hopeless and I have not told anyone.";
    let tmp = tempfile::tempdir().unwrap();
    let off_rubric = rubric_with_the_scan_off(tmp.path());
    let (on, off) = (tmp.path().join("on"), tmp.path().join("off"));
    let essay = data("current-risk-evidence.txt");
    let o = mark(&[&essay], &on);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = mark_with(&[&essay], &off, &["--rubric", off_rubric.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        read_csv(&on.join("assessor-notes.csv")).len(),
        1,
        "flagged with the scan on"
    );
    assert!(
        read_csv(&off.join("assessor-notes.csv")).is_empty(),
        "not with it off"
    );

    // The same files, in the same order.
    let names = |d: &Path| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = files_under(d)
            .into_iter()
            .map(|(p, _)| p.strip_prefix(d).unwrap().to_path_buf())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(&on), names(&off));
    assert!(on.join("annotated/current-risk-evidence.docx").is_file());

    // The same levels, points, score and outcome.
    let (r_on, r_off) = (
        read_json(&on.join("results.json")),
        read_json(&off.join("results.json")),
    );
    let (a, b) = (&r_on[0], &r_off[0]);
    assert_eq!(marks(a), marks(b));

    // The sheets differ only where the sentence was quoted: with the scan off it is, with it
    // on another sentence stands in.
    let md =
        |d: &Path| std::fs::read_to_string(d.join("feedback/current-risk-evidence.md")).unwrap();
    let (md_on, md_off) = (md(&on), md(&off));
    assert!(!md_on.contains(sentence));
    let differing: Vec<(&str, &str)> = md_on
        .lines()
        .zip(md_off.lines())
        .filter(|(x, y)| x != y)
        .collect();
    assert_eq!(md_on.lines().count(), md_off.lines().count());
    for (_, off_line) in &differing {
        assert!(
            off_line.contains(sentence),
            "a difference not about the sentence: {off_line}"
        );
    }

    // The annotated copies: the learner's own words in both, and no comment on the flagged
    // sentence when the scan is on (with it off, the sentence is commented as evidence).
    let copy = |d: &Path| std::fs::read(d.join("annotated/current-risk-evidence.docx")).unwrap();
    let (text_on, covered_on) = commented_text(&copy(&on));
    let (text_off, covered_off) = commented_text(&copy(&off));
    assert_eq!(text_on, text_off, "the essay itself is the same in both");
    let at = text_on
        .find(sentence)
        .expect("the learner's own sentence is in their copy");
    let chars = |from: usize, len: usize, covered: &[bool]| {
        let start = text_on[..from].chars().count();
        covered[start..start + len].iter().any(|c| *c)
    };
    let n = sentence.chars().count();
    assert!(
        !chars(at, n, &covered_on),
        "a comment touches the flagged sentence"
    );
    // Comments elsewhere are the same with the scan on and off.
    let outside = |covered: &[bool]| -> Vec<bool> {
        let start = text_on[..at].chars().count();
        covered
            .iter()
            .enumerate()
            .filter(|(i, _)| !(start..start + n).contains(i))
            .map(|(_, c)| *c)
            .collect()
    };
    assert_eq!(outside(&covered_on), outside(&covered_off));
}

#[test]
fn present_time_said_first_reads_as_current() {
    let rubric = default_rubric();
    let scan = |s: &str| rubric.safeguarding.scan_text(s);
    // Control cases that the scanner gets right today.
    let lately = scan("Lately I feel hopeless.");
    assert_eq!(lately.len(), 1);
    assert_eq!(lately[0].tier, 3);
    assert_eq!(scan("I feel hopeless these days.")[0].tier, 3);
    // The same present time, said first.
    let these_days = scan("These days I feel hopeless.");
    assert_eq!(these_days.len(), 1);
    assert_eq!(these_days[0].tier, 3, "{:?}", these_days[0].cue);
}

#[test]
fn a_memory_in_one_clause_does_not_hide_present_risk_in_the_next() {
    let rubric = default_rubric();
    let scan = |s: &str| rubric.safeguarding.scan_text(s);
    // Control: as two sentences, it is flagged.
    let apart = scan("I remember feeling safe on those walks. Lately I can't see a future.");
    assert_eq!(apart.len(), 1);
    let joined = scan("I remember feeling safe, but lately I can't see a future.");
    assert_eq!(
        joined.len(),
        1,
        "current hopelessness after a memory is missed"
    );
    assert!(joined[0].tier >= 2);
}

#[test]
fn a_past_attempt_told_as_history_is_not_flagged_by_the_library() {
    let rubric = default_rubric();
    let r = mark_with_library(&rubric, &data("past-only.txt"));
    assert!(r.safeguarding.is_empty(), "{:?}", r.safeguarding);
    assert!(r.assessor_notes.is_empty(), "{:?}", r.assessor_notes);
    let r = mark_with_library(&rubric, &data("current-risk.txt"));
    assert_eq!(r.assessor_notes.len(), 1);
    assert_eq!(r.assessor_notes[0].quote.to_string(), RISK_SENTENCE);
    let sheet = peermark_report::sheet_md::sheet_md(&r, &peermark_report::report_context(&rubric));
    assert!(!sheet.contains(RISK_SENTENCE));
    assert!(!sheet.contains(&*r.assessor_notes[0].cue));
}

// ---------------------------------------------------------------------------------------------
// 2. peermark's own words pass its own language check
// ---------------------------------------------------------------------------------------------

/// Every lapse the rubric's language rules find in `text`, described for a failure message.
fn lapses_in(rubric: &Rubric, text: &str) -> Vec<String> {
    rubric
        .language
        .check_text(text)
        .into_iter()
        .filter(|f| f.lapse)
        .map(|f| format!("{} {:?} ({:?})", f.rule, f.text, f.frame))
        .collect()
}

fn assert_no_lapses(rubric: &Rubric, texts: &[(String, String)]) {
    let mut failures = Vec::new();
    for (where_, text) in texts {
        for l in lapses_in(rubric, text) {
            failures.push(format!("{where_}: {l} in {text:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_rubric_texts_peermark_shows_learners_have_no_lapses() {
    let rubric = default_rubric();
    let mut texts = vec![(
        "safeguarding.support_line".to_string(),
        rubric.safeguarding_settings.support_line.clone(),
    )];
    texts.push(("rubric.assignment".into(), rubric.assignment.clone()));
    texts.push(("rubric.title".into(), rubric.title.clone()));
    for (i, n) in rubric.level_names.iter().enumerate() {
        texts.push((format!("level_names[{i}]"), n.clone()));
    }
    for c in &rubric.criteria {
        texts.push((format!("{}.title", c.id), c.title.clone()));
        for (i, d) in c.descriptors.iter().enumerate() {
            texts.push((format!("{}.descriptors[{i}]", c.id), d.clone()));
        }
        for (i, f) in c.feedback.iter().enumerate() {
            texts.push((format!("{}.feedback[{i}]", c.id), f.clone()));
        }
        texts.push((format!("{}.stretch", c.id), c.stretch.clone()));
        for (l, reqs) in c.levels.iter().enumerate() {
            for (i, r) in reqs.iter().enumerate() {
                texts.push((
                    format!("{}.level[{}].require[{i}].advice", c.id, l + 1),
                    r.advice.clone(),
                ));
            }
        }
    }
    let n_criteria = rubric.criteria.len();
    assert!(
        texts.len() > n_criteria * 10,
        "every criterion's texts are checked"
    );
    assert_no_lapses(&rubric, &texts);
}

#[test]
fn the_rule_alternatives_and_messages_peermark_suggests_have_no_lapses() {
    let rubric = default_rubric();
    let mut texts = Vec::new();
    for rule in rubric.language.rules() {
        for (i, a) in rule.alternatives.iter().enumerate() {
            texts.push((format!("{}.alternatives[{i}]", rule.id), a.clone()));
        }
    }
    assert!(!texts.is_empty());
    assert_no_lapses(&rubric, &texts);
}

#[test]
fn criterion_feedback_in_results_json_has_no_lapses() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("marked");
    let o = mark(&[&root().join("samples")], &out);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rubric = default_rubric();
    let results = read_json(&out.join("results.json"));
    let mut texts = Vec::new();
    for r in results.as_array().unwrap() {
        for c in r["criteria"].as_array().unwrap() {
            texts.push((
                format!("{} {} feedback", r["submission"], c["id"]),
                c["feedback"].as_str().unwrap().to_string(),
            ));
        }
    }
    assert!(texts.len() >= 7 * 6, "{} feedback texts", texts.len());
    assert_no_lapses(&rubric, &texts);
}

/// A result with every stretch of the essay's own words taken out: no evidence quotes, no
/// title, and language findings whose quoted words are blanked (the suggestions and messages,
/// which are peermark's words, stay).
fn without_essay_words(mut r: MarkResult) -> MarkResult {
    for c in &mut r.criteria {
        c.evidence.clear();
    }
    r.title = None;
    r.language_awareness.clear();
    for l in &mut r.lapses {
        l.text.clear();
    }
    for n in &mut r.notes {
        n.text.clear();
    }
    r.safeguarding.clear();
    r.assessor_notes.clear();
    r
}

fn lines_with_lapses(rubric: &Rubric, what: &str, text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .flat_map(|l| {
            lapses_in(rubric, l)
                .into_iter()
                .map(move |f| format!("{what}: {f} in {l:?}"))
        })
        .collect()
}

#[test]
fn the_static_text_of_sheets_and_reports_has_no_lapses() {
    let rubric = default_rubric();
    let ctx = peermark_report::report_context(&rubric);
    let tags = regex::Regex::new(r"<[^>]*>").unwrap();
    let mut failures = Vec::new();
    for name in [
        "strong.txt",
        "weak.txt",
        "language-lapses.txt",
        "middling.txt",
    ] {
        let r = mark_with_library(&rubric, &root().join("samples").join(name));
        let had_lapses = !r.lapses.is_empty();
        let r = without_essay_words(r);
        let sheet = peermark_report::sheet_md::sheet_md(&r, &ctx);
        failures.extend(lines_with_lapses(&rubric, &format!("{name} sheet"), &sheet));
        let report = peermark_report::text::render_check(&r, &ctx, false);
        failures.extend(lines_with_lapses(
            &rubric,
            &format!("{name} check report"),
            &report,
        ));
        // The page as a reader sees it: tags dropped, characters unescaped.
        let page = peermark_report::check_html::check_html(&r, None, &ctx);
        let page = tags
            .replace_all(&page, "")
            .replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        failures.extend(lines_with_lapses(
            &rubric,
            &format!("{name} check page"),
            &page,
        ));
        if name == "language-lapses.txt" {
            assert!(had_lapses, "the wording section is checked too");
            assert!(sheet.contains("To reconsider in your own words"));
        }
    }
    // A sheet with nothing quoted and nothing to reconsider (the simplest case of the brief).
    let mut r = without_essay_words(mark_with_library(
        &rubric,
        &root().join("samples/strong.txt"),
    ));
    r.lapses.clear();
    r.notes.clear();
    let sheet = peermark_report::sheet_md::sheet_md(&r, &ctx);
    assert!(sheet.contains("We found no wording to reconsider"));
    failures.extend(lines_with_lapses(&rubric, "strong.txt bare sheet", &sheet));
    // The sheet of a file that could not be read.
    let err = MarkResult::error(
        "e02",
        "cohort/e02.docx",
        rubric.reference(),
        "the file is empty".into(),
    );
    let sheet = peermark_report::sheet_md::sheet_md(&err, &ctx);
    failures.extend(lines_with_lapses(&rubric, "error sheet", &sheet));
    assert!(failures.is_empty(), "{failures:#?}");
}

// ---------------------------------------------------------------------------------------------
// 3. `explain` covers every language rule and every criterion
// ---------------------------------------------------------------------------------------------

/// What is wrong with `peermark explain <rule>`, if anything.
fn explain_failures(rule: &peermark_language::Rule) -> Vec<String> {
    let o = peermark().args(["explain", &rule.id]).output().unwrap();
    if o.status.code() != Some(0) {
        return vec![format!(
            "{}: exit {:?}: {}",
            rule.id,
            o.status.code(),
            String::from_utf8_lossy(&o.stderr)
        )];
    }
    let text = String::from_utf8_lossy(&o.stdout);
    let mut failures = Vec::new();
    if !text.starts_with(&format!("{} — ", rule.id)) {
        failures.push(format!(
            "{}: does not start with the rule id: {text}",
            rule.id
        ));
    }
    if !text.contains(rule.title.as_str()) {
        failures.push(format!("{}: title {:?} not printed", rule.id, rule.title));
    }
    for a in &rule.alternatives {
        if !text.contains(a.as_str()) {
            failures.push(format!("{}: alternative {a:?} not printed", rule.id));
        }
    }
    failures
}

#[test]
fn explain_works_for_every_language_rule() {
    let rubric = default_rubric();
    let rules = rubric.language.rules();
    assert!(rules.len() >= 78, "{} rules", rules.len());
    // One process per rule (each loads the rubric), a few at a time.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8));
    let chunk = rules.len().div_ceil(threads);
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = rules
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().flat_map(explain_failures).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(failures.is_empty(), "{failures:#?}");
    // Ids are matched whatever their case.
    let o = peermark()
        .args(["explain", &rules[0].id.to_lowercase()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn explain_works_for_every_criterion() {
    let rubric = default_rubric();
    for c in &rubric.criteria {
        let o = peermark().args(["explain", &c.id]).output().unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}: {}",
            c.id,
            String::from_utf8_lossy(&o.stderr)
        );
        let text = String::from_utf8(o.stdout).unwrap();
        assert!(text.contains(&c.title), "{}: {text}", c.id);
        for (i, d) in c.descriptors.iter().enumerate() {
            assert!(text.contains(d.as_str()), "{} descriptor {i}", c.id);
            assert!(text.contains(&rubric.level_names[i]), "{} level name", c.id);
        }
        for reqs in &c.levels {
            for r in reqs {
                assert!(text.contains(&r.advice), "{}: advice {:?}", c.id, r.advice);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Language diagnostics
// ---------------------------------------------------------------------------------------------

#[test]
fn check_shows_lapses_as_compiler_style_diagnostics() {
    let file = "samples/language-lapses.txt";
    let o = peermark()
        .args(["check", file, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let lapses = v["lapses"].as_array().unwrap();
    assert!(!lapses.is_empty(), "the sample has lapses");

    let o = peermark()
        .args(["check", file, "--format", "diagnostics"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let report = String::from_utf8(o.stdout).unwrap();
    assert!(!report.contains('\u{1b}'), "no colour with NO_COLOR");
    let lines: Vec<&str> = report.lines().collect();
    let source = std::fs::read_to_string(root().join(file)).unwrap();
    let source_lines: Vec<&str> = source.lines().collect();

    let mut checked = 0;
    for l in lapses {
        let (line, column) = (l["line"].as_u64().unwrap(), l["column"].as_u64().unwrap());
        let words = l["text"].as_str().unwrap();
        let rule = l["rule"].as_str().unwrap();
        // The words are at that line and column of the file (columns count characters).
        let file_line = source_lines[line as usize - 1];
        let at: String = file_line
            .chars()
            .skip(column as usize - 1)
            .take(words.chars().count())
            .collect();
        assert_eq!(at, words, "{rule} position in the file");

        let arrow = format!(" --> {file}:{line}:{column}");
        let i = lines
            .iter()
            .position(|s| s.ends_with(&arrow))
            .unwrap_or_else(|| panic!("no {arrow:?} line for {rule}:\n{report}"));
        assert!(
            lines[i - 1].contains(&format!("[{rule}]")),
            "the title names the rule: {}",
            lines[i - 1]
        );
        // The source line, after "<line> | ".
        let prefix = format!("{line} | ");
        let src = lines[i + 2]
            .strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("source line for {rule}: {:?}", lines[i + 2]));
        let trimmed = src.trim_start_matches('…').trim_end_matches('…');
        assert!(
            file_line.contains(trimmed),
            "the shown text is the file's line {line}: {src:?}"
        );
        // The caret underline sits under the words.
        let gutter = format!("{} | ", " ".repeat(line.to_string().len()));
        let under = lines[i + 3]
            .strip_prefix(&gutter)
            .unwrap_or_else(|| panic!("underline for {rule}: {:?}", lines[i + 3]));
        let offset = under.chars().take_while(|c| *c == ' ').count();
        let carets = under[offset..].chars().take_while(|c| *c == '^').count();
        assert_eq!(carets, words.chars().count(), "{rule}: {under:?}");
        let underlined: String = src.chars().skip(offset).take(carets).collect();
        assert_eq!(underlined, words, "{rule}: the carets are under the words");
        // The caret's column maps back to the lapse's column.
        let start_in_file = if src.starts_with('…') {
            let shown_from = file_line
                .find(trimmed)
                .map(|b| file_line[..b].chars().count())
                .unwrap();
            shown_from + offset - 1
        } else {
            offset
        };
        assert_eq!(start_in_file as u64 + 1, column, "{rule}: caret column");
        checked += 1;
    }
    assert!(checked >= 1);
}

#[test]
fn quoted_stigma_has_no_lapses() {
    let o = peermark()
        .args(["check", "samples/quoted-stigma.txt", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["status"], "marked");
    let lapses = v["lapses"].as_array().unwrap();
    assert!(lapses.is_empty(), "{lapses:#?}");
    assert!(
        !v["notes"].as_array().unwrap().is_empty(),
        "the quoted terms are still noticed, as notes"
    );
}
