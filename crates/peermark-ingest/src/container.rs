//! Zip containers and the XML inside them, read within [`Limits`]: every zip-based reader
//! (`.docx`, `.odt`) opens its file with [`Container::open`], reads parts with
//! [`Container::read_part`] and parses them with [`SafeXml`].
//!
//! What is guarded here:
//! - entry count: the count the zip declares is checked before its directory is read, and
//!   the count read after;
//! - decompressed size of a part: the size the zip declares is checked before
//!   decompressing, and decompression stops one byte past the limit whatever it declared
//!   (a decompression bomb never fills memory);
//! - XML: a DOCTYPE (and with it any entity declaration) is refused outright, so no entity
//!   is ever expanded and no external entity ever resolved (quick-xml itself never expands
//!   or fetches entities; this makes the refusal explicit); element nesting is counted,
//!   without recursion, and stops at [`Limits::max_xml_depth`].

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::name::QName;
use quick_xml::Reader;
use zip::result::ZipError;
use zip::ZipArchive;

use crate::{IngestError, Limits};

/// An opened zip container.
pub(crate) struct Container<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    ext: &'static str,
    limits: Limits,
}

impl<'a> Container<'a> {
    /// Opens the zip in `bytes` (`ext` names the format in messages).
    pub(crate) fn open(
        bytes: &'a [u8],
        ext: &'static str,
        limits: &Limits,
    ) -> Result<Self, IngestError> {
        let too_many = |count| IngestError::TooManyEntries {
            ext,
            count,
            limit: limits.max_entries,
        };
        if let Some(count) = declared_entries(bytes) {
            if count > limits.max_entries {
                return Err(too_many(count));
            }
        }
        let zip = ZipArchive::new(Cursor::new(bytes))
            .map_err(|_| damaged(ext, "the zip container cannot be read"))?;
        if zip.len() as u64 > limits.max_entries {
            return Err(too_many(zip.len() as u64));
        }
        Ok(Container {
            zip,
            ext,
            limits: *limits,
        })
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.zip.file_names()
    }

    /// One decompressed part, as UTF-8 (a UTF-16 part, allowed by XML, is converted; a
    /// UTF-8 byte-order mark is removed), at most [`Limits::max_part_size`] bytes.
    pub(crate) fn read_part(&mut self, name: &str) -> Result<Vec<u8>, IngestError> {
        let limit = self.limits.max_part_size;
        let ext = self.ext;
        let file = self.zip.by_name(name).map_err(|e| match e {
            ZipError::UnsupportedArchive(ZipError::PASSWORD_REQUIRED) => {
                IngestError::PasswordProtected
            }
            ZipError::UnsupportedArchive(_) => {
                damaged(ext, "it uses a zip compression method peermark cannot read")
            }
            _ => damaged(ext, "the zip container cannot be read"),
        })?;
        let too_large = IngestError::PartTooLarge { ext, limit };
        if file.size() > limit {
            return Err(too_large);
        }
        let mut buf = Vec::with_capacity(file.size().min(limit) as usize);
        file.take(limit + 1)
            .read_to_end(&mut buf)
            .map_err(|_| damaged(ext, "a part of the zip cannot be decompressed"))?;
        if buf.len() as u64 > limit {
            return Err(too_large);
        }
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

    /// Like [`read_part`](Self::read_part), but `None` for a part that is missing or cannot
    /// be read (for optional parts such as `_rels/.rels`); limits still end with an error.
    pub(crate) fn read_optional(&mut self, name: &str) -> Result<Option<Vec<u8>>, IngestError> {
        if !self.has(name) {
            return Ok(None);
        }
        match self.read_part(name) {
            Ok(b) => Ok(Some(b)),
            Err(e @ (IngestError::PartTooLarge { .. } | IngestError::PasswordProtected)) => Err(e),
            Err(_) => Ok(None),
        }
    }
}

pub(crate) fn damaged(ext: &'static str, detail: &'static str) -> IngestError {
    IngestError::Damaged { ext, detail }
}

/// The entry count the zip's end-of-central-directory record declares (zip64 included),
/// read without parsing the directory; `None` when no record is found (the zip reader then
/// reports the damage).
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
    // Zip64: the locator sits just before the record and points at the zip64 record.
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

/// Why an XML part could not be parsed.
#[derive(Debug)]
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

/// A streaming XML reader that refuses DOCTYPEs and counts nesting. Every XML part a
/// container reader parses goes through it.
pub(crate) struct SafeXml<'a> {
    reader: Reader<&'a [u8]>,
    depth: u32,
    max_depth: u32,
}

