//! The phrase notation that rubric lexicons are written in, and a one-pass matcher.
//!
//! A phrase is matched case-insensitively on word boundaries; any run of whitespace
//! (including a line break) matches the space between words. Notation:
//!
//! | write | matches |
//! |---|---|
//! | `empower*` | any ending: empower, empowered, empowerment (ASCII letters, for speed) |
//! | `self-harm` | `self-harm`, `self harm`, `selfharm` (a hyphen may be a space or nothing) |
//! | `don't` | a straight or curly apostrophe |
//! | `recogni[sz]e` | a character class inside a word |
//! | `(back)` | an optional word or phrase: `took (back) control` |
//! | `(family\|friends)` | one of several words or phrases |
//! | `(a\|b\|)` | one of several, or nothing |
//! | `…` or `...` | a gap of up to five words: `took … control` |
//! | `re:<regex>` | a raw regular expression, for the rare case the notation cannot say (its `\b` is ASCII) |

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use std::ops::Range;

/// A phrase that could not be compiled.
#[derive(Debug, thiserror::Error)]
#[error("phrase {phrase:?}: {message}")]
pub struct PhraseError {
    /// Index of the phrase in the list given to [`Matcher::new`].
    pub index: usize,
    pub phrase: String,
    pub message: String,
}

const WB: &str = r"(?-u:\b)";

/// Compiles one phrase to a regular expression (without flags; [`Matcher`] adds `(?i)`).
pub fn compile_phrase(phrase: &str) -> Result<String, String> {
    let phrase = phrase.trim();
    if let Some(raw) = phrase.strip_prefix("re:") {
        // Word boundaries are ASCII, as in compiled phrases: a Unicode `\b` would make the
        // whole one-pass set fall back to a slow engine on any text with a curly quote.
        let raw = raw
            .replace("(?-u:\\b)", "\u{0}")
            .replace("\\b", WB)
            .replace('\u{0}', WB);
        Regex::new(&raw).map_err(|e| e.to_string())?;
        return Ok(raw);
    }
    if phrase.is_empty() {
        return Err("empty phrase".into());
    }
    let chars: Vec<char> = phrase.chars().collect();
    let mut pos = 0;
    let items = parse_seq(&chars, &mut pos, false)?;
    if pos != chars.len() {
        return Err(format!("unexpected {:?}", chars[pos]));
    }
    if items.iter().all(|i| i.optional) {
        return Err("every part of the phrase is optional".into());
    }
    Ok(join(&items))
}

struct Item {
    regex: String,
    optional: bool,
}

fn join(items: &[Item]) -> String {
    let mut out = String::new();
    let mut first_required_seen = false;
    let mut pending_leading: Vec<&Item> = Vec::new();
    for item in items {
        if !first_required_seen {
            if item.optional {
                pending_leading.push(item);
                continue;
            }
            for p in &pending_leading {
                out.push_str(&format!("(?:{}\\s+)?", p.regex));
            }
            out.push_str(&item.regex);
            first_required_seen = true;
        } else if item.optional {
            out.push_str(&format!("(?:\\s+{})?", item.regex));
        } else {
            out.push_str(&format!("\\s+{}", item.regex));
        }
    }
    out
}

