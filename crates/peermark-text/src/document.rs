//! Documents, paragraphs and positions.

use serde::Serialize;
use std::ops::Range;

/// What a paragraph is in the essay's structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParagraphKind {
    /// The essay's title (the first short line).
    Title,
    /// A heading inside the body ("My story", "What is recovery?").
    Heading,
    /// Body text: counted, analysed and checked.
    Body,
    /// The heading that opens the reference list ("References", "Bibliography").
    ReferenceHeading,
    /// An entry of the reference list.
    Reference,
}

/// What the reader knew about a paragraph from the file's own markup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Hint {
    /// Plain paragraph: its kind is decided from the text.
    #[default]
    None,
    /// Styled or marked as the document title.
    Title,
    /// Styled or marked as a heading (Word "Heading 1", Markdown `#`).
    Heading,
    /// Text of a table cell: body text, but never an introduction or conclusion.
    TableCell,
    /// A list item.
    ListItem,
}

/// Where a stretch of a paragraph's text came from: `text[byte..]` (up to the next origin)
/// starts at this 1-based line and column (columns count Unicode characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin {
    pub byte: usize,
    pub line: u32,
    pub column: u32,
}

/// How line and column numbers relate to the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceLines {
    /// Plain text and Markdown: positions are the file's own lines and columns; readers set
    /// each paragraph's [`Origin`]s.
    File,
    /// Containers (docx, odt, pdf, html): the extracted text has one line per paragraph with
    /// a blank line between paragraphs, and positions refer to that text.
    Extracted,
}

/// One paragraph of a submission.
#[derive(Clone, Debug)]
pub struct Paragraph {
    /// The paragraph's text, line breaks inside it read as spaces.
    pub text: String,
    pub kind: ParagraphKind,
    pub hint: Hint,
    /// Source positions, sorted by `byte`; the first has `byte == 0`.
    pub origin: Vec<Origin>,
    /// Emphasised (italic) stretches; a term inside one is treated like a quoted term.
    pub emphasis: Vec<Range<usize>>,
}

impl Paragraph {
    /// A paragraph whose kind is decided later by [`Document::new`].
    pub fn new(text: impl Into<String>, hint: Hint) -> Self {
        Paragraph {
            text: text.into(),
            kind: ParagraphKind::Body,
            hint,
            origin: Vec::new(),
            emphasis: Vec::new(),
        }
    }

