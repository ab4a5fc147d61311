//! PDF (`.pdf`): the text layer, laid out again into paragraphs.
//!
//! `pdf-extract` (on `lopdf`) decodes each page's text with its fonts and hands over every
//! character with its position. From those, this module builds rows of text per page, drops
//! page headers and footers (rows at the top or bottom of the page that repeat on every page,
//! page numbers included), and recovers paragraphs from the layout: a gap wider than the usual
//! line spacing, a first-line (or hanging) indent, a change of font size, or a table row
//! starts a new paragraph. When the layout shows none of these, paragraphs are guessed from
//! short last lines and the document carries a warning saying so.
//!
//! A PDF with pages but no text (a scan) is [`IngestError::ScannedPdf`]; an encrypted one that
//! does not open with the empty password is [`IngestError::Locked`]; anything the PDF
//! libraries cannot parse, a panic inside them included, is [`IngestError::Damaged`]. A
//! crafted PDF (a decompression bomb, objects or forms nested without end) is refused by
//! [`crate::pdf_guard`] before the PDF libraries read it, within the [`Limits`].

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};
use peermark_text::document::Hint;
use peermark_text::{Document, Paragraph, SourceLines};

use crate::pdf_guard::{check_loaded, on_big_stack, prescan};
use crate::sniff::{sniff, Magic};
use crate::zipxml::damaged;
use crate::{IngestError, Limits};

const EXT: &str = "pdf";

/// What the document says when its paragraphs had to be guessed.
pub(crate) const GUESSED_PARAGRAPHS: &str = "The PDF's layout does not show where paragraphs \
start, so peermark guessed the paragraph breaks from line lengths; paragraph-level feedback may \
be less exact (a .docx, .odt or .txt copy of the essay avoids this).";

/// Reads a `.pdf` within `limits`.
pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Document, IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Empty);
    }
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        let wrong = |actual| {
            Err(IngestError::WrongFormat {
                expected: "a PDF",
                actual,
                ext: EXT,
            })
        };
        return match sniff(bytes) {
            Magic::Zip => wrong("a Word or OpenDocument file"),
            Magic::OleEncrypted | Magic::OleWord | Magic::OleOther => wrong("an Office file"),
            Magic::Rtf => wrong("an RTF file"),
            Magic::Html => wrong("a web page (HTML)"),
            Magic::Image => wrong("an image"),
            Magic::Pdf | Magic::Unknown => {
                if std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0) {
                    wrong("a plain-text file")
                } else {
                    Err(damaged(EXT, "it does not start like a PDF"))
                }
            }
        };
    }
    prescan(bytes, limits)?;
    // pdf-extract and lopdf can panic on malformed files: a panic is a damaged file.
    let pages = on_big_stack(|| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| extract(bytes, limits)))
    })
    .map_err(|_| damaged(EXT, "its pages cannot be read"))??;
    if pages.is_empty() {
        return Err(damaged(EXT, "it has no pages"));
    }
    if pages.iter().all(|p| p.runs.is_empty()) {
        return Err(IngestError::ScannedPdf);
    }
    let (paragraphs, recovered) = layout(pages);
    let mut doc = Document::new(paragraphs, SourceLines::Extracted);
    if doc.paragraphs.is_empty() {
        return Err(IngestError::ScannedPdf);
    }
    if !recovered {
        doc.warnings.push(GUESSED_PARAGRAPHS.to_string());
    }
    Ok(doc)
}

