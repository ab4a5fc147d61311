//! HTML (`.html`, `.htm`): an LMS online-text submission or a page saved from a word
//! processor, parsed with html5ever (through `scraper`) as a browser would.
//!
//! Block elements (`p`, `div`, headings, list items, table cells, …) are paragraphs; inline
//! text joins with HTML's whitespace rules; entities are decoded; `head`, `script`, `style`
//! and other non-text elements are dropped. One `<br>` is a line break inside a paragraph (read
//! as a space), two or more in a row end the paragraph, as editors that write
//! `text<br><br>text` mean.

use std::ops::Range;

use ego_tree::iter::Edge;
use peermark_text::document::Hint;
use peermark_text::{Document, Paragraph, SourceLines};
use scraper::{Html, Node};

use crate::IngestError;

/// Elements whose content is never essay text.
const SKIPPED: &[&str] = &[
    "head", "title", "script", "style", "template", "noscript", "iframe", "object", "embed", "svg",
    "math", "select", "textarea", "button", "audio", "video", "canvas", "map",
];

/// Elements that start and end a paragraph.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Inline elements whose text is emphasised.
const EMPHASIS: &[&str] = &["em", "i", "cite", "dfn", "var"];

/// Reads an `.html` file.
pub(crate) fn read(bytes: &[u8]) -> Result<Document, IngestError> {
    let text = crate::text::decode(bytes)?;
    let html = Html::parse_document(&text);
    let mut b = Builder::default();
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) => b.open(e.name()),
                Node::Text(t) if b.skip == 0 => b.text(t),
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    b.close(e.name());
                }
            }
        }
    }
    b.flush();
    let doc = Document::new(b.paras, SourceLines::Extracted);
    if doc.paragraphs.is_empty() {
        return Err(IngestError::NoText);
    }
    Ok(doc)
}

#[derive(Default)]
struct Builder {
    paras: Vec<Paragraph>,
    text: String,
    emphasis: Vec<Range<usize>>,
    /// Depth inside skipped elements.
    skip: u32,
    italic: u32,
    headings: u32,
    items: u32,
    cells: u32,
    /// `<br>`s since the last text.
    breaks: u32,
    /// The last character is collapsible whitespace (or the paragraph is empty).
    space: bool,
}

