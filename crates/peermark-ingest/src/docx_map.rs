//! Where a `.docx` paragraph's text is in `word/document.xml`, so that a writer can edit the
//! package in place (anchor a comment at some words) without reading it into a model.
//!
//! [`read_docx_mapped`](crate::read_docx_mapped) reads the document exactly as [`read_file`](crate::read_file) does and
//! also returns, for every paragraph of the [`Document`], the XML it came from: each stretch
//! of its text (a `w:t`'s text, or an element such as `w:tab` read as one character) with the
//! run it belongs to. Offsets are byte offsets into [`DocxMap::xml`].

use std::ops::Range;

use peermark_text::Document;

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
