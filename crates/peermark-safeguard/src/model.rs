//! A linear model over word n-grams (`[safeguarding.model]` in the cue file): the scan's second
//! reader, for current risk told in words no cue list holds ("I keep the weekend after the
//! deadline clear", "he has my bank card and my phone").
//!
//! It reads a *window*: a sentence with the one before it, so that "back then" or "these
//! days" in one sentence can decide the next. Its features are the window's distinct words and
//! runs of adjacent words up to `ngrams` long (pairs; with `ngrams = 3` also triples),
//! lower-cased, letters, digits and apostrophes only;
//! its score is `bias + Σ weight(feature)`, and a window at or over `threshold` is flagged.
//! Its weights are data, trained by `tools/train-safeguarding-model.py` on the tune parts of
//! the independent corpora and shipped beside the cues, with the training figures. A flag
//! names the features that weighed most, so an assessor sees why.

use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

/// `[safeguarding.model]`.
#[derive(Deserialize, Clone, Debug)]
pub struct ModelSettings {
    pub bias: f64,
    /// A window scoring at least this is flagged.
    pub threshold: f64,
    /// A cue with no time reading stands when one of its sentence's windows scores at least
    /// this (default: `threshold`).
    #[serde(default)]
    pub confirm: Option<f64>,
    /// The longest run of adjacent words that is a feature: 2 (words and pairs, the default)
    /// or 3 (triples too).
    #[serde(default = "default_ngrams")]
    pub ngrams: u8,
    /// The tier of a flag the model alone raised.
    pub tier: u8,
    /// The cue of such a flag; the strongest features follow it.
    pub cue: String,
    /// Feature → weight. (A `trained` table beside them says, for people, how they were made:
    /// corpus, date, cross-validated figures; the scan does not read it.)
    pub weights: BTreeMap<String, f64>,
}

fn default_ngrams() -> u8 {
    2
}

/// The compiled model. Features are kept as 64-bit hashes of their words, so that a window
/// is scored from its sentences' word hashes (each sentence read once) without building a
/// string per feature.
#[derive(Clone, Debug)]
pub struct Model {
    bias: f64,
    threshold: f64,
    confirm: f64,
    ngrams: u8,
    pub(crate) tier: u8,
    pub(crate) cue: String,
    weights: HashMap<u64, f64, BuildHasherDefault<Prehashed>>,
    names: HashMap<u64, String, BuildHasherDefault<Prehashed>>,
}

/// A hasher for keys that are hashes already.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The hashes of the words of `text` as the model reads them (lower case, `’` as `'`, runs
/// of ASCII letters, digits and apostrophes, apostrophes at a word's ends dropped), without
/// making a string per word.
fn word_hashes(text: &str) -> Vec<u64> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut cur = String::with_capacity(32);
    let mut end_word = |cur: &mut String| {
        let w = cur.trim_matches('\'');
        if !w.is_empty() {
            out.push(word_hash(w));
        }
        cur.clear();
    };
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = if c == '\u{2019}' || c == '\u{2018}' {
            '\''
        } else {
            c
        };
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '\'' {
            cur.push(c);
        } else if !cur.is_empty() {
            end_word(&mut cur);
        }
    }
    if !cur.is_empty() {
        end_word(&mut cur);
    }
    out
}

