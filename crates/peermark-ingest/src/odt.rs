//! OpenDocument text (`.odt`): `content.xml`, streamed with quick-xml.
//!
//! Only `content.xml` is read: page headers and footers live in `styles.xml` and so are never
//! text. Footnotes and endnotes (`text:note`, citation mark and body), comments, the
//! tracked-changes region (which holds deleted text) and generated indexes are skipped, so
//! tracked changes read as accepted. Spaces follow ODF's rules: whitespace in the XML collapses
//! to one space, `text:s` adds `c` spaces, tabs and line breaks read as spaces.

use std::collections::HashMap;
use std::ops::Range;

use peermark_text::document::Hint;
use peermark_text::{Document, Paragraph, SourceLines};
use quick_xml::events::{BytesStart, Event};

use crate::sniff::{sniff, Magic};
use crate::zipxml::{attr, damaged, new_reader, open_zip, read_part, XmlError};
use crate::IngestError;

const CONTENT: &str = "content.xml";
const EXT: &str = "odt";

/// Reads an `.odt`.
pub(crate) fn read(bytes: &[u8]) -> Result<Document, IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Empty);
    }
    let wrong = |actual| {
        Err(IngestError::WrongFormat {
            expected: "an OpenDocument text file",
            actual,
            ext: EXT,
        })
    };
    match sniff(bytes) {
        Magic::Zip => {}
        Magic::Pdf => return wrong("a PDF"),
        Magic::OleEncrypted => return Err(IngestError::PasswordProtected),
        Magic::OleWord => return wrong("a legacy Word .doc"),
        Magic::OleOther => return wrong("an older Office file"),
        Magic::Rtf => return wrong("an RTF file"),
        Magic::Html => return wrong("a web page (HTML)"),
        Magic::Image => return wrong("an image"),
        Magic::Unknown => {
            return if std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0) {
                wrong("a plain-text file")
            } else {
                Err(damaged(EXT, "the zip container cannot be read"))
            };
        }
    }
    let mut zip = open_zip(bytes, EXT)?;
    if zip.index_for_name(CONTENT).is_none() {
        let has = |prefix: &str| zip.file_names().any(|n| n.starts_with(prefix));
        return if has("word/") {
            wrong("a Word document")
        } else if has("mimetype") || has("META-INF/manifest.xml") {
            Err(damaged(EXT, "the content part is missing"))
        } else {
            wrong("a zip archive of other files")
        };
    }
    // LibreOffice encrypts content.xml itself (not the zip entry) and says so in the manifest.
    if zip.index_for_name("META-INF/manifest.xml").is_some() {
        let manifest = read_part(&mut zip, "META-INF/manifest.xml", EXT)?;
        if contains(&manifest, b"encryption-data") {
            return Err(crate::zipxml::password_protected(EXT));
        }
    }
    let xml = read_part(&mut zip, CONTENT, EXT)?;
    let paras = parse_content(&xml).map_err(|e| e.into_error(EXT))?;
    let paragraphs = paras
        .into_iter()
        .map(|p| {
            let mut para = Paragraph::new(p.text, p.hint);
            para.emphasis = p.emphasis;
            para
        })
        .collect();
    let doc = Document::new(paragraphs, SourceLines::Extracted);
    if doc.paragraphs.is_empty() {
        return Err(IngestError::NoText);
    }
    Ok(doc)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// An automatic or named style of `content.xml`, as far as peermark cares.
#[derive(Default, Debug)]
struct Style {
    parent: Option<String>,
    italic: Option<bool>,
    outline: bool,
}

#[derive(Default)]
struct RawPara {
    text: String,
    emphasis: Vec<Range<usize>>,
    hint: Hint,
    /// The last character pushed was collapsible whitespace (or the paragraph is empty).
    space: bool,
}

impl RawPara {
    fn new(hint: Hint) -> Self {
        RawPara {
            hint,
            space: true,
            ..RawPara::default()
        }
    }

    fn push_raw(&mut self, s: &str, italic: bool) {
        if s.is_empty() {
            return;
        }
        let start = self.text.len();
        self.text.push_str(s);
        if italic {
            match self.emphasis.last_mut() {
                Some(r) if r.end == start => r.end = self.text.len(),
                _ => self.emphasis.push(start..self.text.len()),
            }
        }
    }