    /// Line and column of a byte offset of this paragraph's text.
    pub fn line_column(&self, byte: usize) -> (u32, u32) {
        let byte = floor_char_boundary(&self.text, byte.min(self.text.len()));
        let idx = match self.origin.binary_search_by(|o| o.byte.cmp(&byte)) {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) => i - 1,
        };
        match self.origin.get(idx) {
            Some(o) => {
                let start = o.byte.min(byte);
                let chars = self.text[start..byte].chars().count() as u32;
                (o.line, o.column + chars)
            }
            None => (1, 1 + self.text[..byte].chars().count() as u32),
        }
    }

    pub fn is_body(&self) -> bool {
        matches!(self.kind, ParagraphKind::Body | ParagraphKind::Heading)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A position in a submission, as `cli.md` defines it: 1-based paragraph (title and headings
/// count), line and column (Unicode characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Position {
    pub paragraph: usize,
    pub line: u32,
    pub column: u32,
}

/// A submission's text, paragraph by paragraph.
#[derive(Clone, Debug)]
pub struct Document {
    pub paragraphs: Vec<Paragraph>,
    pub lines: SourceLines,
    /// What the reader could not do exactly (e.g. a PDF whose paragraph breaks had to be
    /// guessed): one sentence each, said to the learner and assessor in the row's `message`.
    pub warnings: Vec<String>,
    /// Per paragraph: its words, as a word processor counts them (see [`Document::words`]).
    words: Vec<usize>,
    /// Per paragraph: its sentences, found the first time any are asked for.
    sentences: std::sync::OnceLock<Vec<Vec<std::ops::Range<usize>>>>,
}

/// Headings that open a reference list (compared lower-case, without trailing `:`).
const REFERENCE_HEADINGS: &[&str] = &[
    "references",
    "reference list",
    "reference",
    "list of references",
    "bibliography",
    "sources",
    "works cited",
    "references and bibliography",
];

impl Document {
    /// Builds a document from a reader's paragraphs: drops empty ones, decides each
    /// paragraph's kind and, for [`SourceLines::Extracted`], sets the positions.
    pub fn new(paragraphs: Vec<Paragraph>, lines: SourceLines) -> Self {
        let mut paragraphs: Vec<Paragraph> = paragraphs
            .into_iter()
            .filter(|p| p.text.chars().any(|c| !c.is_whitespace()))
            .collect();
        if lines == SourceLines::Extracted {
            for (i, p) in paragraphs.iter_mut().enumerate() {
                p.origin = vec![Origin {
                    byte: 0,
                    line: (2 * i + 1) as u32,
                    column: 1,
                }];
            }
        }
        for p in paragraphs.iter_mut() {
            if p.origin.is_empty() {
                p.origin.push(Origin {
                    byte: 0,
                    line: 1,
                    column: 1,
                });
            }
        }
        let words = paragraphs
            .iter()
            .map(|p| crate::count_words(&p.text))
            .collect();
        let mut doc = Document {
            paragraphs,
            lines,
            warnings: Vec::new(),
            words,
            sentences: std::sync::OnceLock::new(),
        };
        doc.classify();
        doc
    }

    fn classify(&mut self) {
        let n = self.paragraphs.len();
        let mut in_refs = false;
        let mut seen_body = false;
        for i in 0..n {
            let p = &self.paragraphs[i];
            let words = self.words[i];
            let trimmed = p.text.trim();
            let is_last = i + 1 == n;
            let kind = if in_refs {
                ParagraphKind::Reference
            } else if words <= 4 && seen_body && !is_last && is_reference_heading(trimmed) {
                in_refs = true;
                ParagraphKind::ReferenceHeading
            } else if i == 0 && n > 1 && looks_like_title(p) {
                ParagraphKind::Title
            } else if p.hint == Hint::Heading
                || p.hint == Hint::Title
                || (p.hint == Hint::None && !is_last && looks_like_heading(trimmed, words))
            {
                ParagraphKind::Heading
            } else {
                seen_body = true;
                ParagraphKind::Body
            };
            self.paragraphs[i].kind = kind;
        }
    }

    /// The words of paragraph `index` (0-based), as a word processor counts them
    /// ([`count_words`](crate::count_words)), counted once.
    pub fn words(&self, index: usize) -> usize {
        self.words[index]
    }

    /// The sentences of paragraph `index` (0-based), as byte ranges of its text
    /// ([`sentences`](fn@crate::sentences)); every paragraph's are found once, on first use.
    pub fn sentences(&self, index: usize) -> &[std::ops::Range<usize>] {
        &self.sentences.get_or_init(|| {
            self.paragraphs
                .iter()
                .map(|p| crate::sentences(&p.text))
                .collect()
        })[index]
    }

    /// The position of a byte offset in paragraph `index` (0-based).
    pub fn position(&self, index: usize, byte: usize) -> Position {
        let (line, column) = self.paragraphs[index].line_column(byte);
        Position {
            paragraph: index + 1,
            line,
            column,
        }
    }

    /// Indexes of the body paragraphs (the essay between title and reference list,
    /// headings excluded).
    pub fn body_indexes(&self) -> impl Iterator<Item = usize> + '_ {
        self.paragraphs
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind == ParagraphKind::Body)
            .map(|(i, _)| i)
    }

    /// Words counted as a word processor would, from the first paragraph after the title to
    /// the reference-list heading: headings and table text included, title and references
    /// excluded.
    pub fn body_words(&self) -> usize {
        self.paragraphs
            .iter()
            .zip(&self.words)
            .filter(|(p, _)| matches!(p.kind, ParagraphKind::Body | ParagraphKind::Heading))
            .map(|(_, w)| w)
            .sum()
    }

    /// The title, if the essay has one.
    pub fn title(&self) -> Option<&str> {
        self.paragraphs
            .first()
            .filter(|p| p.kind == ParagraphKind::Title)
            .map(|p| p.text.as_str())
    }

    /// The text the extracted positions refer to: one line per paragraph, a blank line
    /// between paragraphs.
    pub fn extracted_text(&self) -> String {
        let mut out = String::new();
        for (i, p) in self.paragraphs.iter().enumerate() {
            if i > 0 {
                out.push_str("\n\n");
            }
            out.push_str(&p.text);
        }
        out.push('\n');
        out
    }

    /// The source line `line` as it reads inside paragraph `index`, with the column its
    /// first character has. Used to show a diagnostic in context.
    pub fn line_text(&self, index: usize, line: u32) -> Option<(String, u32)> {
        let p = self.paragraphs.get(index)?;
        let mut text = String::new();
        let mut first_col = None;
        for (k, o) in p.origin.iter().enumerate() {
            if o.line != line {
                continue;
            }
            let end = p.origin.get(k + 1).map(|n| n.byte).unwrap_or(p.text.len());
            match first_col {
                None => first_col = Some(o.column),
                Some(first) => {
                    // Characters removed between two stretches on one line (markup) read as gaps.
                    let shown = first + text.chars().count() as u32;
                    for _ in shown..o.column {
                        text.push(' ');
                    }
                }
            }
            text.push_str(p.text[o.byte..end].trim_end_matches(['\n', '\r']));
        }
        first_col.map(|c| (text, c))
    }
}

