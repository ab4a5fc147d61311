//! HTML (`.html`, `.htm`): an LMS online-text submission or a page saved from a word
//! processor, parsed with html5ever (through `scraper`) as a browser would.
//!
//! Block elements (`p`, `div`, headings, list items, table cells, …) are paragraphs; inline
//! text joins with HTML's whitespace rules; entities are decoded; `head`, `script`, `style`
//! and other non-text elements are dropped. One `<br>` is a line break inside a paragraph (read
//! as a space), two or more in a row end the paragraph, as editors that write
//! `text<br><br>text` mean.
//!
//! The page is parsed a few kilobytes at a time into a tree that counts as it grows:
//! parsing stops at the first chunk that takes the tree past a limit — elements nested
//! deeper than [`Limits::max_xml_depth`] (html5ever's work per tag grows with the depth, so
//! 100,000 nested `<div>`s would take hours), more than [`Limits::max_elements`] elements,
//! or more than twice [`Limits::max_text_size`] of text (whitespace and scripts included;
//! the essay's own text is held to the limit itself). The tree is walked without recursion.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ops::Range;

use ego_tree::iter::Edge;
use ego_tree::NodeId;
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName};
use peermark_text::document::Hint;
use peermark_text::{Document, Paragraph, SourceLines};
use scraper::{Html, HtmlTreeSink, Node};

use crate::{IngestError, Limits};

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

/// Bytes of HTML handed to the parser at a time: a limit is noticed at most this far past
/// the point where it was reached.
const CHUNK: usize = 4 << 10;

/// Reads an `.html` file within `limits`.
pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Document, IngestError> {
    let text = crate::text::decode(bytes)?;
    let html = parse(&text, limits)?;
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

/// Which limit a page went past.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Over {
    Depth,
    Elements,
    Text,
}

/// Parses `text` as html5ever does for a browser, stopping at the first limit passed.
fn parse(text: &str, limits: &Limits) -> Result<Html, IngestError> {
    let over = std::rc::Rc::new(Cell::new(None));
    let sink = Counted {
        inner: HtmlTreeSink::new(Html::new_document()),
        depth: RefCell::new(HashMap::new()),
        elements: Cell::new(0),
        text: Cell::new(0),
        over: over.clone(),
        limits: *limits,
    };
    let mut parser = html5ever::driver::parse_document(sink, Default::default());
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + CHUNK).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        parser.process(StrTendril::from_slice(&text[start..end]));
        start = end;
        if let Some(o) = over.get() {
            return Err(match o {
                Over::Depth => IngestError::HtmlTooDeep {
                    limit: limits.max_xml_depth,
                },
                Over::Elements => IngestError::TooManyElements {
                    ext: "html",
                    what: "elements",
                    limit: limits.max_elements,
                },
                Over::Text => IngestError::TextTooLarge {
                    limit: limits.max_text_size,
                },
            });
        }
    }
    Ok(parser.finish())
}

/// scraper's tree, counting nesting depth, elements and text as html5ever builds it.
struct Counted {
    inner: HtmlTreeSink,
    /// Each node's depth below the document, as it was attached.
    depth: RefCell<HashMap<NodeId, u32>>,
    /// Elements, attributes, comments and processing instructions made.
    elements: Cell<u64>,
    /// Bytes of text attached, outside scripts and styles.
    text: Cell<u64>,
    over: std::rc::Rc<Cell<Option<Over>>>,
    limits: Limits,
}

impl Counted {
    fn over(&self, o: Over) {
        if self.over.get().is_none() {
            self.over.set(Some(o));
        }
    }

    /// The depth of `node`: as recorded, else counted up the tree.
    fn depth_of(&self, node: NodeId) -> u32 {
        if let Some(&d) = self.depth.borrow().get(&node) {
            return d;
        }
        let html = self.inner.0.borrow();
        html.tree
            .get(node)
            .map_or(0, |n| n.ancestors().count() as u32)
    }

    fn placed(&self, node: NodeId, depth: u32) {
        self.depth.borrow_mut().insert(node, depth);
        if depth > self.limits.max_xml_depth {
            self.over(Over::Depth);
        }
    }

