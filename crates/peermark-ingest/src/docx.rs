//! Word 2007+ (`.docx`): the main document part, streamed with quick-xml.
//!
//! Only `word/document.xml` is read (plus `word/styles.xml` when a paragraph uses a style
//! whose id does not already say what it is). Headers, footers, footnotes, endnotes and
//! comments live in other parts and so are never read. Tracked changes read as accepted.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::ops::Range;

use peermark_text::document::Hint;
use peermark_text::{Document, Paragraph, SourceLines};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::docx_map::{DocxMap, MappedDocx, ParaMap, Piece, PieceSource, RunSpan};
use crate::sniff::{sniff, Magic};
use crate::zipxml::{attr, damaged, new_reader, open_zip, read_part, XmlError, Zip};
use crate::IngestError;

const MAIN_PART: &str = "word/document.xml";
const STYLES_PART: &str = "word/styles.xml";

/// Reads a `.docx` (`ext` is the extension the file was named with, for messages).
pub(crate) fn read(bytes: &[u8], ext: &'static str) -> Result<Document, IngestError> {
    read_inner(bytes, ext, false).map(|(doc, _)| doc)
}

/// Reads a `.docx` and, when `record` is set, where each paragraph's text is in the XML.
pub(crate) fn read_inner(
    bytes: &[u8],
    ext: &'static str,
    record: bool,
) -> Result<(Document, Option<DocxMap>), IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Empty);
    }
    let not_word = |actual| Err(IngestError::NotWord { actual, ext });
    match sniff(bytes) {
        Magic::Zip => {}
        Magic::Pdf => return not_word("a PDF"),
        Magic::OleEncrypted => return Err(IngestError::PasswordProtected),
        Magic::OleWord => return Err(IngestError::LegacyDoc),
        Magic::OleOther => return not_word("an older Office file, not Word"),
        Magic::Rtf => return not_word("an RTF file"),
        Magic::Html => return not_word("a web page (HTML)"),
        Magic::Image => return not_word("an image"),
        Magic::Unknown => {
            return if std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0) {
                not_word("a plain-text file")
            } else {
                Err(damaged(ext, "the zip container cannot be read"))
            };
        }
    }
    let mut zip = open_zip(bytes, ext)?;
    refuse_doctype_in_rels(&mut zip)?;
    let main = match main_part(&mut zip) {
        Some(name) => name,
        None => {
            let has = |prefix: &str| zip.file_names().any(|n| n.starts_with(prefix));
            return if has("mimetype") && has("content.xml") {
                not_word("an OpenDocument file")
            } else if has("xl/") {
                not_word("an Excel workbook")
            } else if has("ppt/") {
                not_word("a PowerPoint presentation")
            } else if has("[Content_Types].xml") {
                Err(damaged(ext, "the document part is missing"))
            } else {
                not_word("a zip archive of other files")
            };
        }
    };
    let xml = read_part(&mut zip, &main, ext)?;
    let mut parsed = parse_document_with(&xml, record).map_err(|e| e.into_error(ext))?;

    // Resolve paragraph styles; styles.xml is read only for ids that do not speak for
    // themselves (localised or custom style ids).
    let unknown: HashSet<&str> = parsed
        .paras
        .iter()
        .filter_map(|p| p.style.as_deref())
        .filter(|s| style_from_id(s).is_none())
        .collect();
    let styles = if unknown.is_empty() || zip.index_for_name(STYLES_PART).is_none() {
        HashMap::new()
    } else {
        let xml = read_part(&mut zip, STYLES_PART, ext)?;
        parse_styles(&xml).map_err(|e| e.into_error(ext))?
    };

    let mut paragraphs = Vec::with_capacity(parsed.paras.len());
    let mut maps = Vec::new();
    for p in parsed.paras.drain(..) {
        // Document::new drops paragraphs without text; the map keeps in step with it.
        if record && p.text.chars().any(|c| !c.is_whitespace()) {
            maps.push(ParaMap {
                pieces: p.pieces.clone(),
                xml: p.xml.clone(),
            });
        }
        let style = p
            .style
            .as_deref()
            .map(|s| resolve_style(s, &styles))
            .unwrap_or(StyleKind::Plain);
        let hint = if p.table {
            Hint::TableCell
        } else if p.outline || style == StyleKind::Heading {
            Hint::Heading
        } else if style == StyleKind::Title {
            Hint::Title
        } else if p.numbered.unwrap_or(style == StyleKind::List) {
            Hint::ListItem
        } else {
            Hint::None
        };
        let mut para = Paragraph::new(p.text, hint);
        para.emphasis = p.emphasis;
        paragraphs.push(para);
    }
    let doc = Document::new(paragraphs, SourceLines::Extracted);
    if doc.paragraphs.is_empty() {
        return Err(IngestError::NoText);
    }
    let map = record.then_some(DocxMap {
        main_part: main,
        xml,
        paragraphs: maps,
        runs: parsed.runs,
        prefix: parsed.prefix,
    });
    Ok((doc, map))
}

