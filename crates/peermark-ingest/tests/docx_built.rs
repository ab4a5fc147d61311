//! `.docx` files built in the test with the zip writer: hostile XML, styles, odd packages.

use std::io::{Cursor, Write};

use peermark_ingest::{read_bytes, Format, IngestError};
use peermark_text::document::Hint;
use peermark_text::ParagraphKind;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

fn package(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, content) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn docx(body: &str) -> Vec<u8> {
    let doc = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{body}</w:body></w:document>"#
    );
    package(&[
        ("[Content_Types].xml", "<Types/>"),
        ("word/document.xml", &doc),
    ])
}

fn para(style: &str, text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#
    )
}

#[test]
fn entity_bomb_is_refused() {
    let mut doc = String::from(r#"<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY lol "lol">"#);
    doc.push_str(r#"<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">"#);
    for i in 2..10 {
        let prev = format!("&lol{};", i - 1).repeat(10);
        doc.push_str(&format!(r#"<!ENTITY lol{i} "{prev}">"#));
    }
    doc.push_str(&format!(
        r#"]><w:document {W}><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"#
    ));
    let bytes = package(&[
        ("[Content_Types].xml", "<Types/>"),
        ("word/document.xml", &doc),
    ]);
    let e = read_bytes(&bytes, Format::Docx).unwrap_err();
    assert!(matches!(e, IngestError::EntityDeclarations), "{e:?}");
    assert!(e.to_string().starts_with(
        "the document contains XML entity declarations, which peermark does not read"
    ));
}

#[test]
fn external_entities_are_never_resolved() {
    let doc = format!(
        r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document {W}><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"#
    );
    let bytes = package(&[("word/document.xml", &doc)]);
    assert!(matches!(
        read_bytes(&bytes, Format::Docx),
        Err(IngestError::EntityDeclarations)
    ));
    // An undeclared entity without a DOCTYPE is malformed XML, not a crash.
    let bytes = docx(r#"<w:p><w:r><w:t>&x;</w:t></w:r></w:p>"#);
    assert!(matches!(
        read_bytes(&bytes, Format::Docx),
        Err(IngestError::Damaged { .. })
    ));
}

#[test]
fn entity_declarations_in_styles_are_refused_too() {
    let doc = format!(
        r#"<w:document {W}><w:body>{}</w:body></w:document>"#,
        para("Custom", "Text")
    );
    let styles = r#"<!DOCTYPE s [<!ENTITY a "b">]><w:styles/>"#;
    let bytes = package(&[("word/document.xml", &doc), ("word/styles.xml", styles)]);
    assert!(matches!(
        read_bytes(&bytes, Format::Docx),
        Err(IngestError::EntityDeclarations)
    ));
}

#[test]
fn styles_give_title_headings_and_list_items() {
    let body = [
        para("Title", "My recovery story"),
        para("Normal", "This essay tells my story of recovery over several years."),
        para("berschrift1", "What helped"),
        para("ListBullet", "Peer support"),
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr></w:pPr><w:r><w:t>Hope</w:t></w:r></w:p>"#.to_string(),
        para("Normal", "It took time, and that was fine with me in the end."),
    ]
    .concat();
    let doc = format!(r#"<w:document {W}><w:body>{body}</w:body></w:document>"#);
    let styles = format!(
        r#"<w:styles {W}><w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/><w:basedOn w:val="Standard"/></w:style></w:styles>"#
    );
    let bytes = package(&[("word/document.xml", &doc), ("word/styles.xml", &styles)]);
    let d = read_bytes(&bytes, Format::Docx).unwrap();
    let hints: Vec<Hint> = d.paragraphs.iter().map(|p| p.hint).collect();
    assert_eq!(
        hints,
        vec![
            Hint::Title,
            Hint::None,
            Hint::Heading,
            Hint::ListItem,
            Hint::ListItem,
            Hint::None
        ]
    );
    assert_eq!(d.title(), Some("My recovery story"));
    assert_eq!(d.paragraphs[2].kind, ParagraphKind::Heading);
}

#[test]
fn main_part_is_found_through_the_package_relationships() {
    let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document2.xml"/></Relationships>"#;
    let doc = format!(
        r#"<w:document {W}><w:body>{}{}</w:body></w:document>"#,
        para("Title", "T"),
        para("Normal", "Body text.")
    );
    let bytes = package(&[("_rels/.rels", rels), ("word/document2.xml", &doc)]);
    let d = read_bytes(&bytes, Format::Docx).unwrap();
    assert_eq!(d.paragraphs.len(), 2);
}

#[test]
fn other_zips_are_not_word_documents() {
    let odt = package(&[
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("content.xml", "<x/>"),
    ]);
    let e = read_bytes(&odt, Format::Docx).unwrap_err();
    assert!(matches!(e, IngestError::NotWord { .. }), "{e:?}");
    assert!(e.to_string().contains("OpenDocument"));
    let xlsx = package(&[
        ("[Content_Types].xml", "<Types/>"),
        ("xl/workbook.xml", "<x/>"),
    ]);
    assert!(read_bytes(&xlsx, Format::Docx)
        .unwrap_err()
        .to_string()
        .contains("Excel"));
}

#[test]
fn a_docx_named_doc_is_read() {
    let bytes = docx(&(para("Title", "T") + &para("Normal", "Body.")));
    let d = read_bytes(&bytes, Format::Doc).unwrap();
    assert_eq!(d.paragraphs.len(), 2);
}

#[test]
fn a_corrupted_part_is_damaged() {
    let mut bytes = docx(&para("Normal", &"Some words that compress. ".repeat(200)));
    // Flip bytes in the middle of the compressed document part.
    let mid = bytes.len() / 3;
    for b in &mut bytes[mid..mid + 40] {
        *b ^= 0x5a;
    }
    let e = read_bytes(&bytes, Format::Docx).unwrap_err();
    assert!(matches!(e, IngestError::Damaged { .. }), "{e:?}");
}