fn parse_seq(chars: &[char], pos: &mut usize, in_group: bool) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    loop {
        while *pos < chars.len() && chars[*pos].is_whitespace() {
            *pos += 1;
        }
        if *pos >= chars.len() {
            if in_group {
                return Err("unclosed '('".into());
            }
            return Ok(items);
        }
        let c = chars[*pos];
        if in_group && (c == '|' || c == ')') {
            return Ok(items);
        }
        if c == ')' {
            return Err("')' without '('".into());
        }
        if c == '(' {
            *pos += 1;
            let mut alts: Vec<Vec<Item>> = Vec::new();
            loop {
                alts.push(parse_seq(chars, pos, true)?);
                if *pos >= chars.len() {
                    return Err("unclosed '('".into());
                }
                let d = chars[*pos];
                *pos += 1;
                if d == ')' {
                    break;
                }
            }
            let mut optional = alts.len() == 1 || alts.iter().any(|a| a.is_empty());
            if *pos < chars.len() && chars[*pos] == '?' {
                optional = true;
                *pos += 1;
            }
            let parts: Vec<String> = alts
                .iter()
                .filter(|a| !a.is_empty())
                .map(|a| {
                    if a.iter().all(|i| i.optional) {
                        Err("a choice may not be all optional".to_string())
                    } else {
                        Ok(join(a))
                    }
                })
                .collect::<Result<_, _>>()?;
            if parts.is_empty() {
                return Err("empty group '()'".into());
            }
            items.push(Item {
                regex: format!("(?:{})", parts.join("|")),
                optional,
            });
            continue;
        }
        if c == '…'
            || (c == '.' && chars.get(*pos + 1) == Some(&'.') && chars.get(*pos + 2) == Some(&'.'))
        {
            *pos += if c == '…' { 1 } else { 3 };
            items.push(Item {
                regex: r"\S+(?:\s+\S+){0,4}?".into(),
                optional: true,
            });
            continue;
        }
        // A word: up to whitespace, '(' , ')' or '|'.
        let start = *pos;
        let mut in_class = false;
        while *pos < chars.len() {
            let d = chars[*pos];
            if in_class {
                if d == ']' {
                    in_class = false;
                }
            } else if d == '[' {
                in_class = true;
            } else if d.is_whitespace() || d == '(' || d == ')' || d == '|' {
                break;
            }
            *pos += 1;
        }
        if in_class {
            return Err("unclosed '['".into());
        }
        let word: String = chars[start..*pos].iter().collect();
        items.push(Item {
            regex: compile_word(&word)?,
            optional: false,
        });
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn compile_word(word: &str) -> Result<String, String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::new();
    let first = chars[0];
    if is_word_char(first) || first == '[' {
        out.push_str(WB);
    }
    let mut i = 0;
    let mut ends_open = false;
    while i < chars.len() {
        let c = chars[i];
        ends_open = false;
        match c {
            '*' if i + 1 == chars.len() => {
                out.push_str(r"(?-u:\w)*");
                ends_open = true;
            }
            '*' => return Err("'*' may only end a word".into()),
            '-' | '\u{2010}' | '\u{2011}' => out.push_str("[-\u{2010}\u{2011}\\s]?"),
            '\'' | '\u{2019}' => out.push_str("['\u{2019}]"),
            '[' => {
                let close = chars[i..].iter().position(|&d| d == ']').unwrap() + i;
                let class: String = chars[i..=close].iter().collect();
                out.push_str(&class);
                i = close;
            }
            _ => {
                let mut buf = [0u8; 4];
                out.push_str(&regex::escape(c.encode_utf8(&mut buf)));
            }
        }
        i += 1;
    }
    let last = *chars.last().unwrap();
    if !ends_open && (is_word_char(last) || last == ']') {
        out.push_str(WB);
    }
    Ok(out)
}

/// One match of a phrase: which phrase, and the byte range in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub pattern: usize,
    pub range: Range<usize>,
}

/// Matches many phrases against a text: one pass with a [`RegexSet`] finds which phrases
/// occur at all, and only those are searched for their positions.
#[derive(Clone, Debug)]
pub struct Matcher {
    set: RegexSet,
    regexes: Vec<Regex>,
}

impl Matcher {
    /// Compiles phrases written in the notation above.
    pub fn new<S: AsRef<str>>(phrases: &[S]) -> Result<Self, PhraseError> {
        let mut compiled = Vec::with_capacity(phrases.len());
        for (index, p) in phrases.iter().enumerate() {
            let re = compile_phrase(p.as_ref()).map_err(|message| PhraseError {
                index,
                phrase: p.as_ref().to_string(),
                message,
            })?;
            compiled.push(format!("(?i){re}"));
        }
        Self::from_regexes(compiled).map_err(|(index, message)| PhraseError {
            index,
            phrase: phrases[index].as_ref().to_string(),
            message,
        })
    }

    fn from_regexes(compiled: Vec<String>) -> Result<Self, (usize, String)> {
        let mut regexes = Vec::with_capacity(compiled.len());
        for (i, c) in compiled.iter().enumerate() {
            regexes.push(
                RegexBuilder::new(c)
                    .size_limit(1 << 24)
                    .build()
                    .map_err(|e| (i, e.to_string()))?,
            );
        }
        let set = RegexSetBuilder::new(&compiled)
            .size_limit(1 << 27)
            .dfa_size_limit(1 << 26)
            .build()
            .map_err(|e| (0, e.to_string()))?;
        Ok(Matcher { set, regexes })
    }

    pub fn len(&self) -> usize {
        self.regexes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.regexes.is_empty()
    }

    /// Every match of every phrase, sorted by start then longest first. Matches of one
    /// phrase do not overlap each other; matches of different phrases may.
    pub fn find_all(&self, text: &str) -> Vec<Hit> {
        if self.regexes.is_empty() {
            return Vec::new();
        }
        let mut hits = Vec::new();
        for pattern in self.set.matches(text).iter() {
            for m in self.regexes[pattern].find_iter(text) {
                if m.start() < m.end() {
                    hits.push(Hit {
                        pattern,
                        range: m.range(),
                    });
                }
            }
        }
        hits.sort_by(|a, b| {
            a.range
                .start
                .cmp(&b.range.start)
                .then(b.range.end.cmp(&a.range.end))
                .then(a.pattern.cmp(&b.pattern))
        });
        hits
    }

