//! A linear model over word n-grams (`[safeguarding.model]` in the cue file): the scan's second
//! reader, for current risk told in words no cue list holds ("I keep the weekend after the
//! deadline clear", "he has my bank card and my phone").
//!
//! It reads a *window*: a sentence with the one before it, so that "back then" or "these
//! days" in one sentence can decide the next. Its features are the window's distinct words and
//! pairs of adjacent words, lower-cased, letters, digits and apostrophes only ([`features`]);
//! its score is `bias + Σ weight(feature)`, and a window at or over `threshold` is flagged.
//! Its weights are data, trained by `tools/train-safeguarding-model.py` on the tune parts of
//! the independent corpora and shipped beside the cues, with the training figures. A flag
//! names the features that weighed most, so an assessor sees why.

use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// `[safeguarding.model]`.
#[derive(Deserialize, Clone, Debug)]
pub struct ModelSettings {
    pub bias: f64,
    /// A window scoring at least this is flagged.
    pub threshold: f64,
    /// The tier of a flag the model alone raised.
    pub tier: u8,
    /// The cue of such a flag; the strongest features follow it.
    pub cue: String,
    /// Feature → weight. (A `trained` table beside them says, for people, how they were made:
    /// corpus, date, cross-validated figures; the scan does not read it.)
    pub weights: BTreeMap<String, f64>,
}

/// The compiled model.
#[derive(Clone, Debug)]
pub struct Model {
    bias: f64,
    threshold: f64,
    pub(crate) tier: u8,
    pub(crate) cue: String,
    weights: HashMap<String, f64>,
}

/// The words of `text` as the model reads them: lower case, `’` as `'`, runs of ASCII letters,
/// digits and apostrophes (apostrophes at a word's ends dropped).
pub fn words(text: &str) -> Vec<String> {
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

/// The distinct features of `text`: its words and pairs of adjacent words (`"wake up"`).
pub fn features(text: &str) -> Vec<String> {
    let w = words(text);
    let mut f: Vec<String> = w.clone();
    f.extend(w.windows(2).map(|p| format!("{} {}", p[0], p[1])));
    f.sort();
    f.dedup();
    f
}

impl Model {
    pub fn new(s: &ModelSettings) -> Result<Model, String> {
        if !(2..=4).contains(&s.tier) {
            return Err(format!("tier must be 2, 3 or 4 (got {})", s.tier));
        }
        if let Some((k, _)) = s.weights.iter().find(|(_, w)| !w.is_finite()) {
            return Err(format!("weights.{k:?} is not a number"));
        }
        Ok(Model {
            bias: s.bias,
            threshold: s.threshold,
            tier: s.tier,
            cue: s.cue.clone(),
            weights: s.weights.iter().map(|(k, v)| (k.clone(), *v)).collect(),
        })
    }

    /// The score of `text` and its features with a positive weight, strongest first.
    pub fn score(&self, text: &str) -> (f64, Vec<(&str, f64)>) {
        let mut score = self.bias;
        let mut positive = Vec::new();
        for f in features(text) {
            if let Some((k, w)) = self.weights.get_key_value(&f) {
                score += w;
                if *w > 0.0 {
                    positive.push((k.as_str(), *w));
                }
            }
        }
        positive.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        (score, positive)
    }

    /// The sentences of `text` (as `sentences` gives them) that the model flags, each with
    /// the features that weighed most: a window (a sentence and the one before it) at or over
    /// the threshold flags whichever of its two sentences scores higher on its own.
    pub fn flagged(&self, text: &str, sents: &[Range<usize>]) -> Vec<(Range<usize>, Vec<String>)> {
        let mut out: Vec<(Range<usize>, Vec<String>)> = Vec::new();
        for (i, s) in sents.iter().enumerate() {
            let start = if i > 0 { sents[i - 1].start } else { s.start };
            let (score, _) = self.score(&text[start..s.end]);
            if score < self.threshold {
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
            tier: 2,
            cue: "may suggest current risk".into(),
            weights,
        })
        .unwrap();
        let text =
            "Lately it is hard. I would rather not wake up. In 2015 I did not want to wake up.";
        let sents = peermark_text::sentences(text);
        let got = m.flagged(text, &sents);
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
}
