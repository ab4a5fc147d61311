//! Evidence kinds. Each takes the prepared document and its settings from the rubric and
//! produces a [`Measured`]: named values, per-paragraph evidence and quotable spans.
//! Criteria never appear here; the rubric composes these kinds.

pub mod citations;
pub mod concepts;
pub mod in_text;
pub mod narrative;
pub mod phrases;
pub mod prepared;
pub mod sections;

use crate::rubric::spec::MeasureSpec;
use crate::rubric::Rubric;
use peermark_language::Finding;
use peermark_text::{Document, Hit};

pub use prepared::{Measured, PartHits, Prepared, Span};
use std::collections::BTreeMap;

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
            topics,
            min_topics,
            min_headings,
            edge_section_paragraphs,
        } => sections::measure(
            p,
            name,
            (
                &p.lexicon_hits(rubric, intro),
                &p.lexicon_hits(rubric, conclusion),
            ),
            (intro_headings, conclusion_headings),
            *min_paragraph_words,
            topics
                .as_ref()
                .map(|t| (p.lexicon_hits(rubric, t), *min_topics)),
            (*min_headings, *edge_section_paragraphs),
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
