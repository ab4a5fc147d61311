//! Evidence kinds. Each takes the prepared document and its settings from the rubric and
//! produces a [`Measured`]: named values, per-paragraph evidence and quotable spans.
//! Criteria never appear here; the rubric composes these kinds.

pub mod citations;
pub mod concepts;
pub mod narrative;
pub mod phrases;
pub mod sections;

use crate::rubric::spec::{MeasureSpec, Scope};
use crate::rubric::Rubric;
use peermark_language::Finding;
use peermark_text::{longest_non_overlapping, Document, Hit, ParagraphKind};

/// Per paragraph, whether it is on a topic (see [`Prepared::within`]).
type Topic = std::rc::Rc<Vec<bool>>;

/// The lexicon that decides which sentences are in the first person.
const FIRST_PERSON: &str = "first_person";
use std::collections::BTreeMap;
use std::ops::Range;

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
    fn new(paragraphs: usize) -> Self {
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
    citations: std::cell::OnceCell<Vec<citations::Citation>>,
}

impl<'a> Prepared<'a> {
    /// Every in-text citation of the body, found once per document.
    pub fn citations(&self) -> &[citations::Citation] {
        self.citations.get_or_init(|| citations::find(self))
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
    /// as [`Matcher::find_all`] sorts them; the bank is scanned once per document.
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
    /// alone would find there ([`Matcher::find_all`]).
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
    /// first ([`Matcher::find_longest`]); cached.
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

/// Every measure of the rubric, evaluated on one document.
pub struct Analysis {
    pub values: BTreeMap<String, f64>,
    pub measured: BTreeMap<String, Measured>,
}

/// Runs every measure of the rubric in order.
pub fn analyse(rubric: &Rubric, doc: &Document, findings: &[Finding]) -> Analysis {
    let prepared = Prepared::new(doc, Some(rubric));
    let mut measured: BTreeMap<String, Measured> = BTreeMap::new();
    for spec in &rubric.measures {
        let m = measure(rubric, &prepared, spec, &measured, findings);
        measured.insert(spec.name().to_string(), m);
    }
    let mut values = BTreeMap::new();
    for m in measured.values() {
        for (k, v) in &m.values {
            values.insert(k.clone(), *v);
        }
    }
    Analysis { values, measured }
}

fn measure(
    rubric: &Rubric,
    p: &Prepared,
    spec: &MeasureSpec,
    done: &BTreeMap<String, Measured>,
    findings: &[Finding],
) -> Measured {
    let n = p.doc.paragraphs.len();
    match spec {
        MeasureSpec::Phrases {
            name,
            lexicon,
            scope,
            within,
            within_reach,
            count,
            list_limit,
            enumeration_limit,
            ..
        } => {
            let hits = match lexicon {
                Some(l) => p.lexicon_hits(rubric, l),
                None => p.part_hits(rubric, &rubric.measure_phrases[name]),
            };
            phrases::measure(
                p,
                name,
                &hits,
                *scope,
                &p.within(rubric, within, *within_reach),
                *count,
                (*list_limit, *enumeration_limit),
            )
        }
        MeasureSpec::Concepts {
            name,
            concept,
            explain,
            define,
            list_limit,
            enumeration_limit,
            min_words,
            min_words_defined,
            min_cued_sentences,
            scope,
            within,
            within_reach,
            key,
            ..
        } => {
            // Other-sense phrases, per body paragraph, overlaps left as they are.
            let exclude = rubric.measure_excludes.get(name).map(|(range, owners)| {
                let hits: Vec<Vec<Hit>> = (0..n).map(|i| p.part_all(rubric, range, i)).collect();
                (hits, owners.as_slice())
            });
            let settings = concepts::Settings {
                name,
                concepts: concept,
                hits: &p.part_hits(rubric, &rubric.measure_phrases[name]),
                explain: &p.lexicon_hits(rubric, explain),
                list_limit: *list_limit,
                enumeration_limit: *enumeration_limit,
                min_words: *min_words,
                min_cued_sentences: *min_cued_sentences,
                min_words_defined: *min_words_defined,
                scope: *scope,
                within: &p.within(rubric, within, *within_reach),
                define: define.as_ref().map(|d| &rubric.lexicons[d].matcher),
                exclude: exclude
                    .as_ref()
                    .map(|(hits, owners)| (hits.as_slice(), *owners)),
                key,
            };
            concepts::measure(p, &settings)
        }
        MeasureSpec::Narrative {
            name,
            first_person,
            markers,
            min_first_person,
            min_markers,
        } => narrative::measure(
            p,
            name,
            &p.lexicon_hits(rubric, first_person),
            &p.lexicon_hits(rubric, markers),
            *min_first_person,
            *min_markers,
        ),
        MeasureSpec::Together {
            name,
            all,
            min_paragraph_words,
        } => together(p, name, all, done, *min_paragraph_words),
        MeasureSpec::Run {
            name,
            has,
            lacks,
            min_paragraph_words,
        } => run(p, name, &done[has], &done[lacks], *min_paragraph_words),
        MeasureSpec::Citations { name } => citations::measure(p, name),
        MeasureSpec::Sources {
            name,
            authors,
            frameworks,
            within,
            within_reach,
        } => {
            let frameworks = (!frameworks.is_empty())
                .then(|| p.part_hits(rubric, &rubric.measure_phrases[name]));
            citations::sources(
                p,
                name,
                authors,
                frameworks.as_deref().map(Vec::as_slice),
                &p.within(rubric, within, *within_reach),
            )
        }
        MeasureSpec::Length { name } => {
            let words = p.body_words;
            let w = rubric.words;
            let mut m = Measured::new(n);
            m.values = vec![
                (name.clone(), words as f64),
                (
                    format!("{name}_in_range"),
                    if words >= w.min && words <= w.max {
                        1.0
                    } else {
                        0.0
                    },
                ),
                (format!("{name}_ratio"), words as f64 / w.target as f64),
            ];
            m
        }
        MeasureSpec::Sections {
            name,
            intro,
            conclusion,
            intro_headings,
            conclusion_headings,
            min_paragraph_words,
        } => sections::measure(
            p,
            name,
            (
                &p.lexicon_hits(rubric, intro),
                &p.lexicon_hits(rubric, conclusion),
            ),
            (intro_headings, conclusion_headings),
            *min_paragraph_words,
        ),
        MeasureSpec::Language { name } => {
            let mut m = Measured::new(n);
            let lapses = findings.iter().filter(|f| f.lapse).count();
            let notes = findings.iter().filter(|f| !f.lapse).count();
            let awareness = findings.iter().filter(|f| f.awareness).count();
            for f in findings.iter().filter(|f| f.lapse || f.awareness) {
                m.spans.push(Span {
                    paragraph: f.paragraph,
                    range: f.range.clone(),
                });
            }
            m.values = vec![
                (name.clone(), lapses as f64),
                (format!("{name}_notes"), notes as f64),
                (format!("{name}_awareness"), awareness as f64),
            ];
            m
        }
    }
}

/// The longest run of body paragraphs with evidence of `has` and none of `lacks`.
fn run(p: &Prepared, name: &str, has: &Measured, lacks: &Measured, min_words: usize) -> Measured {
    let mut m = Measured::new(p.doc.paragraphs.len());
    let (mut best, mut current) = (0u32, 0u32);
    let (mut best_start, mut start) = (None, None);
    for i in p.body() {
        if p.words[i] < min_words {
            continue;
        }
        if has.per_paragraph[i] > 0 && lacks.per_paragraph[i] == 0 {
            if current == 0 {
                start = Some(i);
            }
            current += 1;
            if current > best {
                best = current;
                best_start = start;
            }
        } else {
            current = 0;
        }
    }
    if let Some(i) = best_start {
        m.per_paragraph[i] = 1;
        m.spans.push(Span {
            paragraph: i,
            range: p.sentences[i].first().cloned().unwrap_or(0..0),
        });
    }
    m.values = vec![(name.to_string(), best as f64)];
    m
}

/// Paragraphs where every listed measure has evidence.
fn together(
    p: &Prepared,
    name: &str,
    all: &[String],
    done: &BTreeMap<String, Measured>,
    min_words: usize,
) -> Measured {
    let n = p.doc.paragraphs.len();
    let mut m = Measured::new(n);
    let mut count = 0;
    let mut substantive = 0;
    for i in p.body() {
        let words = p.words[i];
        if words >= min_words {
            substantive += 1;
        }
        if all
            .iter()
            .all(|k| done.get(k).is_some_and(|d| d.per_paragraph[i] > 0))
        {
            count += 1;
            m.per_paragraph[i] = 1;
            // Quote the sentence where the last listed measure's evidence is.
            if let Some(s) = all
                .iter()
                .rev()
                .find_map(|k| done[k].spans.iter().find(|s| s.paragraph == i))
            {
                m.spans.push(s.clone());
            }
        }
    }
    let share = if substantive == 0 {
        0.0
    } else {
        (count as f64 / substantive as f64).min(1.0)
    };
    m.values = vec![
        (name.to_string(), count as f64),
        (format!("{name}_share"), (share * 100.0).round() / 100.0),
    ];
    m
}
