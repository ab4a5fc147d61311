//! Evidence kinds `citations` and `sources`: Harvard (author–date) in-text citations, their
//! match in the reference list, and which recognised authors or frameworks are cited.
//!
//! Accepted forms: `Anthony (1993)`, `Repper and Carter (2011)`, `Leamy et al. (2011)`,
//! `(Leamy et al., 2011)`, `(Anthony, 1993, p. 15)`, `(Anthony 1993:15)`,
//! `(Anthony, 1993; Deegan, 1988)`, `(SRN, n.d.)`, `(Anthony, 1993, cited in Slade, 2009)`.
//! A citation is matched when a reference-list entry carries its first author (or the
//! organisation, or the organisation's initials) and its year.

use super::in_text::*;
use super::{Measured, Prepared, Span};
use peermark_text::{Hit, ParagraphKind};

use std::collections::BTreeSet;

fn norm_year(y: &str) -> String {
    let y = y.to_lowercase();
    if y.starts_with('n') {
        "n.d.".into()
    } else {
        y.chars().take(4).collect()
    }
}

fn initials(text: &str) -> String {
    text.split_whitespace()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .filter_map(|w| w.chars().next())
        .collect()
}

/// Whether a reference-list entry matches a citation.
fn entry_matches(entry: &str, c: &Citation) -> bool {
    let year = norm_year(&c.year);
    let entry_year = year_re().find(entry).map(|y| norm_year(y.as_str()));
    if entry_year.as_deref() != Some(year.as_str()) {
        return false;
    }
    let head: String = entry.chars().take(120).collect::<String>().to_lowercase();
    let key = c.author.to_lowercase();
    if head
        .split(|ch: char| !ch.is_alphanumeric() && ch != '-' && ch != '\'')
        .any(|w| w == key)
        || head.starts_with(&key)
    {
        return true;
    }
    // Organisation initials: (SRN, 2012) ↔ Scottish Recovery Network (2012).
    if c.author.len() >= 2 && c.author.chars().all(|ch| ch.is_uppercase()) {
        let before_year = entry_year_prefix(entry);
        return initials(before_year) == c.author || initials(before_year).starts_with(&c.author);
    }
    false
}

fn entry_year_prefix(entry: &str) -> &str {
    match year_re().find(entry) {
        Some(y) => &entry[..y.start()],
        None => entry,
    }
}

pub fn measure(p: &Prepared, name: &str) -> Measured {
    let mut m = Measured::new(p.doc.paragraphs.len());
    let cites = p.citations();
    let refs: Vec<&str> = p
        .doc
        .paragraphs
        .iter()
        .filter(|q| q.kind == ParagraphKind::Reference)
        .map(|q| q.text.as_str())
        .collect();
    let mut distinct = BTreeSet::new();
    let mut matched = 0;
    let mut unmatched = 0;
    for c in cites {
        m.per_paragraph[c.paragraph] += 1;
        if c.secondary {
            continue;
        }
        let key = (c.author.to_lowercase(), norm_year(&c.year));
        if !distinct.insert(key) {
            continue;
        }
        let label = format!("{} ({})", c.author, c.year);
        m.spans.push(Span {
            paragraph: c.paragraph,
            range: c.range.clone(),
        });
        if refs.iter().any(|e| entry_matches(e, c)) {
            matched += 1;
            m.items.push(label);
        } else {
            unmatched += 1;
            m.missing.push(label);
        }
    }
    m.values = vec![
        (name.to_string(), distinct.len() as f64),
        (format!("{name}_matched"), matched as f64),
        (format!("{name}_unmatched"), unmatched as f64),
        (format!("{name}_references"), refs.len() as f64),
    ];
    m
}

