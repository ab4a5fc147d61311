//! Evidence kind `concepts`: distinct concepts (groups of synonyms), counted once each, and
//! whether each is *explained* rather than name-dropped.
//!
//! A concept is explained when a sentence naming it (or the sentence after it) carries an
//! explanation cue (`means`, `is about`, `for me`, `because` …), has enough words besides
//! the concept terms to say something, and is not a list: a sentence naming more than `list_limit` distinct concepts
//! is keyword-stuffing, so its concepts count as named only.

use super::{Measured, Prepared, Span};
use crate::rubric::spec::{ConceptSpec, Scope};
use peermark_text::{count_words, Hit, Matcher};

pub struct Settings<'a> {
    pub name: &'a str,
    pub concepts: &'a [ConceptSpec],
    /// The concepts' phrases' hits per paragraph, overlaps resolved.
    pub hits: &'a [Vec<Hit>],
    pub explain: &'a [Vec<Hit>],
    pub list_limit: usize,
    pub enumeration_limit: usize,
    pub min_words: usize,
    pub min_cued_sentences: usize,
    pub min_words_defined: usize,
    pub scope: Scope,
    pub within: &'a [bool],
    /// Defining words that may follow a term directly, anywhere in the essay.
    pub define: Option<&'a Matcher>,
    /// Other-sense phrases and, per phrase, whether it excludes each concept.
    pub exclude: Option<(&'a [Vec<Hit>], &'a [usize])>,
    pub key: &'a [String],
}

