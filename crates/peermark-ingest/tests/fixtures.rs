//! Every file in shared/fixtures/{docx,odt,pdf,html,txt,broken} behaves as shared/fixtures/README.md says.
//! The fixtures are read in place, never copied.

use std::path::PathBuf;

use peermark_ingest::{read_bytes, read_file, Format, IngestError};
use peermark_text::{Document, ParagraphKind};

const TITLE: &str = "Finding my way back: recovery and peer support";
/// Words in the 2-column table of the python-docx, LibreOffice, ODT and PDF versions.
const TABLE_WORDS: usize = 17;
/// Body words of the essay without the table (title and references excluded).
const ESSAY_WORDS: usize = 273;

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/fixtures"
    ))
    .join(rel)
}

fn read(rel: &str) -> Result<Document, IngestError> {
    let path = fixture(rel);
    let format = Format::from_path(&path).expect("a submission format");
    read_file(&path, format)
}

fn all_text(doc: &Document) -> String {
    doc.paragraphs
        .iter()
        .map(|p| p.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn kinds(doc: &Document, kind: ParagraphKind) -> Vec<&str> {
    doc.paragraphs
        .iter()
        .filter(|p| p.kind == kind)
        .map(|p| p.text.as_str())
        .collect()
}

/// The shape every version of the essay has: title, body, "References", 4 references.
fn assert_essay_shape(doc: &Document, body_paragraphs: usize) {
    assert_eq!(doc.title(), Some(TITLE));
    assert_eq!(
        kinds(doc, ParagraphKind::ReferenceHeading),
        vec!["References"]
    );
    let refs = kinds(doc, ParagraphKind::Reference);
    assert_eq!(refs.len(), 4, "{refs:#?}");
    assert!(refs[0].starts_with("Anthony, W.A. (1993)"));
    assert!(refs[3].starts_with("Shepherd, G., Boardman, J. and Slade, M. (2008)"));
    let body = kinds(doc, ParagraphKind::Body);
    assert_eq!(body.len(), body_paragraphs, "{body:#?}");
    assert!(body[0].contains("When I first became unwell in 2016"));
    assert!(body
        .last()
        .unwrap()
        .starts_with("In conclusion, my story shows how hope"));
    let text = all_text(doc);
    assert!(text.contains("a deeply personal, unique process"));
    assert!(text.contains("Hope came first: I met Ana at a drop-in group"));
}

fn assert_table(doc: &Document) {
    let cells: Vec<&str> = doc
        .paragraphs
        .iter()
        .filter(|p| p.hint == peermark_text::document::Hint::TableCell)
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(
        cells,
        vec![
            "When",
            "What helped",
            "2017",
            "Meeting a peer worker at the drop-in",
            "2019",
            "Volunteering at the walking group"
        ]
    );
}

fn assert_no_header_or_footer(doc: &Document) {
    let text = all_text(doc);
    assert!(!text.contains("Learner:"), "page header read as text");
    assert!(!text.contains("Jane Doe"), "page header read as text");
    assert!(!text.contains("Confidential"), "page footer read as text");
}

/// References carry italic journal titles: recorded as emphasis.
fn assert_reference_emphasis(doc: &Document) {
    let refs: Vec<_> = doc
        .paragraphs
        .iter()
        .filter(|p| p.kind == ParagraphKind::Reference)
        .collect();
    let em: Vec<&str> = refs
        .iter()
        .flat_map(|p| p.emphasis.iter().map(|r| &p.text[r.clone()]))
        .collect();
    assert_eq!(
        em,
        vec![
            "Psychosocial Rehabilitation Journal",
            "British Journal of Psychiatry",
            "Psychiatric Rehabilitation Journal",
            "Making recovery a reality"
        ]
    );
}

#[test]
fn pandoc_docx() {
    let doc = read("docx/pandoc-essay.docx").unwrap();
    assert_eq!(doc.paragraphs.len(), 11);
    assert_essay_shape(&doc, 5);
    assert_reference_emphasis(&doc);
    assert_eq!(doc.body_words(), ESSAY_WORDS);
    // Runs "as", " ", "“", "a deeply …" join without added spaces.
    assert!(all_text(&doc).contains("recovery as “a deeply personal, unique process” (Anthony"));
}

#[test]
fn python_docx() {
    let doc = read("docx/python-docx-essay.docx").unwrap();
    assert_eq!(doc.paragraphs.len(), 17);
    assert_essay_shape(&doc, 5 + 6);
    assert_table(&doc);
    assert_no_header_or_footer(&doc);
    assert_reference_emphasis(&doc);
    assert_eq!(doc.body_words(), ESSAY_WORDS + TABLE_WORDS);
    // Runs split mid-word ("recov" + "ery") join without spaces; curly quotes kept.
    let text = all_text(&doc);
    assert!(text.contains("The recovery approach describes recovery as “a deeply personal, unique process” (Anthony, 1993, p. 15) rather than"));
    assert!(text.contains("what hurt most was not the diagnosis but the loneliness."));
}

#[test]
fn libreoffice_docx() {
    let doc = read("docx/libreoffice-essay.docx").unwrap();
    assert_eq!(doc.paragraphs.len(), 17);
    assert_essay_shape(&doc, 5 + 6);
    assert_table(&doc);
    assert_no_header_or_footer(&doc);
    assert_reference_emphasis(&doc);
    assert_eq!(doc.body_words(), ESSAY_WORDS + TABLE_WORDS);
}

#[test]
fn docx_versions_agree() {
    let python = read("docx/python-docx-essay.docx").unwrap();
    let libre = read("docx/libreoffice-essay.docx").unwrap();
    let a: Vec<&str> = python.paragraphs.iter().map(|p| p.text.as_str()).collect();
    let b: Vec<&str> = libre.paragraphs.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(a, b);
}

#[test]
fn tracked_changes_read_as_accepted() {
    let doc = read("docx/tracked-changes.docx").unwrap();
    let text = all_text(&doc);
    assert!(text.contains("INSERTEDWORDS"));
    assert!(!text.contains("DELETEDWORDS"));
    assert_essay_shape(&doc, 5 + 6);
    assert_no_header_or_footer(&doc);
    let inserted = "INSERTEDWORDS are part of the text ";
    assert!(doc.paragraphs[1].text.starts_with(inserted));
    assert_eq!(doc.body_words(), ESSAY_WORDS + TABLE_WORDS + 6);
}

#[test]
fn docx_positions_are_extracted_lines() {
    let doc = read("docx/pandoc-essay.docx").unwrap();
    let p = &doc.paragraphs[2];
    let b = p.text.find("Hope came first").unwrap();
    let pos = doc.position(2, b);
    assert_eq!((pos.paragraph, pos.line), (3, 5));
    assert_eq!(pos.column as usize, p.text[..b].chars().count() + 1);
}

/// Paragraph texts with quotes made alike (the writers differ only in ’ versus ‘).
fn plain_texts(doc: &Document) -> Vec<String> {
    doc.paragraphs
        .iter()
        .map(|p| p.text.replace('\u{2018}', "\u{2019}"))
        .collect()
}

#[test]
fn libreoffice_odt() {
    let doc = read("odt/libreoffice-essay.odt").unwrap();
    assert_eq!(doc.paragraphs.len(), 17);
    assert_essay_shape(&doc, 5 + 6);
    assert_table(&doc);
    assert_no_header_or_footer(&doc);
    assert_reference_emphasis(&doc);
    assert_eq!(doc.body_words(), ESSAY_WORDS + TABLE_WORDS);
    assert!(doc.warnings.is_empty());
    // The same paragraphs as the .docx LibreOffice wrote from the same document.
    let docx = read("docx/libreoffice-essay.docx").unwrap();
    assert_eq!(plain_texts(&doc), plain_texts(&docx));
    // Positions are the extracted text's: paragraph 3 is line 5.
    let p = &doc.paragraphs[2];
    let b = p.text.find("Hope came first").unwrap();
    let pos = doc.position(2, b);
    assert_eq!((pos.paragraph, pos.line), (3, 5));
    assert_eq!(pos.column as usize, p.text[..b].chars().count() + 1);
}

#[test]
fn libreoffice_pdf() {
    let doc = read("pdf/libreoffice-essay.pdf").unwrap();
    // The page header and footer repeat on both pages: gone. Paragraphs come back from the
    // layout (the paragraph spacing), the table row by row and cell by cell, the reference
    // that starts on page 2 on its own.
    assert_no_header_or_footer(&doc);
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    assert_eq!(doc.paragraphs.len(), 17);
    assert_essay_shape(&doc, 5 + 6);
    assert_table(&doc);
    assert_eq!(doc.body_words(), ESSAY_WORDS + TABLE_WORDS);
    // Lines join with single spaces; "drop-" at a line end joins "in" again.
    let docx = read("docx/libreoffice-essay.docx").unwrap();
    assert_eq!(plain_texts(&doc), plain_texts(&docx));
    let p = &doc.paragraphs[2];
    let pos = doc.position(2, p.text.find("Hope came first").unwrap());
    assert_eq!((pos.paragraph, pos.line), (3, 5));
}

#[test]
fn lms_online_text_html() {
    let doc = read("html/essay.html").unwrap();
    assert_eq!(doc.paragraphs.len(), 11);
    assert_essay_shape(&doc, 5);
    assert_reference_emphasis(&doc);
    assert_eq!(doc.body_words(), ESSAY_WORDS);
    // pandoc's HTML and .docx of the same essay read the same, line breaks inside <p> as
    // spaces.
    let docx = read("docx/pandoc-essay.docx").unwrap();
    assert_eq!(texts(&doc), texts(&docx));
    let pos = doc.position(2, doc.paragraphs[2].text.find("Hope came first").unwrap());
    assert_eq!((pos.paragraph, pos.line), (3, 5));
}

#[test]
fn body_words_agree_across_formats() {
    // The bar: the .odt and .pdf give the body words of libreoffice-essay.docx, the
    // HTML those of pandoc-essay.docx (within 2 %; here they are equal).
    let words = |rel: &str| read(rel).unwrap().body_words() as f64;
    for (rel, like) in [
        ("odt/libreoffice-essay.odt", "docx/libreoffice-essay.docx"),
        ("pdf/libreoffice-essay.pdf", "docx/libreoffice-essay.docx"),
        ("html/essay.html", "docx/pandoc-essay.docx"),
    ] {
        let (a, b) = (words(rel), words(like));
        assert!((a - b).abs() <= b * 0.02, "{rel}: {a} words, {like}: {b}");
    }
}

fn texts(doc: &Document) -> Vec<String> {
    doc.paragraphs.iter().map(|p| p.text.clone()).collect()
}

#[test]
fn utf8_txt() {
    let doc = read("txt/utf8.txt").unwrap();
    assert_eq!(doc.paragraphs.len(), 11);
    assert_essay_shape(&doc, 5);
    assert_eq!(doc.body_words(), ESSAY_WORDS);
    assert!(all_text(&doc).contains("pp. 11–23."));
    // Positions are the file's own: paragraph 3 is line 5.
    let p = &doc.paragraphs[2];
    let pos = doc.position(2, p.text.find("Hope came first").unwrap());
    assert_eq!((pos.line, pos.column), (5, 257));
}

#[test]
fn txt_variants_read_the_same() {
    let expected = texts(&read("txt/utf8.txt").unwrap());
    for rel in ["txt/utf8-bom.txt", "txt/utf16le-bom.txt"] {
        let doc = read(rel).unwrap();
        assert_eq!(texts(&doc), expected, "{rel}");
        assert_eq!(doc.body_words(), ESSAY_WORDS, "{rel}");
        // A BOM is not a column: the title starts at line 1, column 1.
        assert_eq!(doc.position(0, 0).column, 1, "{rel}");
        assert_eq!(doc.position(2, 0).line, 5, "{rel}");
    }
}

#[test]
fn windows_1252_txt() {
    let doc = read("txt/windows-1252.txt").unwrap();
    let text = all_text(&doc);
    // The curly quotes and en dash (bytes 0x92–0x96) are decoded, not replaced.
    assert!(text.contains("as “a deeply personal, unique process” (Anthony"));
    assert!(text.contains("(1993) ’Recovery from mental illness"));
    assert!(text.contains("pp. 11–23."));
    assert!(!text.contains('\u{fffd}'));
    // Apart from those quotes (the fixture has curly ones where utf8.txt has straight
    // ones), the paragraphs are utf8.txt's.
    let straight = |s: &str| s.replace(['“', '”'], "\"").replace(['’', '‘'], "'");
    let got: Vec<String> = texts(&doc).iter().map(|t| straight(t)).collect();
    assert_eq!(got, texts(&read("txt/utf8.txt").unwrap()));
    assert_eq!(doc.body_words(), ESSAY_WORDS);
    assert_eq!(doc.position(2, 0).line, 5);
}

#[test]
fn markdown_essay() {
    let doc = read("txt/essay.md").unwrap();
    assert_eq!(texts(&doc), texts(&read("txt/utf8.txt").unwrap()));
    let text = all_text(&doc);
    assert!(!text.contains('#') && !text.contains('*'));
    assert_essay_shape(&doc, 5);
    assert_reference_emphasis(&doc);
    assert_eq!(doc.body_words(), ESSAY_WORDS);
    // "## References" is line 13; its text starts after "## ".
    let r = doc
        .paragraphs
        .iter()
        .position(|p| p.kind == ParagraphKind::ReferenceHeading)
        .unwrap();
    let pos = doc.position(r, 0);
    assert_eq!((pos.line, pos.column), (13, 4));
    // Positions after a removed '*' still point into the file.
    let p = &doc.paragraphs[r + 1];
    let b = p.text.find(", 16(4)").unwrap();
    let pos = doc.position(r + 1, b);
    let line = std::fs::read_to_string(fixture("txt/essay.md")).unwrap();
    let line = line.lines().nth(pos.line as usize - 1).unwrap();
    let col = line[..line.find(", 16(4)").unwrap()].chars().count() + 1;
    assert_eq!(pos.column as usize, col);
}

#[test]
fn broken_files_give_clear_errors() {
    let err = |rel: &str| read(rel).unwrap_err();
    let e = err("broken/truncated.docx");
    assert!(
        matches!(e, IngestError::Damaged { ext: "docx", .. }),
        "{e:?}"
    );
    assert!(e.to_string().starts_with("damaged or incomplete .docx"));

    let e = err("broken/pdf-renamed.docx");
    assert!(
        matches!(
            e,
            IngestError::NotWord {
                actual: "a PDF",
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e
        .to_string()
        .starts_with("not a Word document (it is a PDF renamed to .docx)"));

    let e = err("broken/password-protected.docx");
    assert!(matches!(e, IngestError::PasswordProtected), "{e:?}");
    assert!(e.to_string().contains("ask for an unprotected copy"));

    let e = err("broken/legacy-word-97.doc");
    assert!(matches!(e, IngestError::LegacyDoc), "{e:?}");
    assert!(e.to_string().contains("save as .docx"));

    let e = err("broken/no-text.docx");
    assert!(matches!(e, IngestError::NoText), "{e:?}");
    assert!(e.to_string().starts_with("no text found in the document"));

    let e = err("broken/empty-file.txt");
    assert!(matches!(e, IngestError::Empty), "{e:?}");
    assert!(e.to_string().starts_with("empty file (0 bytes)"));

    // The legacy .doc renamed to .docx is still a legacy .doc.
    let bytes = std::fs::read(fixture("broken/legacy-word-97.doc")).unwrap();
    assert!(matches!(
        read_bytes(&bytes, Format::Docx),
        Err(IngestError::LegacyDoc)
    ));
    // Messages never name the file: the caller does.
    for rel in [
        "broken/truncated.docx",
        "broken/pdf-renamed.docx",
        "broken/password-protected.docx",
        "broken/legacy-word-97.doc",
        "broken/no-text.docx",
        "broken/empty-file.txt",
    ] {
        let m = err(rel).to_string();
        let name = rel.rsplit('/').next().unwrap();
        assert!(!m.contains(name) && !m.contains('\n'), "{m}");
    }
}

#[test]
fn every_fixture_in_these_folders_is_covered() {
    // A new fixture in docx/, odt/, pdf/, html/, txt/ or broken/ must be added to the tests
    // above.
    let known = [
        "docx/libreoffice-essay.docx",
        "odt/libreoffice-essay.odt",
        "pdf/libreoffice-essay.pdf",
        "html/essay.html",
        "docx/pandoc-essay.docx",
        "docx/python-docx-essay.docx",
        "docx/tracked-changes.docx",
        "txt/essay.md",
        "txt/utf16le-bom.txt",
        "txt/utf8-bom.txt",
        "txt/utf8.txt",
        "txt/windows-1252.txt",
        "broken/empty-file.txt",
        "broken/legacy-word-97.doc",
        "broken/no-text.docx",
        "broken/password-protected.docx",
        "broken/pdf-renamed.docx",
        "broken/truncated.docx",
    ];
    let mut found = Vec::new();
    for dir in ["docx", "odt", "pdf", "html", "txt", "broken"] {
        for e in std::fs::read_dir(fixture(dir)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            found.push(format!("{dir}/{name}"));
        }
    }
    found.sort();
    let mut known: Vec<String> = known.iter().map(|s| s.to_string()).collect();
    known.sort();
    assert_eq!(found, known);
}

#[test]
fn stdin_text_reads_as_txt() {
    let doc = read_bytes(b"My title\n\nSome body text here.\n", Format::Txt).unwrap();
    assert_eq!(doc.title(), Some("My title"));
}
