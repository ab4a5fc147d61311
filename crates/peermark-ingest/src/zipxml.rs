//! What the zip-and-XML readers (`.docx`, `.odt`) share: opening parts with the same size
//! limit, the same XML reader settings, and the same refusal of DTDs and entity declarations.

use std::io::{Cursor, Read};

use quick_xml::events::BytesStart;
use quick_xml::Reader;
use zip::result::ZipError;
use zip::ZipArchive;

use crate::{IngestError, MAX_BYTES};

pub(crate) type Zip<'a> = ZipArchive<Cursor<&'a [u8]>>;

pub(crate) fn damaged(ext: &'static str, detail: &'static str) -> IngestError {
    IngestError::Damaged { ext, detail }
}

/// The error for an encrypted document named `.ext`.
pub(crate) fn password_protected(ext: &'static str) -> IngestError {
    match ext {
        "odt" => IngestError::Locked {
            what: "OpenDocument file",
        },
        "pdf" => IngestError::Locked { what: "PDF" },
        _ => IngestError::PasswordProtected,
    }
}

/// Opens a zip container held in memory.
pub(crate) fn open_zip<'a>(bytes: &'a [u8], ext: &'static str) -> Result<Zip<'a>, IngestError> {
    ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| damaged(ext, "the zip container cannot be read"))
}

/// One decompressed part, as UTF-8, at most [`MAX_BYTES`].
pub(crate) fn read_part(
    zip: &mut Zip<'_>,
    name: &str,
    ext: &'static str,
) -> Result<Vec<u8>, IngestError> {
    read_part_limited(zip, name, ext, MAX_BYTES)
}

/// [`read_part`] with a size limit: a zip bomb stops at `limit` bytes.
pub(crate) fn read_part_limited(
    zip: &mut Zip<'_>,
    name: &str,
    ext: &'static str,
    limit: u64,
) -> Result<Vec<u8>, IngestError> {
    let file = zip.by_name(name).map_err(|e| match e {
        ZipError::UnsupportedArchive(ZipError::PASSWORD_REQUIRED) => password_protected(ext),
        ZipError::UnsupportedArchive(_) => {
            damaged(ext, "it uses a zip compression method peermark cannot read")
        }
        _ => damaged(ext, "the zip container cannot be read"),
    })?;
    let mut buf = Vec::with_capacity(file.size().min(limit) as usize);
    file.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|_| damaged(ext, "a part of the zip cannot be decompressed"))?;
    if buf.len() as u64 > limit {
        return Err(IngestError::TooLarge);
    }
    // Word and LibreOffice write UTF-8; a UTF-16 part (allowed by XML) is converted.
    if buf.starts_with(b"\xFF\xFE") || buf.starts_with(b"\xFE\xFF") {
        let enc = if buf[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (text, _) = enc.decode_without_bom_handling(&buf[2..]);
        buf = text.into_owned().into_bytes();
    } else if buf.starts_with(b"\xEF\xBB\xBF") {
        buf.drain(..3);
    }
    Ok(buf)
}

/// Why an XML part could not be parsed.
pub(crate) enum XmlError {
    Malformed,
    Entities,
}

impl XmlError {
    pub(crate) fn into_error(self, ext: &'static str) -> IngestError {
        match self {
            XmlError::Malformed => damaged(ext, "its XML is not well formed"),
            XmlError::Entities => IngestError::EntityDeclarations,
        }
    }
}

/// A streaming reader that keeps whitespace and checks end tags.
pub(crate) fn new_reader(xml: &[u8]) -> Reader<&[u8]> {
    let mut reader = Reader::from_reader(xml);
    let cfg = reader.config_mut();
    cfg.trim_text(false);
    cfg.expand_empty_elements = false;
    cfg.check_end_names = true;
    reader
}

/// Value of the attribute whose local name is `name` (prefix ignored).
pub(crate) fn attr<'a>(e: &'a BytesStart<'_>, name: &[u8]) -> Option<std::borrow::Cow<'a, [u8]>> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| a.value)
}
