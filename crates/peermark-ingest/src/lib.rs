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
mod error;
mod format;
mod html;
mod limits;
mod lms;
mod lms_group;
mod markdown;
mod odt;
mod pdf;
mod pdf_guard;
mod read;
mod sniff;
mod submission;
mod text;
mod text_size;
mod zipxml;

pub use archive::{Archive, Member};
pub use discover::{discover, discover_skipping, Discovery, Skipped};
pub use docx::read_docx_mapped;
pub use docx_map::{DocxMap, MappedDocx};
pub use error::IngestError;
pub use format::Format;
pub use limits::{parse_size, Limits, Size, MAX_BYTES};
pub use lms::{parse_lms_name, Learner, Lms, LmsName, ESSAY_PREFERENCE};
pub use peermark_text::Document;
pub use read::{read_bytes, read_bytes_with, read_file, read_file_with};
pub use submission::{Problem, Submission};

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

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
