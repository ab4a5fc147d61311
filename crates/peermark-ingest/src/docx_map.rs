//! Where a `.docx` paragraph's text is in `word/document.xml`, so that a writer can edit the
//! package in place (anchor a comment at some words) without reading it into a model.
//!
//! [`read_docx_mapped`] reads the document exactly as [`read_file`](crate::read_file) does and
//! also returns, for every paragraph of the [`Document`], the XML it came from: each stretch
//! of its text (a `w:t`'s text, or an element such as `w:tab` read as one character) with the
//! run it belongs to. Offsets are byte offsets into [`DocxMap::xml`].

use std::ops::Range;

use peermark_text::Document;

use crate::IngestError;

/// A `.docx` read with its map.
#[derive(Clone, Debug)]
pub struct MappedDocx {
    pub document: Document,
    pub map: DocxMap,
}

/// The main document part and where each paragraph's text is in it.
#[derive(Clone, Debug)]
pub struct DocxMap {
    /// The main part's name in the zip (`word/document.xml`).
    pub main_part: String,
    /// The main part as read (UTF-8; a UTF-16 part is converted, a BOM dropped).
    pub xml: Vec<u8>,
    /// One per paragraph of the [`Document`], in the same order.
    pub paragraphs: Vec<ParaMap>,
    /// Every run of the part that holds text read into the document.
    pub runs: Vec<RunSpan>,
    /// The namespace prefix of WordprocessingML elements (`w`).
    pub prefix: String,
}

/// Where one paragraph's text is.
#[derive(Clone, Debug, Default)]
pub struct ParaMap {
    /// Stretches of the paragraph's text, in text order.
    pub pieces: Vec<Piece>,
    /// The paragraph's content in the XML: from after its `w:pPr` (or start tag) to its end tag.
    pub xml: Range<usize>,
}

/// A stretch of a paragraph's text and where it came from.
#[derive(Clone, Debug)]
pub struct Piece {
    /// Byte range in the paragraph's text.
    pub text: Range<usize>,
    /// Bytes of the source text before `text` that the paragraph does not show (leading
    /// whitespace trimmed from the paragraph).
    pub cut: usize,
    pub source: PieceSource,
    /// Index in [`DocxMap::runs`] of the run holding it.
    pub run: usize,
}

#[derive(Clone, Debug)]
pub enum PieceSource {
    /// Text of a `w:t`: `raw` is the text as written in the XML (escaped unless `cdata`),
    /// `tag` the `<w:t>` start tag.
    Text {
        raw: Range<usize>,
        tag: Range<usize>,
        cdata: bool,
    },
    /// An empty element read as one character (`<w:tab/>`, `<w:br/>`, `<w:noBreakHyphen/>`).
    Element { xml: Range<usize> },
}

/// A run (`w:r`) in the XML.
#[derive(Clone, Debug)]
pub struct RunSpan {
    pub start_tag: Range<usize>,
    /// Its `w:rPr`, if any.
    pub rpr: Option<Range<usize>>,
    /// Where its first child other than `w:rPr` starts.
    pub first_child: Option<usize>,
    /// Where its last child ends.
    pub last_child_end: usize,
    pub end_tag: Range<usize>,
    /// Whether it is a WordprocessingML run (not a math or drawing run).
    pub word: bool,
}

impl DocxMap {
    /// The XML offset where the paragraph's text byte `at` starts, within piece `piece`.
    /// `None` when the piece is an element and `at` is not its start.
    pub fn xml_offset(&self, piece: &Piece, at: usize) -> Option<usize> {
        let k = at.checked_sub(piece.text.start)? + piece.cut;
        match &piece.source {
            PieceSource::Element { xml } => (k == 0).then_some(xml.start),
            PieceSource::Text { raw, cdata, .. } => {
                let bytes = &self.xml[raw.clone()];
                if *cdata {
                    return (k <= bytes.len()).then_some(raw.start + k);
                }
                // Walk the escaped text: an entity or character reference is one character.
                let mut i = 0;
                let mut seen = 0;
                while seen < k {
                    if i >= bytes.len() {
                        return None;
                    }
                    if bytes[i] == b'&' {
                        let end = bytes[i..].iter().position(|&b| b == b';')? + i + 1;
                        let name = std::str::from_utf8(&bytes[i + 1..end - 1]).ok()?;
                        seen += unescaped_len(name)?;
                        i = end;
                    } else {
                        seen += 1;
                        i += 1;
                    }
                }
                (seen == k).then_some(raw.start + i)
            }
        }
    }
}