impl Builder {
    fn open(&mut self, name: &str) {
        if self.skip > 0 || SKIPPED.contains(&name) {
            self.skip += 1;
            return;
        }
        if BLOCKS.contains(&name) {
            self.flush();
        }
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => self.headings += 1,
            "li" | "dt" | "dd" => self.items += 1,
            "td" | "th" => self.cells += 1,
            "br" => self.breaks += 1,
            n if EMPHASIS.contains(&n) => self.italic += 1,
            _ => {}
        }
    }

    fn close(&mut self, name: &str) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        if BLOCKS.contains(&name) {
            self.flush();
        }
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.headings = self.headings.saturating_sub(1)
            }
            "li" | "dt" | "dd" => self.items = self.items.saturating_sub(1),
            "td" | "th" => self.cells = self.cells.saturating_sub(1),
            n if EMPHASIS.contains(&n) => self.italic = self.italic.saturating_sub(1),
            _ => {}
        }
    }

    fn text(&mut self, s: &str) {
        if s.chars().all(|c| c.is_ascii_whitespace()) {
            if !self.space && !s.is_empty() {
                self.push(" ");
                self.space = true;
            }
            return;
        }
        if self.breaks >= 2 {
            self.flush();
        } else if self.breaks == 1 && !self.space {
            self.push(" ");
            self.space = true;
        }
        self.breaks = 0;
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            // HTML collapses ASCII whitespace; a no-break space stays as written (as .docx
            // keeps it), and separates words all the same.
            if c.is_ascii_whitespace() {
                if !self.space {
                    out.push(' ');
                    self.space = true;
                }
            } else {
                out.push(c);
                self.space = false;
            }
        }
        self.push(&out);
    }

    fn push(&mut self, s: &str) {
        let start = self.text.len();
        self.text.push_str(s);
        if self.italic > 0 && !s.trim().is_empty() {
            match self.emphasis.last_mut() {
                Some(r) if r.end == start => r.end = self.text.len(),
                _ => self.emphasis.push(start..self.text.len()),
            }
        }
    }

    /// Ends the paragraph being built (if it has text).
    fn flush(&mut self) {
        self.breaks = 0;
        self.space = true;
        let text = std::mem::take(&mut self.text);
        let emphasis = std::mem::take(&mut self.emphasis);
        let lead = text.len() - text.trim_start().len();
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return;
        }
        let hint = if self.cells > 0 {
            Hint::TableCell
        } else if self.headings > 0 {
            Hint::Heading
        } else if self.items > 0 {
            Hint::ListItem
        } else {
            Hint::None
        };
        let len = trimmed.len();
        let mut p = Paragraph::new(trimmed, hint);
        p.emphasis = emphasis
            .into_iter()
            .map(|r| {
                let s = &text[r.clone()];
                // Emphasis covers the words, not the spaces around them.
                let start = r.start + (s.len() - s.trim_start().len());
                let end = r.end - (s.len() - s.trim_end().len());
                start.saturating_sub(lead).min(len)..end.saturating_sub(lead).min(len)
            })
            .filter(|r| r.start < r.end)
            .collect();
        self.paras.push(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(html: &str) -> Vec<String> {
        read(html.as_bytes())
            .unwrap()
            .paragraphs
            .into_iter()
            .map(|p| p.text)
            .collect()
    }

    #[test]
    fn blocks_entities_and_whitespace() {
        let t = texts(
            "<html><head><title>Not text</title><style>p{}</style><script>var x = 1;</script></head><body><p>Peer   support\n gave me hope &amp; a&nbsp;sense of <b>conn</b>ection.</p><div>Second <span>block</span></div>Loose text</body></html>",
        );
        assert_eq!(
            t,
            vec![
                "Peer support gave me hope & a\u{a0}sense of connection.",
                "Second block",
                "Loose text"
            ]
        );
    }

    #[test]
    fn line_breaks() {
        let t = texts("<p>one line<br>goes on<br><br>New paragraph<br/> <br/>  Third</p>");
        assert_eq!(t, vec!["one line goes on", "New paragraph", "Third"]);
    }

    #[test]
    fn lists_tables_headings_and_emphasis() {
        let d = read(
            b"<h1>My title</h1><p>Body text here is long enough to be a paragraph.</p><ul><li>first item</li><li><p>second</p></li></ul><table><tr><th>When</th><td>What <i>helped</i></td></tr></table><p>The <em>Journal</em>, 16</p>",
        )
        .unwrap();
        let got: Vec<(&str, Hint)> = d
            .paragraphs
            .iter()
            .map(|p| (p.text.as_str(), p.hint))
            .collect();
        assert_eq!(
            got,
            vec![
                ("My title", Hint::Heading),
                (
                    "Body text here is long enough to be a paragraph.",
                    Hint::None
                ),
                ("first item", Hint::ListItem),
                ("second", Hint::ListItem),
                ("When", Hint::TableCell),
                ("What helped", Hint::TableCell),
                ("The Journal, 16", Hint::None),
            ]
        );
        assert_eq!(d.title(), Some("My title"));
        let p = &d.paragraphs[6];
        assert_eq!(&p.text[p.emphasis[0].clone()], "Journal");
        let p = &d.paragraphs[5];
        assert_eq!(&p.text[p.emphasis[0].clone()], "helped");
    }

    #[test]
    fn empty_and_textless_pages_are_errors() {
        assert!(matches!(read(b""), Err(IngestError::Empty)));
        assert!(matches!(
            read(b"<html><head><title>t</title></head><body><img src=x.png></body></html>"),
            Err(IngestError::NoText)
        ));
    }
}
