//! Reading one submission, from disk or memory, with the reader its format names.

use crate::error::{io_message, IngestError};
use crate::format::Format;
use crate::limits::Limits;
use crate::text_size::check_text_size;
use crate::{docx, html, markdown, odt, pdf, text, zipxml};
use peermark_text::Document;
use std::path::Path;

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
