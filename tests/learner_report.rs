//! What a learner reads about their draft, in every output, for one golden draft with lapses,
//! quoted labels and reflective uses (`tests/data/golden-draft.txt`): the text report, the
//! Markdown sheet, the Word sheet (its text, its structure for screen readers, and its pages as
//! LibreOffice prints them) and the HTML page (in headless Chromium with axe-core).
//!
//! Set `PEERMARK_WRITE_DOCS=1` to write the pictures in `docs/` again (the Word sheet's pages
//! and the HTML page's screenshot).

mod common;

use common::*;
use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};

fn golden() -> PathBuf {
    root().join("tests/data/golden-draft.txt")
}

fn check(args: &[&str]) -> std::process::Output {
    peermark()
        .arg("check")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(o: &std::process::Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// Rows the text takes on a 100-column terminal, up to (not counting) the support line.
fn rows_before_support(text: &str, support: &str) -> usize {
    text.lines()
        .take_while(|l| !l.starts_with(support))
        .map(|l| l.chars().count().div_ceil(100).max(1))
        .sum()
}

fn support_line() -> String {
    let rubric = peermark_engine::load_rubric(None).expect("the built-in rubric loads");
    rubric.safeguarding_settings.support_line.trim().to_string()
}

/// Whether a word that is a rule code ("L56") is in the text.
fn has_rule_code(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w.len() == 3 && w.starts_with('L') && w[1..].bytes().all(|b| b.is_ascii_digit()))
}

#[test]
fn the_text_report_reads_like_a_tutor_and_fits_on_one_screen() {
    let text = stdout(&check(&[golden().to_str().unwrap()]));
    insta::assert_snapshot!("golden_text_report", text);
    let support = support_line();
    let rows = rows_before_support(&text, &support);
    assert!(rows <= 60, "{rows} rows before the support line:\n{text}");
    assert!(text.trim_end().ends_with(&support));
    // Marks first, each with a quote and one next step (or the stretch at the top level).
    let marks = text.split("\nYour wording\n").next().unwrap();
    let criteria: Vec<&str> = marks.split("\n\n").skip(1).collect();
    assert_eq!(criteria.len(), 6, "{marks}");
    for c in &criteria {
        assert!(c.contains("  From your essay: “"), "{c}");
        let steps = c
            .lines()
            .filter(|l| l.starts_with("  To reach ") || l.starts_with("  Top level"))
            .count();
        assert_eq!(steps, 1, "one next step: {c}");
    }
    assert!(marks.contains("is close to the next level"), "{marks}");
    assert!(marks.contains("with little to spare"), "{marks}");
    // Lapses in the writer's voice: paragraph and line (plain text), why, alternatives.
    assert!(
        text.contains("  - Paragraph 10, line 19: “junkies” — "),
        "{text}"
    );
    assert!(text.contains("    Try “person who uses drugs”"), "{text}");
    // Quoted and reported uses in one line; reflection credited.
    assert!(text
        .contains("labels you quote or report are not your own wording, so they are not counted."));
    assert!(text.contains("  Strength: you reflect on the words themselves"));
    // No rule codes, no commands, no compiler-style positions.
    assert!(!has_rule_code(&text), "{text}");
    for word in ["peermark explain", "-->", "^^^", "= consider", "note["] {
        assert!(!text.contains(word), "{word}");
    }
}

#[test]
fn the_diagnostics_view_keeps_codes_and_positions() {
    let text = stdout(&check(&[
        golden().to_str().unwrap(),
        "--format",
        "diagnostics",
    ]));
    assert!(
        text.contains("wording[L12]") || has_rule_code(&text),
        "{text}"
    );
    assert!(text.contains("tests/data/golden-draft.txt:19:"), "{text}");
    assert!(text.contains("^^^"));
    assert!(text.trim_end().ends_with(&support_line()));
}

#[test]
fn the_markdown_sheet_says_the_same_without_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("in");
    std::fs::create_dir(&inbox).unwrap();
    std::fs::copy(golden(), inbox.join("golden-draft.txt")).unwrap();
    let out = tmp.path().join("marked");
    let o = mark_with(&[&inbox], &out, &["--sheets", "md", "--quiet"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let sheet = std::fs::read_to_string(out.join("feedback/golden-draft.md")).unwrap();
    insta::assert_snapshot!("golden_markdown_sheet", sheet);
    assert!(!has_rule_code(&sheet));
    assert!(!sheet.contains("peermark explain"));
    assert!(
        sheet.contains("- “junkies” (paragraph 10, line 19) — "),
        "{sheet}"
    );
    assert_eq!(
        sheet.matches("**Next step, to reach ").count()
            + sheet.matches("**This is the top level.**").count(),
        5,
        "{sheet}"
    );
}

fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut parts = BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut s = String::new();
        if f.read_to_string(&mut s).is_ok() {
            parts.insert(f.name().to_string(), s);
        }
    }
    parts
}

