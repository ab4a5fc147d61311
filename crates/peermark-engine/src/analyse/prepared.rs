//! The document as every evidence kind sees it ([`Prepared`]: paragraphs, sentences, phrase
//! hits, topics), and what a kind produces ([`Measured`], quotable [`Span`]s).

use super::in_text;
use crate::rubric::spec::Scope;
use crate::rubric::Rubric;
use peermark_text::{longest_non_overlapping, Document, Hit, ParagraphKind};
use std::collections::BTreeMap;
use std::ops::Range;

/// Per paragraph, whether it is on a topic (see [`Prepared::within`]).
type Topic = std::rc::Rc<Vec<bool>>;

/// The lexicon that decides which sentences are in the first person.
pub const FIRST_PERSON: &str = "first_person";

/// Hits of part of the phrase bank, per paragraph.
pub type PartHits = std::rc::Rc<Vec<Vec<Hit>>>;

/// A quotable stretch: paragraph index (0-based) and byte range in its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub paragraph: usize,
    pub range: Range<usize>,
}

/// What one measure found.
#[derive(Clone, Debug, Default)]
pub struct Measured {
    /// Output values by name (the measure's name and its suffixed variants).
    pub values: Vec<(String, f64)>,
    /// Evidence count per paragraph (index = paragraph index), for co-occurrence.
    pub per_paragraph: Vec<u32>,
    /// Spans worth quoting, best first.
    pub spans: Vec<Span>,
    /// Distinct things found (concept labels, sources), in order of first appearance.
    pub items: Vec<String>,
    /// Things looked for and not found in full (unexplained concepts, unmatched citations).
    pub missing: Vec<String>,
}

impl Measured {
    pub fn new(paragraphs: usize) -> Self {
        Measured {
            per_paragraph: vec![0; paragraphs],
            ..Default::default()
        }
    }
}

/// A document with the work every evidence kind shares done once: sentences per paragraph
/// and which sentences are in the first person.
pub struct Prepared<'a> {
    pub doc: &'a Document,
    pub sentences: Vec<Vec<Range<usize>>>,
    /// Per paragraph, per sentence: number of first-person words.
    pub first_person: Vec<Vec<u32>>,
    /// Per paragraph: its words, counted as a word processor counts them.
    pub words: Vec<usize>,
    /// The document's [`Document::body_words`], counted once.
    pub body_words: usize,
    /// Hits per part of the bank (by its range), per paragraph (computed on demand, cached).
    cache: std::cell::RefCell<BTreeMap<(usize, usize), PartHits>>,
    /// Per paragraph, every hit of the rubric's phrase bank, for body paragraphs; computed
    /// on first use.
    bank: std::cell::OnceCell<Vec<Vec<Hit>>>,
    /// Topic paragraphs per (lexicon name, reach) (computed on demand, cached).
    within_cache: std::cell::RefCell<BTreeMap<(String, usize), Topic>>,
    /// Every in-text citation of the body (computed on first use).
    citations: std::cell::OnceCell<Vec<in_text::Citation>>,
}

impl<'a> Prepared<'a> {
    /// Every in-text citation of the body, found once per document.
    pub fn citations(&self) -> &[in_text::Citation] {
        self.citations
            .get_or_init(|| in_text::find(self.doc, self.body()))
    }

    /// Prepares `doc`; with a rubric that has a `first_person` lexicon, counts the
    /// first-person words of every sentence.
    pub fn new(doc: &'a Document, rubric: Option<&Rubric>) -> Self {
        let sentences: Vec<Vec<Range<usize>>> = (0..doc.paragraphs.len())
            .map(|i| doc.sentences(i).to_vec())
            .collect();
        let words: Vec<usize> = (0..doc.paragraphs.len()).map(|i| doc.words(i)).collect();
        let body_words = doc.body_words();
        let first_person = sentences.iter().map(|ss| vec![0; ss.len()]).collect();
        let mut prepared = Prepared {
            words,
            body_words,
            doc,
            sentences,
            first_person,
            cache: Default::default(),
            bank: Default::default(),
            within_cache: Default::default(),
            citations: Default::default(),
        };
        let lexicon = rubric.and_then(|r| r.lexicons.get(FIRST_PERSON).map(|l| (r, l)));
        if let Some((rubric, lexicon)) = lexicon {
            // Body paragraphs' hits come from the bank; other paragraphs (a title, headings)
            // are searched with the lexicon alone.
            let all_hits: Vec<Vec<Hit>> = (0..doc.paragraphs.len())
                .map(|i| {
                    if prepared.is_body(i) {
                        prepared.part_all(rubric, &lexicon.in_bank, i)
                    } else {
                        lexicon.matcher.find_all(&doc.paragraphs[i].text)
                    }
                })
                .collect();
            prepared.first_person = all_hits
                .iter()
                .zip(&prepared.sentences)
                .map(|(hits, ss)| {
                    ss.iter()
                        .map(|s| {
                            hits.iter()
                                .filter(|h| h.range.start >= s.start && h.range.end <= s.end)
                                .count() as u32
                        })
                        .collect()
                })
                .collect();
            // The first-person lexicon's hits, as `lexicon_hits` would find them.
            let longest: Vec<Vec<Hit>> = all_hits
                .into_iter()
                .enumerate()
                .map(|(i, hits)| {
                    if prepared.is_body(i) {
                        longest_non_overlapping(hits)
                    } else {
                        Vec::new()
                    }
                })
                .collect();
            let key = (lexicon.in_bank.start, lexicon.in_bank.end);
            prepared
                .cache
                .borrow_mut()
                .insert(key, std::rc::Rc::new(longest));
        }
        prepared
    }

