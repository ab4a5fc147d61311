//! `[borderline]` compiled: the margin of each measure output a level rule can name.

use super::spec::{BorderlineSpec, MeasureSpec};
use std::collections::{BTreeMap, BTreeSet};

/// How far one measure output may move and still be within peermark's uncertainty.
#[derive(Clone, Debug, PartialEq)]
pub enum Margin {
    /// Never borderline (no margin given for this kind of measure).
    None,
    /// A count, moved by this much either way (never below 0).
    Count(f64),
    /// A share between 0 and 1, moved by this much either way (kept within 0–1).
    Share(f64),
    /// An output of a `length` measure: the word count (`count`, the measure's name) is
    /// within `share` of a range edge.
    Words { count: String, share: f64 },
}

/// The rubric's `[borderline]` table with what each output is.
#[derive(Clone, Debug, PartialEq)]
pub struct Margins {
    pub spec: BorderlineSpec,
    /// Outputs of `length` measures (`words`, `words_in_range`, `words_ratio`) → the measure's
    /// name, whose value is the word count.
    length: BTreeMap<String, String>,
    /// The `_share` outputs of `together` measures.
    shares: BTreeSet<String>,
    /// Yes-or-no outputs (a `sections` measure's `_intro` and `_conclusion`): not counts, so
    /// `margin` does not move them; only a margin of their own in `[borderline.measure]` does.
    flags: BTreeSet<String>,
}

impl Margins {
    pub fn new(spec: BorderlineSpec, measures: &[MeasureSpec]) -> Self {
        let mut length = BTreeMap::new();
        let mut shares = BTreeSet::new();
        let mut flags = BTreeSet::new();
        for m in measures {
            match m {
                MeasureSpec::Length { name } => {
                    for o in m.outputs() {
                        length.insert(o, name.clone());
                    }
                }
                MeasureSpec::Together { name, .. } => {
                    shares.insert(format!("{name}_share"));
                }
                MeasureSpec::Sections { name, .. } => {
                    flags.insert(format!("{name}_intro"));
                    flags.insert(format!("{name}_conclusion"));
                }
                _ => {}
            }
        }
        Margins {
            spec,
            length,
            shares,
            flags,
        }
    }

    /// The margin of one measure output.
    pub fn of(&self, output: &str) -> Margin {
        if let Some(count) = self.length.get(output) {
            return if self.spec.word_share > 0.0 {
                Margin::Words {
                    count: count.clone(),
                    share: self.spec.word_share,
                }
            } else {
                Margin::None
            };
        }
        let share = self.shares.contains(output);
        let m = self.spec.measure.get(output).copied().unwrap_or(if share {
            self.spec.share
        } else if self.flags.contains(output) {
            0.0
        } else {
            self.spec.margin
        });
        match (m > 0.0, share) {
            (false, _) => Margin::None,
            (true, true) => Margin::Share(m),
            (true, false) => Margin::Count(m),
        }
    }
}