/// FNV-1a of a word.
fn word_hash(w: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in w.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The feature hash of the pair of words `a b`.
fn pair_hash(a: u64, b: u64) -> u64 {
    (a.rotate_left(23) ^ b).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5bd1_e995
}

/// The hash of a feature as the weights file writes it (`"wake"`, `"wake up"`, `"not wake
/// up"`): a run of words is hashed pair by pair from the left.
fn feature_hash(f: &str) -> u64 {
    let mut words = f.split(' ').map(word_hash);
    let first = words.next().unwrap_or_else(|| word_hash(""));
    words.fold(first, pair_hash)
}

impl Model {
    pub fn new(s: &ModelSettings) -> Result<Model, String> {
        if !(2..=4).contains(&s.tier) {
            return Err(format!("tier must be 2, 3 or 4 (got {})", s.tier));
        }
        if !(2..=3).contains(&s.ngrams) {
            return Err(format!("ngrams must be 2 or 3 (got {})", s.ngrams));
        }
        if let Some((k, _)) = s.weights.iter().find(|(_, w)| !w.is_finite()) {
            return Err(format!("weights.{k:?} is not a number"));
        }
        Ok(Model {
            bias: s.bias,
            threshold: s.threshold,
            confirm: s.confirm.unwrap_or(s.threshold),
            ngrams: s.ngrams,
            tier: s.tier,
            cue: s.cue.clone(),
            weights: s
                .weights
                .iter()
                .map(|(k, v)| (feature_hash(k), *v))
                .collect(),
            names: s
                .weights
                .iter()
                .filter(|(_, v)| **v > 0.0)
                .map(|(k, _)| (feature_hash(k), k.clone()))
                .collect(),
        })
    }

    /// The score of the words `w` (hashed) taken as one window.
    fn score_words(&self, w: &[u64], feats: &mut Vec<u64>) -> f64 {
        feats.clear();
        feats.extend_from_slice(w);
        feats.extend(w.windows(2).map(|p| pair_hash(p[0], p[1])));
        if self.ngrams >= 3 {
            feats.extend(w.windows(3).map(|t| pair_hash(pair_hash(t[0], t[1]), t[2])));
        }
        feats.sort_unstable();
        feats.dedup();
        self.bias
            + feats
                .iter()
                .filter_map(|f| self.weights.get(f))
                .sum::<f64>()
    }

    /// The score of `text` and its features with a positive weight, strongest first.
    pub fn score(&self, text: &str) -> (f64, Vec<(&str, f64)>) {
        let w = word_hashes(text);
        let mut feats = Vec::new();
        let score = self.score_words(&w, &mut feats);
        let mut positive: Vec<(&str, f64)> = feats
            .iter()
            .filter_map(|f| Some((self.names.get(f)?.as_str(), *self.weights.get(f)?)))
            .collect();
        positive.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        (score, positive)
    }

    /// The score of each sentence's window: the sentence with the one before it. Each
    /// sentence's words are read once.
    pub fn window_scores(&self, text: &str, sents: &[Range<usize>]) -> Vec<f64> {
        let hashed: Vec<Vec<u64>> = sents
            .iter()
            .map(|s| word_hashes(&text[s.clone()]))
            .collect();
        let mut buf = Vec::new();
        let mut feats = Vec::new();
        hashed
            .iter()
            .enumerate()
            .map(|(i, cur)| {
                buf.clear();
                if i > 0 {
                    buf.extend_from_slice(&hashed[i - 1]);
                }
                buf.extend_from_slice(cur);
                self.score_words(&buf, &mut feats)
            })
            .collect()
    }

    /// Whether sentence `i`'s windows (its own, and the next sentence's, which holds it too)
    /// reach the confirming score.
    pub fn confirms(&self, windows: &[f64], i: usize) -> bool {
        windows[i..windows.len().min(i + 2)]
            .iter()
            .any(|w| *w >= self.confirm)
    }

    /// The sentences of `text` (as `sentences` gives them) that the model flags, given their
    /// windows' scores ([`Model::window_scores`]), each with the features that weighed most: a
    /// window at or over the threshold flags whichever of its two sentences scores higher on
    /// its own.
    pub fn flagged(
        &self,
        text: &str,
        sents: &[Range<usize>],
        windows: &[f64],
    ) -> Vec<(Range<usize>, Vec<String>)> {
        let mut out: Vec<(Range<usize>, Vec<String>)> = Vec::new();
        for (i, s) in sents.iter().enumerate() {
            if windows[i] < self.threshold {
                continue;
            }
            let mut pick = s.clone();
            if i > 0 {
                let prev = &sents[i - 1];
                if self.score(&text[prev.clone()]).0 > self.score(&text[s.clone()]).0 {
                    pick = prev.clone();
                }
            }
            if out.iter().any(|(r, _)| *r == pick) {
                continue;
            }
            let (_, why) = self.score(&text[pick.clone()]);
            let why: Vec<String> = why.iter().take(3).map(|(f, _)| format!("‘{f}’")).collect();
            out.push((pick, why));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The model's words and features spelt out as strings, as
    // tools/train-safeguarding-model.py reads them: the hashed path must agree.
    /// The words of `text` as the model reads them: lower case, `’` as `'`, runs of ASCII letters,
    /// digits and apostrophes (apostrophes at a word's ends dropped).
    fn words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = String::new();
        for c in text.chars().flat_map(char::to_lowercase) {
            let c = if c == '\u{2019}' || c == '\u{2018}' {
                '\''
            } else {
                c
            };
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '\'' {
                cur.push(c);
            } else if !cur.is_empty() {
                push_word(&mut out, &mut cur);
            }
        }
        if !cur.is_empty() {
            push_word(&mut out, &mut cur);
        }
        out
    }

    fn push_word(out: &mut Vec<String>, cur: &mut String) {
        let w = cur.trim_matches('\'');
        if !w.is_empty() {
            out.push(w.to_string());
        }
        cur.clear();
    }

    /// The distinct features of `text`: its words, pairs and triples of adjacent words
    /// (`"wake up"`, `"not wake up"`).
    fn features(text: &str) -> Vec<String> {
        let w = words(text);
        let mut f: Vec<String> = w.clone();
        f.extend(w.windows(2).map(|p| format!("{} {}", p[0], p[1])));
        f.extend(w.windows(3).map(|p| format!("{} {} {}", p[0], p[1], p[2])));
        f.sort();
        f.dedup();
        f
    }

    #[test]
    fn hashing_words_reads_them_as_words_does() {
        for t in [
            "I don’t want to WAKE up—again.",
            "'Quoted' words, l'été, 2015's end",
            "",
        ] {
            let slow: Vec<u64> = words(t).iter().map(|w| word_hash(w)).collect();
            assert_eq!(word_hashes(t), slow, "{t}");
        }
    }

    #[test]
    fn words_and_pairs() {
        assert_eq!(
            words("I don’t want to WAKE up—again."),
            ["i", "don't", "want", "to", "wake", "up", "again"]
        );
        let f = features("Not wake up, not wake");
        assert!(f.contains(&"wake up".to_string()) && f.contains(&"not".to_string()));
        assert_eq!(f.iter().filter(|x| *x == "not wake").count(), 1, "distinct");
    }

    #[test]
    fn a_window_over_the_threshold_flags_its_stronger_sentence() {
        let mut weights = BTreeMap::new();
        weights.insert("lately".to_string(), 1.5);
        weights.insert("wake up".to_string(), 2.0);
        weights.insert("2015".to_string(), -3.0);
        let m = Model::new(&ModelSettings {
            bias: -1.0,
            threshold: 0.0,
            confirm: None,
            ngrams: 2,
            tier: 2,
            cue: "may suggest current risk".into(),
            weights,
        })
        .unwrap();
        let text =
            "Lately it is hard. I would rather not wake up. In 2015 I did not want to wake up.";
        let sents = peermark_text::sentences(text);
        let got = m.flagged(text, &sents, &m.window_scores(text, &sents));
        let quoted: Vec<&str> = got.iter().map(|(r, _)| text[r.clone()].trim()).collect();
        // The 2015 sentence's window scores below the threshold: its date weighs against it.
        assert_eq!(
            quoted,
            ["Lately it is hard.", "I would rather not wake up."]
        );
        assert_eq!(
            got[1].1,
            vec!["‘wake up’".to_string()],
            "why: the feature that weighed"
        );
    }

    #[test]
    fn triples_are_features_only_when_the_model_reads_them() {
        let settings = |ngrams| ModelSettings {
            bias: -1.0,
            threshold: 0.0,
            confirm: None,
            ngrams,
            tier: 2,
            cue: "may suggest current risk".into(),
            weights: [
                ("not wake up".to_string(), 2.0),
                ("wake up".to_string(), 0.5),
            ]
            .into(),
        };
        let text = "I would rather not wake up.";
        let three = Model::new(&settings(3)).unwrap();
        let two = Model::new(&settings(2)).unwrap();
        assert_eq!(three.score(text).0, 1.5);
        assert_eq!(two.score(text).0, -0.5);
        // The hashed triple is the triple the training script writes.
        assert!(features(text).contains(&"not wake up".to_string()));
        assert_eq!(three.score(text).1[0], ("not wake up", 2.0));
        assert!(Model::new(&settings(4)).is_err());
    }
}
