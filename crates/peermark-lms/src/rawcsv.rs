//! A CSV file as bytes with the place of every cell, so that a few cells can be replaced
//! while every other byte (BOM, quoting style, line ends, odd spacing) stays as it was.

use std::ops::Range;

/// One cell: where it is in the file (quotes included) and whether it was quoted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub range: Range<usize>,
    pub quoted: bool,
}

/// One record: its cells (a quoted cell may span lines).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<Cell>,
}

/// A CSV file held as bytes, split into rows and cells without changing anything.
#[derive(Debug)]
pub struct RawCsv {
    pub bytes: Vec<u8>,
    /// Length of a leading UTF-8 byte-order mark (0 or 3).
    pub bom: usize,
    pub rows: Vec<Row>,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

impl RawCsv {
    /// Splits `bytes` (RFC 4180: `,` separators, `"` quotes with `""` inside, CRLF, LF or CR
    /// line ends). Lenient: a stray quote inside an unquoted cell is part of the cell.
    pub fn parse(bytes: Vec<u8>) -> RawCsv {
        let bom = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
        let b = &bytes;
        let mut rows = Vec::new();
        let mut i = bom;
        while i < b.len() {
            let mut cells = Vec::new();
            loop {
                let start = i;
                let quoted = b.get(i) == Some(&b'"');
                if quoted {
                    i += 1;
                    while i < b.len() {
                        if b[i] == b'"' {
                            if b.get(i + 1) == Some(&b'"') {
                                i += 2;
                                continue;
                            }
                            i += 1;
                            break;
                        }
                        i += 1;
                    }
                }
                while i < b.len() && !matches!(b[i], b',' | b'\n' | b'\r') {
                    i += 1;
                }
                cells.push(Cell {
                    range: start..i,
                    quoted,
                });
                if b.get(i) == Some(&b',') {
                    i += 1;
                    continue;
                }
                break;
            }
            // The line end.
            if b.get(i) == Some(&b'\r') {
                i += 1;
            }
            if b.get(i) == Some(&b'\n') {
                i += 1;
            }
            rows.push(Row { cells });
        }
        RawCsv { bytes, bom, rows }
    }

    /// A cell's value: quotes removed, `""` → `"`; invalid UTF-8 replaced.
    pub fn value(&self, cell: &Cell) -> String {
        let raw = &self.bytes[cell.range.clone()];
        let inner = if cell.quoted && raw.len() >= 2 && raw.ends_with(b"\"") {
            &raw[1..raw.len() - 1]
        } else if cell.quoted {
            &raw[1..]
        } else {
            raw
        };
        String::from_utf8_lossy(inner).replace("\"\"", "\"")
    }

    /// The values of one row.
    pub fn values(&self, row: usize) -> Vec<String> {
        self.rows[row].cells.iter().map(|c| self.value(c)).collect()
    }

    /// The index of the column named `name` in the first row (the header).
    pub fn column(&self, name: &str) -> Option<usize> {
        let header = self.values(0);
        header.iter().position(|h| h.trim() == name)
    }

    /// The file with some cells replaced: `(row, column) → value`. A replaced cell keeps
    /// the quoting style of the cell it replaces (quoted stays quoted; unquoted stays
    /// unquoted unless the value needs quotes). Every other byte is copied.
    pub fn with_cells(&self, changes: &[((usize, usize), String)]) -> Vec<u8> {
        let mut edits: Vec<(Range<usize>, Vec<u8>)> = changes
            .iter()
            .filter_map(|((r, c), v)| {
                let cell = self.rows.get(*r)?.cells.get(*c)?;
                Some((cell.range.clone(), encode(v, cell.quoted)))
            })
            .collect();
        edits.sort_by_key(|(r, _)| r.start);
        let mut out = Vec::with_capacity(self.bytes.len() + 1024);
        let mut at = 0;
        for (range, new) in edits {
            if range.start < at {
                continue;
            }
            out.extend_from_slice(&self.bytes[at..range.start]);
            out.extend_from_slice(&new);
            at = range.end;
        }
        out.extend_from_slice(&self.bytes[at..]);
        out
    }
}

/// A value as a CSV cell.
pub fn encode(value: &str, quoted: bool) -> Vec<u8> {
    let needs = value.contains([',', '"', '\n', '\r']);
    if quoted || needs {
        format!("\"{}\"", value.replace('"', "\"\"")).into_bytes()
    } else {
        value.as_bytes().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_values() {
        let csv =
            RawCsv::parse(b"\xEF\xBB\xBF\"a\",b,\"c \"\"q\"\", d\"\r\n1,,\"x\ny\"\n\n".to_vec());
        assert_eq!(csv.bom, 3);
        assert_eq!(csv.rows.len(), 3);
        assert_eq!(csv.values(0), vec!["a", "b", "c \"q\", d"]);
        assert_eq!(csv.values(1), vec!["1", "", "x\ny"]);
        assert_eq!(csv.values(2), vec![""]);
        assert_eq!(csv.column("b"), Some(1));
    }

    #[test]
    fn replacing_cells_keeps_every_other_byte() {
        let src = b"\xEF\xBB\xBF\"a\",b\r\n\"\",\n\"x\",y".to_vec();
        let csv = RawCsv::parse(src);
        let out = csv.with_cells(&[
            ((1, 0), "say \"hi\"".into()),
            ((1, 1), "1,5".into()),
            ((2, 1), "z".into()),
        ]);
        assert_eq!(
            out,
            b"\xEF\xBB\xBF\"a\",b\r\n\"say \"\"hi\"\"\",\"1,5\"\n\"x\",z".to_vec()
        );
        // No changes: the same bytes.
        assert_eq!(csv.with_cells(&[]), csv.bytes);
    }
}
