//! How much a reader accepts: the limits that keep a damaged or crafted file from taking
//! the memory, the time or the stack of a whole marking run.
//!
//! Every limit ends reading with one clear [`IngestError`](crate::IngestError) naming the
//! limit and the flag that raises it; none of them is ever reached by an essay.

use std::fmt;

/// The default largest file [`read_file`](crate::read_file) reads ([`Limits::max_file_size`]).
pub const MAX_BYTES: u64 = 64 << 20;

/// The limits a reader works within. [`Limits::default`] suits any real essay; `check` and
/// `mark` change them with `--max-file-size`, `--max-part-size`, `--max-entries`,
/// `--max-text-size`, `--max-xml-depth`, `--max-pdf-depth` and `--max-elements`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read from disk, in bytes (checked against the file's size before
    /// reading, and against the bytes actually read). Default 64 MiB.
    pub max_file_size: u64,
    /// Largest decompressed part of a zip container (`.docx`, `.odt`), in bytes: a
    /// decompression bomb stops here. Checked against the size the zip declares and against
    /// the bytes actually decompressed. In a PDF, the most that all its compressed streams
    /// (images aside) may decompress to together, measured before any is decompressed for
    /// reading. Default 64 MiB.
    pub max_part_size: u64,
    /// Most entries a zip container may hold (checked before its directory is read).
    /// Default 10,000.
    pub max_entries: u64,
    /// Most text an essay may hold once read, in bytes of UTF-8 (about 6 bytes a word).
    /// Default 1 MiB — some 170,000 words, fifty times a long essay.
    pub max_text_size: u64,
    /// Deepest element nesting in an XML part or an HTML page. Default 1,000 (Word
    /// documents and web pages nest a few dozen levels).
    pub max_xml_depth: u32,
    /// Deepest nesting in a PDF: arrays and dictionaries inside one another (in the file and
    /// in its pages' drawing instructions), saved graphics states (`q`) inside one another,
    /// forms drawn inside forms, and a page's chain of parents in the page tree. Checked without recursion before the PDF library reads the
    /// file, so a crafted PDF cannot overflow the stack. Default 50 (word processors nest
    /// under ten); at most 99, as the PDF library refuses 100 levels itself.
    pub max_pdf_depth: u32,
    /// Most elements a document may hold once parsed: the elements of an HTML page, or the
    /// operators and operands of a PDF's pages (the forms they draw counted each time they
    /// are drawn). These are what take a reader's memory, some 100 to 400 bytes each, far
    /// more than the bytes they are written in. Default 250,000 (a page of an essay in PDF
    /// holds about 1,500; a web page of an essay saved from Word a few thousand elements).
    pub max_elements: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: 64 << 20,
            max_part_size: 64 << 20,
            max_entries: 10_000,
            max_text_size: 1 << 20,
            max_xml_depth: 1_000,
            max_pdf_depth: 50,
            max_elements: 250_000,
        }
    }
}

/// A byte count as people read it: `64 MB`, `512 KB`, `1000 bytes` (binary units).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size(pub u64);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        for (shift, unit) in [(30, "GB"), (20, "MB"), (10, "KB")] {
            if n >= 1 << shift && n % (1 << shift) == 0 {
                return write!(f, "{} {unit}", n >> shift);
            }
        }
        if n >= 1 << 20 {
            return write!(f, "{:.1} MB", n as f64 / (1u64 << 20) as f64);
        }
        write!(f, "{n} bytes")
    }
}

/// Parses a size given on the command line: a number of bytes with an optional unit
/// `K`/`KB`, `M`/`MB` or `G`/`GB` (binary: 1 KB = 1024 bytes), e.g. `64M`, `200KB`, `1000`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().map_err(|_| {
        format!("{s:?} is not a size; give bytes or a number with K, M or G (e.g. 64M)")
    })?;
    let shift = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        _ => {
            return Err(format!(
                "{s:?} has an unknown unit; use K, M or G (e.g. 64M)"
            ))
        }
    };
    let bytes = n
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("{s:?} is too large"))?;
    if bytes == 0 {
        return Err("a size limit must be above 0".into());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_and_print() {
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("200kb"), Ok(200 << 10));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("2 GB"), Ok(2 << 30));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5T").is_err());
        assert!(parse_size("0").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
        assert_eq!(Size(64 << 20).to_string(), "64 MB");
        assert_eq!(Size(512 << 10).to_string(), "512 KB");
        assert_eq!(Size(1000).to_string(), "1000 bytes");
        assert_eq!(Size(3 << 19).to_string(), "1536 KB");
        assert_eq!(Size((1 << 20) + 1).to_string(), "1.0 MB");
    }
}