/// A `.doc` file: legacy Word is refused, but a `.docx` saved under a `.doc` name is read.
pub(crate) fn read_doc(bytes: &[u8]) -> Result<Document, IngestError> {
    match sniff(bytes) {
        _ if bytes.is_empty() => Err(IngestError::Empty),
        Magic::Zip => read(bytes, "doc"),
        Magic::OleEncrypted => Err(IngestError::PasswordProtected),
        Magic::Pdf => Err(IngestError::NotWord {
            actual: "a PDF",
            ext: "doc",
        }),
        _ => Err(IngestError::LegacyDoc),
    }
}

/// A package-relationships part with a DOCTYPE is refused like any other part.
fn refuse_doctype_in_rels(zip: &mut Zip<'_>) -> Result<(), IngestError> {
    let Ok(f) = zip.by_name("_rels/.rels") else {
        return Ok(());
    };
    let mut head = Vec::new();
    let _ = f.take(1 << 20).read_to_end(&mut head);
    let lower = head.to_ascii_lowercase();
    if lower
        .windows(9)
        .any(|w| w == b"<!doctype" || w == b"<!entity ")
    {
        return Err(IngestError::EntityDeclarations);
    }
    Ok(())
}

/// The main document part: `word/document.xml`, or whatever `_rels/.rels` names.
fn main_part(zip: &mut Zip<'_>) -> Option<String> {
    if zip.index_for_name(MAIN_PART).is_some() {
        return Some(MAIN_PART.to_string());
    }
    let mut rels = Vec::new();
    zip.by_name("_rels/.rels")
        .ok()?
        .take(1 << 20)
        .read_to_end(&mut rels)
        .ok()?;
    let mut reader = Reader::from_reader(rels.as_slice());
    loop {
        match reader.read_event().ok()? {
            Event::Eof => return None,
            Event::DocType(_) => return None,
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Relationship" => {
                let ty = attr(&e, b"Type")?;
                if ty.ends_with(b"/officeDocument") {
                    let target = String::from_utf8(attr(&e, b"Target")?.to_vec()).ok()?;
                    let name = target.trim_start_matches('/').to_string();
                    return zip.index_for_name(&name).map(|_| name);
                }
            }
            _ => {}
        }
    }
}

/// `w:val` of an on/off property: absent or anything but 0/false/off means on.
fn on_off(e: &BytesStart<'_>) -> bool {
    !matches!(
        attr(e, b"val").as_deref(),
        Some(b"0") | Some(b"false") | Some(b"off")
    )
}

/// A paragraph as read, before styles are resolved.
#[derive(Default)]
struct RawPara {
    text: String,
    emphasis: Vec<Range<usize>>,
    style: Option<String>,
    /// Direct numbering: `Some(true)` numbered, `Some(false)` numbering removed (numId 0).
    numbered: Option<bool>,
    /// Direct outline level 0–8 (a heading).
    outline: bool,
    table: bool,
    /// Where the text came from (only when recording a map).
    pieces: Vec<Piece>,
    xml: Range<usize>,
}

impl RawPara {
    fn push_from(&mut self, s: &str, italic: bool, src: Option<(PieceSource, usize)>) {
        if s.is_empty() {
            return;
        }
        let start = self.text.len();
        self.text.push_str(s);
        if let Some((source, run)) = src {
            self.pieces.push(Piece {
                text: start..self.text.len(),
                cut: 0,
                source,
                run,
            });
        }
        if italic {
            match self.emphasis.last_mut() {
                Some(r) if r.end == start => r.end = self.text.len(),
                _ => self.emphasis.push(start..self.text.len()),
            }
        }
    }