    /// Text from the XML: runs of whitespace collapse to one space.
    fn push_text(&mut self, s: &str, italic: bool) {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if matches!(c, ' ' | '\t' | '\n' | '\r') {
                if !self.space {
                    out.push(' ');
                    self.space = true;
                }
            } else {
                out.push(c);
                self.space = false;
            }
        }
        self.push_raw(&out, italic);
    }

    /// `text:s`, `text:tab`, `text:line-break`: spaces that do not collapse.
    fn push_space(&mut self, n: usize, italic: bool) {
        self.push_raw(&" ".repeat(n), italic);
        self.space = true;
    }

    fn finish(mut self) -> RawPara {
        let end = self.text.trim_end().len();
        self.text.truncate(end);
        let lead = self.text.len() - self.text.trim_start().len();
        if lead > 0 {
            self.text.drain(..lead);
        }
        let len = self.text.len();
        self.emphasis = self
            .emphasis
            .into_iter()
            .map(|r| r.start.saturating_sub(lead).min(len)..r.end.saturating_sub(lead).min(len))
            .filter(|r| r.start < r.end)
            .collect();
        self
    }
}

fn name_of(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    attr(e, key).map(|v| String::from_utf8_lossy(&v).into_owned())
}

/// What a paragraph style (by name, following parents) makes a paragraph.
fn style_hint(name: &str, styles: &HashMap<String, Style>) -> Hint {
    let mut name = name;
    for _ in 0..16 {
        let lower: String = name
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        // Named styles are written with `_20_` for spaces ("Heading_20_1").
        let lower = lower.replace("20", "");
        if lower == "title" {
            return Hint::Title;
        }
        if lower == "subtitle" || lower.starts_with("heading") {
            return Hint::Heading;
        }
        if lower.starts_with("listbullet") || lower.starts_with("listnumber") {
            return Hint::ListItem;
        }
        match styles.get(name) {
            Some(s) if s.outline => return Hint::Heading,
            Some(Style {
                parent: Some(p), ..
            }) => name = p,
            _ => return Hint::None,
        }
    }
    Hint::None
}

/// Whether a text style (following parents) is italic.
fn style_italic(name: &str, styles: &HashMap<String, Style>) -> bool {
    let mut name = name;
    for _ in 0..16 {
        if name.eq_ignore_ascii_case("Emphasis") {
            return true;
        }
        match styles.get(name) {
            Some(Style {
                italic: Some(i), ..
            }) => return *i,
            Some(Style {
                parent: Some(p), ..
            }) => name = p,
            _ => return false,
        }
    }
    false
}

