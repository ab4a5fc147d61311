//! `DIR/annotated/<submission>.docx`: the learner's own essay with a Word comment (author
//! "peermark") at each quoted piece of evidence and each piece of wording to reconsider.
//!
//! A `.docx` submission is edited in place: `word/document.xml` is copied byte for byte apart
//! from the comment anchors (a run is split where a comment begins or ends inside it, keeping
//! its formatting), `word/comments.xml`, its relationship and its content type are added, and
//! every other part of the package is copied unchanged. Any other submission becomes a plain
//! document built from its text.
//!
//! Only learner-facing parts of a result are read (evidence, language findings, levels and
//! next steps); a submission with an assessor note gets no annotated copy at all, because the
//! copy would repeat the sentence that raised it.

use super::docx_pkg::{self, esc, AUTHOR};
use crate::exporter::Exporter;
use crate::exporter::ReportContext;
use peermark_engine::result::{MarkResult, Status};
use peermark_files::output::write_sheet;
use peermark_files::WriteError;
use peermark_ingest::{DocxMap, Format};
use peermark_text::{Document, ParagraphKind};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{Cursor, Read, Write as _};
use std::ops::Range;
use std::path::Path;

/// A comment to anchor: paragraph index (0-based), byte range in its text, and the comment's
/// paragraphs.
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    pub paragraph: usize,
    pub range: Range<usize>,
    pub text: Vec<String>,
}

/// Finds a quoted stretch in the document: `paragraph` is 1-based, `line`/`column` as in a
/// result, `quote` the words (an evidence quote may start or end with "…").
pub fn locate(
    doc: &Document,
    paragraph: usize,
    line: u32,
    column: u32,
    quote: &str,
) -> Option<(usize, Range<usize>)> {
    let index = paragraph.checked_sub(1)?;
    let p = doc.paragraphs.get(index)?;
    let core = quote
        .trim()
        .trim_start_matches('…')
        .trim_end_matches('…')
        .trim();
    if core.is_empty() {
        return None;
    }
    let at = p
        .text
        .char_indices()
        .map(|(i, _)| i)
        .find(|&i| p.line_column(i) == (line, column));
    if let Some(at) = at {
        let start = at + (p.text[at..].len() - p.text[at..].trim_start().len());
        if p.text[start..].starts_with(core) {
            return Some((index, start..start + core.len()));
        }
    }
    // The position did not lead to the words: the nearest place they are written.
    let near = at.unwrap_or(0);
    p.text
        .match_indices(core)
        .map(|(i, _)| i)
        .min_by_key(|&i| i.abs_diff(near))
        .map(|i| (index, i..i + core.len()))
}

/// The comments of a marked result, merged where several say something about the same words.
pub fn comments(r: &MarkResult, doc: &Document) -> Vec<Comment> {
    let mut by_span: BTreeMap<(usize, usize, usize), Vec<String>> = BTreeMap::new();
    let mut add = |span: Option<(usize, Range<usize>)>, text: String| {
        if let Some((p, range)) = span {
            let texts = by_span.entry((p, range.start, range.end)).or_default();
            if !texts.contains(&text) {
                texts.push(text);
            }
        }
    };
    for c in &r.criteria {
        for (i, e) in c.evidence.iter().enumerate() {
            let mut text = format!(
                "{} ({}): this is one of the places your essay shows it.",
                c.title, c.level_name
            );
            if i == 0 {
                if let Some(step) = c.next_steps.first() {
                    let _ = write!(text, " A next step: {}", sentence(step));
                }
            }
            add(locate(doc, e.paragraph, e.line, e.column, &e.quote), text);
        }
    }
    for e in &r.language_awareness {
        add(
            locate(doc, e.paragraph, e.line, e.column, &e.quote),
            "Language: you reflect on the words themselves here, which is a real strength in \
             peer support."
                .to_string(),
        );
    }
    for l in &r.lapses {
        let mut text = format!("Wording to reconsider: “{}”", l.text.trim());
        if l.suggestions.is_empty() {
            text.push_str(" — you might describe the person or experience in your own words.");
        } else {
            let options: Vec<String> = l.suggestions.iter().map(|s| format!("“{s}”")).collect();
            let _ = write!(text, " — you might write {}.", or_list(&options));
        }
        if !l.why.trim().is_empty() {
            let _ = write!(text, " {}", l.why.trim());
        }
        add(locate(doc, l.paragraph, l.line, l.column, &l.text), text);
    }
    for n in &r.notes {
        add(
            locate(doc, n.paragraph, n.line, n.column, &n.text),
            format!(
                "Something to think about (advice only; it does not change your mark): {}",
                n.message.split_whitespace().collect::<Vec<_>>().join(" ")
            ),
        );
    }
    // A sentence flagged for the assessor carries no comment, whatever else is in it.
    let flagged = |p: usize, start: usize, end: usize| {
        r.safeguarding
            .iter()
            .any(|c| c.sentence.0 == p && start < c.sentence.1.end && c.sentence.1.start < end)
    };
    by_span
        .into_iter()
        .filter(|((p, start, end), _)| !flagged(*p, *start, *end))
        .map(|((paragraph, start, end), text)| Comment {
            paragraph,
            range: start..end,
            text,
        })
        .collect()
}