    /// Trims surrounding whitespace, keeping emphasis ranges on the same characters.
    fn finish(mut self) -> RawPara {
        let end = self.text.trim_end().len();
        self.text.truncate(end);
        let lead = self.text.len() - self.text.trim_start().len();
        if lead > 0 {
            self.text.drain(..lead);
        }
        let len = self.text.len();
        for piece in &mut self.pieces {
            // A piece whose start was trimmed away: `cut` bytes of its text are not shown.
            piece.cut = lead.saturating_sub(piece.text.start);
            piece.text = piece.text.start.saturating_sub(lead).min(len)
                ..piece.text.end.saturating_sub(lead).min(len);
        }
        self.pieces.retain(|p| p.text.start < p.text.end);
        self.emphasis = self
            .emphasis
            .into_iter()
            .map(|r| r.start.saturating_sub(lead).min(len)..r.end.saturating_sub(lead).min(len))
            .filter(|r| r.start < r.end)
            .collect();
        self
    }
}

struct Parsed {
    paras: Vec<RawPara>,
    /// Every run read (only when recording a map).
    runs: Vec<RunSpan>,
    /// The prefix of WordprocessingML elements (`w`), from `w:body`.
    prefix: String,
}

/// Records where runs and their children are in the XML, for [`DocxMap`].
#[derive(Default)]
struct Tracker {
    depth: usize,
    /// Open runs: index in `runs` and element depth.
    open: Vec<(usize, usize)>,
    rpr_start: Option<usize>,
    runs: Vec<RunSpan>,
    /// The open `w:t` start tag.
    t_tag: Range<usize>,
    prefix: String,
}

impl Tracker {
    fn observe(&mut self, event: &Event<'_>, at: Range<usize>, skip: u32) {
        match event {
            Event::Start(e) => {
                self.depth += 1;
                let name = e.local_name();
                if let Some(&(run, d)) = self.open.last() {
                    if self.depth == d + 1 {
                        if name.as_ref() == b"rPr" {
                            self.rpr_start = Some(at.start);
                        } else {
                            self.runs[run].first_child.get_or_insert(at.start);
                        }
                    }
                }
                match name.as_ref() {
                    b"r" if skip == 0 => {
                        let qname = e.name();
                        let prefix = qname.prefix().map(|p| p.as_ref().to_vec());
                        self.runs.push(RunSpan {
                            start_tag: at.clone(),
                            rpr: None,
                            first_child: None,
                            last_child_end: at.end,
                            end_tag: at.end..at.end,
                            word: prefix.as_deref() == Some(self.prefix.as_bytes()),
                        });
                        self.open.push((self.runs.len() - 1, self.depth));
                    }
                    b"t" => self.t_tag = at,
                    b"body" if self.prefix.is_empty() => {
                        if let Some(p) = e.name().prefix() {
                            self.prefix = String::from_utf8_lossy(p.as_ref()).into_owned();
                        }
                    }
                    _ => {}
                }
            }
            Event::Empty(e) => {
                if let Some(&(run, d)) = self.open.last() {
                    if self.depth + 1 == d + 1 {
                        let r = &mut self.runs[run];
                        if e.local_name().as_ref() == b"rPr" {
                            r.rpr = Some(at);
                        } else {
                            r.first_child.get_or_insert(at.start);
                            r.last_child_end = at.end;
                        }
                    }
                }
            }
            Event::End(e) => {
                if let Some(&(run, d)) = self.open.last() {
                    let r = &mut self.runs[run];
                    if self.depth == d {
                        r.end_tag = at;
                        self.open.pop();
                    } else if self.depth == d + 1 {
                        match (e.local_name().as_ref(), self.rpr_start.take()) {
                            (b"rPr", Some(start)) => r.rpr = Some(start..at.end),
                            _ => r.last_child_end = at.end,
                        }
                    }
                }
                self.depth = self.depth.saturating_sub(1);
            }
            _ => {}
        }
    }

    fn run(&self) -> Option<usize> {
        self.open.last().map(|&(r, _)| r)
    }
}

/// Streams `word/document.xml` into paragraphs.
#[cfg(test)]
fn parse_document(xml: &[u8]) -> Result<Parsed, XmlError> {
    parse_document_with(xml, false)
}