/// Streams `content.xml` into paragraphs.
fn parse_content(xml: &[u8]) -> Result<Vec<RawPara>, XmlError> {
    let mut reader = new_reader(xml);
    let mut depth = 0u32;
    let mut styles: HashMap<String, Style> = HashMap::new();
    let mut current_style: Option<(String, Style)> = None;
    let mut paras = Vec::new();
    let mut open: Vec<RawPara> = Vec::new();
    // Italic state of each open `text:span` (and of the paragraph itself).
    let mut italic: Vec<bool> = Vec::new();
    let mut skip = 0u32;
    let mut tables = 0u32;
    let mut lists = 0u32;
    loop {
        let event = crate::zipxml::next_event(&mut reader, &mut depth)?;
        match event {
            Event::Eof => break,
            Event::DocType(_) => return Err(XmlError::Entities),
            Event::Start(_) if skip > 0 => skip += 1,
            Event::End(_) if skip > 0 => skip -= 1,
            Event::Start(e) => {
                let name = e.name();
                match name.as_ref() {
                    // Not the essay's text as it stands.
                    b"text:note"
                    | b"text:tracked-changes"
                    | b"office:annotation"
                    | b"text:table-of-content"
                    | b"text:alphabetical-index"
                    | b"text:illustration-index"
                    | b"text:table-index"
                    | b"text:object-index"
                    | b"text:user-index"
                    | b"text:bibliography"
                    | b"svg:title"
                    | b"svg:desc"
                    | b"text:ruby-text"
                    | b"office:forms"
                    | b"text:sequence-decls"
                    | b"text:variable-decls"
                    | b"text:user-field-decls" => skip = 1,
                    b"style:style" => {
                        current_style = name_of(&e, b"name").map(|n| {
                            (
                                n,
                                Style {
                                    parent: name_of(&e, b"parent-style-name"),
                                    outline: attr(&e, b"default-outline-level")
                                        .is_some_and(|v| !v.is_empty()),
                                    ..Style::default()
                                },
                            )
                        })
                    }
                    b"text:p" | b"text:h" => {
                        start_paragraph(&e, &styles, &mut open, &mut italic, tables, lists)
                    }
                    b"text:span" | b"text:a" => {
                        let outer = italic.last().copied().unwrap_or(false);
                        let i = name_of(&e, b"style-name")
                            .map(|s| style_italic(&s, &styles) || outer)
                            .unwrap_or(outer);
                        italic.push(i);
                    }
                    b"table:table-cell" => tables += 1,
                    b"text:list" => lists += 1,
                    _ => leaf(&e, &mut open, &italic, &mut current_style),
                }
            }
            Event::Empty(e) if skip == 0 => match e.name().as_ref() {
                b"text:p" | b"text:h" => {}
                b"style:style" => {
                    if let Some(n) = name_of(&e, b"name") {
                        styles.insert(
                            n,
                            Style {
                                parent: name_of(&e, b"parent-style-name"),
                                ..Style::default()
                            },
                        );
                    }
                }
                _ => leaf(&e, &mut open, &italic, &mut current_style),
            },
            Event::End(e) => match e.name().as_ref() {
                b"text:p" | b"text:h" => {
                    if let Some(p) = open.pop() {
                        paras.push(p.finish());
                    }
                    italic.pop();
                }
                b"text:span" | b"text:a" => {
                    italic.pop();
                }
                b"style:style" => {
                    if let Some((n, s)) = current_style.take() {
                        styles.insert(n, s);
                    }
                }
                b"table:table-cell" => tables = tables.saturating_sub(1),
                b"text:list" => lists = lists.saturating_sub(1),
                _ => {}
            },
            Event::Text(t) if skip == 0 => {
                if let Some(p) = open.last_mut() {
                    let s = t.unescape().map_err(|_| XmlError::Malformed)?;
                    p.push_text(&s, italic.last().copied().unwrap_or(false));
                }
            }
            Event::CData(t) if skip == 0 => {
                if let Some(p) = open.last_mut() {
                    let s = std::str::from_utf8(&t).map_err(|_| XmlError::Malformed)?;
                    p.push_text(s, italic.last().copied().unwrap_or(false));
                }
            }
            _ => {}
        }
    }
    Ok(paras)
}

fn start_paragraph(
    e: &BytesStart<'_>,
    styles: &HashMap<String, Style>,
    open: &mut Vec<RawPara>,
    italic: &mut Vec<bool>,
    tables: u32,
    lists: u32,
) {
    let style = name_of(e, b"style-name");
    let by_style = style
        .as_deref()
        .map(|s| style_hint(s, styles))
        .unwrap_or(Hint::None);
    let hint = if tables > 0 {
        Hint::TableCell
    } else if e.name().as_ref() == b"text:h" {
        if by_style == Hint::Title {
            Hint::Title
        } else {
            Hint::Heading
        }
    } else if by_style != Hint::None {
        by_style
    } else if lists > 0 {
        Hint::ListItem
    } else {
        Hint::None
    };
    let i = style.as_deref().is_some_and(|s| style_italic(s, styles));
    open.push(RawPara::new(hint));
    italic.push(i);
}