/// Loads the PDF and collects each page's text runs.
fn extract(bytes: &[u8], limits: &Limits) -> Result<Vec<Page>, IngestError> {
    use pdf_extract::Error as PdfError;
    let locked = IngestError::Locked { what: "PDF" };
    let mut doc = match pdf_extract::Document::load_mem(bytes) {
        Ok(d) => d,
        Err(PdfError::Decryption(_)) | Err(PdfError::UnsupportedSecurityHandler(_)) => {
            return Err(locked)
        }
        Err(_) => return Err(damaged(EXT, "its structure cannot be read")),
    };
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(locked);
    }
    // Images are emptied (pdf-extract would run their data as drawing instructions), and the
    // rest measured, before any page is read.
    check_loaded(&mut doc, limits)?;
    let mut out = Collector {
        pages: Vec::new(),
        flip: Transform::identity(),
        run: None,
        text: 0,
        max_text: limits.max_text_size,
    };
    pdf_extract::output_doc(&doc, &mut out).map_err(|e| match e {
        _ if out.text > out.max_text => IngestError::TextTooLarge {
            limit: limits.max_text_size,
        },
        OutputError::PdfError(PdfError::Decryption(_)) => IngestError::Locked { what: "PDF" },
        _ => damaged(EXT, "the text of its pages cannot be read"),
    })?;
    Ok(out.pages)
}

/// A stretch of text on one baseline without a wide gap.
#[derive(Clone, Debug)]
struct Run {
    x0: f64,
    x1: f64,
    /// Baseline, measured down from the top of the page.
    y: f64,
    size: f64,
    text: String,
}

#[derive(Default, Debug)]
struct Page {
    height: f64,
    runs: Vec<Run>,
}

struct Collector {
    pages: Vec<Page>,
    flip: Transform,
    run: Option<Run>,
    /// Bytes of text collected so far: reading stops once they pass `max_text`.
    text: u64,
    max_text: u64,
}

