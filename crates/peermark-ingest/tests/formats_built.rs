//! `.pdf`, `.odt` and `.html` files built in the test: scans, encryption, layouts without
//! paragraph spacing, page numbers, hostile XML, files under the wrong name.

use std::io::{Cursor, Write};

use peermark_ingest::{read_bytes, Format, IngestError};
use peermark_text::ParagraphKind;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// A PDF from its objects (numbered from 1; object 1 is the catalog), with a correct xref.
fn pdf(objects: &[String]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn stream(content: &str) -> String {
    format!(
        "<< /Length {} >>\nstream\n{content}\nendstream",
        content.len()
    )
}

/// A PDF with one page per content stream, Helvetica as font F1.
fn text_pdf(pages: &[String]) -> Vec<u8> {
    let n = pages.len();
    // 1 catalog, 2 pages, 3 font, then page i at 4 + 2i and its content at 5 + 2i.
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_string(),
    ];
    for (i, content) in pages.iter().enumerate() {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            5 + 2 * i
        ));
        objects.push(stream(content));
    }
    pdf(&objects)
}

/// Text lines at (x, y from the bottom) in 11 pt Helvetica.
fn lines(lines: &[(f64, f64, &str)]) -> String {
    let mut s = String::new();
    for (x, y, t) in lines {
        s.push_str(&format!("BT /F1 11 Tf 1 0 0 1 {x} {y} Tm ({t}) Tj ET\n"));
    }
    s
}

fn texts(bytes: &[u8], format: Format) -> Vec<String> {
    read_bytes(bytes, format)
        .unwrap()
        .paragraphs
        .into_iter()
        .map(|p| p.text)
        .collect()
}

/// An essay page body: lines 13.5 pt apart, `gap` extra points between paragraphs.
fn essay_page(y0: f64, gap: f64, paragraphs: &[&[&str]]) -> Vec<(f64, f64, &'static str)> {
    let mut out = Vec::new();
    let mut y = y0;
    for p in paragraphs {
        for line in *p {
            let line: &'static str = Box::leak(line.to_string().into_boxed_str());
            out.push((72.0, y, line));
            y -= 13.5;
        }
        y -= gap;
    }
    out
}

const P1: &[&str] = &[
    "When I first became unwell I did not know anyone who had been through",
    "anything similar, and I believed that this was how my life would be from",
    "now on for a long time to come.",
];
const P2: &[&str] = &[
    "Peer support is based on shared lived experience and mutuality, and Ana",
    "shared parts of her own story on purpose, when it might help, so that we",
    "decided together what to talk about.",
];
const P3: &[&str] = &[
    "In conclusion, hope, choice and connection support personal recovery, and",
    "a peer relationship built on mutuality can open the door to them, as it",
    "did for me.",
];