/// Elements without text of their own: spaces, tabs, breaks, and style properties.
fn leaf(
    e: &BytesStart<'_>,
    open: &mut [RawPara],
    italic: &[bool],
    current_style: &mut Option<(String, Style)>,
) {
    let it = italic.last().copied().unwrap_or(false);
    match e.name().as_ref() {
        b"text:s" => {
            if let Some(p) = open.last_mut() {
                let n = attr(e, b"c")
                    .and_then(|v| std::str::from_utf8(&v).ok()?.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 64);
                p.push_space(n, it);
            }
        }
        b"text:tab" | b"text:line-break" => {
            if let Some(p) = open.last_mut() {
                p.push_space(1, it);
            }
        }
        b"style:text-properties" => {
            if let Some((_, s)) = current_style.as_mut() {
                if let Some(v) = attr(e, b"font-style") {
                    s.italic = Some(matches!(v.as_ref(), b"italic" | b"oblique"));
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/""#;

    fn content(styles: &str, body: &str) -> Vec<u8> {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}><office:automatic-styles>{styles}</office:automatic-styles><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
        )
        .into_bytes()
    }

    fn paras(body: &str) -> Vec<RawPara> {
        parse_content(&content("", body)).ok().unwrap()
    }

    fn texts(body: &str) -> Vec<String> {
        paras(body).into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn spaces_tabs_breaks_and_spans() {
        let t = texts(
            "<text:p>  recov<text:span>ery</text:span>\n   is<text:s/>a<text:s text:c=\"3\"/>b<text:tab/>c<text:line-break/>d &amp; &#8220;e&#x201D;</text:p>",
        );
        assert_eq!(t, vec!["recovery is a   b c d & “e”"]);
    }

    #[test]
    fn notes_annotations_and_tracked_changes() {
        let t = texts(
            r#"<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><office:change-info><dc:creator>A</dc:creator></office:change-info><text:p>DELETED words</text:p></text:deletion></text:changed-region></text:tracked-changes><text:p>See<text:note text:id="n1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Footnote text.</text:p></text:note-body></text:note> this<text:change text:change-id="c1"/> <text:change-start text:change-id="c2"/>INSERTED<text:change-end text:change-id="c2"/><office:annotation><dc:creator>T</dc:creator><text:p>a comment</text:p></office:annotation>.</text:p>"#,
        );
        assert_eq!(t, vec!["See this INSERTED."]);
    }

    #[test]
    fn headings_lists_tables_titles_and_italics() {
        let styles = r#"<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Title"/><style:style style:name="T1" style:family="text"><style:text-properties fo:font-style="italic"/></style:style><style:style style:name="P2" style:family="paragraph" style:parent-style-name="Standard"><style:text-properties fo:font-style="italic"/></style:style>"#;
        let body = r#"<text:p text:style-name="P1">My title</text:p><text:h text:outline-level="1">Heading</text:h><text:list><text:list-item><text:p>item</text:p></text:list-item></text:list><table:table><table:table-row><table:table-cell><text:p>cell</text:p></table:table-cell></table:table-row></table:table><text:p>The <text:span text:style-name="T1">Journal</text:span>, <text:span text:style-name="Emphasis">x</text:span></text:p><text:p text:style-name="P2">all</text:p>"#;
        let p = parse_content(&content(styles, body)).ok().unwrap();
        let hints: Vec<Hint> = p.iter().map(|p| p.hint).collect();
        assert_eq!(
            hints,
            vec![
                Hint::Title,
                Hint::Heading,
                Hint::ListItem,
                Hint::TableCell,
                Hint::None,
                Hint::None
            ]
        );
        let em: Vec<&str> = p[4]
            .emphasis
            .iter()
            .map(|r| &p[4].text[r.clone()])
            .collect();
        assert_eq!(em, vec!["Journal", "x"]);
        assert_eq!(p[5].emphasis, vec![0..3]);
    }

    #[test]
    fn doctype_and_malformed_xml_are_refused() {
        assert!(matches!(
            parse_content(b"<!DOCTYPE d [<!ENTITY a \"b\">]><d/>"),
            Err(XmlError::Entities)
        ));
        assert!(matches!(
            parse_content(b"<office:text><text:p>&bogus;</text:p></office:text>"),
            Err(XmlError::Malformed)
        ));
        assert!(matches!(
            parse_content(b"<office:text><text:p></office:text>"),
            Err(XmlError::Malformed)
        ));
    }
}
