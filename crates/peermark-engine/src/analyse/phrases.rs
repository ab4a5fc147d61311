//! Evidence kind `phrases`: counts matches of a lexicon (reflection markers, turning points,
//! linking moves …), optionally only in first-person sentences or in paragraphs about a topic.

use super::{Measured, Prepared, Span};
use crate::rubric::spec::{Count, Scope};
use peermark_text::Hit;
use std::collections::BTreeSet;

pub fn measure(
    p: &Prepared,
    name: &str,
    // The measure's phrases' hits, per paragraph.
    hits: &[Vec<Hit>],
    scope: Scope,
    within: &[bool],
    count: Count,
    (list_limit, enumeration_limit): (usize, usize),
) -> Measured {
    let mut m = Measured::new(p.doc.paragraphs.len());
    let mut total = 0usize;
    let mut distinct = BTreeSet::new();
    let mut sentences = BTreeSet::new();
    let mut paragraphs = 0usize;
    for i in p.body().filter(|&i| within[i]) {
        let text = &p.doc.paragraphs[i].text;
        let hits: Vec<_> = hits[i]
            .iter()
            .filter(|h| p.in_scope(scope, i, h.range.start))
            .cloned()
            .collect();
        let per_sentence = |s: Option<usize>| {
            hits.iter()
                .filter(|h| p.sentence_of(i, h.range.start) == s)
                .count()
        };
        let kept: Vec<_> = hits
            .iter()
            .filter(|h| {
                list_limit == 0 || per_sentence(p.sentence_of(i, h.range.start)) <= list_limit
            })
            .filter(|h| {
                enumeration_limit == 0
                    || p.sentence_of(i, h.range.start).is_none_or(|si| {
                        peermark_text::enumeration_items(&text[p.sentences[i][si].clone()])
                            < enumeration_limit
                    })
            })
            .collect();
        if kept.is_empty() {
            continue;
        }
        paragraphs += 1;
        m.per_paragraph[i] = kept.len() as u32;
        for h in kept {
            total += 1;
            let key = text[h.range.clone()].to_lowercase();
            if distinct.insert(h.pattern) {
                m.items.push(key);
            }
            if sentences.insert((i, p.sentence_of(i, h.range.start))) {
                m.spans.push(Span {
                    paragraph: i,
                    range: h.range.clone(),
                });
            }
        }
    }
    let value = match count {
        Count::Hits => total,
        Count::Distinct => distinct.len(),
        Count::Sentences => sentences.len(),
        Count::Paragraphs => paragraphs,
    };
    m.values = vec![(name.to_string(), value as f64)];
    m
}
