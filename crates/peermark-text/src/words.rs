//! Word counting, as a word processor counts.

use std::ops::Range;

/// Counts whitespace-separated tokens that hold at least one letter or digit, as Word and
/// LibreOffice do (a lone dash or bullet is not a word; `self-harm` is one word).
pub fn count_words(text: &str) -> usize {
    if text.is_ascii() {
        // The common case, a byte at a time.
        let mut count = 0;
        let mut in_token = false;
        let mut counted = false;
        for &b in text.as_bytes() {
            if b.is_ascii_whitespace() || b == 0x0b {
                in_token = false;
            } else {
                if !in_token {
                    in_token = true;
                    counted = false;
                }
                if !counted && b.is_ascii_alphanumeric() {
                    counted = true;
                    count += 1;
                }
            }
        }
        return count;
    }
    text.split_whitespace()
        .filter(|t| t.chars().any(char::is_alphanumeric))
        .count()
}

/// Byte ranges of the words in `text`: runs of letters and digits, with inner apostrophes and
/// hyphens kept (`don't`, `self-harm`).
pub fn word_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_end = 0;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let joiner = matches!(c, '\'' | '\u{2019}' | '-');
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
            last_end = i + c.len_utf8();
        } else if joiner && start.is_some() && iter.peek().is_some_and(|(_, n)| n.is_alphanumeric())
        {
            continue;
        } else if let Some(s) = start.take() {
            out.push(s..last_end);
        }
    }
    if let Some(s) = start {
        out.push(s..last_end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_like_a_word_processor() {
        assert_eq!(
            count_words("I don't self-harm – now (Anthony, 1993, p. 15)."),
            8
        );
        assert_eq!(count_words("  \n "), 0);
        // The ASCII fast path and the general one agree.
        for t in [
            "a - b\x0bc\x0cd",
            "self-harm, 2024 -- (x)",
            "  \t-  ",
            "one\u{a0}two three",
        ] {
            let general = t
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count();
            assert_eq!(count_words(t), general, "{t:?}");
        }
    }

    #[test]
    fn word_ranges_keep_inner_apostrophes() {
        let t = "People's self-harm, 'quoted'";
        let words: Vec<&str> = word_ranges(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(words, vec!["People's", "self-harm", "quoted"]);
    }
}