    fn made(&self, n: u64) {
        self.elements.set(self.elements.get() + n);
        if self.elements.get() > self.limits.max_elements {
            self.over(Over::Elements);
        }
    }

    fn text_under(&self, parent: NodeId, len: usize) {
        let skipped = self.inner.0.borrow().tree.get(parent).is_some_and(|n| {
            n.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "script" | "style"))
        });
        if !skipped {
            self.text.set(self.text.get() + len as u64);
            if self.text.get() > self.limits.max_text_size.saturating_mul(2) {
                self.over(Over::Text);
            }
        }
    }

    fn attached(&self, parent_depth: u32, parent: NodeId, child: &NodeOrText<NodeId>) {
        match child {
            NodeOrText::AppendNode(id) => self.placed(*id, parent_depth + 1),
            NodeOrText::AppendText(t) => self.text_under(parent, t.len()),
        }
    }
}

impl TreeSink for Counted {
    type Handle = NodeId;
    type Output = Html;
    type ElemName<'a> = <HtmlTreeSink as TreeSink>::ElemName<'a>;

    fn finish(self) -> Html {
        self.inner.finish()
    }

    fn parse_error(&self, msg: Cow<'static, str>) {
        self.inner.parse_error(msg)
    }

    fn get_document(&self) -> NodeId {
        self.inner.get_document()
    }

    fn elem_name<'a>(&'a self, target: &'a NodeId) -> Self::ElemName<'a> {
        self.inner.elem_name(target)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> NodeId {
        self.made(1 + attrs.len() as u64);
        self.inner.create_element(name, attrs, flags)
    }

    fn create_comment(&self, text: StrTendril) -> NodeId {
        self.made(1);
        self.inner.create_comment(text)
    }

    fn create_pi(&self, target: StrTendril, data: StrTendril) -> NodeId {
        self.made(1);
        self.inner.create_pi(target, data)
    }

    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        self.attached(self.depth_of(*parent), *parent, &child);
        self.inner.append(parent, child)
    }

    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev_element: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        let d = self.depth_of(*element).max(self.depth_of(*prev_element));
        self.attached(d, *prev_element, &child);
        self.inner
            .append_based_on_parent_node(element, prev_element, child)
    }

    fn append_doctype_to_document(
        &self,
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    ) {
        self.inner
            .append_doctype_to_document(name, public_id, system_id)
    }

    fn mark_script_already_started(&self, node: &NodeId) {
        self.inner.mark_script_already_started(node)
    }

    fn pop(&self, node: &NodeId) {
        self.inner.pop(node)
    }

    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        self.inner.get_template_contents(target)
    }

    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        self.inner.same_node(x, y)
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode)
    }

    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        let d = self.depth_of(*sibling).saturating_sub(1);
        self.attached(d, *sibling, &new_node);
        self.inner.append_before_sibling(sibling, new_node)
    }

    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        self.made(attrs.len() as u64);
        self.inner.add_attrs_if_missing(target, attrs)
    }

    fn remove_from_parent(&self, target: &NodeId) {
        self.inner.remove_from_parent(target)
    }

    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        let d = self.depth_of(*new_parent) + 1;
        let children: Vec<NodeId> = self
            .inner
            .0
            .borrow()
            .tree
            .get(*node)
            .map(|n| n.children().map(|c| c.id()).collect())
            .unwrap_or_default();
        for c in children {
            self.placed(c, d);
        }
        self.inner.reparent_children(node, new_parent)
    }
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
        read(html.as_bytes(), &Limits::default())
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
            &b"<h1>My title</h1><p>Body text here is long enough to be a paragraph.</p><ul><li>first item</li><li><p>second</p></li></ul><table><tr><th>When</th><td>What <i>helped</i></td></tr></table><p>The <em>Journal</em>, 16</p>"[..],
            &Limits::default(),
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
        let l = Limits::default();
        assert!(matches!(read(b"", &l), Err(IngestError::Empty)));
        assert!(matches!(
            read(
                b"<html><head><title>t</title></head><body><img src=x.png></body></html>",
                &l
            ),
            Err(IngestError::NoText)
        ));
    }
}