impl Collector {
    fn end_run(&mut self) {
        if let Some(mut r) = self.run.take() {
            let t = r.text.trim_end().len();
            r.text.truncate(t);
            if !r.text.trim().is_empty() {
                if let Some(p) = self.pages.last_mut() {
                    p.runs.push(r);
                }
            }
        }
    }
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        let height = media_box.ury - media_box.lly;
        self.flip = Transform::row_major(1., 0., 0., -1., 0., height);
        self.pages.push(Page {
            height,
            runs: Vec::new(),
        });
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.end_run();
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        let pos = trm.post_transform(&self.flip);
        let (vx, vy) = (
            font_size * (trm.m11 + trm.m21),
            font_size * (trm.m12 + trm.m22),
        );
        let mut size = (vx * vy).abs().sqrt();
        if !size.is_finite() || size < 0.5 {
            size = font_size.abs() * (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs().sqrt();
        }
        if !size.is_finite() || size < 0.5 {
            size = 1.0;
        }
        let (x, y) = (pos.m31, pos.m32);
        if !x.is_finite() || !y.is_finite() {
            return Ok(());
        }
        let end = x + width * size;
        let joins = self.run.as_ref().is_some_and(|r| {
            let s = r.size.max(size);
            (y - r.y).abs() <= 0.4 * s && x >= r.x1 - 0.5 * s && x <= r.x1 + 1.5 * s
        });
        if !joins {
            self.end_run();
            self.run = Some(Run {
                x0: x,
                x1: x,
                y,
                size,
                text: String::new(),
            });
        }
        self.text += text.len() as u64;
        if self.text > self.max_text {
            return Err(OutputError::FormatError(std::fmt::Error));
        }
        let Some(r) = self.run.as_mut() else {
            return Ok(());
        };
        let blank = text.chars().all(char::is_whitespace);
        if blank {
            if !r.text.is_empty() && !r.text.ends_with(' ') {
                r.text.push(' ');
            }
        } else {
            if x > r.x1 + 0.15 * size && !r.text.is_empty() && !r.text.ends_with(' ') {
                r.text.push(' ');
            }
            if r.text.is_empty() {
                r.x0 = x;
            }
            for c in text.chars() {
                match c {
                    '\u{FB00}' => r.text.push_str("ff"),
                    '\u{FB01}' => r.text.push_str("fi"),
                    '\u{FB02}' => r.text.push_str("fl"),
                    '\u{FB03}' => r.text.push_str("ffi"),
                    '\u{FB04}' => r.text.push_str("ffl"),
                    '\u{FB05}' | '\u{FB06}' => r.text.push_str("st"),
                    c if c.is_whitespace() => r.text.push(' '),
                    c if c.is_control() => {}
                    c => r.text.push(c),
                }
            }
            r.size = r.size.max(size);
        }
        r.x1 = r.x1.max(end);
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// One row of a page: runs on one baseline, left to right.
#[derive(Clone, Debug)]
struct Row {
    page: usize,
    y: f64,
    size: f64,
    segs: Vec<Run>,
}

impl Row {
    fn x0(&self) -> f64 {
        self.segs[0].x0
    }

    fn x1(&self) -> f64 {
        self.segs[self.segs.len() - 1].x1
    }

    fn text(&self) -> String {
        let parts: Vec<&str> = self.segs.iter().map(|s| s.text.trim()).collect();
        parts.join(" ")
    }
}

/// A gap wider than this many ems between two stretches of one row separates table cells
/// (or columns); narrower gaps are spaces, however loosely a justified line is set.
const COLUMN_GAP: f64 = 2.5;

/// Groups a page's runs into rows (top to bottom), merging runs that are close on one line.
fn rows_of(page: usize, mut runs: Vec<Run>) -> Vec<Row> {
    runs.sort_by(|a, b| a.y.total_cmp(&b.y));
    let mut rows: Vec<Row> = Vec::new();
    for r in runs {
        match rows.last_mut() {
            Some(row) if (r.y - row.y).abs() <= 0.4 * row.size.max(r.size) => {
                row.size = row.size.max(r.size);
                row.segs.push(r);
            }
            _ => rows.push(Row {
                page,
                y: r.y,
                size: r.size,
                segs: vec![r],
            }),
        }
    }
    for row in rows.iter_mut() {
        row.segs.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut merged: Vec<Run> = Vec::with_capacity(row.segs.len());
        for s in row.segs.drain(..) {
            match merged.last_mut() {
                Some(m) if s.x0 <= m.x1 + COLUMN_GAP * m.size.max(s.size) => {
                    if s.x0 > m.x1 + 0.15 * s.size || m.text.ends_with(' ') {
                        let t = m.text.trim_end().len();
                        m.text.truncate(t);
                        m.text.push(' ');
                    }
                    m.text.push_str(s.text.trim_start());
                    m.x1 = m.x1.max(s.x1);
                    m.size = m.size.max(s.size);
                }
                _ => merged.push(s),
            }
        }
        row.segs = merged;
    }
    rows
}

/// A row's text with digits made alike, to find headers and footers that differ only by page
/// number.
fn row_key(row: &Row) -> String {
    let mut k = String::new();
    for c in row.text().chars() {
        if c.is_ascii_digit() {
            if !k.ends_with('#') {
                k.push('#');
            }
        } else if !c.is_whitespace() {
            k.extend(c.to_lowercase());
        }
    }
    k
}

/// "3", "Page 3", "3 of 5", "- 3 -", "iv".
fn is_page_number(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    let t = t.trim_matches(|c: char| c == '-' || c == '–' || c == '—' || c.is_whitespace());
    let t = t.strip_prefix("page").unwrap_or(t).trim();
    let mut parts = t
        .split(|c: char| c == '/' || c.is_whitespace())
        .filter(|p| !p.is_empty());
    let num = |p: &str| {
        (!p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()))
            || (!p.is_empty() && p.len() <= 6 && p.chars().all(|c| "ivxlc".contains(c)))
    };
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(a), None, None, None) => num(a),
        (Some(a), Some("of"), Some(b), None) => num(a) && num(b),
        (Some(a), Some(b), None, None) => num(a) && num(b),
        _ => false,
    }
}

/// How many rows at the top and at the bottom of a page may be a header or footer.
const MARGIN_ROWS: usize = 3;
/// Share of the page height, from the top or bottom edge, where headers and footers sit.
const MARGIN_ZONE: f64 = 0.2;