fn word_sheet(dir: &Path) -> PathBuf {
    let sheet = dir.join("sheet.docx");
    let o = check(&[
        golden().to_str().unwrap(),
        "--sheet",
        sheet.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    sheet
}

#[test]
fn the_word_sheet_is_built_for_screen_readers() {
    let tmp = tempfile::tempdir().unwrap();
    let sheet = word_sheet(tmp.path());
    let parts = unzip(&std::fs::read(&sheet).unwrap());
    let styles = &parts["word/styles.xml"];
    let document = &parts["word/document.xml"];
    let core = &parts["docProps/core.xml"];
    // Its language and title.
    assert!(styles.contains(r#"<w:lang w:val="en-GB"/>"#), "{styles}");
    assert!(
        core.contains("<dc:title>Feedback: golden-draft</dc:title>"),
        "{core}"
    );
    // Real headings: styles with an outline level, used for the sections.
    assert!(styles.contains(r#"w:styleId="Heading1"><w:name w:val="heading 1"/>"#));
    assert!(styles.contains(r#"<w:outlineLvl w:val="0"/>"#));
    for heading in [
        "Criterion by criterion",
        "Your wording",
        "Assessor's comments",
    ] {
        assert!(
            document.contains(&format!(
                r#"<w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t xml:space="preserve">{}</w:t>"#,
                heading.replace('\'', "&apos;")
            )) || document.contains(&format!(
                r#"<w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t xml:space="preserve">{heading}</w:t>"#
            )),
            "heading {heading}"
        );
    }
    // Each table's first row is a header that repeats on every page; no other row is kept
    // from breaking across pages.
    let tables: Vec<&str> = document.split("<w:tbl>").skip(1).collect();
    let feedback_tables: Vec<&&str> = tables
        .iter()
        .filter(|t| t.contains(r#"<w:tblStyle w:val="FeedbackTable"/>"#))
        .collect();
    assert_eq!(feedback_tables.len(), 2, "criteria and wording tables");
    for t in feedback_tables {
        let rows: Vec<&str> = t.split("<w:tr>").skip(1).collect();
        assert!(rows.len() > 2);
        assert!(rows[0].starts_with("<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"));
        for r in &rows[1..] {
            assert!(!r.contains("<w:tblHeader/>"));
            // Only a one-line title row (one cell across the table) is kept whole.
            if r.contains("<w:cantSplit/>") {
                assert!(
                    r.contains("<w:gridSpan "),
                    "a body row may break across pages"
                );
            }
        }
    }
    // What it says, as peermark's own reader reads it back.
    let doc = peermark_ingest::read_file(&sheet, peermark_ingest::Format::Docx).unwrap();
    let text: Vec<String> = doc
        .paragraphs
        .iter()
        .map(|p| p.text.clone())
        .filter(|t| !t.starts_with("Date: "))
        .collect();
    let text = text.join("\n");
    insta::assert_snapshot!("golden_word_sheet_text", text);
    assert!(!has_rule_code(&text));
    assert!(!text.contains("peermark explain"));
}

fn have(tool: &str) -> bool {
    ["--version", "-v"].into_iter().any(|flag| {
        std::process::Command::new(tool)
            .arg(flag)
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

fn skip_or_fail(test: &str, missing: &str, install: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{test}: {missing} is missing under CI=true; {install} (.ci/run does this)");
    }
    eprintln!(
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         SKIPPED {test}: {missing} is missing. To run it: {install}\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
}

fn write_docs() -> bool {
    std::env::var("PEERMARK_WRITE_DOCS").is_ok_and(|v| v == "1")
}

#[test]
fn the_word_sheet_prints_page_by_page_with_its_header_row_repeated() {
    if !have("soffice") || !have("pdftotext") {
        skip_or_fail(
            "the_word_sheet_prints_page_by_page_with_its_header_row_repeated",
            "LibreOffice (soffice) or pdftotext",
            "apt-get install -y libreoffice-writer-nogui poppler-utils",
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let sheet = word_sheet(tmp.path());
    let o = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            tmp.path().join("lo").display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(tmp.path())
        .arg(&sheet)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pdf = tmp.path().join("sheet.pdf");
    let page_text = |n: usize| -> Option<String> {
        let o = std::process::Command::new("pdftotext")
            .args(["-layout", "-f", &n.to_string(), "-l", &n.to_string()])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        o.status
            .success()
            .then(|| String::from_utf8_lossy(&o.stdout).into_owned())
    };
    let info = std::process::Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .unwrap();
    let count: usize = String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo gives the page count");
    let pages: Vec<String> = (1..=count).map(|n| page_text(n).unwrap()).collect();
    assert!(pages.len() >= 2, "{} page(s)", pages.len());
    // Page 1 is full: the criteria table starts there and its first rows fill the page
    // (a row too long for what is left of a page breaks instead of moving whole).
    let first = &pages[0];
    assert!(first.contains("What this level means"), "{first}");
    assert!(first.contains("Personal recovery story"), "{first}");
    let lines = first.lines().filter(|l| !l.trim().is_empty()).count();
    assert!(lines >= 45, "page 1 has {lines} lines of text:\n{first}");
    // Every page the criteria table goes on to starts with its header row again.
    let last_criterion = "Structure and academic";
    let table_end = pages
        .iter()
        .position(|p| p.contains(last_criterion))
        .expect("the last criterion is printed");
    for (i, p) in pages.iter().enumerate().take(table_end + 1).skip(1) {
        assert!(
            p.contains("What this level means"),
            "page {} repeats the table's header row:\n{p}",
            i + 1
        );
    }
    let all = pages.join("\n");
    assert!(all.contains("Your wording"));
    assert!(all.contains("Marked by:"));
    if write_docs() {
        let docs = root().join("docs/word-sheet");
        std::fs::create_dir_all(&docs).unwrap();
        let o = std::process::Command::new("pdftoppm")
            .args(["-png", "-r", "60"])
            .arg(&pdf)
            .arg(docs.join("page"))
            .output()
            .unwrap();
        assert!(o.status.success());
    }
}

#[test]
fn the_html_page_is_self_contained_and_shows_the_draft_with_its_marks() {
    let html = stdout(&check(&[golden().to_str().unwrap(), "--format", "html"]));
    insta::assert_snapshot!("golden_html_page", html);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
    assert!(html.contains("<title>Feedback on your draft: Behind the Tills"));
    // Nothing from anywhere: no scripts, no links to other pages, fonts or images.
    for word in [
        "<script",
        "http://",
        "https://",
        "url(",
        "@import",
        "<img",
        "<link",
        "@font-face",
    ] {
        assert!(!html.contains(word), "{word}");
    }
    // The draft is there, every lapse highlighted in place with a link to why.
    assert!(html.contains("<main aria-labelledby=\"draft\">"));
    assert!(html.contains("<aside aria-labelledby=\"marks\">"));
    for k in 1..=4 {
        assert!(
            html.contains(&format!("<mark class=\"wording\" id=\"at-w{k}\">")),
            "lapse {k}"
        );
        assert!(html.contains(&format!("<li id=\"w{k}\">")), "lapse {k}");
    }
    assert!(html.contains("<mark class=\"wording\" id=\"at-w3\">junkies</mark>"));
    assert!(html.matches("<mark class=\"evidence\"").count() >= 6);
    assert!(!has_rule_code(&html));
    assert!(html.contains(&support_line().replace('\'', "&#39;")));
}

#[test]
fn nothing_on_the_html_page_differs_because_of_a_safeguarding_flag() {
    let flagged = stdout(&check(&["tests/data/current-risk.txt", "--format", "html"]));
    let calm = stdout(&check(&[
        "tests/data/current-risk-removed.txt",
        "--format",
        "html",
    ]));
    let lower = flagged.to_lowercase();
    for word in ["safeguard", "risk", "assessor-only", "hopelessness", "tier"] {
        assert!(!lower.contains(word), "{word}");
    }
    // The sentence is the learner's own draft text, shown as written and not marked.
    let sentence = "Lately I don&#39;t see the point anymore";
    assert_eq!(flagged.matches(sentence).count(), 1, "{flagged}");
    let at = flagged.find(sentence).unwrap();
    let before = &flagged[..at];
    assert!(
        before.rfind("<mark").unwrap_or(0) <= before.rfind("</mark>").unwrap_or(0),
        "the sentence is not highlighted"
    );
    // The same page otherwise: the same kinds of element, in the same order.
    let skeleton = |html: &str| -> Vec<String> {
        html.split('<')
            .skip(1)
            .map(|t| t.split([' ', '>']).next().unwrap_or("").to_string())
            .filter(|t| !t.is_empty())
            .collect()
    };
    assert_eq!(skeleton(&flagged), skeleton(&calm));
}

#[test]
fn the_html_page_passes_axe_in_headless_chromium_with_the_network_off() {
    let on_path = |name: &str| {
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    };
    let Some(chromium) = ["chromium", "chromium-browser"]
        .into_iter()
        .find_map(on_path)
    else {
        skip_or_fail(
            "the_html_page_passes_axe_in_headless_chromium_with_the_network_off",
            "chromium",
            "apt-get install -y chromium",
        );
        return;
    };
    let a11y = root().join("tests/a11y");
    if !have("node") || !a11y.join("node_modules/axe-core").is_dir() {
        skip_or_fail(
            "the_html_page_passes_axe_in_headless_chromium_with_the_network_off",
            "node or tests/a11y/node_modules (axe-core, puppeteer-core)",
            "apt-get install -y nodejs npm && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix tests/a11y",
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    for (name, draft) in [
        ("golden", golden()),
        ("strong", root().join("samples/strong.docx")),
        ("lapses", root().join("samples/language-lapses.docx")),
    ] {
        let page = tmp.path().join(format!("{name}.html"));
        let html = stdout(&check(&[draft.to_str().unwrap(), "--format", "html"]));
        std::fs::write(&page, html).unwrap();
        let shot = root().join("docs/check-html.png");
        let mut cmd = std::process::Command::new("node");
        cmd.arg(a11y.join("axe-check.mjs"))
            .arg(&chromium)
            .arg(&page)
            .env("HOME", tmp.path());
        if name == "golden" && write_docs() {
            cmd.arg(&shot);
        }
        let o = cmd.output().unwrap();
        assert!(
            o.status.success(),
            "axe-check failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(
            v["external"],
            serde_json::json!([]),
            "{name}: asked the network"
        );
        assert_eq!(v["scripts"], 0, "{name}: no scripts on the page");
        let bad: Vec<&serde_json::Value> = v["violations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| matches!(x["impact"].as_str(), Some("serious" | "critical")))
            .collect();
        assert!(bad.is_empty(), "{name}: {bad:#?}");
    }
}

#[test]
fn an_unreadable_draft_gets_one_error_written_for_the_writer() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("draft.docx");
    std::fs::write(&broken, b"PK\x03\x04 this is not a whole Word file").unwrap();
    for format in ["text", "diagnostics", "html"] {
        let o = check(&[broken.to_str().unwrap(), "--format", format]);
        assert_eq!(o.status.code(), Some(2));
        assert!(o.stdout.is_empty(), "{format}: nothing on stdout");
        let err = String::from_utf8(o.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{format}: once: {err}");
        assert!(err.contains("draft.docx: "), "{err}");
        for word in ["ask the learner", "resubmit", "learner"] {
            assert!(!err.contains(word), "{format}: {err}");
        }
        assert!(err.contains("save it again"), "{err}");
    }
    // JSON keeps its error object and prints nothing else.
    let o = check(&[broken.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["status"], "error");
}
