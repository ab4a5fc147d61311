//! Evidence kind `narrative`: paragraphs in which the writer tells their own experience —
//! enough first-person words and at least one own-experience marker (`I was diagnosed`,
//! `my CPN`, `when I was` …).

use super::{Measured, Prepared, Span};
use peermark_text::Hit;

pub fn measure(
    p: &Prepared,
    name: &str,
    first_person: &[Vec<Hit>],
    markers: &[Vec<Hit>],
    min_fp: usize,
    min_markers: usize,
) -> Measured {
    let mut m = Measured::new(p.doc.paragraphs.len());
    let mut paragraphs = 0;
    let mut sentences = 0;
    for i in p.body() {
        let fp = first_person[i].len();
        let mk = &markers[i];
        // Sentences that are first-person and carry a marker.
        for (si, r) in p.sentences[i].iter().enumerate() {
            if p.first_person[i][si] > 0
                && mk
                    .iter()
                    .any(|h| h.range.start >= r.start && h.range.start < r.end)
            {
                sentences += 1;
            }
        }
        if fp >= min_fp && mk.len() >= min_markers {
            paragraphs += 1;
            m.per_paragraph[i] = 1;
            if let Some(h) = mk.first() {
                m.spans.push(Span {
                    paragraph: i,
                    range: h.range.clone(),
                });
            }
        }
    }
    m.values = vec![
        (name.to_string(), paragraphs as f64),
        (format!("{name}_sentences"), sentences as f64),
    ];
    m
}
