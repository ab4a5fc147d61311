//! The course lead's and moderator's view of a cohort, through the real binary: the cohort
//! report (`DIR/report.html`), the moderation sample (`peermark sample`) and similar
//! submissions (assessor notes).

mod common;

use common::{fixtures, mark_with, peermark, read_csv, root};
use regex::Regex;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn mark(paths: &[&Path], out: &Path) -> std::process::Output {
    mark_with(paths, out, &["--quiet"])
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `samples/` marked once per run of this test binary (tests only read the outputs).
fn marked_samples() -> &'static Path {
    static OUT: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    &OUT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("marked");
        let o = mark(&[&root().join("samples")], &out);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        (tmp, out)
    })
    .1
}

/// The number in `<… id="count-NAME">N<`.
fn count(html: &str, name: &str) -> usize {
    let re = Regex::new(&format!(r#"id="count-{name}">(\d+)<"#)).unwrap();
    re.captures(html)
        .unwrap_or_else(|| panic!("no count-{name} in the report"))[1]
        .parse()
        .unwrap()
}

// ---------------------------------------------------------------------------------------
// report.html
// ---------------------------------------------------------------------------------------

#[test]
fn the_report_of_the_samples_matches_its_snapshot() {
    let out = marked_samples();
    let html = read(&out.join("report.html"));
    insta::assert_snapshot!("samples_report_html", html);
}

#[test]
fn the_report_is_self_contained_and_loads_nothing() {
    let out = marked_samples();
    let html = read(&out.join("report.html")).to_lowercase();
    for banned in [
        "<script",
        "http://",
        "https://",
        "//cdn",
        "<link",
        "@import",
        "url(",
        "<img",
        "<iframe",
        "<object",
        "<embed",
        "@font-face",
        "src=",
    ] {
        assert!(!html.contains(banned), "report.html contains {banned:?}");
    }
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("<style>") && html.contains("<svg"));
    for id in [
        "outcomes",
        "scores",
        "levels",
        "language",
        "errors",
        "moderation",
        "assessor-notes",
    ] {
        assert!(
            html.contains(&format!("id=\"{id}\"")),
            "section {id} is missing"
        );
    }
}

#[test]
fn the_report_counts_match_the_gradebook() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("marked");
    // Samples plus two files that cannot be marked.
    let o = mark(
        &[
            &root().join("samples"),
            &fixtures().join("broken/truncated.docx"),
            &fixtures().join("broken/empty-file.txt"),
        ],
        &out,
    );
    assert_eq!(o.status.code(), Some(2));
    let html = read(&out.join("report.html"));
    let rows = read_csv(&out.join("gradebook.csv"));
    let n = |f: &dyn Fn(&BTreeMap<String, String>) -> bool| rows.iter().filter(|r| f(r)).count();
    assert_eq!(count(&html, "submissions"), rows.len());
    assert_eq!(count(&html, "achieved"), n(&|r| r["outcome"] == "achieved"));
    assert_eq!(
        count(&html, "not_yet_achieved"),
        n(&|r| r["outcome"] == "not_yet_achieved")
    );
    assert_eq!(count(&html, "error"), n(&|r| r["status"] == "error"));
    assert_eq!(count(&html, "error"), 2);
    // Every error row is listed with its one-line message.
    for r in rows.iter().filter(|r| r["status"] == "error") {
        let msg = r["message"]
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;");
        assert!(html.contains(&msg), "{msg}");
    }
    // Level counts per criterion, as the bars carry them.
    let bar = Regex::new(r#"data-criterion="([a-z_0-9]+)" data-level="(\d)" data-count="(\d+)""#)
        .unwrap();
    let mut in_report: BTreeMap<(String, String), usize> = BTreeMap::new();
    for c in bar.captures_iter(&html) {
        in_report.insert((c[1].to_string(), c[2].to_string()), c[3].parse().unwrap());
    }
    let mut in_gradebook: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in rows.iter().filter(|r| r["status"] == "marked") {
        for id in [
            "personal_story",
            "recovery_concepts",
            "peer_support",
            "linking",
            "recovery_language",
            "structure",
        ] {
            *in_gradebook
                .entry((id.to_string(), r[id].clone()))
                .or_default() += 1;
        }
    }
    assert_eq!(in_report, in_gradebook);
    // The histogram holds every marked submission once.
    let bin = Regex::new(r#"data-bin="\d" data-count="(\d+)""#).unwrap();
    let binned: usize = bin
        .captures_iter(&html)
        .map(|c| c[1].parse::<usize>().unwrap())
        .sum();
    assert_eq!(binned, n(&|r| r["status"] == "marked"));
    // The number of assessor notes is the number of rows of assessor-notes.csv.
    let notes = read_csv(&out.join("assessor-notes.csv"));
    assert_eq!(count(&html, "notes"), notes.len());
}

#[test]
fn the_report_never_shows_assessor_notes_or_safeguarding_quotes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("marked");
    let data = root().join("tests/data");
    let o = mark(
        &[
            &data.join("current-risk.txt"),
            &data.join("current-risk-evidence.txt"),
            &data.join("past-only.txt"),
            &root().join("samples/strong.txt"),
        ],
        &out,
    );
    assert_eq!(o.status.code(), Some(0));
    let html = read(&out.join("report.html"));
    let notes = read_csv(&out.join("assessor-notes.csv"));
    assert!(
        notes.iter().filter(|n| n["kind"] == "safeguarding").count() >= 2,
        "{notes:#?}"
    );
    for n in &notes {
        assert!(
            !html.contains(&n["quote"]),
            "report quotes {:?}",
            n["quote"]
        );
        assert!(
            !html.contains(&n["cue"]),
            "report names the cue {:?}",
            n["cue"]
        );
    }
    for sentence in [
        "Lately I don't see the point anymore and I have not told anyone.",
        "These days I feel hopeless and I have not told anyone.",
    ] {
        assert!(!html.contains(sentence));
        assert!(!html.contains(&sentence.replace('\'', "&#39;")));
    }
    // Nor which submissions have notes: no submission is named next to the count.
    let section = &html[html.find("id=\"assessor-notes\"").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    for id in ["current-risk", "past-only"] {
        assert!(!section.contains(id), "{section}");
    }
    assert_eq!(count(&html, "notes"), notes.len());
}

/// Headless Chromium renders the report offline and sees every section (skipped, with a
/// message, where Chromium is not installed; CI images with Chromium run it).
#[test]
fn the_report_renders_in_headless_chromium() {
    let Some(chromium) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            std::process::Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
    else {
        eprintln!("skipped: no chromium on PATH (apt-get install chromium)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let page = marked_samples().join("report.html");
    let o = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            // No network: every host resolves to nothing and no proxy is reachable.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--proxy-server=127.0.0.1:9",
            &format!("--user-data-dir={}", tmp.path().join("profile").display()),
            "--dump-dom",
        ])
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for id in [
        "outcomes",
        "scores",
        "levels",
        "language",
        "errors",
        "moderation",
        "assessor-notes",
    ] {
        assert!(
            dom.contains(&format!("id=\"{id}\"")),
            "{id} not in the rendered DOM"
        );
    }
    assert!(dom.contains("<svg"), "charts rendered");
}

// ---------------------------------------------------------------------------------------
// peermark sample
// ---------------------------------------------------------------------------------------

fn sample(dir: &Path, extra: &[&str]) -> std::process::Output {
    peermark()
        .arg("sample")
        .arg(dir)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn sample_takes_every_not_yet_achieved_then_boundary_then_random_reproducibly() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("marked");
    let o = mark(
        &[
            &root().join("samples"),
            &root().join("tests/calibration/essays"),
        ],
        &out,
    );
    assert!(o.status.success());
    let gradebook = read_csv(&out.join("gradebook.csv"));
    let nya: Vec<&str> = gradebook
        .iter()
        .filter(|r| r["outcome"] == "not_yet_achieved")
        .map(|r| r["submission"].as_str())
        .collect();
    // Achieved submissions with a borderline criterion come next, all of them.
    let borderline: Vec<&str> = gradebook
        .iter()
        .filter(|r| r["outcome"] == "achieved" && !r["borderline"].is_empty())
        .map(|r| r["submission"].as_str())
        .collect();
    assert!(!borderline.is_empty(), "middling is one short of Strong");
    let fixed = nya.len() + borderline.len();
    let size = fixed + 6;
    let size_arg = size.to_string();

    let a = sample(&out, &["--size", &size_arg]);
    assert_eq!(
        a.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&a.stderr)
    );
    let text = String::from_utf8(a.stdout.clone()).unwrap();
    assert!(text.starts_with("submission,reason,outcome,score,detail\n"));
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), size);
    let reasons: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    // Every not-yet-achieved first, then every borderline one, then 3 boundary, then 3
    // random.
    let mut first: Vec<&str> = rows[..nya.len()].iter().map(|r| r[0].as_str()).collect();
    first.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    assert_eq!(first, nya);
    assert!(reasons[..nya.len()]
        .iter()
        .all(|r| *r == "not_yet_achieved"));
    let mut next: Vec<&str> = rows[nya.len()..fixed]
        .iter()
        .map(|r| r[0].as_str())
        .collect();
    next.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    assert_eq!(next, borderline);
    assert!(reasons[nya.len()..fixed].iter().all(|r| *r == "borderline"));
    assert_eq!(
        &reasons[fixed..],
        &["boundary", "boundary", "boundary", "random", "random", "random"]
    );
    // Boundary picks are achieved submissions with a criterion at the level the rule needs.
    for r in rows.iter().filter(|r| r[1] == "boundary") {
        assert_eq!(r[2], "achieved");
        assert!(
            r[4].starts_with("at the boundary: ") || r[4].starts_with("nearest the boundary"),
            "{}",
            r[4]
        );
    }

    // Same seed, same sample (byte for byte); --out writes the same CSV.
    let b = sample(&out, &["--size", &size_arg]);
    assert_eq!(a.stdout, b.stdout);
    let file = tmp.path().join("sample.csv");
    let c = sample(
        &out,
        &["--size", &size_arg, "--out", file.to_str().unwrap()],
    );
    assert!(c.status.success() && c.stdout.is_empty());
    assert_eq!(std::fs::read(&file).unwrap(), a.stdout);
    // The report's sample is the command's default sample.
    let d = sample(&out, &[]);
    let html = read(&out.join("report.html"));
    for r in csv::Reader::from_reader(&d.stdout[..]).records() {
        let id = r.unwrap()[0].to_string();
        assert!(html.contains(&format!("data-sample=\"{id}\"")), "{id}");
    }
    // Other seeds draw other random parts, and only the random part changes.
    let mut differs = false;
    for seed in ["1", "2", "3", "4", "5"] {
        let e = sample(&out, &["--size", &size_arg, "--seed", seed]);
        let lines_a: Vec<&str> = text.lines().collect();
        let e_text = String::from_utf8(e.stdout).unwrap();
        let lines_e: Vec<&str> = e_text.lines().collect();
        assert_eq!(lines_a[..=fixed + 3], lines_e[..=fixed + 3]);
        differs |= lines_a != lines_e;
    }
    assert!(differs, "the seed decides the random draw");
}