/// UTF-8 length of what `&name;` stands for.
fn unescaped_len(name: &str) -> Option<usize> {
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let n = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok()?
            } else {
                name.strip_prefix('#')?.parse().ok()?
            };
            char::from_u32(n)?
        }
    };
    Some(c.len_utf8())
}

/// Reads a `.docx` as [`read_file`](crate::read_file) would, with the map of its main part.
pub fn read_docx_mapped(bytes: &[u8]) -> Result<MappedDocx, IngestError> {
    let (document, map) = crate::docx::read_inner(bytes, "docx", true)?;
    let map = map.expect("recorded");
    Ok(MappedDocx { document, map })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn docx(body: &str) -> Vec<u8> {
        let xml = format!(
            r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
        );
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
        zip.finish().unwrap().into_inner()
    }

    /// The XML from the offset of each character of paragraph `p` to the end of its piece.
    fn at(m: &MappedDocx, p: usize, byte: usize) -> String {
        let pm = &m.map.paragraphs[p];
        let piece = pm
            .pieces
            .iter()
            .find(|x| x.text.start <= byte && byte < x.text.end)
            .unwrap();
        let off = m.map.xml_offset(piece, byte).unwrap();
        let end = match &piece.source {
            PieceSource::Text { raw, .. } => raw.end,
            PieceSource::Element { xml } => xml.end,
        };
        String::from_utf8_lossy(&m.map.xml[off..end]).into_owned()
    }

    #[test]
    fn every_character_maps_to_its_place_in_the_xml() {
        let m = read_docx_mapped(&docx(
            r#"<w:p><w:r><w:t xml:space="preserve">  Tom &amp; </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>Jer&#x72;y</w:t><w:tab/><w:t><![CDATA[a<b]]></w:t></w:r></w:p><w:p/><w:p><w:r><w:t> </w:t></w:r></w:p><w:p><w:del><w:r><w:delText>gone</w:delText></w:r></w:del><w:r><w:t>kept</w:t></w:r></w:p>"#,
        ))
        .unwrap();
        let doc = &m.document;
        assert_eq!(
            doc.paragraphs.len(),
            2,
            "empty paragraphs are dropped in step"
        );
        assert_eq!(m.map.paragraphs.len(), 2);
        assert_eq!(doc.paragraphs[0].text, "Tom & Jerry a<b");
        assert_eq!(at(&m, 0, 0), "Tom &amp; ");
        assert_eq!(at(&m, 0, 4), "&amp; ");
        assert_eq!(at(&m, 0, 5), " ");
        assert_eq!(at(&m, 0, 9), "&#x72;y");
        assert_eq!(at(&m, 0, 10), "y");
        assert_eq!(at(&m, 0, 11), "<w:tab/>");
        assert_eq!(at(&m, 0, 13), "<b");
        assert_eq!(doc.paragraphs[1].text, "kept");
        assert_eq!(at(&m, 1, 0), "kept");
        // Runs know their formatting and edges.
        let bold = &m.map.runs[m.map.paragraphs[0].pieces[1].run];
        assert_eq!(
            &m.map.xml[bold.rpr.clone().unwrap()],
            b"<w:rPr><w:b/></w:rPr>"
        );
        assert!(m.map.xml[bold.end_tag.clone()].starts_with(b"</w:r>"));
        assert!(bold.word);
        assert_eq!(m.map.prefix, "w");
        assert!(m.map.xml[m.map.paragraphs[0].xml.end..].starts_with(b"</w:p>"));
    }
}
