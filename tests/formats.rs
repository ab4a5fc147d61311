//! `.odt`, `.pdf` and `.html` through the real binary: `check` and `mark` on the real fixtures,
//! evidence positions in the extracted text, a reader warning in the row's message, and one
//! error row for each broken file.

mod common;

use common::{fixtures, mark_with, peermark, read_csv};
use std::collections::BTreeMap;
use std::path::Path;

fn mark(paths: &[&Path], out: &Path) -> std::process::Output {
    mark_with(paths, out, &["--quiet"])
}

/// peermark's own words (a row's message) pass its own language check.
fn assert_no_lapses(text: &str) {
    let rubric = peermark_engine::load_rubric(None).unwrap();
    let lapses: Vec<String> = rubric
        .language
        .check_text(text)
        .into_iter()
        .filter(|f| f.lapse)
        .map(|f| f.rule)
        .collect();
    assert!(lapses.is_empty(), "{lapses:?} in {text:?}");
}

const NEW_FORMATS: [&str; 3] = [
    "odt/libreoffice-essay.odt",
    "pdf/libreoffice-essay.pdf",
    "html/essay.html",
];

/// `check` reads each new format; the evidence in its JSON points at its words in the
/// extracted text (one line per paragraph, a blank line between).
#[test]
fn check_reads_odt_pdf_and_html_and_evidence_points_at_the_words() {
    for rel in NEW_FORMATS {
        let path = fixtures().join(rel);
        let o = peermark()
            .arg("check")
            .arg(&path)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&o.stdout);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{rel}: {text}{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(text.contains("words"), "{rel}: {text}");
        assert!(!text.contains("not read yet"), "{rel}");

        let o = peermark()
            .arg("check")
            .arg(&path)
            .args(["--format", "json"])
            .output()
            .unwrap();
        let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(r["status"], "marked", "{rel}: {r}");
        assert!(r["message"].is_null(), "{rel}: {}", r["message"]);
        assert!(r["score"].as_f64().unwrap() > 0.0);

        let format = peermark_ingest::Format::from_path(&path).unwrap();
        let doc = peermark_ingest::read_file(&path, format).unwrap();
        let extracted = doc.extracted_text();
        let lines: Vec<&str> = extracted.lines().collect();
        let mut checked = 0;
        for c in r["criteria"].as_array().unwrap() {
            for e in c["evidence"].as_array().unwrap() {
                let line = e["line"].as_u64().unwrap() as usize;
                let para = e["paragraph"].as_u64().unwrap() as usize;
                assert_eq!(line, 2 * para - 1, "{rel}");
                let col = e["column"].as_u64().unwrap() as usize - 1;
                let at: String = lines[line - 1].chars().skip(col).take(12).collect();
                let quote: String = e["quote"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches('…')
                    .chars()
                    .take(12)
                    .collect();
                assert_eq!(at, quote, "{rel}: evidence position for {}", c["id"]);
                checked += 1;
            }
        }
        assert!(checked > 3, "{rel}: only {checked} evidence quotes");
    }
}

#[test]
fn mark_gives_odt_pdf_and_html_the_marks_of_their_docx_twins() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("m");
    let f = fixtures();
    let o = mark(
        &[
            &f.join("docx"),
            &f.join("odt"),
            &f.join("pdf"),
            &f.join("html"),
        ],
        &out,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rows = read_csv(&out.join("gradebook.csv"));
    let by_file: BTreeMap<String, &BTreeMap<String, String>> = rows
        .iter()
        .map(|r| (r["file"].rsplit('/').next().unwrap().to_string(), r))
        .collect();
    for name in [
        "libreoffice-essay.odt",
        "libreoffice-essay.pdf",
        "essay.html",
    ] {
        assert_eq!(by_file[name]["status"], "marked", "{name}");
        assert_eq!(by_file[name]["message"], "", "{name}");
    }
    // Same words, same score and outcome as the .docx made from the same document.
    for (name, twin) in [
        ("libreoffice-essay.odt", "libreoffice-essay.docx"),
        ("libreoffice-essay.pdf", "libreoffice-essay.docx"),
        ("essay.html", "pandoc-essay.docx"),
    ] {
        for col in ["words", "score", "outcome", "personal_story"] {
            assert_eq!(
                by_file[name][col], by_file[twin][col],
                "{name} vs {twin}: {col}"
            );
        }
    }
    // A feedback sheet for each, without the page header or footer.
    let sheets: Vec<String> = std::fs::read_dir(out.join("feedback"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    assert_eq!(sheets.len(), rows.len(), "{sheets:?}");
}

#[test]
fn mark_on_the_whole_fixtures_folder_marks_the_new_formats() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("m");
    mark(&[&fixtures()], &out);
    let rows = read_csv(&out.join("gradebook.csv"));
    for rel in NEW_FORMATS {
        let name = rel.rsplit('/').next().unwrap();
        let row = rows
            .iter()
            .find(|r| r["file"].ends_with(name))
            .unwrap_or_else(|| panic!("no row for {rel}"));
        assert_eq!(row["status"], "marked", "{rel}: {}", row["message"]);
        assert_eq!(
            row["words"],
            if name == "essay.html" { "273" } else { "290" }
        );
    }
    assert!(rows.iter().all(|r| !r["message"].contains("not read yet")));
}

/// A PDF from its objects (numbered from 1; object 1 is the catalog), with a correct xref.
fn pdf(objects: &[String]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    let n = objects.len() + 1;
    out.extend(format!("xref\n0 {n}\n0000000000 65535 f \n").as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!("trailer\n<< /Size {n} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

/// A one-page PDF: its resources, its content stream, and one more object (5 0 R).
fn one_page_pdf(resources: &str, content: &str, object5: &str) -> Vec<u8> {
    pdf(&[
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources {resources} /Contents 4 0 R >>"),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        object5.to_string(),
    ])
}

/// A one-page PDF with lines of 11 pt Courier at (x, y from the bottom).
fn pdf_with_lines(lines: &[(f64, f64, &str)]) -> Vec<u8> {
    let mut content = String::new();
    for (x, y, t) in lines {
        content.push_str(&format!("BT /F1 11 Tf 1 0 0 1 {x} {y} Tm ({t}) Tj ET\n"));
    }
    one_page_pdf(
        "<< /Font << /F1 5 0 R >> >>",
        &content,
        "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
    )
}

/// A one-page PDF whose page is an image: what a scanner makes.
fn scanned_pdf() -> Vec<u8> {
    one_page_pdf(
        "<< /XObject << /Im1 5 0 R >> >>",
        "q 612 0 0 792 0 0 cm /Im1 Do Q",
        "<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\u{7f}\nendstream",
    )
}

#[test]
fn guessed_pdf_paragraphs_are_said_in_the_rows_message() {
    let tmp = tempfile::tempdir().unwrap();
    let essay = std::fs::read_to_string(common::root().join("samples/strong.txt")).unwrap();
    // The sample's words set ragged-right in lines of at most 70 characters of Courier, every
    // line 13.5 pt below the last: no paragraph spacing, no indents.
    let mut lines = Vec::new();
    for para in essay.split("\n\n") {
        let mut line = String::new();
        for w in para.split_whitespace() {
            if line.chars().count() + 1 + w.chars().count() > 70 {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            // ASCII only, without the characters a PDF string escapes.
            line.extend(w.chars().filter(|c| c.is_ascii() && !"()\\".contains(*c)));
        }
        lines.push(line);
    }
    // Keep to one page.
    lines.truncate(50);
    let placed: Vec<(f64, f64, &str)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| (72.0, 740.0 - 13.5 * i as f64, l.as_str()))
        .collect();
    let file = tmp.path().join("unspaced.pdf");
    std::fs::write(&file, pdf_with_lines(&placed)).unwrap();
    let out = tmp.path().join("m");
    let o = mark(&[&file], &out);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rows = read_csv(&out.join("gradebook.csv"));
    assert_eq!(rows[0]["status"], "marked");
    assert!(
        rows[0]["message"].contains("guessed the paragraph breaks"),
        "{}",
        rows[0]["message"]
    );
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    assert!(results[0]["message"]
        .as_str()
        .unwrap()
        .contains("guessed the paragraph breaks"));
    assert_no_lapses(&rows[0]["message"]);
}

#[test]
fn broken_odt_pdf_and_html_get_one_error_row_each() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cohort");
    std::fs::create_dir(&dir).unwrap();
    let odt = std::fs::read(fixtures().join("odt/libreoffice-essay.odt")).unwrap();
    let docx = std::fs::read(fixtures().join("docx/pandoc-essay.docx")).unwrap();
    let files: [(&str, Vec<u8>, &str); 6] = [
        (
            "truncated.odt",
            odt[..3000].to_vec(),
            "damaged or incomplete .odt",
        ),
        ("scanned.pdf", scanned_pdf(), "this PDF has no text layer"),
        ("word.pdf", docx.clone(), "not a PDF"),
        (
            "half.pdf",
            b"%PDF-1.4\n1 0 obj\n<< /Type /Cat".to_vec(),
            "damaged or incomplete .pdf",
        ),
        ("empty.html", Vec::new(), "empty file"),
        (
            "script-only.html",
            b"<html><head><title>x</title></head><body><script>1</script></body></html>".to_vec(),
            "no text found",
        ),
    ];
    for (name, bytes, _) in &files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let out = tmp.path().join("m");
    let o = mark(&[&dir], &out);
    assert_eq!(
        o.status.code(),
        Some(2),
        "some files could not be marked: exit 2"
    );
    let rows = read_csv(&out.join("gradebook.csv"));
    assert_eq!(rows.len(), files.len(), "one row per file");
    for (name, _, says) in &files {
        let r = rows
            .iter()
            .find(|r| r["file"].ends_with(name))
            .unwrap_or_else(|| panic!("no row for {name}"));
        assert_eq!(r["status"], "error", "{name}");
        assert!(r["message"].starts_with(says), "{name}: {}", r["message"]);
        assert!(!r["message"].contains('\n'));
        assert!(!r["message"].contains("internal error"), "{name}");
        assert_no_lapses(&r["message"]);
    }
}
