//! Plain text: decoding, lines and paragraphs with the file's own positions.

use peermark_text::document::Hint;
use peermark_text::{Document, Origin, Paragraph, SourceLines};

use crate::sniff::{sniff, Magic};
use crate::{IngestError, Limits};

/// A block line longer than this (in characters) means the writer put one paragraph per line
/// (Notepad, Word's "Plain Text" export): such a block is split into one paragraph per line.
pub(crate) const LONG_LINE: usize = 100;

/// Reads a `.txt` file.
pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Document, IngestError> {
    let text = decode(bytes)?;
    crate::text_size::check_decoded(&text, limits)?;
    let lines = split_lines(&text);
    let mut paragraphs = Vec::new();
    for block in blocks(&lines) {
        for group in split_long(block) {
            paragraphs.push(join_lines(group));
        }
    }
    finish(paragraphs)
}

pub(crate) fn finish(paragraphs: Vec<Paragraph>) -> Result<Document, IngestError> {
    let doc = Document::new(paragraphs, SourceLines::File);
    if doc.paragraphs.is_empty() {
        return Err(IngestError::NoText);
    }
    Ok(doc)
}

/// Decodes a text file: UTF-8 (with or without BOM), UTF-16 with BOM (or, recognisably,
/// without), else Windows-1252. Control characters other than tab and line ends become
/// spaces, so columns still count one per character.
pub(crate) fn decode(bytes: &[u8]) -> Result<String, IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Empty);
    }
    let not_text = |detail| Err(IngestError::NotText { detail });
    match sniff(bytes) {
        Magic::Zip => return not_text("it is a zip file, perhaps a Word .docx"),
        Magic::Pdf => return not_text("it is a PDF"),
        Magic::OleEncrypted | Magic::OleWord | Magic::OleOther => {
            return not_text("it is a Word or Office file")
        }
        Magic::Rtf => return not_text("it is an RTF document"),
        Magic::Image => return not_text("it is an image"),
        Magic::Html | Magic::Unknown => {}
    }
    let text: String = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        encoding_rs::UTF_8
            .decode_without_bom_handling(rest)
            .0
            .into_owned()
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        encoding_rs::UTF_16LE
            .decode_without_bom_handling(rest)
            .0
            .into_owned()
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        encoding_rs::UTF_16BE
            .decode_without_bom_handling(rest)
            .0
            .into_owned()
    } else if bytes.contains(&0) {
        match utf16_without_bom(bytes) {
            Some(enc) => enc.decode_without_bom_handling(bytes).0.into_owned(),
            None => return not_text("it looks binary"),
        }
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => s.to_owned(),
            Err(_) => encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
        }
    };
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars() {
        total += 1;
        if c == '\0' {
            return not_text("it looks binary");
        }
        if is_stray_control(c) {
            control += 1;
        }
    }
    if control * 10 > total {
        return not_text("it looks binary");
    }
    Ok(if control > 0 {
        text.chars()
            .map(|c| if is_stray_control(c) { ' ' } else { c })
            .collect()
    } else {
        text
    })
}

fn is_stray_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// UTF-16 written without a byte-order mark: ASCII-heavy text has a zero in every other byte.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    if bytes.len() < 4 || bytes.len() % 2 != 0 {
        return None;
    }
    let pairs = bytes.len() / 2;
    let even = bytes.iter().step_by(2).filter(|b| **b == 0).count();
    let odd = bytes.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    if odd * 10 > pairs * 6 && even * 50 < pairs {
        Some(encoding_rs::UTF_16LE)
    } else if even * 10 > pairs * 6 && odd * 50 < pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// The file's lines (CRLF, CR or LF ends), without their ends; index + 1 is the line number.
pub(crate) fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(&text[start..i]);
                i += 1;
                start = i;
            }
            b'\r' => {
                lines.push(&text[start..i]);
                i += if bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < bytes.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// A non-blank line: its number, the 1-based column of its first kept character and its
/// trimmed text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Line<'a> {
    pub number: u32,
    pub column: u32,
    pub text: &'a str,
}

impl<'a> Line<'a> {
    pub(crate) fn new(number: u32, raw: &'a str) -> Self {
        let trimmed = raw.trim_start();
        let lead = raw[..raw.len() - trimmed.len()].chars().count() as u32;
        Line {
            number,
            column: lead + 1,
            text: trimmed.trim_end(),
        }
    }
}

/// Runs of non-blank lines (blank: empty or whitespace only).
fn blocks<'a>(lines: &[&'a str]) -> Vec<Vec<Line<'a>>> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    for (i, raw) in lines.iter().enumerate() {
        let line = Line::new(i as u32 + 1, raw);
        if line.text.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A block normally is one paragraph; a block with a long line was written one paragraph