#[test]
fn sample_says_what_is_wrong_in_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let o = sample(tmp.path(), &["--size", "3"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("results.json") && err.contains("peermark mark"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------
// Similar submissions
// ---------------------------------------------------------------------------------------

/// Extracts a zip into `dir`.
fn unzip(zip: &Path, dir: &Path) {
    let mut a = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    a.extract(dir).unwrap();
}

#[test]
fn the_two_copies_in_the_moodle_download_are_reported_with_their_passages() {
    let tmp = tempfile::tempdir().unwrap();
    let cohort = tmp.path().join("cohort");
    unzip(
        &fixtures().join("lms/PSW101-Recovery story essay-88.zip"),
        &cohort,
    );
    let out = tmp.path().join("marked");
    mark(&[&cohort], &out);
    let gradebook = read_csv(&out.join("gradebook.csv"));
    let id_of = |needle: &str| {
        gradebook
            .iter()
            .find(|r| r["file"].contains(needle))
            .unwrap_or_else(|| panic!("{needle} not in {gradebook:#?}"))["submission"]
            .clone()
    };
    let (jane, siobhan, sam) = (id_of("Jane Doe"), id_of("Siobh"), id_of("Sam Reid"));
    let notes = read_csv(&out.join("assessor-notes.csv"));
    let similar: Vec<&BTreeMap<String, String>> = notes
        .iter()
        .filter(|n| n["kind"] == "similar-text")
        .collect();
    // Sam Reid's .odt is a third copy of the same essay: Jane's and Siobhán's rows about
    // each other are checked here, and Sam's pairing with both below.
    let pair_rows = |id: &str, other: &str| -> Vec<String> {
        similar
            .iter()
            .filter(|n| n["submission"] == id && n["quote"].ends_with(&format!(" of {other}")))
            .map(|n| format!("{},{} {}", n["paragraph"], n["line"], n["quote"]))
            .collect()
    };
    for other in [&jane, &siobhan] {
        assert!(
            !pair_rows(&sam, other).is_empty(),
            "{sam} and {other}: {similar:#?}"
        );
    }
    let rows =
        |id: &str| -> Vec<String> { pair_rows(id, if id == jane { &siobhan } else { &jane }) };
    // Siobhán's copy has a table between the third and fourth body paragraphs (its cells
    // are paragraphs 5–10): so two passages, located on both sides.
    assert_eq!(
        rows(&jane),
        vec![
            format!("2,3 paragraphs 2–4, lines 3–7 here match paragraphs 2–4, lines 3–7 of {siobhan}"),
            format!("5,9 paragraphs 5–6, lines 9–11 here match paragraphs 11–12, lines 21–23 of {siobhan}"),
        ]
    );
    assert_eq!(
        rows(&siobhan),
        vec![
            format!("2,3 paragraphs 2–4, lines 3–7 here match paragraphs 2–4, lines 3–7 of {jane}"),
            format!("11,21 paragraphs 11–12, lines 21–23 here match paragraphs 5–6, lines 9–11 of {jane}"),
        ]
    );
    for n in &similar {
        assert_eq!(n["tier"], "");
        assert!(n["cue"].starts_with("similar to "), "{}", n["cue"]);
        assert!(
            n["cue"].contains("% of word sequences shared"),
            "{}",
            n["cue"]
        );
    }
    // Ali Khan's short online text is like none of them.
    assert!(
        similar.iter().all(|n| n["submission"] != id_of("Ali Khan")),
        "{similar:#?}"
    );
}

#[test]
fn a_similar_pair_never_changes_a_mark() {
    let tmp = tempfile::tempdir().unwrap();
    let alone = tmp.path().join("alone");
    let pair = tmp.path().join("pair");
    mark(&[&root().join("samples/middling.txt")], &alone);
    mark(
        &[
            &root().join("samples/middling.txt"),
            &root().join("samples/middling.docx"),
        ],
        &pair,
    );
    let a = read_csv(&alone.join("gradebook.csv"));
    let p = read_csv(&pair.join("gradebook.csv"));
    let strip = |mut r: BTreeMap<String, String>| {
        r.remove("file");
        r.remove("submission");
        r
    };
    let (a0, p0) = (strip(a[0].clone()), strip(p[0].clone()));
    let p1 = strip(p[1].clone());
    assert_eq!(a0, p0);
    assert_eq!(a0, p1);
    assert!(read_csv(&pair.join("assessor-notes.csv"))
        .iter()
        .any(|n| n["kind"] == "similar-text"));
    assert!(read_csv(&alone.join("assessor-notes.csv")).is_empty());
    // …and never reaches a learner's sheet.
    for f in std::fs::read_dir(pair.join("feedback")).unwrap() {
        let path = f.unwrap().path();
        let sheet = common::output_text(&path);
        assert!(!sheet.contains("similar"), "{}: {sheet}", path.display());
    }
}

#[test]
fn distinct_samples_are_not_similar() {
    // samples/ holds each essay twice (.docx and .txt, the same text): those twins are the
    // only pairs; no two different essays are reported, nor any calibration essay.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("marked");
    mark(
        &[
            &root().join("samples"),
            &root().join("tests/calibration/essays"),
        ],
        &out,
    );
    let notes = read_csv(&out.join("assessor-notes.csv"));
    let similar: Vec<&BTreeMap<String, String>> = notes
        .iter()
        .filter(|n| n["kind"] == "similar-text")
        .collect();
    let stem = |id: &str| {
        id.trim_end_matches("-docx")
            .trim_end_matches("-txt")
            .to_string()
    };
    let mut twins = std::collections::BTreeSet::new();
    for n in &similar {
        let other = n["cue"]
            .strip_prefix("similar to ")
            .unwrap()
            .split(':')
            .next()
            .unwrap();
        assert_eq!(stem(&n["submission"]), stem(other), "{n:?}");
        assert_ne!(n["submission"].as_str(), other);
        twins.insert(stem(other));
    }
    assert_eq!(twins.len(), 8, "each docx/txt twin is found: {twins:?}");
}

#[test]
fn a_rubric_without_a_similarity_table_lists_no_pairs_and_a_bad_threshold_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let rubrics = tmp.path().join("rubrics");
    std::fs::create_dir(&rubrics).unwrap();
    for f in std::fs::read_dir(root().join("rubrics")).unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_some_and(|e| e == "toml") {
            std::fs::copy(&p, rubrics.join(p.file_name().unwrap())).unwrap();
        }
    }
    let main = rubrics.join("recovery-story-essay.toml");
    let text = read(&main);
    let table = Regex::new(r"(?s)\n\[similarity\]\n.*?\n\n").unwrap();
    assert!(
        table.is_match(&text),
        "the default rubric has a [similarity] table"
    );
    std::fs::write(&main, table.replace(&text, "\n").as_bytes()).unwrap();
    let out = tmp.path().join("marked");
    let o = mark_with(
        &[
            &root().join("samples/strong.txt"),
            &root().join("samples/strong.docx"),
        ],
        &out,
        &["--quiet", "--rubric", main.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(read_csv(&out.join("assessor-notes.csv")).is_empty());

    std::fs::write(&main, text.replace("threshold = 0.3", "threshold = 30")).unwrap();
    let o = peermark()
        .args(["rubric", "check"])
        .arg(&main)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("similarity.threshold"), "{err}");
    assert!(err.contains("recovery-story-essay.toml:"), "{err}");
}

#[test]
fn the_report_counts_safeguarding_flags_and_similar_text_notes_apart() {
    // tests/data holds essays with current risk and essays that are variations of one
    // another: both kinds of note, in one cohort.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("marked");
    let o = mark(&[&root().join("tests/data")], &out);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let html = read(&out.join("report.html"));
    let notes = read_csv(&out.join("assessor-notes.csv"));
    let of_kind = |k: &str| notes.iter().filter(|n| n["kind"] == k).count();
    assert!(
        of_kind("safeguarding") > 0 && of_kind("similar-text") > 0,
        "{notes:#?}"
    );
    assert_eq!(count(&html, "safeguarding"), of_kind("safeguarding"));
    assert_eq!(count(&html, "similar_text"), of_kind("similar-text"));
    assert!(html.contains("safeguarding flags") && html.contains("similar-text notes"));
    assert!(
        !html.contains(">assessor notes<"),
        "no tile adds the two together"
    );
}
