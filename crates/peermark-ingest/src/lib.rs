//! peermark's readers: finds submissions on disk and turns `.docx`, `.odt`, `.pdf`, `.html`,
//! `.txt` and `.md` files into [`Document`]s whose every paragraph knows where its text came
//! from.
//!
//! Nothing here touches the network: readers work on bytes already in memory, and the only
//! file-system access is [`discover`] walking the folders it is given and [`read_file`]
//! reading one file.
//!
//! Error messages ([`IngestError`]'s `Display`) are one line, say what is wrong and what to
//! do, and — for reader errors — do not name the file: the caller prefixes it.

mod archive;
mod discover;
mod docx;
pub mod docx_map;
mod html;
mod limits;
mod lms;
mod markdown;
mod odt;
mod pdf;
mod pdf_guard;
mod sniff;
mod text;
mod zipxml;

use std::path::{Path, PathBuf};

pub use archive::{Archive, Member};
pub use discover::{discover, Discovery, Problem, Skipped, Submission};
pub use docx_map::{read_docx_mapped, DocxMap, MappedDocx};
pub use limits::{parse_size, Limits, Size};
pub use lms::{parse_lms_name, Learner, Lms, LmsName, ESSAY_PREFERENCE};
pub use peermark_text::Document;

/// The default largest file [`read_file`] reads ([`Limits::max_file_size`]).
pub const MAX_BYTES: u64 = 64 << 20;

/// A submission's file format, known from its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Word 2007+ (`.docx`, `.docm`).
    Docx,
    /// Plain text (`.txt`, `.text`).
    Txt,
    /// Markdown (`.md`, `.markdown`).
    Markdown,
    /// Legacy Word 97–2003 (`.doc`): always an error, unless the file is really a `.docx`.
    Doc,
    /// OpenDocument text (`.odt`).
    Odt,
    /// PDF (`.pdf`): its text layer.
    Pdf,
    /// HTML (`.html`, `.htm`), such as an LMS online-text submission.
    Html,
    /// Rich Text Format (`.rtf`): not read yet.
    Rtf,
}

impl Format {
    /// The format a file's extension names (case-insensitive); `None` for files that are not
    /// submissions (`.csv`, `.png`, no extension, …).
    pub fn from_path(p: &Path) -> Option<Format> {
        let ext = p.extension()?.to_str()?;
        Some(match ext.to_ascii_lowercase().as_str() {
            "docx" | "docm" => Format::Docx,
            "txt" | "text" => Format::Txt,
            "md" | "markdown" => Format::Markdown,
            "doc" => Format::Doc,
            "odt" => Format::Odt,
            "pdf" => Format::Pdf,
            "html" | "htm" => Format::Html,
            "rtf" => Format::Rtf,
            _ => return None,
        })
    }

    /// The usual extension, without the dot (`"docx"`).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Txt => "txt",
            Format::Markdown => "md",
            Format::Doc => "doc",
            Format::Odt => "odt",
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Rtf => "rtf",
        }
    }
}