/// per line.
pub(crate) fn split_long<T: LineLen>(block: Vec<T>) -> Vec<Vec<T>> {
    if block.len() > 1 && block.iter().any(|l| l.chars() > LONG_LINE) {
        block.into_iter().map(|l| vec![l]).collect()
    } else {
        vec![block]
    }
}

pub(crate) trait LineLen {
    fn chars(&self) -> usize;
}

impl LineLen for Line<'_> {
    fn chars(&self) -> usize {
        self.text.chars().count()
    }
}

/// Joins a block's lines with single spaces, one [`Origin`] per line.
fn join_lines(lines: Vec<Line<'_>>) -> Paragraph {
    let mut text = String::with_capacity(lines.iter().map(|l| l.text.len() + 1).sum());
    let mut origin = Vec::with_capacity(lines.len());
    for l in lines {
        if !text.is_empty() {
            text.push(' ');
        }
        origin.push(Origin {
            byte: text.len(),
            line: l.number,
            column: l.column,
        });
        text.push_str(l.text);
    }
    let mut p = Paragraph::new(text, Hint::None);
    p.origin = origin;
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        assert_eq!(decode(b"\xEF\xBB\xBFcaf\xC3\xA9").unwrap(), "café");
        assert_eq!(decode(b"caf\xE9 \x93q\x94 \x96").unwrap(), "café “q” –");
        assert_eq!(decode(b"\xFF\xFEh\x00i\x00").unwrap(), "hi");
        assert_eq!(decode(b"\xFE\xFF\x00h\x00i").unwrap(), "hi");
        assert_eq!(decode(b"h\x00i\x00!\x00?\x00").unwrap(), "hi!?");
        assert_eq!(
            decode(b"a\x0cbcdefghijklmnop").unwrap(),
            "a bcdefghijklmnop"
        );
        assert!(matches!(decode(b""), Err(IngestError::Empty)));
        assert!(matches!(
            decode(b"\x00\x01\x02\x03\x04\x05"),
            Err(IngestError::NotText { .. })
        ));
        assert!(matches!(
            decode(b"\x01\x02\x03\x04abc"),
            Err(IngestError::NotText { .. })
        ));
        assert!(matches!(
            decode(b"PK\x03\x04.."),
            Err(IngestError::NotText { .. })
        ));
    }

    #[test]
    fn line_ends() {
        assert_eq!(split_lines("a\r\nb\rc\nd"), vec!["a", "b", "c", "d"]);
        assert_eq!(split_lines("a\n\n"), vec!["a", ""]);
        assert_eq!(split_lines("a\r\n\r\nb\r\n"), vec!["a", "", "b"]);
    }

    #[test]
    fn whitespace_only_is_no_text() {
        assert!(matches!(
            read(b" \r\n\t\n", &Limits::default()),
            Err(IngestError::NoText)
        ));
    }

    #[test]
    fn hard_wrapped_lines_join_and_keep_positions() {
        // A BOM, an indented second line, CRLF ends.
        let src = "\u{feff}My title\r\n\r\nFirst line of the\r\n   second line\r\nthird line has recovery in it.\r\n\r\nLast one.";
        let doc = read(src.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(doc.paragraphs.len(), 3);
        let p = &doc.paragraphs[1];
        assert_eq!(
            p.text,
            "First line of the second line third line has recovery in it."
        );
        let b = p.text.find("recovery").unwrap();
        let pos = doc.position(1, b);
        assert_eq!((pos.line, pos.column), (5, 16));
        let pos = doc.position(1, p.text.find("second").unwrap());
        assert_eq!((pos.line, pos.column), (4, 4));
        // The BOM is not a column.
        assert_eq!(doc.position(0, 3).column, 4);
        assert_eq!(doc.line_text(1, 4).unwrap().1, 4);
    }

    #[test]
    fn one_paragraph_per_line_files_split() {
        let long = "word ".repeat(30);
        let src = format!("Title\n{long}\n{long}\n");
        let doc = read(src.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(doc.paragraphs.len(), 3);
        assert_eq!(doc.position(2, 0).line, 3);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let doc = read(
            "Title\n\n“Ünïcödé” then recovery here.".as_bytes(),
            &Limits::default(),
        )
        .unwrap();
        let p = &doc.paragraphs[1];
        let pos = doc.position(1, p.text.find("recovery").unwrap());
        assert_eq!((pos.line, pos.column), (3, 16));
    }
}