impl<'a> SafeXml<'a> {
    pub(crate) fn new(xml: &'a [u8], limits: &Limits) -> Self {
        let mut reader = Reader::from_reader(xml);
        let cfg = reader.config_mut();
        cfg.trim_text(false);
        cfg.expand_empty_elements = false;
        cfg.check_end_names = true;
        SafeXml {
            reader,
            depth: 0,
            max_depth: limits.max_xml_depth,
        }
    }

    /// The next event; a DOCTYPE is [`XmlError::Entities`], nesting past the limit
    /// [`XmlError::TooDeep`].
    pub(crate) fn next(&mut self) -> Result<Event<'a>, XmlError> {
        let event = self.reader.read_event().map_err(|_| XmlError::Malformed)?;
        match &event {
            Event::DocType(_) => return Err(XmlError::Entities),
            Event::Start(_) => {
                self.depth += 1;
                if self.depth > self.max_depth {
                    return Err(XmlError::TooDeep(self.max_depth));
                }
            }
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        Ok(event)
    }

    /// Skips to the end of the element whose start [`next`](Self::next) just returned.
    pub(crate) fn skip_to_end(&mut self, name: QName<'_>) -> Result<(), XmlError> {
        // quick-xml skips without recursion; a DOCTYPE cannot appear inside an element
        // of well-formed XML, and nothing skipped is ever expanded.
        self.reader
            .read_to_end(name)
            .map_err(|_| XmlError::Malformed)?;
        self.depth = self.depth.saturating_sub(1);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in parts {
            zip.start_file(*name, options).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn decompression_stops_at_the_limit() {
        let bytes = zip_of(&[("a.xml", &vec![b' '; 1 << 20])]);
        assert!(bytes.len() < 10_000);
        let small = Limits {
            max_part_size: 4096,
            ..Limits::default()
        };
        let mut c = Container::open(&bytes, "docx", &small).ok().unwrap();
        assert!(matches!(
            c.read_part("a.xml"),
            Err(IngestError::PartTooLarge { limit: 4096, .. })
        ));
        let mut c = Container::open(&bytes, "docx", &Limits::default())
            .ok()
            .unwrap();
        assert_eq!(c.read_part("a.xml").ok().unwrap().len(), 1 << 20);
    }

    #[test]
    fn entry_counts_are_declared_and_limited() {
        let names: Vec<String> = (0..30).map(|i| format!("f{i}")).collect();
        let parts: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
        let bytes = zip_of(&parts);
        assert_eq!(declared_entries(&bytes), Some(30));
        let few = Limits {
            max_entries: 29,
            ..Limits::default()
        };
        assert!(matches!(
            Container::open(&bytes, "docx", &few),
            Err(IngestError::TooManyEntries {
                count: 30,
                limit: 29,
                ..
            })
        ));
        assert!(Container::open(&bytes, "docx", &Limits::default()).is_ok());
        assert_eq!(declared_entries(b"not a zip"), None);
    }

    #[test]
    fn doctype_and_depth_are_refused() {
        let limits = Limits {
            max_xml_depth: 3,
            ..Limits::default()
        };
        let drain = |xml: &[u8]| -> Result<(), XmlError> {
            let mut r = SafeXml::new(xml, &limits);
            while !matches!(r.next()?, Event::Eof) {}
            Ok(())
        };
        assert!(drain(b"<a><b><c/></b></a>").is_ok());
        assert!(matches!(
            drain(b"<a><b><c><d></d></c></b></a>"),
            Err(XmlError::TooDeep(3))
        ));
        assert!(matches!(
            drain(b"<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>"),
            Err(XmlError::Entities)
        ));
        // A depth counted without recursion: a million levels is an error, not a crash.
        let deep = "<a>".repeat(1_000_000);
        let deep_limits = Limits {
            max_xml_depth: u32::MAX,
            ..Limits::default()
        };
        let mut r = SafeXml::new(deep.as_bytes(), &deep_limits);
        let end = loop {
            match r.next() {
                Ok(Event::Eof) => break Ok(()),
                Ok(_) => {}
                Err(e) => break Err(e),
            }
        };
        assert!(matches!(end, Ok(()) | Err(XmlError::Malformed)));
    }
}