/// Why a submission could not be found or read.
///
/// Reader errors ([`read_file`], [`read_bytes`]) never name the file: the caller prefixes it.
/// The two [`discover`] errors ([`IngestError::NotFound`], [`IngestError::Walk`]) are usage
/// errors about a path from the command line and do name it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// A path given to [`discover`] does not exist (a usage error).
    #[error("{}: no such file or folder; check the path", path.display())]
    NotFound { path: PathBuf },
    /// A path given to [`discover`] exists but cannot be read (a usage error).
    #[error("{}: cannot be read ({message}); check the path and its permissions", path.display())]
    Walk { path: PathBuf, message: String },
    /// The file could not be read from disk.
    #[error("the file cannot be read ({0}); check that it exists and that you may read it")]
    Io(String),
    #[error("empty file (0 bytes); the essay needs to be saved and submitted again")]
    Empty,
    #[error("no text found in the document; check that the right file was submitted")]
    NoText,
    /// A container (`.docx`) that cannot be opened.
    #[error(
        "damaged or incomplete .{ext} ({detail}); ask the learner to save it again and resubmit"
    )]
    Damaged {
        ext: &'static str,
        detail: &'static str,
    },
    /// Named like a Word document but something else (`actual` says what, e.g. "a PDF").
    #[error(
        "not a Word document (it is {actual} renamed to .{ext}); ask for the essay saved as .docx"
    )]
    NotWord {
        actual: &'static str,
        ext: &'static str,
    },
    #[error("password-protected Word document; ask for an unprotected copy")]
    PasswordProtected,
    /// An encrypted document other than Word (`what`: "PDF", "OpenDocument file").
    #[error("password-protected {what}; ask for an unprotected copy")]
    Locked { what: &'static str },
    /// Named as one format but holding another (`actual` says what, e.g. "a Word document").
    #[error("not {expected} (it is {actual} renamed to .{ext}); ask for the essay saved as .docx")]
    WrongFormat {
        expected: &'static str,
        actual: &'static str,
        ext: &'static str,
    },
    /// A PDF whose pages are images only: nothing to read without OCR.
    #[error("this PDF has no text layer (it looks scanned or made of images); ask for the essay as .docx, or as a PDF saved from a word processor")]
    ScannedPdf,
    #[error("legacy Word 97–2003 .doc file; open it in Word or LibreOffice and save as .docx")]
    LegacyDoc,
    /// A format whose reader does not exist yet (rtf).
    #[error("this format (.{ext}) is not read yet; save the essay as .docx or .txt")]
    Unsupported { ext: &'static str },
    /// A `.txt` or `.md` file that is not text (`detail` says why).
    #[error("not a text file ({detail}); save the essay as plain text (.txt) or .docx")]
    NotText { detail: &'static str },
    /// XML with a DOCTYPE or entity declarations (refused: never expanded or resolved).
    #[error("the document contains XML entity declarations, which peermark does not read; save it again from Word or LibreOffice")]
    EntityDeclarations,
    /// The file is over [`Limits::max_file_size`].
    #[error("the file is over the {} size limit, far larger than an essay; check that the right file was submitted (the limit is set with --max-file-size)", Size(*limit))]
    FileTooLarge { limit: u64 },
    /// A part of a zip container decompresses to over [`Limits::max_part_size`].
    #[error("a part of the .{ext} decompresses to over {} (perhaps a decompression bomb); check that the right file was submitted (the limit is set with --max-part-size)", Size(*limit))]
    PartTooLarge { ext: &'static str, limit: u64 },
    /// A zip container holds more than [`Limits::max_entries`] entries.
    #[error("the .{ext} holds {count} zip entries, over the limit of {limit}; check that the right file was submitted (the limit is set with --max-entries)")]
    TooManyEntries {
        ext: &'static str,
        count: u64,
        limit: u64,
    },
    /// The text read is over [`Limits::max_text_size`].
    #[error("the essay holds over {} of text, far more than an essay; check that the right file was submitted (the limit is set with --max-text-size)", Size(*limit))]
    TextTooLarge { limit: u64 },
    /// XML nested deeper than [`Limits::max_xml_depth`].
    #[error("the .{ext} has XML nested over {limit} levels deep, which peermark does not read; save it again from Word or LibreOffice (the limit is set with --max-xml-depth)")]
    TooDeep { ext: &'static str, limit: u32 },
    /// A PDF nested deeper than [`Limits::max_pdf_depth`]: arrays or dictionaries inside one
    /// another, saved graphics states (`q`) inside one another, forms drawn inside forms, or
    /// a page's chain of parents (a loop among them included).
    #[error("the .pdf has objects, forms or graphics states nested over {limit} levels deep (or in a loop), which peermark does not read; ask for the essay as .docx, or as a PDF saved again from a word processor (the limit is set with --max-pdf-depth)")]
    PdfTooDeep { limit: u32 },
    /// An HTML page with elements nested deeper than [`Limits::max_xml_depth`].
    #[error("the .html has elements nested over {limit} levels deep, which peermark does not read; ask for the essay as .docx or .txt (the limit is set with --max-xml-depth)")]
    HtmlTooDeep { limit: u32 },
    /// A document holding more than [`Limits::max_elements`] elements once parsed (`what`
    /// names them: "elements" of an HTML page, a PDF's "drawing instructions").
    #[error("the .{ext} holds over {limit} {what}, far more than an essay; check that the right file was submitted (the limit is set with --max-elements)")]
    TooManyElements {
        ext: &'static str,
        what: &'static str,
        limit: u64,
    },
    /// An LMS learner whose files include none in an essay format (`files` lists them).
    #[error("no essay file among this learner's files ({files}); ask for the essay as .docx, .odt, .pdf or .txt")]
    NoEssayFile { files: String },
}

impl IngestError {
    /// Whether this is a usage error (a bad path on the command line) rather than a problem
    /// with one submission.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            IngestError::NotFound { .. } | IngestError::Walk { .. }
        )
    }
}

/// Reads one submission from disk, within the default [`Limits`].
pub fn read_file(path: &Path, format: Format) -> Result<Document, IngestError> {
    read_file_with(path, format, &Limits::default())
}

/// Reads one submission from disk within `limits`: a file over
/// [`Limits::max_file_size`] is refused from its size on disk before it is read, and
/// reading stops one byte past the limit whatever the size said (a file still growing).
pub fn read_file_with(
    path: &Path,
    format: Format,
    limits: &Limits,
) -> Result<Document, IngestError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| IngestError::Io(io_message(&e)))?;
    let too_large = || IngestError::FileTooLarge {
        limit: limits.max_file_size,
    };
    if file
        .metadata()
        .is_ok_and(|m| m.len() > limits.max_file_size)
    {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    file.take(limits.max_file_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| IngestError::Io(io_message(&e)))?;
    if bytes.len() as u64 > limits.max_file_size {
        return Err(too_large());
    }
    read_bytes_with(&bytes, format, limits)
}

/// Reads one submission from memory (stdin, members of a zip), within the default
/// [`Limits`].
pub fn read_bytes(bytes: &[u8], format: Format) -> Result<Document, IngestError> {
    read_bytes_with(bytes, format, &Limits::default())
}

/// Reads one submission from memory within `limits`. Whatever the reader, a document
/// holding more than [`Limits::max_text_size`] of text is refused.
pub fn read_bytes_with(
    bytes: &[u8],
    format: Format,
    limits: &Limits,
) -> Result<Document, IngestError> {
    if bytes.len() as u64 > limits.max_file_size {
        return Err(IngestError::FileTooLarge {
            limit: limits.max_file_size,
        });
    }
    // The zip and XML helpers every container reader uses read their limits from here.
    let _limits = zipxml::with_limits(limits);
    let doc = match format {
        Format::Docx => docx::read(bytes, "docx"),
        Format::Doc => docx::read_doc(bytes),
        Format::Txt => text::read(bytes, limits),
        Format::Markdown => markdown::read(bytes, limits),
        Format::Odt => odt::read(bytes),
        Format::Pdf => pdf::read(bytes, limits),
        Format::Html => html::read(bytes, limits),
        Format::Rtf => Err(IngestError::Unsupported {
            ext: format.extension(),
        }),
    }?;
    check_text_size(&doc, limits)?;
    Ok(doc)
}

/// [`IngestError::TextTooLarge`] when `doc` holds more than [`Limits::max_text_size`].
fn check_text_size(doc: &Document, limits: &Limits) -> Result<(), IngestError> {
    let total: u64 = doc.paragraphs.iter().map(|p| p.text.len() as u64).sum();
    if total > limits.max_text_size {
        return Err(IngestError::TextTooLarge {
            limit: limits.max_text_size,
        });
    }
    Ok(())
}

/// Decoded text over [`Limits::max_text_size`] is refused before it is split into
/// paragraphs (a text reader's working memory is several times its text).
pub(crate) fn check_decoded(text: &str, limits: &Limits) -> Result<(), IngestError> {
    if text.len() as u64 > limits.max_text_size {
        return Err(IngestError::TextTooLarge {
            limit: limits.max_text_size,
        });
    }
    Ok(())
}

fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "no such file".into(),
        ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(
            Format::from_path(Path::new("a/E01.DOCX")),
            Some(Format::Docx)
        );
        assert_eq!(Format::from_path(Path::new("e.md")), Some(Format::Markdown));
        assert_eq!(Format::from_path(Path::new("e.Txt")), Some(Format::Txt));
        assert_eq!(Format::from_path(Path::new("e.doc")), Some(Format::Doc));
        assert_eq!(Format::from_path(Path::new("e.htm")), Some(Format::Html));
        assert_eq!(Format::from_path(Path::new("grades.csv")), None);
        assert_eq!(Format::from_path(Path::new("README")), None);
    }

    #[test]
    fn messages_are_one_line_without_file_names() {
        let errors = [
            IngestError::Empty,
            IngestError::NoText,
            IngestError::Damaged {
                ext: "docx",
                detail: "the zip container cannot be read",
            },
            IngestError::NotWord {
                actual: "a PDF",
                ext: "docx",
            },
            IngestError::PasswordProtected,
            IngestError::Locked { what: "PDF" },
            IngestError::WrongFormat {
                expected: "a PDF",
                actual: "a Word document",
                ext: "pdf",
            },
            IngestError::ScannedPdf,
            IngestError::LegacyDoc,
            IngestError::Unsupported { ext: "rtf" },
            IngestError::NotText {
                detail: "it looks binary",
            },
            IngestError::EntityDeclarations,
            IngestError::FileTooLarge { limit: MAX_BYTES },
            IngestError::PartTooLarge {
                ext: "docx",
                limit: 1 << 20,
            },
            IngestError::TooManyEntries {
                ext: "docx",
                count: 20_000,
                limit: 10_000,
            },
            IngestError::TextTooLarge { limit: 1 << 20 },
            IngestError::TooDeep {
                ext: "docx",
                limit: 1000,
            },
            IngestError::PdfTooDeep { limit: 50 },
            IngestError::HtmlTooDeep { limit: 1000 },
            IngestError::TooManyElements {
                ext: "pdf",
                what: "drawing instructions",
                limit: 250_000,
            },
        ];
        for e in errors {
            let s = e.to_string();
            assert!(!s.contains('\n'), "{s}");
            assert!(s.contains(';'), "says what to do: {s}");
        }
    }

    #[test]
    fn formats_not_read_yet() {
        let e = read_bytes(b"{\\rtf1 hi}", Format::Rtf).unwrap_err();
        assert_eq!(
            e.to_string(),
            "this format (.rtf) is not read yet; save the essay as .docx or .txt"
        );
    }
}