#[test]
fn scanned_pdf_without_text_is_a_clear_error() {
    let image = "<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 4 >>\nstream\n\u{0}\u{7f}\u{7f}\u{0}\nendstream";
    let bytes = pdf(&[
        "<< /Type /Catalog /Pages 2 0 R >>".into(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".into(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>".into(),
        stream("q 612 0 0 792 0 0 cm /Im1 Do Q"),
        image.into(),
    ]);
    let e = read_bytes(&bytes, Format::Pdf).unwrap_err();
    assert!(matches!(e, IngestError::ScannedPdf), "{e:?}");
    let m = e.to_string();
    assert!(
        m.starts_with("this PDF has no text layer (it looks scanned"),
        "{m}"
    );
    assert!(!m.contains('\n'));

    // The same image on a page with text: the text is read, the image ignored.
    let text = lines(&essay_page(700.0, 10.0, &[P1, P2]));
    let bytes = pdf(&[
        "<< /Type /Catalog /Pages 2 0 R >>".into(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".into(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 5 0 R >> /Font << /F1 6 0 R >> >> /Contents 4 0 R >>".into(),
        stream(&format!("q 100 0 0 100 400 50 cm /Im1 Do Q\n{text}")),
        image.into(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into(),
    ]);
    assert_eq!(texts(&bytes, Format::Pdf), vec![P1.join(" "), P2.join(" ")]);
}

#[test]
fn pdf_paragraphs_from_spacing_and_headers_with_page_numbers_dropped() {
    let page = |n: usize, body: &[&[&str]]| {
        let mut l = vec![(72.0, 760.0, "Learner: A. Person | PSW101")];
        l.extend(essay_page(700.0, 10.0, body));
        let footer: &'static str = Box::leak(format!("Page {n} of 2").into_boxed_str());
        l.push((280.0, 40.0, footer));
        lines(&l)
    };
    let bytes = text_pdf(&[page(1, &[&["My recovery story"], P1, P2]), page(2, &[P3])]);
    let doc = read_bytes(&bytes, Format::Pdf).unwrap();
    let t: Vec<&str> = doc.paragraphs.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(t.len(), 4, "{t:#?}");
    assert_eq!(t[0], "My recovery story");
    assert_eq!(doc.paragraphs[0].kind, ParagraphKind::Title);
    assert_eq!(t[1], P1.join(" "));
    assert_eq!(t[2], P2.join(" "));
    assert_eq!(t[3], P3.join(" "));
    assert!(doc.warnings.is_empty());
}

#[test]
fn pdf_without_layout_signals_reads_with_a_warning() {
    // No paragraph spacing, no indents: the breaks are guessed from short last lines, and
    // the document says so.
    let bytes = text_pdf(&[lines(&essay_page(700.0, 0.0, &[P1, P2, P3]))]);
    let doc = read_bytes(&bytes, Format::Pdf).unwrap();
    let t: Vec<&str> = doc.paragraphs.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(t, vec![P1.join(" "), P2.join(" "), P3.join(" ")]);
    assert_eq!(doc.warnings.len(), 1);
    assert!(doc.warnings[0].contains("guessed the paragraph breaks"));
}

#[test]
fn pdf_with_first_line_indents() {
    let mut l = Vec::new();
    let mut y = 700.0;
    for p in [P1, P2, P3] {
        for (i, line) in p.iter().enumerate() {
            l.push((if i == 0 { 108.0 } else { 72.0 }, y, *line));
            y -= 13.5;
        }
    }
    let bytes = text_pdf(&[lines(&l)]);
    let doc = read_bytes(&bytes, Format::Pdf).unwrap();
    let t: Vec<&str> = doc.paragraphs.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(t, vec![P1.join(" "), P2.join(" "), P3.join(" ")]);
    assert!(doc.warnings.is_empty());
}

#[test]
fn encrypted_pdfs() {
    use pdf_extract::{EncryptionState, EncryptionVersion, Permissions};
    let plain = text_pdf(&[lines(&essay_page(700.0, 10.0, &[P1, P2]))]);
    let encrypt = |user: &str| {
        let mut doc = pdf_extract::Document::load_mem(&plain).unwrap();
        let state = EncryptionState::try_from(EncryptionVersion::V2 {
            document: &doc,
            owner_password: "owner",
            user_password: user,
            key_length: 128,
            permissions: Permissions::all(),
        })
        .unwrap();
        doc.encrypt(&state).unwrap();
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    };
    // A user password: cannot be opened.
    let e = read_bytes(&encrypt("secret"), Format::Pdf).unwrap_err();
    assert!(matches!(e, IngestError::Locked { what: "PDF" }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "password-protected PDF; ask for an unprotected copy"
    );
    // Only an owner password (printing or copying restricted): it opens and reads.
    let t = texts(&encrypt(""), Format::Pdf);
    assert_eq!(t, vec![P1.join(" "), P2.join(" ")]);
}

#[test]
fn broken_pdfs_give_one_line_errors() {
    let good = text_pdf(&[lines(&essay_page(700.0, 10.0, &[P1, P2]))]);
    for bytes in [
        good[..good.len() / 2].to_vec(),
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF".to_vec(),
        b"%PDF-1.4\n%%EOF".to_vec(),
    ] {
        match read_bytes(&bytes, Format::Pdf) {
            Ok(doc) => assert!(!doc.paragraphs.is_empty()),
            Err(e) => {
                let m = e.to_string();
                assert!(!m.contains('\n') && m.contains(';'), "{m}");
            }
        }
    }
    let e = read_bytes(b"%PDF-1.4\n%%EOF", Format::Pdf).unwrap_err();
    assert!(
        matches!(e, IngestError::Damaged { ext: "pdf", .. }),
        "{e:?}"
    );
    // A Word document named .pdf.
    let e = read_bytes(
        &odt_package(&[("word/document.xml", "<w:document/>")]),
        Format::Pdf,
    )
    .unwrap_err();
    assert!(e
        .to_string()
        .starts_with("not a PDF (it is a Word or OpenDocument file"));
}

fn odt_package(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, content) in parts {
        let o = if *name == "mimetype" { stored } else { options };
        zip.start_file(*name, o).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0""#;

fn odt(body: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
    );
    let styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-styles {NS}><office:master-styles><style:master-page style:name="Standard"><style:header><text:p>Learner: Jane Doe</text:p></style:header><style:footer><text:p>Confidential</text:p></style:footer></style:master-page></office:master-styles></office:document-styles>"#
    );
    odt_package(&[
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("content.xml", &content),
        ("styles.xml", &styles),
    ])
}

#[test]
fn odt_headers_footers_notes_and_changes() {
    let t = texts(
        &odt(
            r#"<text:h text:outline-level="1">My story</text:h><text:tracked-changes><text:changed-region text:id="c1"><text:deletion><text:p>DELETEDWORDS here</text:p></text:deletion></text:changed-region></text:tracked-changes><text:p>INSERTEDWORDS<text:change text:change-id="c1"/> are text.<text:note text:note-class="endnote"><text:note-citation>i</text:note-citation><text:note-body><text:p>An endnote.</text:p></text:note-body></text:note></text:p><text:list><text:list-item><text:p>An item.</text:p></text:list-item></text:list>"#,
        ),
        Format::Odt,
    );
    assert_eq!(t, vec!["My story", "INSERTEDWORDS are text.", "An item."]);
}

#[test]
fn odt_refuses_entity_declarations_and_names_wrong_files() {
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><office:document-content><office:body><office:text><text:p>&b;</text:p></office:text></office:body></office:document-content>"#;
    let bytes = odt_package(&[
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("content.xml", bomb),
    ]);
    let e = read_bytes(&bytes, Format::Odt).unwrap_err();
    assert!(matches!(e, IngestError::EntityDeclarations), "{e:?}");

    let docx = odt_package(&[
        ("[Content_Types].xml", "<Types/>"),
        ("word/document.xml", "<w:document/>"),
    ]);
    let e = read_bytes(&docx, Format::Odt).unwrap_err();
    assert_eq!(
        e.to_string(),
        "not an OpenDocument text file (it is a Word document renamed to .odt); ask for the essay saved as .docx"
    );

    let encrypted = odt_package(&[
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        (
            "META-INF/manifest.xml",
            r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data manifest:checksum-type="SHA1"/></manifest:file-entry></manifest:manifest>"#,
        ),
        ("content.xml", "\u{1}\u{2}binary"),
    ]);
    let e = read_bytes(&encrypted, Format::Odt).unwrap_err();
    assert_eq!(
        e.to_string(),
        "password-protected OpenDocument file; ask for an unprotected copy"
    );

    let e = read_bytes(&odt(""), Format::Odt).unwrap_err();
    assert!(matches!(e, IngestError::NoText), "{e:?}");
    let e = read_bytes(b"%PDF-1.4", Format::Odt).unwrap_err();
    assert!(e
        .to_string()
        .starts_with("not an OpenDocument text file (it is a PDF"));
    let e = read_bytes(&b"PK\x03\x04truncated"[..], Format::Odt).unwrap_err();
    assert!(
        matches!(e, IngestError::Damaged { ext: "odt", .. }),
        "{e:?}"
    );
}

#[test]
fn html_online_text_with_breaks_and_word_markup() {
    // The kind of HTML an LMS editor (Atto, TinyMCE) or Word's "Save as web page" writes.
    let html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>p.MsoNormal{margin:0}</style></head><body><p class=\"MsoNormal\">My story<o:p></o:p></p><p dir=\"ltr\">I walked into the recovery caf&eacute;.<br>It was a start.<br><br>Hope came&nbsp;first.</p><script>alert(1)</script><!-- a comment --><div><ol><li>First</li><li>Second</li></ol></div></body></html>";
    let t = texts(html.as_bytes(), Format::Html);
    assert_eq!(
        t,
        vec![
            "My story",
            "I walked into the recovery café. It was a start.",
            "Hope came\u{a0}first.",
            "First",
            "Second"
        ]
    );
    let e = read_bytes(b"", Format::Html).unwrap_err();
    assert!(matches!(e, IngestError::Empty));
    let e = read_bytes(
        b"<html><body><script>x</script></body></html>",
        Format::Html,
    )
    .unwrap_err();
    assert!(matches!(e, IngestError::NoText), "{e:?}");
}