/// Streams `word/document.xml` into paragraphs; with `record`, also where their text is.
fn parse_document_with(xml: &[u8], record: bool) -> Result<Parsed, XmlError> {
    let mut reader = new_reader(xml);
    let mut depth = 0u32;
    let mut paras: Vec<RawPara> = Vec::new();
    // Open paragraphs: text boxes put paragraphs inside a run of another paragraph.
    let mut open: Vec<RawPara> = Vec::new();
    // Depth inside an element whose content is not read (deleted text, field codes, …).
    let mut skip = 0u32;
    let mut tables = 0u32;
    let mut in_ppr = false;
    let mut in_rpr = false;
    let mut runs = 0u32;
    let mut in_t = false;
    let mut italic = false;
    // Content controls: whether each open `w:sdt` is showing its placeholder text.
    let mut sdt: Vec<bool> = Vec::new();
    let mut tracker = Tracker::default();

    loop {
        let before = reader.buffer_position() as usize;
        let event = crate::zipxml::next_event(&mut reader, &mut depth)?;
        let at = before..reader.buffer_position() as usize;
        if record {
            tracker.observe(&event, at.clone(), skip);
        }
        let src = |source: PieceSource| {
            if record {
                tracker.run().map(|r| (source, r))
            } else {
                None
            }
        };
        match event {
            Event::Eof => break,
            Event::DocType(_) => return Err(XmlError::Entities),
            Event::Start(_) if skip > 0 => skip += 1,
            Event::End(_) if skip > 0 => skip -= 1,
            Event::Start(e) => {
                match e.local_name().as_ref() {
                    // Text that is not part of the document as it stands.
                    b"del" | b"moveFrom" | b"delText" | b"instrText" | b"delInstrText"
                    | b"pPrChange" | b"rPrChange" | b"Fallback" => skip = 1,
                    b"sdtContent" if sdt.last() == Some(&true) => skip = 1,
                    b"p" => open.push(RawPara {
                        table: tables > 0,
                        xml: at.end..at.end,
                        ..RawPara::default()
                    }),
                    b"tc" => tables += 1,
                    b"pPr" => in_ppr = true,
                    b"rPr" => in_rpr = true,
                    b"r" => {
                        runs += 1;
                        italic = false;
                    }
                    b"t" => in_t = runs > 0,
                    b"sdt" => sdt.push(false),
                    _ => leaf(
                        &e,
                        &mut open,
                        in_ppr,
                        in_rpr,
                        runs,
                        &mut italic,
                        &mut sdt,
                        None,
                    ),
                }
            }
            Event::Empty(e) if skip == 0 => {
                let s = src(PieceSource::Element { xml: at.clone() });
                if e.local_name().as_ref() == b"pPr" {
                    if let Some(p) = open.last_mut() {
                        p.xml = at.end..at.end;
                    }
                }
                leaf(
                    &e,
                    &mut open,
                    in_ppr,
                    in_rpr,
                    runs,
                    &mut italic,
                    &mut sdt,
                    s,
                );
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"p" => {
                    if let Some(mut p) = open.pop() {
                        p.xml.end = at.start;
                        paras.push(p.finish());
                    }
                }
                b"tc" => tables = tables.saturating_sub(1),
                b"pPr" => {
                    in_ppr = false;
                    if let Some(p) = open.last_mut() {
                        p.xml = at.end..at.end;
                    }
                }
                b"rPr" => in_rpr = false,
                b"r" => {
                    runs = runs.saturating_sub(1);
                    italic = false;
                }
                b"t" => in_t = false,
                b"sdt" => {
                    sdt.pop();
                }
                _ => {}
            },
            Event::Text(t) if in_t && skip == 0 => {
                let s = src(PieceSource::Text {
                    raw: at.clone(),
                    tag: tracker.t_tag.clone(),
                    cdata: false,
                });
                if let Some(p) = open.last_mut() {
                    let text = t.unescape().map_err(|_| XmlError::Malformed)?;
                    p.push_from(&text, italic, s);
                }
            }
            Event::CData(t) if in_t && skip == 0 => {
                let raw = at.start + 9..at.end.saturating_sub(3);
                let s = src(PieceSource::Text {
                    raw,
                    tag: tracker.t_tag.clone(),
                    cdata: true,
                });
                if let Some(p) = open.last_mut() {
                    let text = std::str::from_utf8(&t).map_err(|_| XmlError::Malformed)?;
                    p.push_from(text, italic, s);
                }
            }
            _ => {}
        }
    }
    Ok(Parsed {
        paras,
        runs: tracker.runs,
        prefix: tracker.prefix,
    })
}