fn sentence(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.ends_with(['.', '!', '?']) {
        s
    } else {
        format!("{s}.")
    }
}

fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AnnotateError {
    #[error("the Word file cannot be read again ({0})")]
    Read(String),
    #[error("the Word file's package cannot be rewritten ({0})")]
    Package(String),
}

/// The annotated copy of a submission's file: `bytes` and `format` are the file as marked.
/// Returns the `.docx` and how many comments it carries.
pub fn annotate(
    bytes: &[u8],
    format: Format,
    docm: bool,
    r: &MarkResult,
) -> Result<(Vec<u8>, usize), AnnotateError> {
    if matches!(format, Format::Docx | Format::Doc) && !docm {
        let mapped = peermark_ingest::read_docx_mapped(bytes)
            .map_err(|e| AnnotateError::Read(e.to_string()))?;
        let comments = comments(r, &mapped.document);
        let out = annotate_docx(bytes, &mapped.map, &comments)?;
        Ok((out, comments.len()))
    } else {
        let doc = peermark_ingest::read_bytes(bytes, format)
            .map_err(|e| AnnotateError::Read(e.to_string()))?;
        let comments = comments(r, &doc);
        let title = r.title.clone().unwrap_or_else(|| r.submission.clone());
        Ok((plain_docx(&doc, &comments, &title), comments.len()))
    }
}

// ---------------------------------------------------------------------------------------------
// Editing a .docx in place
// ---------------------------------------------------------------------------------------------

/// Where a comment boundary goes in the XML.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Place {
    /// Between runs (or other paragraph content): insert the marks here.
    Outside(usize),
    /// Inside run `run`, between two of its children: close the run, mark, reopen it.
    Between { run: usize, at: usize },
    /// Inside the text of a `w:t` of run `run`: close the text and run, mark, reopen both.
    InText {
        run: usize,
        at: usize,
        tag: Range<usize>,
    },
}

impl Place {
    fn at(&self) -> usize {
        match self {
            Place::Outside(a) | Place::Between { at: a, .. } | Place::InText { at: a, .. } => *a,
        }
    }
}