    /// Whether any phrase matches anywhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.set.is_match(text)
    }

    /// Matches with overlaps resolved: where two overlap, the longer one (then the earlier,
    /// then the lower pattern index) wins.
    pub fn find_longest(&self, text: &str) -> Vec<Hit> {
        longest_non_overlapping(self.find_all(text))
    }
}

/// Keeps the longest of overlapping hits (ties: earlier start, then lower pattern index).
pub fn longest_non_overlapping(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by(|a, b| {
        (b.range.end - b.range.start)
            .cmp(&(a.range.end - a.range.start))
            .then(a.range.start.cmp(&b.range.start))
            .then(a.pattern.cmp(&b.pattern))
    });
    let mut kept: Vec<Hit> = Vec::new();
    for h in hits {
        if kept
            .iter()
            .all(|k| h.range.end <= k.range.start || h.range.start >= k.range.end)
        {
            kept.push(h);
        }
    }
    kept.sort_by_key(|h| h.range.start);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(phrase: &str, text: &str) -> Vec<String> {
        let m = Matcher::new(&[phrase]).unwrap();
        m.find_all(text)
            .into_iter()
            .map(|h| text[h.range].to_string())
            .collect()
    }

    #[test]
    fn stems_and_boundaries() {
        assert_eq!(
            matches("empower*", "Empowerment and empowered"),
            vec!["Empowerment", "empowered"]
        );
        assert!(matches("hope", "hopeless").is_empty());
        assert!(matches("case", "showcase, cases of").is_empty());
        assert_eq!(matches("hope*", "hopeless"), vec!["hopeless"]);
    }

    #[test]
    fn optional_choice_and_gap() {
        assert_eq!(
            matches(
                "took (back) control",
                "I took control, then took back control"
            ),
            vec!["took control", "took back control"]
        );
        assert_eq!(
            matches(
                "support from (family|friends|my partner)",
                "support from my partner"
            ),
            vec!["support from my partner"]
        );
        assert!(matches("support from (family|friends)", "support from").is_empty());
        assert_eq!(
            matches("took … control", "I took back some control"),
            vec!["took back some control"]
        );
        assert_eq!(
            matches("(the) mentally ill", "the mentally ill"),
            vec!["the mentally ill"]
        );
        assert_eq!(
            matches("living with (my|) symptoms", "living with symptoms"),
            vec!["living with symptoms"]
        );
    }

    #[test]
    fn hyphens_apostrophes_and_spellings() {
        assert_eq!(
            matches("self-harm*", "self harming, self-harm, selfharm"),
            vec!["self harming", "self-harm", "selfharm"]
        );
        assert_eq!(
            matches("don't see the point", "I don’t see the point"),
            vec!["don’t see the point"]
        );
        assert_eq!(
            matches("stigmati[sz]*", "stigmatising and stigmatized"),
            vec!["stigmatising", "stigmatized"]
        );
        assert_eq!(matches("et al.", "Leamy et al. (2011)"), vec!["et al."]);
        assert_eq!(
            matches("committed suicide", "committed\nsuicide"),
            vec!["committed\nsuicide"]
        );
    }

    #[test]
    fn raw_regexes_get_ascii_word_boundaries() {
        assert_eq!(
            compile_phrase(r"re:\bin \d+\b").unwrap(),
            r"(?-u:\b)in \d+(?-u:\b)"
        );
        assert_eq!(compile_phrase(r"re:(?-u:\b)x").unwrap(), r"(?-u:\b)x");
        assert_eq!(matches(r"re:\b(19|20)\d\d\b", "“In 2016”"), vec!["2016"]);
    }

    #[test]
    fn bad_phrases_are_reported() {
        assert!(compile_phrase("(unclosed").is_err());
        assert!(compile_phrase("a)").is_err());
        assert!(compile_phrase("(only)").is_err());
        assert!(compile_phrase("mid*dle").is_err());
        let e = Matcher::new(&["fine", "re:(bad"]).unwrap_err();
        assert_eq!(e.index, 1);
    }

    #[test]
    fn longest_match_wins() {
        let m = Matcher::new(&["addict", "ex-addict"]).unwrap();
        let hits = m.find_longest("an ex-addict");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].pattern, 1);
    }
}
