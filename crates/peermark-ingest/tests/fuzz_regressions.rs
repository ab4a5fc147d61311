//! What the fuzz targets (`fuzz/`) check, as ordinary tests, and the home of every input a
//! fuzz run finds that crashes or hangs a reader: each becomes a test here, built in code,
//! before it is fixed.
//!
//! Runs so far (fuzz/run.sh, 2026-11-27, 2-core box shared with other jobs): docx 200,000,
//! docx_xml 200,000, markdown 200,000 — no crash; text 1,894 runs until a panic (quotes cut
//! inside a multi-byte space; regression test in tests/fuzz_regressions.rs at the root),
//! then 30,000 runs clean after the fix; rubric 1,517 runs until a panic (an empty word in a
//! phrase; regression test in peermark-text's phrase tests), fix not yet re-fuzzed.

use peermark_ingest::{read_bytes_with, Format, Limits};
use std::io::Write;

/// The `docx_xml` target's construction: `doc` and `styles` as the parts of a stored zip.
fn docx_of(doc: &[u8], styles: Option<&[u8]>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("word/document.xml", stored).unwrap();
    zip.write_all(doc).unwrap();
    if let Some(s) = styles {
        zip.start_file("word/styles.xml", stored).unwrap();
        zip.write_all(s).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

#[test]
fn odd_document_xml_is_read_or_refused_never_a_panic() {
    let cases: Vec<String> = vec![
        String::new(),
        "<".into(),
        "<w:document".into(),
        format!("<w:document {W}><w:body><w:p><w:r><w:t>unclosed"),
        format!("<w:document {W}><w:body></w:p></w:r></w:t></w:body></w:document>"),
        format!("<w:document {W}><w:body><w:p><w:r><w:t>&#0;&#xD800;&#99999999;</w:t></w:r></w:p></w:body></w:document>"),
        format!("<w:document {W}><w:body><w:p><w:r><w:t><![CDATA[é\u{0}]]></w:t></w:r></w:p></w:body></w:document>"),
        format!("<w:document {W}><w:body><w:p><w:r><w:t>a</w:t><w:tab/></w:r></w:p><w:p/><w:p></w:p></w:body></w:document>"),
        format!("<w:document {W}><w:body>{}</w:body></w:document>", "<w:r>".repeat(5000)),
        format!("<w:document {W}><w:body>{}</w:body></w:document>", "</w:p>".repeat(50)),
        format!("<w:document {W}><w:body><w:p><w:pPr><w:pStyle w:val=\"\u{0}\"/><w:outlineLvl w:val=\"-1\"/><w:numId/></w:pPr><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>"),
        "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>".into(),
        "\u{FEFF}<a>text</a>".into(),
        "<!DOCTYPE".into(),
        "<a><!DOCTYPE a></a>".into(),
        "<a><!ENTITY x \"y\"></a>".into(),
    ];
    let styles: &[&[u8]] = &[
        b"",
        b"<w:styles><w:style w:type=\"paragraph\"><w:basedOn w:val=\"A\"/></w:style>",
        b"<w:styles><w:style w:styleId=\"A\"><w:basedOn w:val=\"A\"/></w:style></w:styles>",
        b"<w:styles><w:latentStyles>",
    ];
    let limits = Limits::default();
    for doc in &cases {
        let _ = read_bytes_with(&docx_of(doc.as_bytes(), None), Format::Docx, &limits);
        for s in styles {
            let styled = doc.replace("<w:p>", "<w:p><w:pPr><w:pStyle w:val=\"A\"/></w:pPr>");
            let _ = read_bytes_with(&docx_of(styled.as_bytes(), Some(s)), Format::Docx, &limits);
        }
    }
}

#[test]
fn text_and_markdown_positions_stay_inside_their_paragraphs() {
    let cases: &[&[u8]] = &[
        b"\r",
        b"\r\r\n\n\r",
        b"\xEF\xBB\xBF",
        b"\xFF\xFE\x00",
        b"\xFE\xFFa",
        b"a\xFFb\x80c\n\nd",
        b"*a _b `c [d](e) <!-- f",
        b"# \n## \n- \n1. \n> \n```\n",
        b"&amp; &#x; &#99999999; &unknown;",
        b"\t\t\t\n\x0B\x0C\n text",
    ];
    for bytes in cases {
        for format in [Format::Txt, Format::Markdown] {
            if let Ok(doc) = read_bytes_with(bytes, format, &Limits::default()) {
                for (i, p) in doc.paragraphs.iter().enumerate() {
                    let _ = doc.position(i, p.text.len());
                    for r in &p.emphasis {
                        assert!(r.start <= r.end && r.end <= p.text.len(), "{bytes:?}");
                        assert!(p.text.is_char_boundary(r.start) && p.text.is_char_boundary(r.end));
                    }
                }
            }
        }
    }
}