    /// Whether paragraph `i` is body text that evidence is taken from.
    pub fn is_body(&self, i: usize) -> bool {
        self.doc.paragraphs[i].kind == ParagraphKind::Body
    }

    pub fn body(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.doc.paragraphs.len()).filter(|&i| self.is_body(i))
    }

    /// Every hit of the rubric's phrase bank in body paragraph `i` (none elsewhere), sorted
    /// as [`Matcher::find_all`](peermark_text::Matcher::find_all) sorts them; the bank is scanned once per document.
    fn bank(&self, rubric: &Rubric, i: usize) -> &[Hit] {
        let bank = self.bank.get_or_init(|| {
            (0..self.doc.paragraphs.len())
                .map(|i| {
                    if self.is_body(i) {
                        rubric.lexicon_bank.find_all(&self.doc.paragraphs[i].text)
                    } else {
                        Vec::new()
                    }
                })
                .collect()
        });
        &bank[i]
    }

    /// The hits in body paragraph `i` of the bank's phrases `range` (a lexicon's, or a
    /// measure's own), numbered from the range's start: what a matcher of those phrases
    /// alone would find there ([`Matcher::find_all`](peermark_text::Matcher::find_all)).
    pub fn part_all(&self, rubric: &Rubric, range: &Range<usize>, i: usize) -> Vec<Hit> {
        self.bank(rubric, i)
            .iter()
            .filter(|h| range.contains(&h.pattern))
            .map(|h| Hit {
                pattern: h.pattern - range.start,
                range: h.range.clone(),
            })
            .collect()
    }

    /// Whether any of the bank's phrases `range` is found in body paragraph `i`.
    fn part_any(&self, rubric: &Rubric, range: &Range<usize>, i: usize) -> bool {
        self.bank(rubric, i)
            .iter()
            .any(|h| range.contains(&h.pattern))
    }

    /// Per paragraph, the hits of the bank's phrases `range` with overlaps resolved, longest
    /// first ([`Matcher::find_longest`](peermark_text::Matcher::find_longest)); cached.
    pub fn part_hits(&self, rubric: &Rubric, range: &Range<usize>) -> PartHits {
        let key = (range.start, range.end);
        if let Some(h) = self.cache.borrow().get(&key) {
            return h.clone();
        }
        let hits: Vec<Vec<Hit>> = (0..self.doc.paragraphs.len())
            .map(|i| longest_non_overlapping(self.part_all(rubric, range, i)))
            .collect();
        let rc = std::rc::Rc::new(hits);
        self.cache.borrow_mut().insert(key, rc.clone());
        rc
    }

    /// Cached hits of a named lexicon, per paragraph.
    pub fn lexicon_hits(&self, rubric: &Rubric, name: &str) -> PartHits {
        self.part_hits(rubric, &rubric.lexicons[name].in_bank)
    }

    /// Index of the sentence of paragraph `i` that holds byte `at`.
    pub fn sentence_of(&self, i: usize, at: usize) -> Option<usize> {
        self.sentences[i]
            .iter()
            .position(|s| s.start <= at && at < s.end.max(s.start + 1))
    }

    /// Whether byte `at` of paragraph `i` is in a sentence the scope admits.
    pub fn in_scope(&self, scope: Scope, i: usize, at: usize) -> bool {
        match scope {
            Scope::Body => true,
            Scope::FirstPerson | Scope::ThirdPerson => {
                let fp = self
                    .sentence_of(i, at)
                    .map(|s| self.first_person[i][s] > 0)
                    .unwrap_or(false);
                fp == (scope == Scope::FirstPerson)
            }
        }
    }

    /// Paragraphs on a topic (all when `within` is `None`): those that contain a hit of lexicon
    /// `within`, those in a section whose heading does, and the `reach` body paragraphs that
    /// follow an anchored paragraph. Cached per (lexicon, reach).
    pub fn within(&self, rubric: &Rubric, within: &Option<String>, reach: usize) -> Topic {
        let Some(name) = within else {
            return std::rc::Rc::new(vec![true; self.doc.paragraphs.len()]);
        };
        let key = (name.clone(), reach);
        if let Some(w) = self.within_cache.borrow().get(&key) {
            return w.clone();
        }
        let paras = &self.doc.paragraphs;
        let lex = &rubric.lexicons[name].matcher;
        let mut out = vec![false; paras.len()];
        let mut section_on = false;
        let mut since_anchor = usize::MAX;
        for (i, p) in paras.iter().enumerate() {
            match p.kind {
                ParagraphKind::Heading | ParagraphKind::Title => {
                    section_on = p.kind == ParagraphKind::Heading && lex.is_match(&p.text);
                    since_anchor = usize::MAX;
                }
                ParagraphKind::Body => {
                    let anchored = self.part_any(rubric, &rubric.lexicons[name].in_bank, i);
                    since_anchor = if anchored {
                        0
                    } else {
                        since_anchor.saturating_add(1)
                    };
                    out[i] = anchored || section_on || since_anchor <= reach;
                }
                _ => {}
            }
        }
        let rc = std::rc::Rc::new(out);
        self.within_cache.borrow_mut().insert(key, rc.clone());
        rc
    }
}