/// Where the text byte `b` of paragraph `pm` begins (`start`) or where the text before it
/// ends (`!start`), in the XML.
fn place(map: &DocxMap, paragraph: usize, b: usize, start: bool) -> Option<Place> {
    use peermark_ingest::docx_map::PieceSource;
    let pm = map.paragraphs.get(paragraph)?;
    let xml = &map.xml;
    let piece = if start {
        pm.pieces.iter().find(|p| p.text.end > b)
    } else {
        pm.pieces.iter().rev().find(|p| p.text.start < b)
    };
    let Some(piece) = piece else {
        return Some(Place::Outside(if start {
            pm.xml.end
        } else {
            pm.xml.start
        }));
    };
    let run = &map.runs[piece.run];
    if !run.word {
        // A math or drawing run cannot be split: the comment spans the paragraph.
        return Some(Place::Outside(if start {
            pm.xml.start
        } else {
            pm.xml.end
        }));
    }
    let b = if start {
        b.max(piece.text.start)
    } else {
        b.min(piece.text.end)
    };
    match &piece.source {
        PieceSource::Element { xml: el } => {
            let (at, edge) = if start {
                (el.start, run.first_child == Some(el.start))
            } else {
                (el.end, run.last_child_end == el.end)
            };
            Some(match (edge, start) {
                (true, true) => Place::Outside(run.start_tag.start),
                (true, false) => Place::Outside(run.end_tag.end),
                _ => Place::Between { run: piece.run, at },
            })
        }
        PieceSource::Text { raw, tag, .. } => {
            let at = map.xml_offset(piece, b)?;
            if at == raw.start {
                // At the start of the text: before the `w:t`.
                if run.first_child == Some(tag.start) {
                    Some(Place::Outside(run.start_tag.start))
                } else {
                    Some(Place::Between {
                        run: piece.run,
                        at: tag.start,
                    })
                }
            } else if at == raw.end {
                // At the end of the text: after `</w:t>`.
                let close = xml[raw.end..].iter().position(|&c| c == b'>')? + raw.end + 1;
                if close == run.last_child_end {
                    Some(Place::Outside(run.end_tag.end))
                } else {
                    Some(Place::Between {
                        run: piece.run,
                        at: close,
                    })
                }
            } else {
                Some(Place::InText {
                    run: piece.run,
                    at,
                    tag: tag.clone(),
                })
            }
        }
    }
}

/// The qualified name of the element whose start tag is `tag` (`w:r`).
fn qname(tag: &[u8]) -> &[u8] {
    let tag = tag.strip_prefix(b"<").unwrap_or(tag);
    let end = tag
        .iter()
        .position(|&c| c.is_ascii_whitespace() || c == b'>' || c == b'/')
        .unwrap_or(tag.len());
    &tag[..end]
}

