//! Sentence and clause boundaries, tuned for essays with Harvard citations
//! (`Leamy et al. (2011)`, `p. 15`) and quotations.

use std::ops::Range;

/// Abbreviations after which a full stop does not end a sentence (lower-case, no dot).
const ABBREVIATIONS: &[&str] = &[
    "al", "e.g", "i.e", "eg", "ie", "p", "pp", "dr", "mr", "mrs", "ms", "st", "vs", "etc", "cf",
    "no", "vol", "ed", "eds", "edn", "approx", "fig", "ch",
];

/// Byte ranges of the sentences of `text`, trimmed of surrounding whitespace.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if matches!(b, b'.' | b'!' | b'?') {
            // Extend over repeated terminators and closing quotes/brackets.
            let mut end = i + 1;
            while end < bytes.len() {
                let rest = &text[end..];
                let c = rest.chars().next().unwrap();
                if matches!(
                    c,
                    '.' | '!' | '?' | '"' | '\'' | ')' | ']' | '\u{201d}' | '\u{2019}'
                ) {
                    end += c.len_utf8();
                } else {
                    break;
                }
            }
            let next_non_space = text[end..].char_indices().find(|(_, c)| !c.is_whitespace());
            let has_space = text[end..].starts_with(char::is_whitespace);
            let ends = match next_non_space {
                None => true,
                Some((_, c)) => {
                    has_space
                        && (c.is_uppercase()
                            || c.is_ascii_digit() && b != b'.'
                            || matches!(c, '"' | '\u{201c}' | '\u{2018}' | '\'' | '(' | '['))
                }
            };
            if ends && !(b == b'.' && is_abbreviation(&text[start..i])) {
                push_trimmed(text, start..end, &mut out);
                start = end;
            }
            i = end;
        } else if b == b'\n' && text[i + 1..].starts_with('\n') {
            push_trimmed(text, start..i, &mut out);
            start = i + 1;
            i += 1;
        } else {
            i += 1;
        }
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

fn is_abbreviation(before: &str) -> bool {
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let w = word.to_lowercase();
    // Single capital initials ("W.A.") are abbreviations too.
    ABBREVIATIONS.contains(&w.as_str())
        || word
            .rsplit('.')
            .next()
            .is_some_and(|last| last.chars().count() == 1 && last.chars().all(char::is_uppercase))
}

fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(r.start + lead..r.end - trail);
    }
}

/// Clause boundaries within a sentence range: `;`, `:` and the conjunctions that turn a
/// sentence (`but`, `however`, `although`, `and then`), used to scope reporting and
/// temporal frames.
pub fn clauses(text: &str, sentence: Range<usize>) -> Vec<Range<usize>> {
    let s = &text[sentence.clone()];
    let lower = s.to_lowercase();
    if lower.len() != s.len() {
        // Lower-casing changed byte lengths (rare scripts): fall back to punctuation only.
        return split_on(s, sentence.start, &[]);
    }
    split_on(
        s,
        sentence.start,
        &[
            " but ",
            " however",
            " although ",
            " and then ",
            " whereas ",
            " yet ",
        ],
    )
    .into_iter()
    .collect()
}

fn split_on(s: &str, base: usize, words: &[&str]) -> Vec<Range<usize>> {
    let lower = s.to_lowercase();
    let mut cuts: Vec<usize> = s
        .char_indices()
        .filter(|(_, c)| matches!(c, ';' | ':' | '\u{2013}' | '\u{2014}'))
        .map(|(i, _)| i)
        .collect();
    if lower.len() == s.len() {
        for w in words {
            let mut from = 0;
            while let Some(k) = lower[from..].find(w) {
                cuts.push(from + k);
                from += k + w.len();
            }
        }
    }
    cuts.sort_unstable();
    let mut out = Vec::new();
    let mut start = 0;
    for c in cuts {
        if c > start {
            out.push(base + start..base + c);
        }
        start = c;
    }
    out.push(base + start..base + s.len());
    out
}

/// Number of short items (at most three words each) in the longest enumeration of a sentence
/// ("hope, connectedness, identity, meaning and empowerment" has five). Used to tell a list
/// of terms from a sentence that explains something.
pub fn enumeration_items(sentence: &str) -> usize {
    let short = |t: &str| (1..=3).contains(&crate::count_words(t));
    /// What one segment after a comma adds to an enumeration running through it.
    enum Segment {
        /// A short item (`hope`) or not (`Some(false)`): the list goes on or stops.
        Item(bool),
        /// A segment joined by "and"/"or" (`identity and meaning`) ends the list; whether
        /// its first part is a short item.
        Last(bool),
    }
    // Each segment is read once; the scan below only combines them.
    let segs: Vec<Segment> = sentence
        .split([',', ';'])
        .skip(1)
        .map(|seg| {
            let seg = seg.trim();
            let seg = seg
                .strip_prefix("and ")
                .or_else(|| seg.strip_prefix("or "))
                .unwrap_or(seg);
            let seg = seg.trim_end_matches(['.', '!', '?']);
            match seg.split_once(" and ").or_else(|| seg.split_once(" or ")) {
                Some((a, _)) => Segment::Last(short(a)),
                None => Segment::Item(short(seg)),
            }
        })
        .collect();
    let mut best = 0;
    for start in 0..segs.len() {
        // The segment before the first comma supplies the enumeration's first item.
        let mut n = 1;
        for seg in &segs[start..] {
            match *seg {
                Segment::Last(first_short) => {
                    if first_short {
                        n += 2;
                    }
                    break;
                }
                Segment::Item(true) => n += 1,
                Segment::Item(false) => break,
            }
        }
        best = best.max(n);
    }
    best
}

#[cfg(test)]
mod tests {
    #[test]
    fn enumerations_are_counted() {
        use super::enumeration_items as e;
        assert_eq!(
            e("CHIME is connectedness, hope, identity, meaning and empowerment."),
            5
        );
        assert!(e("Peer support is about connection, worldview, mutuality and moving towards hope rather than fear.") >= 4);
        assert!(e("Hope means believing that things can get better, and that a good life is possible for me.") < 4);
        assert!(e("When I lost my job and some friends, I became very isolated, and I think this kept me unwell.") < 4);
    }

    use super::*;

    fn split(t: &str) -> Vec<&str> {
        sentences(t).into_iter().map(|r| &t[r]).collect()
    }

    #[test]
    fn citations_and_initials_do_not_end_sentences() {
        let t = "Leamy et al. (2011) describe CHIME. Anthony, W.A. (1993) wrote it (p. 15). Then I saw.";
        assert_eq!(
            split(t),
            vec![
                "Leamy et al. (2011) describe CHIME.",
                "Anthony, W.A. (1993) wrote it (p. 15).",
                "Then I saw."
            ]
        );
    }

    #[test]
    fn quotes_close_sentences() {
        let t = "She said “I can't.” Then she left! Did it help? \"Yes.\" I think so";
        assert_eq!(
            split(t),
            vec![
                "She said “I can't.”",
                "Then she left!",
                "Did it help?",
                "\"Yes.\"",
                "I think so"
            ]
        );
    }

    #[test]
    fn clauses_split_on_but_and_semicolons() {
        let t = "I was called a psycho; now I know better but it hurt.";
        let r = sentences(t)[0].clone();
        let parts: Vec<&str> = clauses(t, r).into_iter().map(|r| &t[r]).collect();
        assert_eq!(
            parts,
            vec![
                "I was called a psycho",
                "; now I know better",
                " but it hurt."
            ]
        );
    }
}