/// Elements that carry no content of their own (usually empty, `<w:tab/>`), in either form.
#[allow(clippy::too_many_arguments)]
fn leaf(
    e: &BytesStart<'_>,
    open: &mut [RawPara],
    in_ppr: bool,
    in_rpr: bool,
    runs: u32,
    italic: &mut bool,
    sdt: &mut [bool],
    src: Option<(PieceSource, usize)>,
) {
    let Some(p) = open.last_mut() else {
        if e.local_name().as_ref() == b"showingPlcHdr" {
            if let Some(s) = sdt.last_mut() {
                *s = true;
            }
        }
        return;
    };
    if in_ppr {
        match e.local_name().as_ref() {
            b"pStyle" if !in_rpr => {
                p.style = attr(e, b"val").map(|v| String::from_utf8_lossy(&v).into_owned());
            }
            b"numId" => p.numbered = Some(attr(e, b"val").as_deref() != Some(b"0")),
            b"outlineLvl" => {
                p.outline = attr(e, b"val")
                    .and_then(|v| std::str::from_utf8(&v).ok()?.parse::<u8>().ok())
                    .is_some_and(|l| l < 9);
            }
            _ => {}
        }
        return;
    }
    match e.local_name().as_ref() {
        b"tab" | b"ptab" | b"br" | b"cr" if runs > 0 => p.push_from(" ", *italic, src),
        b"noBreakHyphen" if runs > 0 => p.push_from("-", *italic, src),
        b"i" if in_rpr && runs > 0 => *italic = on_off(e),
        b"rStyle"
            if in_rpr
                && runs > 0
                && attr(e, b"val").is_some_and(|v| v.eq_ignore_ascii_case(b"Emphasis")) =>
        {
            *italic = true;
        }
        b"showingPlcHdr" => {
            if let Some(s) = sdt.last_mut() {
                *s = true;
            }
        }
        _ => {}
    }
}

/// What a paragraph style makes a paragraph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StyleKind {
    Plain,
    Title,
    Heading,
    List,
}

/// What a style id (or a style name such as "heading 1") says by itself; `None` when it does
/// not say (a custom or localised style: styles.xml is needed).
fn style_from_id(id: &str) -> Option<StyleKind> {
    let lower: String = id
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    if lower == "title" {
        return Some(StyleKind::Title);
    }
    if lower == "subtitle" {
        return Some(StyleKind::Heading);
    }
    if let Some(n) = lower.strip_prefix("heading") {
        if !n.is_empty() && n.len() <= 1 && n.bytes().all(|b| (b'1'..=b'9').contains(&b)) {
            return Some(StyleKind::Heading);
        }
    }
    if lower.starts_with("listbullet") || lower.starts_with("listnumber") {
        return Some(StyleKind::List);
    }
    const PLAIN: &[&str] = &[
        "normal",
        "bodytext",
        "firstparagraph",
        "compact",
        "listparagraph",
        "nospacing",
        "quote",
        "intensequote",
        "blocktext",
        "bibliography",
        "caption",
        "textbody",
        "standard",
        "default",
        "tablecontents",
        "normalweb",
        "plaintext",
        "bodytextindent",
        "bodytext2",
        "bodytext3",
        "abstract",
        "date",
        "author",
    ];
    PLAIN.contains(&lower.as_str()).then_some(StyleKind::Plain)
}

/// A paragraph style as `styles.xml` defines it.
#[derive(Default, Debug)]
struct StyleDef {
    name: Option<String>,
    based_on: Option<String>,
    outline: bool,
    numbered: bool,
}

fn resolve_style(id: &str, styles: &HashMap<String, StyleDef>) -> StyleKind {
    let mut id = id;
    for _ in 0..16 {
        let def = styles.get(id);
        let by_name = def
            .and_then(|d| d.name.as_deref())
            .and_then(style_from_id)
            .filter(|k| *k != StyleKind::Plain);
        if let Some(k) = by_name {
            return k;
        }
        match style_from_id(id) {
            Some(StyleKind::Plain) | None => {}
            Some(k) => return k,
        }
        let Some(def) = def else {
            return StyleKind::Plain;
        };
        if def.outline {
            return StyleKind::Heading;
        }
        if def.numbered {
            return StyleKind::List;
        }
        match def.based_on.as_deref() {
            Some(b) => id = b,
            None => return StyleKind::Plain,
        }
    }
    StyleKind::Plain
}