pub fn measure(p: &Prepared, s: &Settings) -> Measured {
    // Which concept each phrase belongs to (a phrase listed twice counts for the first).
    let mut owner = Vec::new();
    for (ci, c) in s.concepts.iter().enumerate() {
        owner.extend(std::iter::repeat_n(ci, c.phrases.len()));
    }
    let mut m = Measured::new(p.doc.paragraphs.len());
    let mut named = vec![false; s.concepts.len()];
    let mut explained: Vec<Option<Span>> = vec![None; s.concepts.len()];
    // Sentences that explain each concept by a cue (not a definition), and the first of them.
    let mut cued: Vec<(usize, Option<Span>)> = vec![(0, None); s.concepts.len()];
    let mut last_cued: Vec<Option<(usize, usize)>> = vec![None; s.concepts.len()];
    let mut order: Vec<usize> = Vec::new();
    for i in p.body() {
        let in_topic = s.within[i];
        let text = &p.doc.paragraphs[i].text;
        let sentences = &p.sentences[i];
        let excluded: Vec<(usize, std::ops::Range<usize>)> = s
            .exclude
            .map(|(hits, owners)| {
                hits[i]
                    .iter()
                    .map(|h| (owners[h.pattern], h.range.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let hits: Vec<Hit> = s.hits[i]
            .iter()
            .filter(|h| p.in_scope(s.scope, i, h.range.start))
            .filter(|h| {
                !excluded.iter().any(|(c, r)| {
                    *c == owner[h.pattern] && r.start <= h.range.start && h.range.end <= r.end
                })
            })
            .filter(|h| in_topic || defines(s.define, text, h))
            .cloned()
            .collect();
        if hits.is_empty() {
            continue;
        }
        m.per_paragraph[i] = hits.len() as u32;
        // Per sentence, computed once: the concepts named, the words the terms take up, the
        // sentence's length and enumeration, and whether it carries an explanation cue.
        let n = sentences.len();
        let mut in_sent: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut term_words = vec![0usize; n];
        let mut hit_sentence = Vec::with_capacity(hits.len());
        for h in &hits {
            let si = p.sentence_of(i, h.range.start);
            if let Some(si) = si {
                in_sent[si].push(owner[h.pattern]);
                term_words[si] += count_words(&text[h.range.clone()]);
            }
            hit_sentence.push(si);
        }
        for cs in in_sent.iter_mut() {
            cs.sort_unstable();
            cs.dedup();
        }
        // Only sentences that name a concept are ever looked at.
        let words: Vec<usize> = sentences
            .iter()
            .enumerate()
            .map(|(k, r)| {
                if in_sent[k].is_empty() {
                    0
                } else {
                    count_words(&text[r.clone()])
                }
            })
            .collect();
        let enumerated: Vec<usize> = sentences
            .iter()
            .enumerate()
            .map(|(k, r)| {
                let relevant = !in_sent[k].is_empty();
                if relevant && s.enumeration_limit > 0 {
                    peermark_text::enumeration_items(&text[r.clone()])
                } else {
                    0
                }
            })
            .collect();
        let cue: Vec<bool> = sentences
            .iter()
            .enumerate()
            .map(|(k, r)| {
                !in_sent[k].is_empty()
                    && s.explain[i]
                        .iter()
                        .any(|h| h.range.start >= r.start && h.range.end <= r.end)
            })
            .collect();
        for (k, h) in hits.iter().enumerate() {
            let c = owner[h.pattern];
            if !named[c] {
                named[c] = true;
                order.push(c);
            }
            if explained[c].is_some() {
                continue;
            }
            let Some(si) = hit_sentence[k] else {
                continue;
            };
            let in_sentence = &in_sent[si];
            let is_list = in_sentence.len() > s.list_limit
                || (s.enumeration_limit > 0 && enumerated[si] >= s.enumeration_limit);
            // Words that say something beyond the terms themselves.
            let other_words = words[si].saturating_sub(term_words[si]);
            let long_enough = other_words >= s.min_words;
            // A short naming sentence ("One feature is mutuality.") explained by the next one,
            // which takes the concept up again.
            let next_explains = si + 1 < n
                && in_sent[si + 1].contains(&c)
                && in_sent[si + 1].len() <= 2
                && words[si + 1] >= s.min_words + 2
                && enumerated[si + 1] < s.enumeration_limit.max(1)
                && cue[si + 1];
            let defined = defines(s.define, text, h);
            let span = Span {
                paragraph: i,
                range: h.range.clone(),
            };
            if !is_list && defined && other_words >= s.min_words_defined {
                explained[c] = Some(span);
            } else if !is_list
                && (long_enough && cue[si] || next_explains)
                && in_topic
                && last_cued[c] != Some((i, si))
            {
                // Without a definition, a concept needs explaining in more than one sentence.
                last_cued[c] = Some((i, si));
                cued[c].0 += 1;
                cued[c].1.get_or_insert(span);
                if cued[c].0 >= s.min_cued_sentences {
                    explained[c] = cued[c].1.clone();
                }
            }
        }
    }
    let explained_count = explained.iter().filter(|e| e.is_some()).count();
    let key_count = s
        .concepts
        .iter()
        .zip(&explained)
        .filter(|(c, e)| e.is_some() && s.key.contains(&c.id))
        .count();
    for &c in &order {
        if let Some(span) = &explained[c] {
            m.items.push(s.concepts[c].label.clone());
            m.spans.push(span.clone());
        }
    }
    for &c in &order {
        if explained[c].is_none() {
            m.missing.push(s.concepts[c].label.clone());
        }
    }
    m.values = vec![
        (s.name.to_string(), explained_count as f64),
        (
            format!("{}_named", s.name),
            named.iter().filter(|n| **n).count() as f64,
        ),
        (format!("{}_key", s.name), key_count as f64),
    ];
    m
}

/// Whether a defining phrase ("means", "is about") follows the term directly.
fn defines(define: Option<&Matcher>, text: &str, h: &Hit) -> bool {
    let Some(m) = define else { return false };
    let rest = &text[h.range.end..];
    let skipped = rest.len()
        - rest
            .trim_start_matches([' ', ',', '\'', '"', '\u{2019}', '\u{201d}'])
            .len();
    let window_end = (h.range.end + skipped + 40).min(text.len());
    let mut end = window_end;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let window = &text[h.range.end + skipped..end];
    m.find_all(window).iter().any(|d| d.range.start == 0)
}
