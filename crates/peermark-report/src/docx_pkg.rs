//! A small WordprocessingML package writer shared by the feedback sheet and the annotated copy
//! of a plain-text essay: the fixed parts (content types, relationships, styles, numbering,
//! settings) and helpers to write paragraphs, runs and comments.
//!
//! Every part is written by peermark from its own text, escaped; the styles are real Word
//! styles (Title, Heading 1, a table style), so a sheet can be restyled in Word in one place.

use std::fmt::Write as _;
use std::io::Write as _;

/// The WordprocessingML namespace.
pub const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
pub const COMMENTS_REL: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments";
pub const COMMENTS_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml";

/// The comment author peermark writes.
pub const AUTHOR: &str = "peermark";

/// Escapes text for XML content and attribute values; drops characters XML 1.0 cannot hold.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A run of text with optional character formatting.
#[derive(Clone, Copy, Default)]
pub struct RunStyle {
    pub bold: bool,
    pub italic: bool,
    /// A character style id (`Strong`, `Quote`…).
    pub style: Option<&'static str>,
}

/// `<w:r>` holding `text`.
pub fn run(out: &mut String, text: &str, style: RunStyle) {
    if text.is_empty() {
        return;
    }
    out.push_str("<w:r>");
    if style.bold || style.italic || style.style.is_some() {
        out.push_str("<w:rPr>");
        if let Some(s) = style.style {
            let _ = write!(out, r#"<w:rStyle w:val="{s}"/>"#);
        }
        if style.bold {
            out.push_str("<w:b/>");
        }
        if style.italic {
            out.push_str("<w:i/>");
        }
        out.push_str("</w:rPr>");
    }
    let _ = write!(
        out,
        r#"<w:t xml:space="preserve">{}</w:t></w:r>"#,
        esc(text)
    );
}

/// A paragraph of one plain run in paragraph style `style` (`None`: Normal).
pub fn para(out: &mut String, style: Option<&str>, text: &str) {
    para_runs(out, style, &[(text, RunStyle::default())]);
}

/// A paragraph of several runs.
pub fn para_runs(out: &mut String, style: Option<&str>, runs: &[(&str, RunStyle)]) {
    out.push_str("<w:p>");
    if let Some(s) = style {
        let _ = write!(out, r#"<w:pPr><w:pStyle w:val="{s}"/></w:pPr>"#);
    }
    for (text, st) in runs {
        run(out, text, *st);
    }
    out.push_str("</w:p>");
}

/// `<w:commentRangeStart>` for comment `id`.
pub fn comment_start(out: &mut String, prefix: &str, id: u32) {
    let _ = write!(out, r#"<{prefix}:commentRangeStart {prefix}:id="{id}"/>"#);
}

/// `<w:commentRangeEnd>` and the run holding the comment's reference mark.
pub fn comment_end(out: &mut String, prefix: &str, id: u32) {
    let _ = write!(
        out,
        r#"<{prefix}:commentRangeEnd {prefix}:id="{id}"/><{prefix}:r><{prefix}:commentReference {prefix}:id="{id}"/></{prefix}:r>"#
    );
}

/// One `<w:comment>` by peermark; each entry of `paragraphs` is a paragraph of the comment.
/// `declare` adds the namespace declaration (for a comment added to an existing part whose
/// prefix may differ).
pub fn comment_xml(id: u32, paragraphs: &[String], declare: bool) -> String {
    let mut out = String::new();
    let ns = if declare {
        format!(r#" xmlns:w="{W_NS}""#)
    } else {
        String::new()
    };
    let _ = write!(
        out,
        r#"<w:comment{ns} w:id="{id}" w:author="{AUTHOR}" w:initials="pm">"#
    );
    for p in paragraphs {
        let _ = write!(
            out,
            r#"<w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
            esc(p)
        );
    }
    out.push_str("</w:comment>");
    out
}

/// A whole `word/comments.xml`.
pub fn comments_part(comments: &[(u32, Vec<String>)]) -> String {
    let mut out = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments xmlns:w="{W_NS}">"#
    );
    for (id, paras) in comments {
        out.push_str(&comment_xml(*id, paras, false));
    }
    out.push_str("</w:comments>");
    out
}

/// A new package: `body` is the content of `<w:body>` (without the section properties).
pub struct Package<'a> {
    pub body: &'a str,
    /// `(id, paragraphs)` of each comment; empty for none.
    pub comments: &'a [(u32, Vec<String>)],
    pub title: &'a str,
    /// Landscape pages.
    pub landscape: bool,
}

impl Package<'_> {
    /// The `.docx` bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let has_comments = !self.comments.is_empty();
        let mut types = String::from(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#,
        );
        if has_comments {
            let _ = write!(
                types,
                r#"<Override PartName="/word/comments.xml" ContentType="{COMMENTS_TYPE}"/>"#
            );
        }
        types.push_str("</Types>");
        let root_rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;
        let mut doc_rels = String::from(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>"#,
        );
        if has_comments {
            let _ = write!(
                doc_rels,
                r#"<Relationship Id="rId4" Type="{COMMENTS_REL}" Target="comments.xml"/>"#
            );
        }
        doc_rels.push_str("</Relationships>");
        // A4, 2 cm margins.
        let page = if self.landscape {
            r#"<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>"#
        } else {
            r#"<w:pgSz w:w="11906" w:h="16838"/>"#
        };
        let document = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{}<w:sectPr>{page}<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr></w:body></w:document>"#,
            self.body
        );
        let core = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title><dc:creator>{AUTHOR}</dc:creator></cp:coreProperties>"#,
            esc(self.title)
        );
        let mut parts: Vec<(&str, String)> = vec![
            ("[Content_Types].xml", types),
            ("_rels/.rels", root_rels.to_string()),
            ("word/_rels/document.xml.rels", doc_rels),
            ("word/document.xml", document),
            ("word/styles.xml", STYLES.to_string()),
            ("word/settings.xml", SETTINGS.to_string()),
            ("word/numbering.xml", NUMBERING.to_string()),
            ("docProps/core.xml", core),
        ];
        if has_comments {
            parts.push(("word/comments.xml", comments_part(self.comments)));
        }
        zip_parts(&parts)
    }
}

