//! Quotation spans in a paragraph: straight and curly, single and double, guillemets and
//! Markdown `*emphasis*`. Apostrophes (don't, people's, nurses') are not quote marks.

use std::ops::Range;

/// Characters after which a single quote may open a quotation.
fn opens_after(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '(' | '['
                | '{'
                | '"'
                | '\u{201c}'
                | '\u{2018}'
                | '\u{2014}'
                | '\u{2013}'
                | '-'
                | '/'
                | '\u{ab}'
                | '*'
        )
}

/// Characters before which a single quote may close a quotation.
fn closes_before(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '.' | ','
                | ';'
                | ':'
                | '!'
                | '?'
                | ')'
                | ']'
                | '}'
                | '"'
                | '\u{201d}'
                | '\u{2019}'
                | '\u{2014}'
                | '\u{2013}'
                | '-'
                | '\u{2026}'
                | '\u{bb}'
                | '*'
        )
}

/// The inner byte ranges of every paired quotation in `text` (a paragraph).
///
/// - Straight double quotes pair in order; an unclosed one runs to the end of the paragraph
///   (quotations over several paragraphs conventionally leave it open).
/// - Curly doubles `“…”`, `„…“` and guillemets `«…»` pair open with close; unclosed runs to
///   the end.
/// - Single quotes, straight or curly, open only at the start or after a space or opening
///   punctuation and before a letter, close only after a non-space and before a space,
///   punctuation or the end, and must pair; an unpaired one is ignored.
/// - `*…*` pairs like single quotes (Markdown emphasis in plain text).
pub(crate) fn quote_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |k: usize| chars[k].0 + chars[k].1.len_utf8();

    // Straight double quotes.
    let mut open: Option<usize> = None;
    for (k, &(i, c)) in chars.iter().enumerate() {
        if c == '"' {
            match open {
                None => open = Some(end_of(k)),
                Some(s) => {
                    spans.push(s..i);
                    open = None;
                }
            }
        }
    }
    if let Some(s) = open {
        spans.push(s..text.len());
    }

    // Curly doubles and guillemets.
    let mut open: Option<usize> = None;
    for (k, &(i, c)) in chars.iter().enumerate() {
        match c {
            '\u{201c}' | '\u{201e}' | '\u{ab}' => {
                if let (Some(s), '\u{201c}') = (open, c) {
                    // „…“ (German style): “ closes an open „.
                    if text[..s].ends_with('\u{201e}') {
                        spans.push(s..i);
                        open = None;
                        continue;
                    }
                }
                if open.is_none() {
                    open = Some(end_of(k));
                }
            }
            '\u{201d}' | '\u{bb}' => match open {
                Some(s) => {
                    spans.push(s..i);
                    open = None;
                }
                None => {
                    // A right quote used as an opener (autocorrect slip) before a word.
                    let next = chars.get(k + 1).map(|x| x.1);
                    let prev = k.checked_sub(1).map(|p| chars[p].1);
                    if next.is_some_and(char::is_alphanumeric) && prev.is_none_or(opens_after) {
                        open = Some(end_of(k));
                    }
                }
            },
            _ => {}
        }
    }
    if let Some(s) = open {
        spans.push(s..text.len());
    }

    // Single quotes (straight and curly) and `*emphasis*`.
    for marks in [&['\'', '\u{2018}', '\u{2019}'][..], &['*'][..]] {
        let mut open: Option<usize> = None;
        for (k, &(i, c)) in chars.iter().enumerate() {
            if !marks.contains(&c) {
                continue;
            }
            let prev = k.checked_sub(1).map(|p| chars[p].1);
            let next = chars.get(k + 1).map(|x| x.1);
            let can_open = c != '\u{2019}'
                && prev.is_none_or(opens_after)
                && next.is_some_and(|n| n.is_alphabetic() || n == '\u{2026}');
            let can_close = c != '\u{2018}'
                && prev.is_some_and(|p| !p.is_whitespace())
                && next.is_none_or(closes_before);
            match open {
                Some(s) if can_close => {
                    spans.push(s..i);
                    open = None;
                }
                None if can_open => open = Some(end_of(k)),
                _ => {}
            }
        }
    }
    spans
}

/// Whether `range` overlaps any span.
pub(crate) fn overlaps_any(spans: &[Range<usize>], range: &Range<usize>) -> bool {
    spans
        .iter()
        .any(|s| s.start < range.end && range.start < s.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str) -> Vec<&str> {
        let mut v: Vec<&str> = quote_spans(text).into_iter().map(|r| &text[r]).collect();
        v.sort();
        v
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        assert!(
            quoted("I don't know why people's views and the nurses' station matter.").is_empty()
        );
        assert!(quoted("I don’t know; the patients’ lounge was quiet.").is_empty());
        assert!(quoted("In the '90s it was different.").is_empty());
    }

    #[test]
    fn single_quotes_pair() {
        assert_eq!(
            quoted("I was called 'attention seeking' by a doctor."),
            vec!["attention seeking"]
        );
        assert_eq!(
            quoted("I was called ‘attention seeking’ by a doctor."),
            vec!["attention seeking"]
        );
        assert_eq!(
            quoted("They said I wasn't 'trying', that I was 'manipulative'."),
            vec!["manipulative", "trying"]
        );
        assert_eq!(quoted("A nurse's word, 'psycho', stuck."), vec!["psycho"]);
    }

    #[test]
    fn double_quotes_span_sentences() {
        let t = "She wrote \"He is a junkie. He will never change.\" I cried.";
        assert_eq!(quoted(t), vec!["He is a junkie. He will never change."]);
        let t = "She wrote “He is a junkie. He will never change.” I cried.";
        assert_eq!(quoted(t), vec!["He is a junkie. He will never change."]);
        let t = "The note read: \"non-compliant and";
        assert_eq!(quoted(t), vec!["non-compliant and"]);
        let t = "He said “I can’t” and ‘I won’t’.";
        assert_eq!(quoted(t), vec!["I can’t", "I won’t"]);
    }

    #[test]
    fn markdown_emphasis() {
        assert_eq!(
            quoted("Staff called me *manipulative* then."),
            vec!["manipulative"]
        );
        assert!(quoted("5 * 3 = 15").is_empty());
    }
}
