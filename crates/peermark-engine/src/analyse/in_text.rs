//! In-text citations as written: finding them in an essay's body (see [`super::citations`]
//! for the evidence kinds built on them).

use peermark_text::Document;
use regex::Regex;
use std::sync::OnceLock;

/// One in-text citation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citation {
    /// First author's surname or the organisation, as written.
    pub author: String,
    /// Year as written (`2011`, `2009a`, `n.d.`).
    pub year: String,
    /// Whether it is the cited-in (secondary) source, which needs no reference entry.
    pub secondary: bool,
    pub paragraph: usize,
    pub range: std::ops::Range<usize>,
}

pub fn year_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"(?i)\b((?:19|20)\d\d[a-z]?)\b|\b(n\.\s?d\.?|no date)").unwrap())
}

pub fn paren_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"\(([^()]{2,200})\)").unwrap())
}

pub fn narrative_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        let name = r"\p{Lu}[\p{L}'’\-]+";
        Regex::new(&format!(
            r"({name}(?:\s+{name})*(?:\s+et\.?\s+al\.?|\s+and\s+colleagues|(?:,\s*{name})*,?\s+(?:and|&)\s+{name}(?:\s+{name})*)?)(?:['’]s?)?\s*\(((?:19|20)\d\d[a-z]?|n\.\s?d\.?)(?:\s*[,:;][^()]*)?\)"
        ))
        .unwrap()
    })
}

const NOT_AUTHORS: &[&str] = &[
    "In", "The", "By", "Since", "From", "During", "Until", "After", "Before", "Around", "Of",
    "And", "Then", "When", "Also", "See", "As", "Under", "Act",
];

/// Cleans an author text to its key: first author's surname, or the organisation.
pub fn author_key(text: &str) -> Option<String> {
    let t = text
        .trim()
        .trim_matches(|c: char| c == ',' || c == ';' || c.is_whitespace());
    let t = t
        .trim_start_matches("e.g.")
        .trim_start_matches("see also")
        .trim_start_matches("see")
        .trim();
    let cut = ["et al", "et. al", " and colleagues", ",", " & ", " and "]
        .iter()
        .filter_map(|s| t.find(s))
        .min()
        .unwrap_or(t.len());
    let mut key = t[..cut].trim().to_string();
    for w in NOT_AUTHORS {
        if let Some(rest) = key.strip_prefix(&format!("{w} ")) {
            key = rest.trim().to_string();
        }
    }
    if key.is_empty()
        || !key.chars().next().is_some_and(char::is_uppercase)
        || key.split_whitespace().count() > 6
    {
        return None;
    }
    if NOT_AUTHORS.contains(&key.as_str()) {
        return None;
    }
    // Possessive forms cite the same author: "Anthony's (1993) definition".
    for suffix in ["'s", "\u{2019}s", "'", "\u{2019}"] {
        if let Some(k) = key.strip_suffix(suffix) {
            key = k.to_string();
            break;
        }
    }
    Some(key)
}

/// Every in-text citation in the body.
pub fn find(doc: &Document, body: impl Iterator<Item = usize>) -> Vec<Citation> {
    let mut out = Vec::new();
    for i in body {
        let text = &doc.paragraphs[i].text;
        let mut covered: Vec<std::ops::Range<usize>> = Vec::new();
        // Each match is found by the fast engine, then its groups read from the match alone:
        // capturing over the whole paragraph costs far more.
        for whole in paren_re().find_iter(text) {
            let Some(cap) = paren_re().captures(whole.as_str()) else {
                continue;
            };
            let inner = cap.get(1).unwrap();
            let offset = whole.start();
            if !year_re().is_match(inner.as_str()) {
                continue;
            }
            let mut found = false;
            for part in inner.as_str().split(';') {
                let (secondary_part, primary_part) = match part.find("cited in") {
                    Some(k) => (Some(&part[..k]), &part[k + "cited in".len()..]),
                    None => (None, part),
                };
                for (piece, secondary) in secondary_part
                    .map(|s| (s, true))
                    .into_iter()
                    .chain(std::iter::once((primary_part, false)))
                {
                    let Some(y) = year_re().find(piece) else {
                        continue;
                    };
                    let Some(author) = author_key(&piece[..y.start()]) else {
                        continue;
                    };
                    found = true;
                    out.push(Citation {
                        author,
                        year: y.as_str().to_string(),
                        secondary,
                        paragraph: i,
                        range: offset + inner.start() - 1..offset + inner.end() + 1,
                    });
                }
            }
            if found {
                covered.push(offset + inner.start() - 1..offset + inner.end() + 1);
            }
        }
        for whole in narrative_re().find_iter(text) {
            let Some(cap) = narrative_re().captures(whole.as_str()) else {
                continue;
            };
            if covered
                .iter()
                .any(|c| c.start < whole.end() && whole.start() < c.end)
            {
                continue;
            }
            let Some(author) = author_key(cap.get(1).unwrap().as_str()) else {
                continue;
            };
            out.push(Citation {
                author,
                year: cap.get(2).unwrap().as_str().to_string(),
                secondary: false,
                paragraph: i,
                range: whole.range(),
            });
        }
    }
    out.sort_by_key(|c| (c.paragraph, c.range.start));
    out
}