/// Distinct recognised sources: cited authors from `authors` (surnames or organisations,
/// compared case-insensitively) and framework names from `frameworks`.
pub fn sources(
    p: &Prepared,
    name: &str,
    authors: &[String],
    // The frameworks' hits per paragraph, overlaps resolved.
    frameworks: Option<&[Vec<Hit>]>,
    within: &[bool],
) -> Measured {
    let mut m = Measured::new(p.doc.paragraphs.len());
    let wanted: Vec<String> = authors.iter().map(|a| a.to_lowercase()).collect();
    let mut seen = BTreeSet::new();
    for c in p.citations() {
        if !within[c.paragraph] {
            continue;
        }
        let key = c.author.to_lowercase();
        if wanted.contains(&key) {
            m.per_paragraph[c.paragraph] += 1;
            if seen.insert(key) {
                m.items.push(c.author.clone());
                m.spans.push(Span {
                    paragraph: c.paragraph,
                    range: c.range.clone(),
                });
            }
        }
    }
    if let Some(fw) = frameworks {
        for i in p.body().filter(|&i| within[i]) {
            for h in fw[i].iter().cloned() {
                m.per_paragraph[i] += 1;
                if seen.insert(format!("#{}", h.pattern)) {
                    m.items
                        .push(p.doc.paragraphs[i].text[h.range.clone()].to_string());
                    m.spans.push(Span {
                        paragraph: i,
                        range: h.range.clone(),
                    });
                }
            }
        }
    }
    m.values = vec![(name.to_string(), seen.len() as f64)];
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use peermark_text::{Document, Hint, Paragraph, SourceLines};

    fn doc(body: &str, refs: &[&str]) -> Document {
        let mut ps = vec![
            Paragraph::new("Title", Hint::None),
            Paragraph::new(body, Hint::None),
        ];
        if !refs.is_empty() {
            ps.push(Paragraph::new("References", Hint::None));
            ps.extend(refs.iter().map(|r| Paragraph::new(*r, Hint::None)));
        }
        Document::new(ps, SourceLines::Extracted)
    }

    fn cites(body: &str) -> Vec<(String, String, bool)> {
        let d = doc(body, &[]);
        let p = Prepared::new(&d, None);
        find(p.doc, p.body())
            .into_iter()
            .map(|c| (c.author, c.year, c.secondary))
            .collect()
    }

    #[test]
    fn recognises_harvard_forms() {
        let c = cites("Leamy et al. (2011) and Repper and Carter (2011) agree (Anthony, 1993, p. 15; Deegan 1988:12). Mead, Hilton & Curtis (2001) too (SRN, n.d.).");
        let got: Vec<(&str, &str)> = c.iter().map(|(a, y, _)| (a.as_str(), y.as_str())).collect();
        assert!(got.contains(&("Leamy", "2011")));
        let possessive = cites("Anthony's (1993) definition and Leamy et al.'s (2011) review.");
        assert_eq!(
            possessive.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(),
            vec!["Anthony", "Leamy"]
        );
        assert!(got.contains(&("Repper", "2011")));
        assert!(got.contains(&("Anthony", "1993")));
        assert!(got.contains(&("Deegan", "1988")));
        assert!(got.contains(&("Mead", "2001")));
        assert!(got.contains(&("SRN", "n.d.")));
        assert_eq!(got.len(), 6);
    }

    #[test]
    fn dates_in_prose_are_not_citations() {
        assert!(
            cites("In 2016 (when I was 19) I became unwell. It was (I think) 2015.").is_empty()
        );
        let c = cites(
            "As the Scottish Recovery Network (2012) says (Anthony, 1993, cited in Slade, 2009).",
        );
        assert!(c.contains(&("Scottish Recovery Network".into(), "2012".into(), false)));
        assert!(c.contains(&("Anthony".into(), "1993".into(), true)));
        assert!(c.contains(&("Slade".into(), "2009".into(), false)));
    }

    #[test]
    fn matches_references_including_initials() {
        let d = doc(
            "Hope matters (Leamy et al., 2011; SRN, 2012). Anthony (1993) said so, as did Deegan (1988).",
            &[
                "Leamy, M., Bird, V. and Slade, M. (2011) Conceptual framework. BJPsych.",
                "Scottish Recovery Network (2012) Experts by Experience. Glasgow: SRN.",
                "Anthony, W.A. (1993) Recovery from mental illness.",
            ],
        );
        let p = Prepared::new(&d, None);
        let m = measure(&p, "citations");
        let v: std::collections::BTreeMap<_, _> = m.values.into_iter().collect();
        assert_eq!(v["citations"], 4.0);
        assert_eq!(v["citations_matched"], 3.0);
        assert_eq!(v["citations_unmatched"], 1.0);
        assert_eq!(m.missing, vec!["Deegan (1988)".to_string()]);
    }
}
