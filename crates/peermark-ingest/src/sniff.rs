//! What a file really is, from its first bytes.

/// What the magic bytes say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Magic {
    Zip,
    Pdf,
    /// OLE2 compound file holding an encrypted OOXML package (password-protected Office file).
    OleEncrypted,
    /// OLE2 compound file holding a legacy Word document.
    OleWord,
    /// Any other OLE2 compound file (legacy Excel, PowerPoint, …).
    OleOther,
    Rtf,
    Html,
    Image,
    Unknown,
}

const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

pub(crate) fn sniff(bytes: &[u8]) -> Magic {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Magic::Zip
    } else if bytes.starts_with(b"%PDF") {
        Magic::Pdf
    } else if bytes.starts_with(OLE) {
        if contains_utf16(bytes, "EncryptionInfo") || contains_utf16(bytes, "EncryptedPackage") {
            Magic::OleEncrypted
        } else if contains_utf16(bytes, "WordDocument") {
            Magic::OleWord
        } else {
            Magic::OleOther
        }
    } else if bytes.starts_with(b"{\\rtf") {
        Magic::Rtf
    } else if bytes.starts_with(b"\x89PNG")
        || bytes.starts_with(b"\xFF\xD8\xFF")
        || bytes.starts_with(b"GIF8")
    {
        Magic::Image
    } else if looks_like_html(bytes) {
        Magic::Html
    } else {
        Magic::Unknown
    }
}

/// Whether `bytes` holds `name` as UTF-16LE (how OLE2 directory entries store stream names).
fn contains_utf16(bytes: &[u8], name: &str) -> bool {
    let needle: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(512)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let head = &head[start..];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Magic::Zip);
        assert_eq!(sniff(b"%PDF-1.4\n"), Magic::Pdf);
        let mut ole = OLE.to_vec();
        ole.extend_from_slice(&[0; 64]);
        assert_eq!(sniff(&ole), Magic::OleOther);
        let mut enc = ole.clone();
        enc.extend("EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(sniff(&enc), Magic::OleEncrypted);
        let mut word = ole.clone();
        word.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(sniff(&word), Magic::OleWord);
        assert_eq!(sniff(b"  <!DOCTYPE html><html>"), Magic::Html);
        assert_eq!(sniff(b"{\\rtf1\\ansi"), Magic::Rtf);
        assert_eq!(sniff(b"Hello"), Magic::Unknown);
    }
}