/// A zip of the parts, deflated, with fixed timestamps (the same input gives the same bytes).
pub fn zip_parts(parts: &[(&str, String)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        // Writing to memory cannot fail.
        zip.start_file(*name, options).expect("zip entry in memory");
        zip.write_all(text.as_bytes()).expect("zip entry in memory");
    }
    zip.finish().expect("zip in memory").into_inner()
}

const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"#;

/// One bullet list (numId 1).
const NUMBERING: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="360" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#;

/// The styles of peermark's documents. Colours: a calm teal for headings, a light teal for
/// table headers.
const STYLES: &str = r##"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="Arial" w:cs="Arial"/><w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="en-GB"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="8" w:space="4" w:color="2E7D7A"/></w:pBdr><w:spacing w:after="200"/></w:pPr><w:rPr><w:color w:val="1F4E4C"/><w:sz w:val="40"/><w:szCs w:val="40"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="160"/></w:pPr><w:rPr><w:i/><w:color w:val="4A4A4A"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="320" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:color w:val="2E7D7A"/><w:sz w:val="30"/><w:szCs w:val="30"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="200" w:after="80"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:color w:val="1F4E4C"/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="Outcome"><w:name w:val="Outcome"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:shd w:val="clear" w:color="auto" w:fill="E6F2F1"/><w:spacing w:before="120" w:after="120"/><w:ind w:left="113" w:right="113"/></w:pPr><w:rPr><w:b/><w:color w:val="1F4E4C"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="Details"><w:name w:val="Details"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="40"/></w:pPr></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="Note"><w:name w:val="Note"/><w:basedOn w:val="Normal"/><w:qFormat/><w:rPr><w:i/><w:color w:val="4A4A4A"/><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:keepLines/><w:spacing w:before="40" w:after="80" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="TableTitle"><w:name w:val="Table Title"/><w:basedOn w:val="TableText"/><w:next w:val="TableText"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="60" w:after="60"/></w:pPr><w:rPr><w:sz w:val="22"/><w:szCs w:val="22"/></w:rPr></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="TableQuote"><w:name w:val="Table Quote"/><w:basedOn w:val="TableText"/><w:qFormat/><w:pPr><w:pBdr><w:left w:val="single" w:sz="12" w:space="4" w:color="9CCBC8"/></w:pBdr><w:ind w:left="113"/></w:pPr><w:rPr><w:i/><w:color w:val="333333"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:spacing w:after="60"/><w:ind w:left="360" w:hanging="360"/></w:pPr></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="SignOff"><w:name w:val="Sign Off"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:tabs><w:tab w:val="left" w:pos="5103"/></w:tabs><w:spacing w:before="240"/></w:pPr></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="Support"><w:name w:val="Support"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:pBdr><w:top w:val="single" w:sz="4" w:space="6" w:color="9CCBC8"/></w:pBdr><w:spacing w:before="360"/></w:pPr><w:rPr><w:color w:val="1F4E4C"/><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="CommentText"><w:name w:val="annotation text"/><w:basedOn w:val="Normal"/><w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>
<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>
<w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/><w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/><w:rPr><w:b/><w:bCs/></w:rPr></w:style>
<w:style w:type="character" w:styleId="CommentReference"><w:name w:val="annotation reference"/><w:basedOn w:val="DefaultParagraphFont"/><w:rPr><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="table" w:customStyle="1" w:styleId="FeedbackTable"><w:name w:val="Feedback Table"/><w:basedOn w:val="TableNormal"/><w:qFormat/><w:pPr><w:spacing w:after="0"/></w:pPr><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="9CCBC8"/><w:left w:val="single" w:sz="4" w:space="0" w:color="9CCBC8"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="9CCBC8"/><w:right w:val="single" w:sz="4" w:space="0" w:color="9CCBC8"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="9CCBC8"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="9CCBC8"/></w:tblBorders><w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="57" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:color w:val="FFFFFF"/></w:rPr><w:tblPr/><w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="2E7D7A"/></w:tcPr></w:tblStylePr><w:tblStylePr w:type="firstCol"><w:rPr><w:b/></w:rPr></w:tblStylePr></w:style>
<w:style w:type="table" w:customStyle="1" w:styleId="AssessorBox"><w:name w:val="Assessor Box"/><w:basedOn w:val="TableNormal"/><w:qFormat/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="8" w:space="0" w:color="2E7D7A"/><w:left w:val="single" w:sz="8" w:space="0" w:color="2E7D7A"/><w:bottom w:val="single" w:sz="8" w:space="0" w:color="2E7D7A"/><w:right w:val="single" w:sz="8" w:space="0" w:color="2E7D7A"/></w:tblBorders><w:tblCellMar><w:top w:w="113" w:type="dxa"/><w:left w:w="113" w:type="dxa"/><w:bottom w:w="113" w:type="dxa"/><w:right w:w="113" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
</w:styles>"##;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        assert_eq!(
            esc("a & <b> \"c\"\u{1}\td"),
            "a &amp; &lt;b&gt; &quot;c&quot; d"
        );
    }

    #[test]
    fn styles_and_fixed_parts_are_well_formed() {
        for xml in [STYLES, SETTINGS, NUMBERING] {
            let mut r = quick_xml::Reader::from_str(xml);
            loop {
                match r.read_event() {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => {}
                    Err(e) => panic!("{e}"),
                }
            }
        }
    }
}
