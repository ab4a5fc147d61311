//! Evidence kind `sections`: a recognisable introduction and conclusion, and paragraphing.

use super::{Measured, Prepared, Span};
use peermark_text::{Hit, ParagraphKind};

pub fn measure(
    p: &Prepared,
    name: &str,
    (intro, conclusion): (&[Vec<Hit>], &[Vec<Hit>]),
    (intro_headings, conclusion_headings): (&[String], &[String]),
    min_paragraph_words: usize,
    topics: Option<(super::PartHits, usize)>,
    (min_headings, edge_paragraphs): (usize, usize),
) -> Measured {
    let paras = &p.doc.paragraphs;
    let mut m = Measured::new(paras.len());
    let body: Vec<usize> = p
        .body()
        .filter(|&i| paras[i].hint != peermark_text::document::Hint::TableCell)
        .collect();
    let heading_before = |i: usize, names: &[String]| -> bool {
        paras[..i]
            .iter()
            .rev()
            .find(|q| q.kind != ParagraphKind::Body)
            .filter(|q| q.kind == ParagraphKind::Heading)
            .is_some_and(|q| {
                let t = q.text.trim().trim_end_matches(':').to_lowercase();
                names
                    .iter()
                    .any(|n| t == n.to_lowercase() || t.ends_with(&n.to_lowercase()))
            })
    };
    let first = body.iter().take(2).copied().collect::<Vec<_>>();
    let last = body.iter().rev().take(2).copied().collect::<Vec<_>>();
    let mut found_intro = first
        .iter()
        .find(|&&i| !intro[i].is_empty())
        .map(|&i| (i, intro[i][0].range.clone()));
    if found_intro.is_none() {
        found_intro = first
            .iter()
            .find(|&&i| heading_before(i, intro_headings))
            .map(|&i| (i, 0..0));
    }
    let mut found_conclusion = last
        .iter()
        .find(|&&i| !conclusion[i].is_empty())
        .map(|&i| (i, conclusion[i][0].range.clone()));
    if found_conclusion.is_none() {
        found_conclusion = last
            .iter()
            .find(|&&i| heading_before(i, conclusion_headings))
            .map(|&i| (i, 0..0));
    }
    // By position and content: the first (last) full body paragraph that names enough of the
    // assignment's subjects opens (closes) the essay.
    if let Some((hits, min)) = topics.filter(|(_, min)| *min > 0) {
        let names_enough = |i: usize| {
            let mut seen: Vec<usize> = hits[i].iter().map(|h| h.pattern).collect();
            seen.sort_unstable();
            seen.dedup();
            p.words[i] >= min_paragraph_words && seen.len() >= min
        };
        let full: Vec<usize> = body
            .iter()
            .copied()
            .filter(|&i| p.words[i] >= min_paragraph_words)
            .collect();
        if found_intro.is_none() {
            found_intro = full
                .first()
                .filter(|&&i| names_enough(i))
                .map(|&i| (i, 0..0));
        }
        if found_conclusion.is_none() {
            found_conclusion = full
                .last()
                .filter(|&&i| names_enough(i) && Some(i) != full.first().copied())
                .map(|&i| (i, 0..0));
        }
    }
    // By position: an essay set out under `min_headings` or more headings opens with its first
    // section and closes with its last when that section is at most `edge_paragraphs` long
    // ("Where I'm starting from", "Looking forward", "What I understand now"), whatever its
    // heading says.
    let in_body = {
        let mut v = vec![false; paras.len()];
        for &i in &body {
            v[i] = true;
        }
        v
    };
    let mut sections: Vec<Vec<usize>> = Vec::new();
    for (i, q) in paras.iter().enumerate() {
        if q.kind == ParagraphKind::Heading {
            sections.push(Vec::new());
        } else if in_body[i] {
            if let Some(s) = sections.last_mut() {
                s.push(i);
            }
        }
    }
    let filled: Vec<&Vec<usize>> = sections.iter().filter(|s| !s.is_empty()).collect();
    if min_headings > 0 && sections.len() >= min_headings && filled.len() >= 2 {
        let short = |s: &&&Vec<usize>| s.len() <= edge_paragraphs;
        if found_intro.is_none() {
            found_intro = filled
                .first()
                .filter(short)
                .and_then(|s| s.first())
                .filter(|&&i| Some(i) == body.first().copied())
                .map(|&i| (i, 0..0));
        }
        if found_conclusion.is_none() {
            found_conclusion = filled
                .last()
                .filter(short)
                .and_then(|s| s.last())
                .filter(|&&i| Some(i) == body.last().copied())
                .map(|&i| (i, 0..0));
        }
    }
    // An essay of one paragraph has no separate introduction and conclusion.
    if body.len() < 3 {
        found_conclusion = None;
    }
    for (i, r) in found_intro.iter().chain(found_conclusion.iter()) {
        m.per_paragraph[*i] = 1;
        let range = if r.is_empty() {
            p.sentences[*i].first().cloned().unwrap_or(0..0)
        } else {
            r.clone()
        };
        m.spans.push(Span {
            paragraph: *i,
            range,
        });
    }
    let paragraphs = body
        .iter()
        .filter(|&&i| p.words[i] >= min_paragraph_words)
        .count();
    let i = found_intro.is_some() as u8 as f64;
    let c = found_conclusion.is_some() as u8 as f64;
    m.values = vec![
        (name.to_string(), i + c),
        (format!("{name}_intro"), i),
        (format!("{name}_conclusion"), c),
        (format!("{name}_paragraphs"), paragraphs as f64),
    ];
    m
}