/// `document.xml` with the comment anchors of `comments` (ids from `first_id`).
fn anchor(map: &DocxMap, comments: &[Comment], first_id: u32) -> (Vec<u8>, Vec<u32>) {
    let xml = &map.xml;
    let prefix = if map.prefix.is_empty() {
        "w"
    } else {
        map.prefix.as_str()
    };
    // Marks at each place, in order: (is_start, id).
    let mut marks: BTreeMap<usize, (Place, Vec<(bool, u32)>)> = BTreeMap::new();
    let mut ids = Vec::new();
    for (k, c) in comments.iter().enumerate() {
        let id = first_id + k as u32;
        let (Some(s), Some(e)) = (
            place(map, c.paragraph, c.range.start, true),
            place(map, c.paragraph, c.range.end, false),
        ) else {
            continue;
        };
        if e.at() < s.at() {
            continue;
        }
        ids.push(id);
        marks
            .entry(s.at())
            .or_insert((s, Vec::new()))
            .1
            .push((true, id));
        marks
            .entry(e.at())
            .or_insert((e, Vec::new()))
            .1
            .push((false, id));
    }
    // `w:t` start tags that get split need xml:space="preserve" so that no space is lost.
    let mut preserve: BTreeMap<usize, Range<usize>> = BTreeMap::new();
    for (place, _) in marks.values() {
        if let Place::InText { tag, .. } = place {
            let t = &xml[tag.clone()];
            if !t.windows(9).any(|w| w == b"xml:space") {
                preserve.insert(tag.start, tag.clone());
            }
        }
    }
    let mut out = Vec::with_capacity(xml.len() + comments.len() * 200);
    let mut pos = 0;
    let mut edits: Vec<(usize, usize, Vec<u8>)> = Vec::new();
    for tag in preserve.values() {
        let t = &xml[tag.clone()];
        let close = if t.ends_with(b"/>") { 2 } else { 1 };
        let mut new = t[..t.len() - close].to_vec();
        new.extend_from_slice(br#" xml:space="preserve""#);
        new.extend_from_slice(&t[t.len() - close..]);
        edits.push((tag.start, tag.end, new));
    }
    for (at, (place, list)) in &marks {
        let mut m = String::new();
        // Ends before starts: a comment that ends where another begins closes first.
        let mut list = list.clone();
        list.sort_by_key(|(is_start, id)| (*is_start, *id));
        for (is_start, id) in list {
            if is_start {
                docx_pkg::comment_start(&mut m, prefix, id);
            } else {
                docx_pkg::comment_end(&mut m, prefix, id);
            }
        }
        let mut bytes = Vec::new();
        match place {
            Place::Outside(_) => bytes.extend_from_slice(m.as_bytes()),
            Place::Between { run, .. } | Place::InText { run, .. } => {
                let r = &map.runs[*run];
                let r_start = &xml[r.start_tag.clone()];
                let r_name = qname(r_start);
                let t_name = match place {
                    Place::InText { tag, .. } => Some(qname(&xml[tag.clone()])),
                    _ => None,
                };
                if let Some(t) = t_name {
                    bytes.extend_from_slice(b"</");
                    bytes.extend_from_slice(t);
                    bytes.push(b'>');
                }
                bytes.extend_from_slice(b"</");
                bytes.extend_from_slice(r_name);
                bytes.push(b'>');
                bytes.extend_from_slice(m.as_bytes());
                bytes.extend_from_slice(r_start);
                if let Some(rpr) = &r.rpr {
                    bytes.extend_from_slice(&xml[rpr.clone()]);
                }
                if let Some(t) = t_name {
                    bytes.push(b'<');
                    bytes.extend_from_slice(t);
                    bytes.extend_from_slice(br#" xml:space="preserve">"#);
                }
            }
        }
        edits.push((*at, *at, bytes));
    }
    // Insertions at an offset go before a replacement that starts there.
    edits.sort_by_key(|(start, end, _)| (*start, *end));
    for (start, end, bytes) in edits {
        out.extend_from_slice(&xml[pos..start]);
        out.extend_from_slice(&bytes);
        pos = end;
    }
    out.extend_from_slice(&xml[pos..]);
    (out, ids)
}

/// The largest `…:id="N"` (or `id="N"`) value in an XML part.
fn max_id(xml: &[u8]) -> u32 {
    let re = regex::bytes::Regex::new(r#"\bid="(\d{1,9})""#).expect("valid regex");
    re.captures_iter(xml)
        .filter_map(|c| std::str::from_utf8(&c[1]).ok()?.parse::<u32>().ok())
        .max()
        .unwrap_or(0)
}

/// The annotated copy of a `.docx`: the package with comments added and nothing else changed.
pub fn annotate_docx(
    bytes: &[u8],
    map: &DocxMap,
    comments: &[Comment],
) -> Result<Vec<u8>, AnnotateError> {
    let pkg = |e: &dyn std::fmt::Display| AnnotateError::Package(e.to_string());
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| pkg(&e))?;
    let main = map.main_part.as_str();
    let (dir, main_file) = match main.rfind('/') {
        Some(i) => (&main[..=i], &main[i + 1..]),
        None => ("", main),
    };
    let rels_name = format!("{dir}_rels/{main_file}.rels");
    let read = |zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str| -> Option<Vec<u8>> {
        let mut f = zip.by_name(name).ok()?;
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).ok()?;
        Some(buf)
    };
    let rels = read(&mut zip, &rels_name);
    let types = read(&mut zip, "[Content_Types].xml")
        .ok_or_else(|| AnnotateError::Package("[Content_Types].xml is missing".into()))?;
    // An existing comments part (a tutor's comments) is kept and added to.
    let existing_target = rels.as_deref().and_then(comments_target);
    let comments_name = match &existing_target {
        Some(t) => resolve(dir, t),
        None => format!("{dir}comments.xml"),
    };
    let existing = read(&mut zip, &comments_name);
    let first_id = max_id(&map.xml)
        .max(existing.as_deref().map(max_id).unwrap_or(0))
        .saturating_add(1);
    let (document, ids) = anchor(map, comments, first_id);
    let entries: Vec<(u32, Vec<String>)> = ids
        .iter()
        .map(|&id| (id, comments[(id - first_id) as usize].text.clone()))
        .collect();

    let comments_xml = match existing {
        Some(old) => {
            let mut children = String::new();
            for (id, text) in &entries {
                children.push_str(&docx_pkg::comment_xml(*id, text, true));
            }
            append_to_root(&old, &children)
                .ok_or_else(|| AnnotateError::Package("its comments part is not XML".into()))?
        }
        None => docx_pkg::comments_part(&entries),
    };
    let new_rels = if existing_target.is_some() {
        None
    } else {
        let rel = format!(
            r#"<Relationship Id="rIdPeermarkComments" Type="{}" Target="comments.xml"/>"#,
            docx_pkg::COMMENTS_REL
        );
        Some(match &rels {
            Some(old) => append_to_root(old, &rel).ok_or_else(|| {
                AnnotateError::Package("its relationships part is not XML".into())
            })?,
            None => format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rel}</Relationships>"#
            ),
        })
    };
    let part_name = format!("/{comments_name}");
    let new_types =
        if String::from_utf8_lossy(&types).contains(&format!("PartName=\"{part_name}\"")) {
            None
        } else {
            let o = format!(
                r#"<Override PartName="{}" ContentType="{}"/>"#,
                esc(&part_name),
                docx_pkg::COMMENTS_TYPE
            );
            Some(append_to_root(&types, &o).ok_or_else(|| {
                AnnotateError::Package("its [Content_Types].xml is not XML".into())
            })?)
        };

    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut replaced: HashMap<String, Vec<u8>> = HashMap::new();
    replaced.insert(main.to_string(), document);
    replaced.insert(comments_name.clone(), comments_xml.into_bytes());
    if let Some(r) = new_rels {
        replaced.insert(rels_name.clone(), r.into_bytes());
    }
    if let Some(t) = new_types {
        replaced.insert("[Content_Types].xml".to_string(), t.into_bytes());
    }
    for i in 0..zip.len() {
        let name = zip.by_index_raw(i).map_err(|e| pkg(&e))?.name().to_string();
        if let Some(bytes) = replaced.remove(&name) {
            out.start_file(name, options).map_err(|e| pkg(&e))?;
            out.write_all(&bytes).map_err(|e| pkg(&e))?;
        } else {
            let f = zip.by_index_raw(i).map_err(|e| pkg(&e))?;
            out.raw_copy_file(f).map_err(|e| pkg(&e))?;
        }
    }
    // Parts that are new (the comments, maybe the relationships).
    let mut rest: Vec<(String, Vec<u8>)> = replaced.into_iter().collect();
    rest.sort();
    for (name, bytes) in rest {
        out.start_file(name, options).map_err(|e| pkg(&e))?;
        out.write_all(&bytes).map_err(|e| pkg(&e))?;
    }
    Ok(out.finish().map_err(|e| pkg(&e))?.into_inner())
}