/// Reads the paragraph styles of `word/styles.xml`.
fn parse_styles(xml: &[u8]) -> Result<HashMap<String, StyleDef>, XmlError> {
    let mut reader = new_reader(xml);
    let mut depth = 0u32;
    let mut styles = HashMap::new();
    let mut current: Option<(String, StyleDef)> = None;
    let mut in_ppr = false;
    loop {
        let event = crate::zipxml::next_event(&mut reader, &mut depth)?;
        let (e, is_start) = match event {
            Event::Eof => break,
            Event::DocType(_) => return Err(XmlError::Entities),
            Event::Start(e) => {
                // Skip, without events, what holds nothing about paragraph styles (most of
                // a styles.xml: latent styles, run and table formatting, other style types).
                let skip = match e.local_name().as_ref() {
                    b"latentStyles" | b"docDefaults" | b"rPr" | b"tblPr" | b"trPr" | b"tcPr"
                    | b"tblStylePr" => true,
                    b"style" => attr(&e, b"type").is_some_and(|t| t.as_ref() != b"paragraph"),
                    _ => false,
                };
                if skip {
                    reader
                        .read_to_end(e.name())
                        .map_err(|_| XmlError::Malformed)?;
                    depth = depth.saturating_sub(1);
                    continue;
                }
                (e, true)
            }
            Event::Empty(e) => (e, false),
            Event::End(e) => {
                match e.local_name().as_ref() {
                    b"style" => {
                        if let Some((id, def)) = current.take() {
                            styles.insert(id, def);
                        }
                    }
                    b"pPr" => in_ppr = false,
                    _ => {}
                }
                continue;
            }
            _ => continue,
        };
        match e.local_name().as_ref() {
            b"style" => {
                let is_para = attr(&e, b"type").map_or(true, |t| t.as_ref() == b"paragraph");
                let id = attr(&e, b"styleId").map(|v| String::from_utf8_lossy(&v).into_owned());
                current = match (is_para, id) {
                    (true, Some(id)) if is_start => Some((id, StyleDef::default())),
                    _ => None,
                };
            }
            b"pPr" => in_ppr = is_start,
            name => {
                let Some((_, def)) = current.as_mut() else {
                    continue;
                };
                match name {
                    b"name" => {
                        def.name =
                            attr(&e, b"val").map(|v| String::from_utf8_lossy(&v).into_owned())
                    }
                    b"basedOn" => {
                        def.based_on =
                            attr(&e, b"val").map(|v| String::from_utf8_lossy(&v).into_owned())
                    }
                    b"outlineLvl" if in_ppr => {
                        def.outline = attr(&e, b"val")
                            .and_then(|v| std::str::from_utf8(&v).ok()?.parse::<u8>().ok())
                            .is_some_and(|l| l < 9)
                    }
                    b"numId" if in_ppr => def.numbered = attr(&e, b"val").as_deref() != Some(b"0"),
                    _ => {}
                }
            }
        }
    }
    Ok(styles)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zipxml::read_part_limited;
    use peermark_text::ParagraphKind;
    use std::io::Cursor;
    use zip::ZipArchive;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    fn body(inner: &str) -> Vec<u8> {
        format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{inner}</w:body></w:document>"#)
            .into_bytes()
    }

    fn paras(inner: &str) -> Vec<RawPara> {
        parse_document(&body(inner)).ok().unwrap().paras
    }

    fn texts(inner: &str) -> Vec<String> {
        paras(inner).into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn runs_join_without_spaces_and_breaks_read_as_spaces() {
        let t = texts(
            r#"<w:p><w:r><w:t>recov</w:t></w:r><w:r><w:t>ery</w:t><w:tab/><w:t>a</w:t><w:br/><w:t>b</w:t><w:cr/><w:t>self</w:t><w:noBreakHyphen/><w:t>harm &amp; &#8220;x&#x201D;</w:t></w:r></w:p>"#,
        );
        assert_eq!(t, vec!["recovery a b self-harm & “x”"]);
    }

    #[test]
    fn tracked_changes_read_as_accepted() {
        let t = texts(
            r#"<w:p><w:del w:id="1"><w:r><w:delText>gone </w:delText></w:r></w:del><w:ins w:id="2"><w:r><w:t>kept </w:t></w:r></w:ins><w:moveFrom><w:r><w:t>moved-away </w:t></w:r></w:moveFrom><w:moveTo><w:r><w:t>moved-here</w:t></w:r></w:moveTo></w:p>"#,
        );
        assert_eq!(t, vec!["kept moved-here"]);
    }

    #[test]
    fn field_codes_and_reference_marks_give_no_text() {
        let t = texts(
            r#"<w:p><w:r><w:t>See</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t xml:space="preserve"> 3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:endnoteReference w:id="2"/></w:r></w:p>"#,
        );
        assert_eq!(t, vec!["See 3"]);
    }

    #[test]
    fn italic_runs_become_merged_emphasis() {
        let p = &paras(
            r#"<w:p><w:r><w:t xml:space="preserve">  The </w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>Jour</w:t></w:r><w:r><w:rPr><w:i w:val="true"/></w:rPr><w:t>nal</w:t></w:r><w:r><w:rPr><w:i w:val="0"/></w:rPr><w:t>, 16</w:t></w:r><w:r><w:rPr><w:rStyle w:val="Emphasis"/></w:rPr><w:t>x</w:t></w:r></w:p>"#,
        )[0];
        assert_eq!(p.text, "The Journal, 16x");
        let em: Vec<&str> = p.emphasis.iter().map(|r| &p.text[r.clone()]).collect();
        assert_eq!(em, vec!["Journal", "x"]);
    }

    #[test]
    fn paragraph_mark_formatting_and_tab_stops_are_not_text() {
        let t = paras(
            r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs><w:rPr><w:i/></w:rPr></w:pPr><w:r><w:t>plain</w:t></w:r></w:p>"#,
        );
        assert_eq!(t[0].text, "plain");
        assert!(t[0].emphasis.is_empty());
    }

    #[test]
    fn tables_styles_and_lists() {
        let p = paras(
            r#"<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>T</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr></w:pPr><w:r><w:t>item</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val="Heading1"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:t>H</w:t></w:r></w:p>"#,
        );
        assert_eq!(p[0].style.as_deref(), Some("Title"));
        assert!(p[1].table && !p[0].table && !p[2].table);
        assert_eq!(p[2].numbered, Some(true));
        assert_eq!(p[3].numbered, Some(false));
        assert_eq!(style_from_id("Heading2"), Some(StyleKind::Heading));
        assert_eq!(style_from_id("heading 3"), Some(StyleKind::Heading));
        assert_eq!(style_from_id("Heading1Char"), None);
        assert_eq!(style_from_id("BodyText"), Some(StyleKind::Plain));
        assert_eq!(style_from_id("berschrift1"), None);
    }

    #[test]
    fn localised_and_derived_styles_resolve_through_styles_xml() {
        let xml = format!(
            r#"<w:styles {W}><w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/></w:style><w:style w:type="paragraph" w:styleId="MyHead"><w:name w:val="My Head"/><w:basedOn w:val="berschrift1"/></w:style><w:style w:type="paragraph" w:styleId="Outline"><w:name w:val="Outline"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Bul"><w:name w:val="Bul"/><w:pPr><w:numPr><w:numId w:val="4"/></w:numPr></w:pPr></w:style><w:style w:type="character" w:styleId="Heading1Char"><w:name w:val="Heading 1 Char"/></w:style></w:styles>"#
        );
        let styles = parse_styles(xml.as_bytes()).ok().unwrap();
        assert_eq!(resolve_style("berschrift1", &styles), StyleKind::Heading);
        assert_eq!(resolve_style("MyHead", &styles), StyleKind::Heading);
        assert_eq!(resolve_style("Outline", &styles), StyleKind::Heading);
        assert_eq!(resolve_style("Bul", &styles), StyleKind::List);
        assert_eq!(resolve_style("Heading1Char", &styles), StyleKind::Plain);
        assert_eq!(resolve_style("Missing", &styles), StyleKind::Plain);
    }

    #[test]
    fn placeholders_fallbacks_and_text_boxes() {
        let t = texts(
            r#"<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Click here to enter text.</w:t></w:r></w:p></w:sdtContent></w:sdt><w:p><w:r><w:t>Before </w:t></w:r><w:r><mc:AlternateContent xmlns:mc="m"><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>boxed</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>boxed</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>after</w:t></w:r></w:p>"#,
        );
        assert_eq!(t, vec!["boxed", "Before after"]);
    }

    #[test]
    fn malformed_xml_and_doctype_are_errors() {
        assert!(matches!(
            parse_document(b"<w:document><w:body><w:p></w:body>"),
            Err(XmlError::Malformed)
        ));
        assert!(matches!(
            parse_document(b"<w:document><w:p><w:r><w:t>&bogus;</w:t></w:r></w:p></w:document>"),
            Err(XmlError::Malformed)
        ));
        assert!(matches!(
            parse_document(b"<!DOCTYPE d [<!ENTITY a \"b\">]><d/>"),
            Err(XmlError::Entities)
        ));
    }

    #[test]
    fn decompression_stops_at_the_limit() {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file(MAIN_PART, options).unwrap();
        zip.write_all(&vec![b' '; 1 << 20]).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        assert!(bytes.len() < 10_000);
        let mut archive = ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
        assert!(matches!(
            read_part_limited(&mut archive, MAIN_PART, "docx", 4096),
            Err(IngestError::PartTooLarge { .. })
        ));
        assert_eq!(
            read_part_limited(&mut archive, MAIN_PART, "docx", 2 << 20)
                .ok()
                .unwrap()
                .len(),
            1 << 20
        );
    }

    #[test]
    fn utf16_parts_are_converted() {
        use std::io::Write;
        let xml = format!(
            "<w:document {W}><w:body><w:p><w:r><w:t>héllo</w:t></w:r></w:p></w:body></w:document>"
        );
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(xml.encode_utf16().flat_map(u16::to_le_bytes));
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file(MAIN_PART, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(&utf16).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let doc = read(&bytes, "docx").unwrap();
        assert_eq!(doc.paragraphs[0].text, "héllo");
    }

    #[test]
    fn not_word_files_are_named() {
        let e = read(b"%PDF-1.4\n", "docx").unwrap_err();
        assert_eq!(
            e.to_string(),
            "not a Word document (it is a PDF renamed to .docx); ask for the essay saved as .docx"
        );
        assert!(matches!(read(b"", "docx"), Err(IngestError::Empty)));
        assert!(matches!(
            read(b"just words", "docx"),
            Err(IngestError::NotWord {
                actual: "a plain-text file",
                ..
            })
        ));
        assert!(matches!(
            read(b"\x00\x01\x02", "docx"),
            Err(IngestError::Damaged { .. })
        ));
        let _ = ParagraphKind::Body;
    }
}

/// Reads a `.docx` as [`read_file`](crate::read_file) would, with the map of its main part.
pub fn read_docx_mapped(bytes: &[u8]) -> Result<MappedDocx, IngestError> {
    let (document, map) = read_inner(bytes, "docx", true)?;
    let map = map.expect("recorded");
    Ok(MappedDocx { document, map })
}

#[cfg(test)]
mod map_tests {
    use super::read_docx_mapped;
    use crate::docx_map::*;
    use std::io::Write;

    fn docx(body: &str) -> Vec<u8> {
        let xml = format!(
            r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
        );
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
        zip.finish().unwrap().into_inner()
    }

    /// The XML from the offset of each character of paragraph `p` to the end of its piece.
    fn at(m: &MappedDocx, p: usize, byte: usize) -> String {
        let pm = &m.map.paragraphs[p];
        let piece = pm
            .pieces
            .iter()
            .find(|x| x.text.start <= byte && byte < x.text.end)
            .unwrap();
        let off = m.map.xml_offset(piece, byte).unwrap();
        let end = match &piece.source {
            PieceSource::Text { raw, .. } => raw.end,
            PieceSource::Element { xml } => xml.end,
        };
        String::from_utf8_lossy(&m.map.xml[off..end]).into_owned()
    }

    #[test]
    fn every_character_maps_to_its_place_in_the_xml() {
        let m = read_docx_mapped(&docx(
            r#"<w:p><w:r><w:t xml:space="preserve">  Tom &amp; </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>Jer&#x72;y</w:t><w:tab/><w:t><![CDATA[a<b]]></w:t></w:r></w:p><w:p/><w:p><w:r><w:t> </w:t></w:r></w:p><w:p><w:del><w:r><w:delText>gone</w:delText></w:r></w:del><w:r><w:t>kept</w:t></w:r></w:p>"#,
        ))
        .unwrap();
        let doc = &m.document;
        assert_eq!(
            doc.paragraphs.len(),
            2,
            "empty paragraphs are dropped in step"
        );
        assert_eq!(m.map.paragraphs.len(), 2);
        assert_eq!(doc.paragraphs[0].text, "Tom & Jerry a<b");
        assert_eq!(at(&m, 0, 0), "Tom &amp; ");
        assert_eq!(at(&m, 0, 4), "&amp; ");
        assert_eq!(at(&m, 0, 5), " ");
        assert_eq!(at(&m, 0, 9), "&#x72;y");
        assert_eq!(at(&m, 0, 10), "y");
        assert_eq!(at(&m, 0, 11), "<w:tab/>");
        assert_eq!(at(&m, 0, 13), "<b");
        assert_eq!(doc.paragraphs[1].text, "kept");
        assert_eq!(at(&m, 1, 0), "kept");
        // Runs know their formatting and edges.
        let bold = &m.map.runs[m.map.paragraphs[0].pieces[1].run];
        assert_eq!(
            &m.map.xml[bold.rpr.clone().unwrap()],
            b"<w:rPr><w:b/></w:rPr>"
        );
        assert!(m.map.xml[bold.end_tag.clone()].starts_with(b"</w:r>"));
        assert!(bold.word);
        assert_eq!(m.map.prefix, "w");
        assert!(m.map.xml[m.map.paragraphs[0].xml.end..].starts_with(b"</w:p>"));
    }
}
