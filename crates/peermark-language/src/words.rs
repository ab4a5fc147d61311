//! Word-class lists (`person_words`, `linking`, `prepositions` …) looked up token by token.
//!
//! Most entries are plain words ("he", "nurse*", "I'm", "'ve"): a hash lookup per token finds
//! them far faster than a regular-expression pass per list over every paragraph. Entries the
//! lookup cannot express (several words, `(a|b)`, `[…]`, a hyphen, `re:`) stay with the cue
//! matcher. The lookup gives the same marks the phrase notation would: a word matches a whole
//! token or an ASCII word run inside it ("dad" in "dad's", "I" in "I'm"), a `stem*` matches a
//! run that starts with the stem, and an entry that starts with an apostrophe ("'ve") matches
//! the end of a token ("I've").

use std::collections::HashMap;
use std::ops::Range;

#[derive(Debug, Default)]
pub(crate) struct WordIndex {
    /// Whole words (lower case, straight apostrophes) and their marks.
    exact: HashMap<String, u32>,
    /// Token endings that start with an apostrophe ("'ve", "'d").
    endings: HashMap<String, u32>,
    /// Stems by their first two characters.
    stems: HashMap<String, Vec<(String, u32)>>,
    /// Stems shorter than two characters.
    short_stems: Vec<(String, u32)>,
}

fn normalise(word: &str) -> String {
    word.trim().to_lowercase().replace('\u{2019}', "'")
}

impl WordIndex {
    /// Adds a plain entry with its mark; returns false when the entry needs the phrase matcher.
    pub(crate) fn add(&mut self, phrase: &str, bit: u32) -> bool {
        let p = normalise(phrase);
        let (body, stem) = match p.strip_suffix('*') {
            Some(b) => (b, true),
            None => (p.as_str(), false),
        };
        let plain = !body.is_empty()
            && body
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '\'');
        if !plain {
            return false;
        }
        if let Some(rest) = body.strip_prefix('\'') {
            if stem || rest.is_empty() || rest.contains('\'') {
                return false;
            }
            *self.endings.entry(body.to_string()).or_default() |= bit;
            return true;
        }
        if stem {
            if body.contains('\'') {
                return false;
            }
            if body.len() < 2 {
                self.short_stems.push((body.to_string(), bit));
            } else {
                self.stems
                    .entry(body[..2].to_string())
                    .or_default()
                    .push((body.to_string(), bit));
            }
            return true;
        }
        if body.ends_with('\'') {
            return false;
        }
        *self.exact.entry(body.to_string()).or_default() |= bit;
        true
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.exact.is_empty()
            && self.endings.is_empty()
            && self.stems.is_empty()
            && self.short_stems.is_empty()
    }

    /// The marks of one ASCII word run.
    fn run_marks(&self, run: &str) -> u32 {
        let mut bits = self.exact.get(run).copied().unwrap_or(0);
        if run.len() >= 2 {
            if let Some(list) = self.stems.get(&run[..2]) {
                for (stem, bit) in list {
                    if run.starts_with(stem.as_str()) {
                        bits |= bit;
                    }
                }
            }
        }
        for (stem, bit) in &self.short_stems {
            if run.starts_with(stem.as_str()) {
                bits |= bit;
            }
        }
        bits
    }

    /// Adds the marks of every token to `marks`.
    pub(crate) fn mark(&self, text: &str, tokens: &[Range<usize>], marks: &mut [u32]) {
        if self.is_empty() {
            return;
        }
        let mut lower = String::new();
        for (k, t) in tokens.iter().enumerate() {
            lower.clear();
            for c in text[t.clone()].chars() {
                if c == '\u{2019}' {
                    lower.push('\'');
                } else {
                    lower.extend(c.to_lowercase());
                }
            }
            let mut bits = 0;
            let whole = lower.contains(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
            if whole {
                bits |= self.exact.get(lower.as_str()).copied().unwrap_or(0);
                for (i, _) in lower.match_indices('\'') {
                    bits |= self.endings.get(&lower[i..]).copied().unwrap_or(0);
                }
                for run in lower
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .filter(|r| !r.is_empty())
                {
                    bits |= self.run_marks(run);
                }
            } else {
                bits |= self.run_marks(&lower);
            }
            marks[k] |= bits;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use peermark_text::word_ranges;

    fn marks(index: &WordIndex, text: &str) -> Vec<u32> {
        let tokens = word_ranges(text);
        let mut m = vec![0; tokens.len()];
        index.mark(text, &tokens, &mut m);
        m
    }

    #[test]
    fn words_stems_and_endings() {
        let mut w = WordIndex::default();
        assert!(w.add("I", 1));
        assert!(w.add("dad", 2));
        assert!(w.add("nurse*", 2));
        assert!(w.add("he's", 4));
        assert!(w.add("'ve", 8));
        assert!(w.add("I’m", 4));
        assert!(!w.add("no one", 16));
        assert!(!w.add("step-dad*", 16));
        assert!(!w.add("fianc[eé]*", 16));
        assert!(!w.add("(a|b)", 16));
        assert_eq!(
            marks(&w, "I think my Dad's nurses said he's fine and I’ve I’m"),
            vec![1, 0, 0, 2, 2, 0, 4, 0, 0, 1 | 8, 1 | 4]
        );
        // Not inside a longer word.
        assert_eq!(marks(&w, "daddy Ivan"), vec![0, 0]);
    }
}