/// `xml` with `children` added at the end of its root element (an empty root `<a/>` is
/// opened); `None` when it has no root element.
fn append_to_root(xml: &[u8], children: &str) -> Option<String> {
    use quick_xml::events::Event;
    let text = String::from_utf8_lossy(xml).into_owned();
    let mut reader = quick_xml::Reader::from_str(&text);
    loop {
        let before = reader.buffer_position() as usize;
        match reader.read_event().ok()? {
            Event::Eof => return None,
            Event::Start(_) => {
                let end = text.rfind("</")?;
                return Some(format!("{}{children}{}", &text[..end], &text[end..]));
            }
            Event::Empty(e) => {
                let after = reader.buffer_position() as usize;
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let open = text[before..after].trim_end_matches("/>");
                return Some(format!(
                    "{}{open}>{children}</{name}>{}",
                    &text[..before],
                    &text[after..]
                ));
            }
            _ => {}
        }
    }
}

/// The target of the comments relationship in a relationships part, if there is one.
fn comments_target(rels: &[u8]) -> Option<String> {
    let mut reader = quick_xml::Reader::from_reader(rels);
    loop {
        match reader.read_event().ok()? {
            quick_xml::events::Event::Eof => return None,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)
                if e.local_name().as_ref() == b"Relationship" =>
            {
                let get = |n: &[u8]| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == n)
                        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                };
                if get(b"Type").as_deref() == Some(docx_pkg::COMMENTS_REL) {
                    return get(b"Target");
                }
            }
            _ => {}
        }
    }
}

