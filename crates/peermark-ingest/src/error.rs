//! Why a submission could not be found or read: one line each, saying what to do.

use crate::limits::Size;
use std::path::PathBuf;

/// Why a submission could not be found or read.
///
/// Reader errors ([`read_file`](crate::read_file), [`read_bytes`](crate::read_bytes)) never name the file: the caller prefixes it.
/// The two [`discover`](crate::discover) errors ([`IngestError::NotFound`], [`IngestError::Walk`]) are usage
/// errors about a path from the command line and do name it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// A path given to [`discover`](crate::discover) does not exist (a usage error).
    #[error("{}: no such file or folder; check the path", path.display())]
    NotFound { path: PathBuf },
    /// A path given to [`discover`](crate::discover) exists but cannot be read (a usage error).
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
    /// The file is over [`Limits::max_file_size`](crate::Limits::max_file_size).
    #[error("the file is over the {} size limit, far larger than an essay; check that the right file was submitted (the limit is set with --max-file-size)", Size(*limit))]
    FileTooLarge { limit: u64 },
    /// A part of a zip container decompresses to over [`Limits::max_part_size`](crate::Limits::max_part_size).
    #[error("a part of the .{ext} decompresses to over {} (perhaps a decompression bomb); check that the right file was submitted (the limit is set with --max-part-size)", Size(*limit))]
    PartTooLarge { ext: &'static str, limit: u64 },
    /// A zip container holds more than [`Limits::max_entries`](crate::Limits::max_entries) entries.
    #[error("the .{ext} holds {count} zip entries, over the limit of {limit}; check that the right file was submitted (the limit is set with --max-entries)")]
    TooManyEntries {
        ext: &'static str,
        count: u64,
        limit: u64,
    },
    /// The text read is over [`Limits::max_text_size`](crate::Limits::max_text_size).
    #[error("the essay holds over {} of text, far more than an essay; check that the right file was submitted (the limit is set with --max-text-size)", Size(*limit))]
    TextTooLarge { limit: u64 },
    /// XML nested deeper than [`Limits::max_xml_depth`](crate::Limits::max_xml_depth).
    #[error("the .{ext} has XML nested over {limit} levels deep, which peermark does not read; save it again from Word or LibreOffice (the limit is set with --max-xml-depth)")]
    TooDeep { ext: &'static str, limit: u32 },
    /// A PDF nested deeper than [`Limits::max_pdf_depth`](crate::Limits::max_pdf_depth): arrays or dictionaries inside one
    /// another, saved graphics states (`q`) inside one another, forms drawn inside forms, or
    /// a page's chain of parents (a loop among them included).
    #[error("the .pdf has objects, forms or graphics states nested over {limit} levels deep (or in a loop), which peermark does not read; ask for the essay as .docx, or as a PDF saved again from a word processor (the limit is set with --max-pdf-depth)")]
    PdfTooDeep { limit: u32 },
    /// An HTML page with elements nested deeper than [`Limits::max_xml_depth`](crate::Limits::max_xml_depth).
    #[error("the .html has elements nested over {limit} levels deep, which peermark does not read; ask for the essay as .docx or .txt (the limit is set with --max-xml-depth)")]
    HtmlTooDeep { limit: u32 },
    /// A document holding more than [`Limits::max_elements`](crate::Limits::max_elements) elements once parsed (`what`
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

/// An I/O error in a few words (no OS error number).
pub fn io_message(e: &std::io::Error) -> String {
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