/// Drops page headers and footers: rows at the top or bottom of a page that repeat (digits
/// aside) on every page, and page numbers.
fn drop_headers_and_footers(pages: &mut [(f64, Vec<Row>)]) {
    let n = pages.len();
    let in_top = |h: f64, r: &Row| r.y <= h * MARGIN_ZONE;
    let in_bottom = |h: f64, r: &Row| r.y >= h * (1.0 - MARGIN_ZONE);
    // Keys of candidate rows per page, top and bottom.
    let candidates = |top: bool| -> Vec<Vec<String>> {
        pages
            .iter()
            .map(|(h, rows)| {
                let it: Box<dyn Iterator<Item = &Row>> = if top {
                    Box::new(rows.iter().take(MARGIN_ROWS))
                } else {
                    Box::new(rows.iter().rev().take(MARGIN_ROWS))
                };
                it.filter(|r| if top { in_top(*h, r) } else { in_bottom(*h, r) })
                    .map(row_key)
                    .collect()
            })
            .collect()
    };
    let top_keys = candidates(true);
    let bottom_keys = candidates(false);
    let repeated = |cands: &[Vec<String>], key: &str| {
        n >= 2 && cands.iter().filter(|c| c.iter().any(|k| k == key)).count() == n
    };
    for (h, rows) in pages.iter_mut() {
        let h = *h;
        let drop = |r: &Row, top: bool| {
            let key = row_key(r);
            is_page_number(&r.text())
                || (top && repeated(&top_keys, &key))
                || (!top && repeated(&bottom_keys, &key))
        };
        // Page numbers alone on a row near the top or bottom edge go first.
        let len = rows.len();
        let mut i = 0;
        rows.retain(|r| {
            let near =
                (i < MARGIN_ROWS && in_top(h, r)) || (i + MARGIN_ROWS >= len && in_bottom(h, r));
            i += 1;
            !(near && is_page_number(&r.text()))
        });
        // Headers are the rows from the top edge down that repeat; footers likewise from
        // the bottom edge up: the first row that does not repeat is the page's own text.
        let head = rows
            .iter()
            .take(MARGIN_ROWS)
            .take_while(|r| in_top(h, r) && drop(r, true))
            .count();
        rows.drain(..head);
        let foot = rows
            .iter()
            .rev()
            .take(MARGIN_ROWS)
            .take_while(|r| in_bottom(h, r) && drop(r, false))
            .count();
        rows.truncate(rows.len() - foot);
    }
}

/// The most common value, rounded to `step`.
fn mode(values: impl Iterator<Item = f64>, step: f64) -> Option<f64> {
    let mut counts: Vec<(i64, usize)> = Vec::new();
    for v in values {
        let k = (v / step).round() as i64;
        match counts.iter_mut().find(|(c, _)| *c == k) {
            Some(e) => e.1 += 1,
            None => counts.push((k, 1)),
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(k, _)| k as f64 * step)
}

fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .ends_with(['.', '!', '?', ':', '"', '\u{201d}', '\u{2019}', ')'])
}

/// Whether row `q` stops before the right margin `right` with room for the first word of
/// the next row `r` (so the line was ended on purpose, not wrapped).
fn ended_early(q: &Row, r: &Row, right: f64, em: f64) -> bool {
    let text = r.text();
    let chars = text.chars().count().max(1) as f64;
    let per_char = ((r.x1() - r.x0()) / chars).clamp(0.2 * em, em);
    let word = text
        .split_whitespace()
        .next()
        .map_or(0, |w| w.chars().count()) as f64;
    q.x1() + per_char * (word + 1.0) < right - 0.2 * em
}

/// A paragraph being built from rows.
struct Building {
    text: String,
    hint: Hint,
}

