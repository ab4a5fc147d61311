//! What the zip-and-XML readers (`.docx`, `.odt`) share: opening parts with the same size
//! limit, the same XML reader settings, and the same refusal of DTDs and entity declarations.

use std::io::{Cursor, Read};

use quick_xml::events::BytesStart;
use quick_xml::Reader;
use zip::result::ZipError;
use zip::ZipArchive;

use crate::{IngestError, Limits};

thread_local! {
    /// The limits of the read running on this thread ([`crate::read_bytes_with`] sets them).
    static LIMITS: std::cell::Cell<Limits> = std::cell::Cell::new(Limits::default());
}

/// The limits of the read running on this thread.
pub(crate) fn limits() -> Limits {
    LIMITS.with(|l| l.get())
}

/// Sets this thread's limits until the guard is dropped (a panic included).
pub(crate) fn with_limits(limits: &Limits) -> impl Drop {
    struct Restore(Limits);
    impl Drop for Restore {
        fn drop(&mut self) {
            LIMITS.with(|l| l.set(self.0));
        }
    }
    Restore(LIMITS.with(|l| l.replace(*limits)))
}

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
/// The entry count is checked against [`Limits::max_entries`] as the zip declares it,
/// before its directory is read, and as read.
pub(crate) fn open_zip<'a>(bytes: &'a [u8], ext: &'static str) -> Result<Zip<'a>, IngestError> {
    let limit = limits().max_entries;
    let too_many = |count| IngestError::TooManyEntries { ext, count, limit };
    if let Some(count) = declared_entries(bytes) {
        if count > limit {
            return Err(too_many(count));
        }
    }
    let zip = ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| damaged(ext, "the zip container cannot be read"))?;
    if zip.len() as u64 > limit {
        return Err(too_many(zip.len() as u64));
    }
    Ok(zip)
}

/// The entry count the zip's end-of-central-directory record declares (zip64 included),
/// read without parsing the directory; `None` when no record is found.
pub(crate) fn declared_entries(bytes: &[u8]) -> Option<u64> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let tail_start = bytes.len().saturating_sub(22 + u16::MAX as usize);
    let at = bytes[tail_start..]
        .windows(4)
        .rposition(|w| w == EOCD)
        .map(|i| i + tail_start)?;
    let rec = bytes.get(at..at + 22)?;
    let total = u16::from_le_bytes([rec[10], rec[11]]);
    if total != u16::MAX {
        return Some(total as u64);
    }
    let loc = bytes.get(at.checked_sub(20)?..at)?;
    if &loc[..4] != b"PK\x06\x07" {
        return Some(total as u64);
    }
    let offset = u64::from_le_bytes(loc[8..16].try_into().ok()?) as usize;
    let rec64 = bytes.get(offset..offset.checked_add(56)?)?;
    if &rec64[..4] != b"PK\x06\x06" {
        return Some(total as u64);
    }
    Some(u64::from_le_bytes(rec64[32..40].try_into().ok()?))
}

/// One decompressed part, as UTF-8, at most [`Limits::max_part_size`].
pub(crate) fn read_part(
    zip: &mut Zip<'_>,
    name: &str,
    ext: &'static str,
) -> Result<Vec<u8>, IngestError> {
    read_part_limited(zip, name, ext, limits().max_part_size)
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
    let too_large = || IngestError::PartTooLarge { ext, limit };
    if file.size() > limit {
        return Err(too_large());
    }
    let mut buf = Vec::with_capacity(file.size().min(limit) as usize);
    file.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|_| damaged(ext, "a part of the zip cannot be decompressed"))?;
    if buf.len() as u64 > limit {
        return Err(too_large());
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
    TooDeep(u32),
}

impl XmlError {
    pub(crate) fn into_error(self, ext: &'static str) -> IngestError {
        match self {
            XmlError::Malformed => damaged(ext, "its XML is not well formed"),
            XmlError::Entities => IngestError::EntityDeclarations,
            XmlError::TooDeep(limit) => IngestError::TooDeep { ext, limit },
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

/// The next event, with element nesting counted (without recursion) against
/// [`Limits::max_xml_depth`]; a DOCTYPE is [`XmlError::Entities`].
pub(crate) fn next_event<'a>(
    reader: &mut Reader<&'a [u8]>,
    depth: &mut u32,
) -> Result<quick_xml::events::Event<'a>, XmlError> {
    use quick_xml::events::Event;
    let event = reader.read_event().map_err(|_| XmlError::Malformed)?;
    match &event {
        Event::DocType(_) => return Err(XmlError::Entities),
        Event::Start(_) => {
            *depth += 1;
            let max = limits().max_xml_depth;
            if *depth > max {
                return Err(XmlError::TooDeep(max));
            }
        }
        Event::End(_) => *depth = depth.saturating_sub(1),
        _ => {}
    }
    Ok(event)
}

/// Value of the attribute whose local name is `name` (prefix ignored).
pub(crate) fn attr<'a>(e: &'a BytesStart<'_>, name: &[u8]) -> Option<std::borrow::Cow<'a, [u8]>> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| a.value)
}
