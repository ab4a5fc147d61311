//! A submission's file format, known from its extension.

use std::path::Path;

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