fn append_line(text: &mut String, line: &str) {
    let line = line.trim();
    if line.is_empty() {
        return;
    }
    if text.is_empty() {
        text.push_str(line);
        return;
    }
    if text.ends_with('\u{ad}') {
        text.pop();
        text.push_str(line);
        return;
    }
    let mut rev = text.chars().rev();
    let hyphenated = rev.next() == Some('-') && rev.next().is_some_and(char::is_alphabetic);
    if hyphenated && line.chars().next().is_some_and(char::is_lowercase) {
        // "drop-" + "in": a hyphen at the end of a line joins the word back.
        text.push_str(line);
    } else {
        text.push(' ');
        text.push_str(line);
    }
}

/// Rebuilds paragraphs from the pages' rows; `true` when the layout showed the breaks.
fn layout(pages: Vec<Page>) -> (Vec<Paragraph>, bool) {
    let mut pages: Vec<(f64, Vec<Row>)> = pages
        .into_iter()
        .enumerate()
        .map(|(i, p)| (p.height, rows_of(i, p.runs)))
        .collect();
    drop_headers_and_footers(&mut pages);
    let rows: Vec<Row> = pages.into_iter().flat_map(|(_, r)| r).collect();
    if rows.is_empty() {
        return (Vec::new(), true);
    }
    let single = || rows.iter().filter(|r| r.segs.len() == 1);
    let body_size = mode(single().map(|r| r.size), 0.5).unwrap_or(rows[0].size);
    let is_body = |r: &Row| r.segs.len() == 1 && (r.size - body_size).abs() < 0.75;
    // The left margin: the leftmost start of body rows that more than one row shares (hanging
    // indents put most rows to the right of it).
    let starts_at: Vec<f64> = single()
        .filter(|r| is_body(r))
        .map(|r| r.x0().round())
        .collect();
    let shared = |x: &f64| starts_at.iter().filter(|y| *y == x).count() > 1;
    let left = starts_at
        .iter()
        .copied()
        .filter(|x| starts_at.len() < 4 || shared(x))
        .fold(f64::INFINITY, f64::min);
    let left = if left.is_finite() { left } else { 0.0 };
    let right = single()
        .filter(|r| is_body(r))
        .map(|r| r.x1())
        .fold(left, f64::max);
    let pitch = mode(
        rows.windows(2)
            .filter(|w| w[0].page == w[1].page && is_body(&w[0]) && is_body(&w[1]))
            .map(|w| w[1].y - w[0].y)
            .filter(|g| *g > 0.0),
        0.5,
    )
    .unwrap_or(body_size * 1.2);
    let em = body_size.max(1.0);
    let indented = |r: &Row| r.x0() > left + 0.8 * em;
    // First-line indents (one indented row per paragraph, the rest at the margin) or hanging
    // indents (one row at the margin per paragraph, the rest indented)? Whichever kind of row
    // is rarer is the one that starts paragraphs.
    let body: Vec<&Row> = rows.iter().filter(|r| is_body(r)).collect();
    let indented_rows = body.iter().filter(|r| indented(r)).count();
    let indent_style = if indented_rows == 0 || indented_rows == body.len() {
        None
    } else {
        Some(indented_rows <= body.len() - indented_rows)
    };

    // Which rows start a paragraph, by layout signals.
    let n = rows.len();
    let mut starts = vec![false; n];
    let mut signals = 0usize;
    starts[0] = true;
    for i in 1..n {
        let (q, r) = (&rows[i - 1], &rows[i]);
        if q.segs.len() > 1 || r.segs.len() > 1 || (q.size - r.size).abs() >= 0.75 {
            starts[i] = true;
            continue;
        }
        // Across a page break: the last row ended early (a heading, a paragraph's last
        // line), or ends a sentence well short of the margin.
        let short =
            ended_early(q, r, right, em) || (ends_sentence(&q.text()) && q.x1() < right - 2.0 * em);
        if q.page != r.page {
            starts[i] = short || (indent_style == Some(true) && indented(r) && !indented(q));
            continue;
        }
        let gap = r.y - q.y;
        let scale = r.size / body_size;
        let by_gap = gap > pitch * scale * 1.3;
        let by_indent = is_body(q)
            && is_body(r)
            && match indent_style {
                // An indented row after a row at the margin, or after an indented row that
                // stops short of the margin (a one-row paragraph), starts a paragraph; indented
                // rows that reach the margin are a block quotation going on.
                Some(true) => indented(r) && (!indented(q) || q.x1() < right - em),
                Some(false) => !indented(r) && indented(q),
                None => false,
            };
        if by_gap || by_indent {
            starts[i] = true;
            signals += 1;
        } else if is_body(q)
            && ended_early(q, r, right, em)
            && r.text().chars().next().is_some_and(|c| !c.is_lowercase())
        {
            // A row that stopped short though the next row's first word would have fitted
            // ended on purpose: a heading, or a paragraph's last line before one.
            starts[i] = true;
        }
    }
    let body_rows = rows.iter().filter(|r| is_body(r)).count();
    let recovered = signals > 0 || body_rows < 6;
    if !recovered {
        for i in 1..n {
            let (q, r) = (&rows[i - 1], &rows[i]);
            // A line that stops short of the margin, though the next line's first word would
            // have fitted, ends its paragraph (or is a heading).
            if q.page == r.page
                && ended_early(q, r, right, em)
                && r.text().chars().next().is_some_and(|c| !c.is_lowercase())
            {
                starts[i] = true;
            }
        }
    }

    let mut out: Vec<Building> = Vec::new();
    // Open table: the x of each column and the index in `out` of each cell of the last row.
    let mut table: Option<(Vec<f64>, Vec<usize>)> = None;
    for (i, r) in rows.iter().enumerate() {
        if r.segs.len() > 1 {
            let cols: Vec<f64> = r.segs.iter().map(|s| s.x0).collect();
            let mut cells = Vec::new();
            for s in &r.segs {
                cells.push(out.len());
                out.push(Building {
                    text: s.text.trim().to_string(),
                    hint: Hint::TableCell,
                });
            }
            table = Some((cols, cells));
            continue;
        }
        if let Some((cols, cells)) = table.as_ref() {
            // A wrapped line of a cell other than the first (the first is where body text
            // starts too, so it ends the table).
            let col = cols
                .iter()
                .enumerate()
                .skip(1)
                .find(|(_, x)| (r.x0() - **x).abs() < 0.5 * em)
                .map(|(k, _)| k);
            if let (Some(k), true) = (col, r.y - rows[i - 1].y < pitch * 1.3) {
                if let Some(&idx) = cells.get(k) {
                    append_line(&mut out[idx].text, &r.text());
                    continue;
                }
            }
            table = None;
        }
        let text = r.text();
        if starts[i] || out.is_empty() || out.last().is_some_and(|b| b.hint == Hint::TableCell) {
            let hint = if r.size > body_size + 1.0 {
                Hint::Heading
            } else {
                Hint::None
            };
            out.push(Building {
                text: String::new(),
                hint,
            });
        }
        if let Some(b) = out.last_mut() {
            append_line(&mut b.text, &text);
        }
    }
    let paragraphs = out
        .into_iter()
        .map(|b| Paragraph::new(b.text, b.hint))
        .collect();
    (paragraphs, recovered)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(x0: f64, x1: f64, y: f64, text: &str) -> Run {
        Run {
            x0,
            x1,
            y,
            size: 11.0,
            text: text.into(),
        }
    }

    fn page(runs: Vec<Run>) -> Page {
        Page {
            height: 800.0,
            runs,
        }
    }

    fn texts(pages: Vec<Page>) -> (Vec<String>, bool) {
        let (p, ok) = layout(pages);
        (p.into_iter().map(|p| p.text).collect(), ok)
    }

    #[test]
    fn page_numbers() {
        for s in ["3", "Page 3", "page 3 of 12", "- 4 -", "iv", "12 / 30"] {
            assert!(is_page_number(s), "{s}");
        }
        for s in ["2019 Volunteering", "In 2016", "I", "Page three"] {
            assert!(!is_page_number(s) || s == "I", "{s}");
        }
    }

    #[test]
    fn headers_footers_and_page_numbers_are_dropped() {
        let mk = |n: usize, body: &str| {
            page(vec![
                run(72.0, 300.0, 40.0, "Learner: Jane Doe | Unit 1"),
                run(72.0, 500.0, 100.0, body),
                run(72.0, 300.0, 114.0, "ends here."),
                run(290.0, 300.0, 760.0, &n.to_string()),
                run(72.0, 300.0, 775.0, &format!("Confidential, page {n}")),
            ])
        };
        let (t, _) = texts(vec![mk(1, "First page text"), mk(2, "Second page text")]);
        assert_eq!(
            t,
            vec!["First page text ends here.", "Second page text ends here."]
        );
        // One page: nothing repeats, so only the page number goes.
        let (t, _) = texts(vec![mk(1, "Only page")]);
        assert_eq!(
            t,
            vec![
                "Learner: Jane Doe | Unit 1",
                "Only page ends here.",
                "Confidential, page 1"
            ]
        );
    }

    #[test]
    fn paragraphs_from_gaps_indents_hyphens_and_tables() {
        let rows = vec![
            run(72.0, 500.0, 100.0, "A first paragraph that runs the full"),
            run(72.0, 300.0, 114.0, "width of the page."),
            run(72.0, 500.0, 138.0, "A second paragraph with a drop-"),
            run(72.0, 300.0, 152.0, "in word."),
            run(72.0, 120.0, 170.0, "When"),
            run(300.0, 400.0, 170.0, "What helped"),
            run(72.0, 120.0, 184.0, "2017"),
            run(300.0, 500.0, 184.0, "Meeting a peer"),
            run(300.0, 400.0, 198.0, "worker"),
            run(72.0, 500.0, 212.0, "After the table, body"),
            run(72.0, 300.0, 226.0, "text again."),
        ];
        let (t, ok) = texts(vec![page(rows)]);
        assert!(ok);
        assert_eq!(
            t,
            vec![
                "A first paragraph that runs the full width of the page.",
                "A second paragraph with a drop-in word.",
                "When",
                "What helped",
                "2017",
                "Meeting a peer worker",
                "After the table, body text again."
            ]
        );
        // First-line indents, no gaps.
        let rows = vec![
            run(90.0, 500.0, 100.0, "Indented start of one"),
            run(72.0, 500.0, 114.0, "paragraph goes on"),
            run(72.0, 200.0, 128.0, "and ends."),
            run(90.0, 500.0, 142.0, "Another starts"),
            run(72.0, 500.0, 156.0, "and goes on"),
            run(72.0, 200.0, 170.0, "to its end."),
        ];
        let (t, ok) = texts(vec![page(rows)]);
        assert!(ok);
        assert_eq!(
            t,
            vec![
                "Indented start of one paragraph goes on and ends.",
                "Another starts and goes on to its end."
            ]
        );
    }

    #[test]
    fn a_page_break_joins_a_wrapped_paragraph_and_ends_a_heading() {
        let p1 = page(vec![
            run(72.0, 500.0, 100.0, "A first paragraph, only to set"),
            run(72.0, 200.0, 114.0, "the spacing."),
            run(72.0, 500.0, 686.0, "A paragraph that runs over the"),
            run(72.0, 500.0, 700.0, "page break and goes"),
        ]);
        let p2 = page(vec![
            run(72.0, 500.0, 100.0, "on at the top of the next page, ending"),
            run(72.0, 200.0, 114.0, "there."),
            run(72.0, 500.0, 686.0, "A paragraph that ends at the foot"),
            run(72.0, 200.0, 700.0, "of the page."),
            run(72.0, 160.0, 724.0, "Heading at the foot"),
        ]);
        let p3 = page(vec![
            run(72.0, 500.0, 100.0, "Body under the heading on the next"),
            run(72.0, 200.0, 114.0, "page."),
        ]);
        let (t, _) = texts(vec![p1, p2, p3]);
        assert_eq!(
            t,
            vec![
                "A first paragraph, only to set the spacing.",
                "A paragraph that runs over the page break and goes on at the top of the next page, ending there.",
                "A paragraph that ends at the foot of the page.",
                "Heading at the foot",
                "Body under the heading on the next page."
            ]
        );
    }

    #[test]
    fn headings_and_one_row_paragraphs_between_first_line_indents() {
        // Justified, first-line indents, no paragraph spacing (a common Word layout).
        let rows = vec![
            run(
                108.0,
                540.0,
                100.0,
                "Indented start of the first paragraph that",
            ),
            run(
                72.0,
                540.0,
                114.0,
                "is justified to the margin and ends on a",
            ),
            run(72.0, 300.0, 128.0, "short last line."),
            run(72.0, 200.0, 142.0, "A heading at the margin"),
            run(
                108.0,
                540.0,
                156.0,
                "The next paragraph starts indented and",
            ),
            run(72.0, 300.0, 170.0, "ends here."),
            run(
                108.0,
                480.0,
                184.0,
                "One-row paragraph, indented, stopping short.",
            ),
            run(
                108.0,
                540.0,
                198.0,
                "Another one starts indented right below and",
            ),
            run(72.0, 300.0, 212.0, "ends."),
        ];
        let (t, ok) = texts(vec![page(rows)]);
        assert!(ok);
        assert_eq!(
            t,
            vec![
                "Indented start of the first paragraph that is justified to the margin and ends on a short last line.",
                "A heading at the margin",
                "The next paragraph starts indented and ends here.",
                "One-row paragraph, indented, stopping short.",
                "Another one starts indented right below and ends."
            ]
        );
    }

    #[test]
    fn hanging_indents() {
        let rows = vec![
            run(
                72.0,
                500.0,
                100.0,
                "Anthony, W.A. (1993) Recovery from mental",
            ),
            run(
                90.0,
                500.0,
                114.0,
                "illness: the guiding vision of the mental",
            ),
            run(90.0, 300.0, 128.0, "health service system."),
            run(
                72.0,
                500.0,
                142.0,
                "Leamy, M. et al. (2011) Conceptual framework",
            ),
            run(
                90.0,
                500.0,
                156.0,
                "for personal recovery in mental health,",
            ),
            run(90.0, 300.0, 170.0, "199(6), pp. 445-452."),
        ];
        let (t, ok) = texts(vec![page(rows)]);
        assert!(ok);
        assert_eq!(t.len(), 2, "{t:#?}");
        assert!(t[1].starts_with("Leamy"));
    }

    #[test]
    fn no_layout_signal_means_guessed_paragraphs() {
        let rows = vec![
            run(72.0, 500.0, 100.0, "One paragraph with no gap"),
            run(72.0, 500.0, 114.0, "and no indent at all"),
            run(72.0, 200.0, 128.0, "ends short."),
            run(72.0, 500.0, 142.0, "The next one starts"),
            run(72.0, 500.0, 156.0, "right below it and"),
            run(72.0, 200.0, 170.0, "ends too."),
        ];
        let (t, ok) = texts(vec![page(rows)]);
        assert!(!ok);
        assert_eq!(
            t,
            vec![
                "One paragraph with no gap and no indent at all ends short.",
                "The next one starts right below it and ends too."
            ]
        );
    }

    #[test]
    fn not_pdfs_and_broken_pdfs_are_errors() {
        assert!(matches!(
            read(b"", &Limits::default()),
            Err(IngestError::Empty)
        ));
        assert!(matches!(
            read(b"PK\x03\x04rest of a zip", &Limits::default()),
            Err(IngestError::WrongFormat {
                actual: "a Word or OpenDocument file",
                ..
            })
        ));
        assert!(matches!(
            read(b"%PDF-1.4\n garbage without objects", &Limits::default()),
            Err(IngestError::Damaged { ext: "pdf", .. })
        ));
        let e = read(b"just some words", &Limits::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "not a PDF (it is a plain-text file renamed to .pdf); ask for the essay saved as .docx"
        );
    }
}