fn is_reference_heading(text: &str) -> bool {
    let t = text
        .trim_start_matches('#')
        .trim()
        .trim_end_matches(':')
        .trim()
        .to_lowercase();
    REFERENCE_HEADINGS.contains(&t.as_str())
}

fn looks_like_title(p: &Paragraph) -> bool {
    if p.hint == Hint::Title || p.hint == Hint::Heading {
        return true;
    }
    let t = p.text.trim();
    p.hint == Hint::None && crate::count_words(t) <= 25 && !t.ends_with('.')
}

fn looks_like_heading(text: &str, words: usize) -> bool {
    words > 0
        && words <= 8
        && !text.ends_with(['.', ',', ';', '"', '\u{201d}'])
        && text.chars().next().is_some_and(|c| !c.is_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(texts: &[&str]) -> Document {
        Document::new(
            texts
                .iter()
                .map(|t| Paragraph::new(*t, Hint::None))
                .collect(),
            SourceLines::Extracted,
        )
    }

    #[test]
    fn kinds_follow_the_essay_shape() {
        let d = doc(&[
            "My story",
            "Introduction",
            "This essay looks at my recovery.",
            "In conclusion, I learned a lot.",
            "References",
            "Anthony, W.A. (1993) Recovery from mental illness.",
        ]);
        let kinds: Vec<_> = d.paragraphs.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            vec![
                ParagraphKind::Title,
                ParagraphKind::Heading,
                ParagraphKind::Body,
                ParagraphKind::Body,
                ParagraphKind::ReferenceHeading,
                ParagraphKind::Reference
            ]
        );
        assert_eq!(d.body_words(), 1 + 6 + 6);
    }

    #[test]
    fn extracted_positions_are_one_line_per_paragraph() {
        let d = doc(&["Title here", "", "Second paragraph has words."]);
        assert_eq!(d.paragraphs.len(), 2);
        let pos = d.position(1, "Second paragraph has ".len());
        assert_eq!(
            pos,
            Position {
                paragraph: 2,
                line: 3,
                column: 22
            }
        );
    }

    #[test]
    fn file_positions_follow_origins_and_count_chars() {
        let mut p = Paragraph::new("“Quoted” words\ncontinue here", Hint::None);
        p.origin = vec![
            Origin {
                byte: 0,
                line: 4,
                column: 1,
            },
            Origin {
                byte: "“Quoted” words\n".len(),
                line: 5,
                column: 1,
            },
        ];
        let d = Document::new(vec![p], SourceLines::File);
        let b = "“Quoted” ".len();
        assert_eq!(d.position(0, b).column, 10);
        assert_eq!(d.position(0, b).line, 4);
        let c = "“Quoted” words\ncontinue ".len();
        assert_eq!((d.position(0, c).line, d.position(0, c).column), (5, 10));
        assert_eq!(d.line_text(0, 5).unwrap(), ("continue here".to_string(), 1));
    }
}