/// A relationship target relative to the main part's folder, as a zip name.
fn resolve(dir: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in target.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

// ---------------------------------------------------------------------------------------------
// A plain document from the text
// ---------------------------------------------------------------------------------------------

/// A `.docx` of the document's paragraphs (title, headings, body; emphasis kept) with the
/// comments anchored.
pub fn plain_docx(doc: &Document, comments: &[Comment], title: &str) -> Vec<u8> {
    let mut body = String::new();
    let mut entries = Vec::new();
    for (i, p) in doc.paragraphs.iter().enumerate() {
        let style = match p.kind {
            ParagraphKind::Title => Some("Title"),
            ParagraphKind::Heading | ParagraphKind::ReferenceHeading => Some("Heading1"),
            ParagraphKind::Body | ParagraphKind::Reference => None,
        };
        // Boundaries: comment starts and ends, emphasis edges.
        let mut cuts = vec![0, p.text.len()];
        let mut marks: BTreeMap<usize, Vec<(bool, u32)>> = BTreeMap::new();
        for (k, c) in comments.iter().enumerate() {
            if c.paragraph != i || c.range.end > p.text.len() {
                continue;
            }
            let id = k as u32;
            marks.entry(c.range.start).or_default().push((true, id));
            marks.entry(c.range.end).or_default().push((false, id));
            cuts.extend([c.range.start, c.range.end]);
            entries.push((id, c.text.clone()));
        }
        for e in &p.emphasis {
            cuts.extend([e.start.min(p.text.len()), e.end.min(p.text.len())]);
        }
        cuts.sort_unstable();
        cuts.dedup();
        body.push_str("<w:p>");
        if let Some(s) = style {
            let _ = write!(body, r#"<w:pPr><w:pStyle w:val="{s}"/></w:pPr>"#);
        }
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            if let Some(list) = marks.get_mut(&a) {
                list.sort_by_key(|(s, id)| (*s, *id));
                for (is_start, id) in list.iter() {
                    if *is_start {
                        docx_pkg::comment_start(&mut body, "w", *id);
                    } else {
                        docx_pkg::comment_end(&mut body, "w", *id);
                    }
                }
            }
            let italic = p.emphasis.iter().any(|e| e.start <= a && b <= e.end);
            docx_pkg::run(
                &mut body,
                &p.text[a..b],
                docx_pkg::RunStyle {
                    italic,
                    ..Default::default()
                },
            );
        }
        if let Some(list) = marks.get(&p.text.len()) {
            for (is_start, id) in list {
                if !*is_start {
                    docx_pkg::comment_end(&mut body, "w", *id);
                }
            }
        }
        body.push_str("</w:p>");
    }
    entries.sort_by_key(|(id, _)| *id);
    docx_pkg::Package {
        body: &body,
        comments: &entries,
        title,
        landscape: false,
    }
    .to_bytes()
}

// ---------------------------------------------------------------------------------------------
// The exporter
// ---------------------------------------------------------------------------------------------

/// Writes `DIR/annotated/<submission>.docx` for every marked submission without assessor
/// notes; `sources` gives each submission's file.
pub struct AnnotatedCopies {
    pub sources: HashMap<String, peermark_ingest::Submission>,
}

impl AnnotatedCopies {
    pub fn new(submissions: &[peermark_ingest::Submission]) -> Self {
        AnnotatedCopies {
            sources: submissions
                .iter()
                .map(|s| (s.id.clone(), s.clone()))
                .collect(),
        }
    }
}

impl Exporter for AnnotatedCopies {
    fn per_learner(&self) -> bool {
        true
    }

    fn write_learner(
        &self,
        r: &MarkResult,
        name: &str,
        _ctx: &ReportContext,
        out_dir: &Path,
    ) -> Result<(), WriteError> {
        // Every marked learner gets a copy, flagged or not: a missing copy would itself tell
        // whoever hands the files back that there was a flag. No comment touches a flagged
        // sentence (see `comments`).
        if r.status != Status::Marked {
            return Ok(());
        }
        let Some(sub) = self.sources.get(&r.submission) else {
            return Ok(());
        };
        let docm = sub.file.to_ascii_lowercase().ends_with(".docm");
        let out = out_dir.join("annotated").join(format!("{name}.docx"));
        // The file was read a moment ago; if it cannot be read or rewritten now, the
        // learner still has the feedback sheet: say so and go on.
        let made = sub
            .bytes()
            .map_err(|e| AnnotateError::Read(e.to_string()))
            .and_then(|bytes| annotate(&bytes, sub.format, docm, r));
        match made {
            Ok((docx, _)) => write_sheet(&out, &docx),
            Err(e) => {
                eprintln!(
                    "no annotated copy of {}: {e}; its feedback sheets are written",
                    r.file
                );
                Ok(())
            }
        }
    }
}

/// The author name of every comment peermark writes.
pub fn author() -> &'static str {
    AUTHOR
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    fn package(parts: &[(&str, String)]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, text) in parts {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    fn comment(paragraph: usize, text: &str, words: &str, doc: &Document) -> Comment {
        let start = doc.paragraphs[paragraph].text.find(words).unwrap();
        Comment {
            paragraph,
            range: start..start + words.len(),
            text: vec![text.to_string()],
        }
    }

    #[test]
    fn a_tutors_comments_are_kept_and_ours_added_with_new_ids() {
        let document = format!(
            r#"<w:document xmlns:w="{W}"><w:body><w:p><w:commentRangeStart w:id="7"/><w:r><w:t>Hope matters.</w:t></w:r><w:commentRangeEnd w:id="7"/><w:r><w:commentReference w:id="7"/></w:r><w:r><w:t xml:space="preserve"> Peer support helped me.</w:t></w:r></w:p></w:body></w:document>"#
        );
        let bytes = package(&[
            (
                "[Content_Types].xml",
                format!(
                    r#"<Types xmlns="x"><Override PartName="/word/comments.xml" ContentType="{}"/></Types>"#,
                    docx_pkg::COMMENTS_TYPE
                ),
            ),
            ("word/document.xml", document),
            (
                "word/_rels/document.xml.rels",
                format!(
                    r#"<Relationships xmlns="r"><Relationship Id="rId9" Type="{}" Target="comments.xml"/></Relationships>"#,
                    docx_pkg::COMMENTS_REL
                ),
            ),
            (
                "word/comments.xml",
                format!(
                    r#"<w:comments xmlns:w="{W}"><w:comment w:id="7" w:author="Tutor"><w:p><w:r><w:t>Good</w:t></w:r></w:p></w:comment></w:comments>"#
                ),
            ),
        ]);
        let mapped = peermark_ingest::read_docx_mapped(&bytes).unwrap();
        let c = comment(
            0,
            "Peer support: shown here.",
            "Peer support",
            &mapped.document,
        );
        let out = annotate_docx(&bytes, &mapped.map, &[c]).unwrap();
        let comments = part(&out, "word/comments.xml");
        assert!(comments.contains(r#"w:author="Tutor""#), "{comments}");
        assert!(
            comments.contains(r#"w:id="8" w:author="peermark""#),
            "{comments}"
        );
        let doc = part(&out, "word/document.xml");
        assert!(doc.contains(r#"<w:t xml:space="preserve"> </w:t></w:r><w:commentRangeStart w:id="8"/><w:r><w:t xml:space="preserve">Peer support</w:t></w:r><w:commentRangeEnd w:id="8"/><w:r><w:commentReference w:id="8"/></w:r><w:r><w:t xml:space="preserve"> helped me.</w:t></w:r>"#), "{doc}");
        // Nothing added twice.
        assert_eq!(
            part(&out, "[Content_Types].xml")
                .matches("comments.xml")
                .count(),
            1
        );
        assert_eq!(
            part(&out, "word/_rels/document.xml.rels")
                .matches("relationships/comments\"")
                .count(),
            1
        );
    }

    #[test]
    fn comments_that_touch_close_before_the_next_opens() {
        let document = format!(
            r#"<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>I was labelled and then I found hope.</w:t></w:r></w:p></w:body></w:document>"#
        );
        let bytes = package(&[
            ("[Content_Types].xml", "<Types/>".to_string()),
            ("word/document.xml", document),
        ]);
        let mapped = peermark_ingest::read_docx_mapped(&bytes).unwrap();
        let d = &mapped.document;
        let a = comment(0, "a", "labelled", d);
        let b = comment(0, "b", " and then", d);
        let out = annotate_docx(&bytes, &mapped.map, &[a, b]).unwrap();
        let doc = part(&out, "word/document.xml");
        assert!(doc.contains(r#"<w:commentRangeEnd w:id="1"/><w:r><w:commentReference w:id="1"/></w:r><w:commentRangeStart w:id="2"/>"#), "{doc}");
        assert!(part(&out, "[Content_Types].xml")
            .contains(r#"<Types><Override PartName="/word/comments.xml""#));
        let rels = part(&out, "word/_rels/document.xml.rels");
        assert!(rels.contains(r#"Target="comments.xml""#), "{rels}");
    }

    #[test]
    fn quotes_are_found_from_their_position_or_nearest_words() {
        let doc = peermark_ingest::read_bytes(
            b"A title\n\nHope came first. Then hope came again.\n",
            Format::Txt,
        )
        .unwrap();
        assert_eq!(
            locate(&doc, 2, 3, 18, "Then hope came again."),
            Some((1, 17..38))
        );
        assert_eq!(
            locate(&doc, 2, 3, 1, "…hope came again."),
            Some((1, 22..38))
        );
        assert_eq!(locate(&doc, 2, 3, 1, "not there"), None);
        assert_eq!(locate(&doc, 9, 1, 1, "Hope"), None);
    }

    #[test]
    fn a_plain_document_holds_every_paragraph_with_its_comments() {
        let doc = peermark_ingest::read_bytes(
            b"My Story\n\nI was *labelled* once, and hope came later.\n",
            Format::Markdown,
        )
        .unwrap();
        let c = comment(1, "Language: a strength", "labelled", &doc);
        let bytes = plain_docx(&doc, &[c], "My Story");
        let xml = part(&bytes, "word/document.xml");
        assert!(xml.contains(r#"<w:pStyle w:val="Title"/>"#), "{xml}");
        assert!(xml.contains(r#"<w:commentRangeStart w:id="0"/><w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">labelled</w:t></w:r><w:commentRangeEnd w:id="0"/>"#), "{xml}");
        assert!(part(&bytes, "word/comments.xml").contains("Language: a strength"));
        let back = peermark_ingest::read_bytes(&bytes, Format::Docx).unwrap();
        assert_eq!(back.extracted_text(), doc.extracted_text());
    }

    #[test]
    fn no_comment_touches_a_flagged_sentence() {
        use peermark_engine::fixtures::{marked_result, PARAGRAPHS};
        let text = PARAGRAPHS.join("\n\n");
        let doc = peermark_ingest::read_bytes(text.as_bytes(), Format::Txt).unwrap();
        let mut r = marked_result();
        let on_lapse = |cs: &[Comment]| {
            cs.iter()
                .any(|c| c.paragraph == 2 && c.text.iter().any(|t| t.contains("committed suicide")))
        };
        // Not flagged: the lapse in paragraph 3 gets its comment.
        r.safeguarding[0].sentence = (4, 0..PARAGRAPHS[4].len());
        let before = comments(&r, &doc);
        assert!(on_lapse(&before), "{before:?}");
        // Flagged: no comment on that sentence; the others stay.
        r.safeguarding[0].sentence = (2, 0..PARAGRAPHS[2].len());
        let after = comments(&r, &doc);
        assert!(!on_lapse(&after), "{after:?}");
        assert_eq!(after.len(), before.len() - 1);
    }
}
