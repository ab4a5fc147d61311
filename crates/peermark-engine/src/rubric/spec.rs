//! The rubric file as written: serde types that mirror the TOML (documented in
//! `rubrics/README.md`).

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RubricFile {
    /// Further TOML files (relative to this one) merged in first: language rules, cues.
    #[serde(default)]
    pub include: Vec<String>,
    pub rubric: Meta,
    pub words: WordRange,
    pub outcome: OutcomeSpec,
    /// Named lexicons (lists of phrases) that measures refer to.
    #[serde(default)]
    pub lexicon: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub measure: Vec<MeasureSpec>,
    pub criterion: Vec<CriterionSpec>,
    /// The `[language]` table (rules, frame cues, disabled ids), merged with includes.
    #[serde(default)]
    pub language: Option<toml::Value>,
    /// The `[safeguarding]` table (cues, contact, support line), merged with includes.
    #[serde(default)]
    pub safeguarding: Option<toml::Value>,
    /// `[similarity]`: when present, `mark` lists pairs of submissions whose text largely
    /// overlaps in the assessor notes.
    #[serde(default)]
    pub similarity: Option<SimilaritySpec>,
    /// `[moderation]`: the size and seed of the moderation sample in the cohort report.
    #[serde(default)]
    pub moderation: Option<ModerationSpec>,
    /// `[borderline]`: how far a measure may be from a level's threshold and still be within
    /// peermark's uncertainty. Without it, no criterion is ever borderline.
    #[serde(default)]
    pub borderline: Option<BorderlineSpec>,
    /// `[fit]`: how the level thresholds were fitted to marked essays, as `peermark rubric
    /// fit` records it (the essays, the date, cross-validated agreement before and after).
    /// A record for the reader; marking does not read it.
    #[serde(default)]
    pub fit: Option<toml::Table>,
}

/// `[borderline]`: the uncertainty of peermark's measures, as data. A criterion is borderline
/// when moving one measure of its level rules by its margin (or the word count across a range
/// edge it is within `word_share` of) would change its level. A margin left out is 0: that
/// kind of measure is never borderline.
#[derive(Debug, Deserialize, Clone, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct BorderlineSpec {
    /// Counts (paragraphs, sentences, concepts, sources, lapses…): a value this many from a
    /// threshold is within the uncertainty.
    #[serde(default)]
    pub margin: f64,
    /// Shares between 0 and 1 (the `_share` outputs of `together` measures).
    #[serde(default)]
    pub share: f64,
    /// The word count (the `length` measure and its `_in_range` and `_ratio` outputs): within
    /// this share of a range edge (0.02: 27 words either side of 1,350).
    #[serde(default)]
    pub word_share: f64,
    /// Per measure output, a margin in its own units that replaces `margin` or `share`
    /// (`concepts = 1`, `experience_with_theory_share = 0.1`, `lapses = 0`).
    #[serde(default)]
    pub measure: BTreeMap<String, f64>,
}

/// `[similarity]`: how `mark` finds submissions whose text largely overlaps (assessor notes
/// only; never a mark).
#[derive(Debug, Deserialize, Clone, Copy, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SimilaritySpec {
    /// Share (0–1) of distinct word sequences two essays must have in common (Jaccard).
    pub threshold: f64,
    /// Words per sequence (shingle), after normalising case and punctuation.
    pub shingle_words: usize,
    /// Shorter overlapping passages are not listed on their own.
    pub min_passage_words: usize,
    /// At most this many partners listed per submission, the most similar first (a cohort
    /// that shares a template would otherwise list every pair); the rest are counted.
    #[serde(default = "default_max_partners")]
    pub max_partners: usize,
}

fn default_max_partners() -> usize {
    5
}

/// `[moderation]`: the sample a second marker looks at (`peermark sample` and the report).
#[derive(Debug, Deserialize, Clone, Copy, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ModerationSpec {
    /// At least this many submissions (or all, when fewer).
    #[serde(default)]
    pub size: Option<usize>,
    /// At least this share (0–1) of the marked submissions, rounded up.
    #[serde(default)]
    pub share: Option<f64>,
    /// The random seed for the stratified part.
    #[serde(default)]
    pub seed: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub id: String,
    pub title: String,
    pub assignment: String,
    #[serde(default)]
    pub course: String,
    pub level_names: Vec<String>,
}

#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct WordRange {
    pub target: usize,
    pub min: usize,
    pub max: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeSpec {
    /// The outcome is achieved when every criterion named here is at or above its level.
    pub achieved_when: BTreeMap<String, u8>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionSpec {
    pub id: String,
    pub title: String,
    pub weight: f64,
    /// One descriptor per level, from level 0.
    pub descriptors: Vec<String>,
    /// What the learner is told is there, one per level, from level 0. `{measure}` is
    /// replaced by a measure's value and `{measure.items}` by the things it found.
    pub feedback: Vec<String>,
    /// What to say at the top level instead of a next step.
    #[serde(default)]
    pub stretch: String,
    /// Measures whose quotes are the criterion's evidence, best first.
    pub evidence: Vec<String>,
    /// Conditions for levels 1 to 3; a level needs its own and every lower level's.
    pub level: Vec<LevelSpec>,
    /// Strengths named in the feedback whenever their condition holds, whatever the level
    /// (for example language awareness shown by quoting a label and reflecting on it).
    #[serde(default)]
    pub strength: Vec<StrengthSpec>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct StrengthSpec {
    /// `measure >= number`, as in a level requirement.
    pub when: String,
    /// What the learner is told; `{measure}` placeholders are filled.
    pub say: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelSpec {
    pub level: u8,
    pub require: Vec<Requirement>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// `measure >= number` (operators `>=`, `<=`, `>`, `<`, `==`).
    pub when: String,
    /// The concrete next step a learner is given while this does not hold.
    pub advice: String,
    /// The number is the descriptor's own (the word range, every citation matched, the
    /// lapses a descriptor counts): `peermark rubric fit` never moves it.
    #[serde(default)]
    pub fixed: bool,
}

/// Where in the essay a measure looks.
#[derive(Debug, Deserialize, Clone, Copy, Default, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every body paragraph.
    #[default]
    Body,
    /// Sentences in which the writer speaks in the first person.
    FirstPerson,
    /// Sentences without first-person words.
    ThirdPerson,
}

/// What a phrases measure counts.
#[derive(Debug, Deserialize, Clone, Copy, Default, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Count {
    /// Every match.
    #[default]
    Hits,
    /// Distinct phrases matched.
    Distinct,
    /// Sentences with at least one match.
    Sentences,
    /// Paragraphs with at least one match.
    Paragraphs,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ConceptSpec {
    pub id: String,
    pub label: String,
    pub phrases: Vec<String>,
    /// Phrases of another sense: a hit inside one of these is not this concept
    /// (`I hope the reader…` is not the concept of hope).
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// One evidence measure. Its `kind` picks the evidence kind (an analyser in `src/analyse/`).
#[derive(Debug, Deserialize, Clone)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MeasureSpec {
    /// Counts matches of a lexicon.
    Phrases {
        name: String,
        /// A named lexicon, or inline `phrases`.
        #[serde(default)]
        lexicon: Option<String>,
        #[serde(default)]
        phrases: Vec<String>,
        #[serde(default)]
        scope: Scope,
        /// Only paragraphs that contain a phrase of this lexicon, or sit in a section whose
        /// heading does, or follow such a paragraph within `within_reach` paragraphs.
        #[serde(default)]
        within: Option<String>,
        #[serde(default)]
        within_reach: usize,
        #[serde(default)]
        count: Count,
        /// A hit only counts when its sentence has no more than this many hits (lists of
        /// terms are not evidence). 0 = no limit.
        #[serde(default)]
        list_limit: usize,
        /// A hit does not count in a sentence that enumerates at least this many short items
        /// ("hope, connectedness, identity and meaning"). 0 = off.
        #[serde(default)]
        enumeration_limit: usize,
    },
    /// Distinct concepts (groups of synonyms), named and explained.
    Concepts {
        name: String,
        /// The concept groups; or `from`, the name of a concepts measure above whose groups
        /// this one reuses (with its own scope and settings).
        #[serde(default)]
        concept: Vec<ConceptSpec>,
        #[serde(default)]
        from: Option<String>,
        /// Lexicon of explanation cues; a concept is explained when its sentence (or the
        /// next) carries one and is not a list of terms.
        explain: String,
        /// Lexicon of defining words that follow a concept term directly ("Hope *means*…",
        /// "Identity *is about*…"): such a sentence explains the concept anywhere in the
        /// essay, even outside the `within` paragraphs.
        #[serde(default)]
        define: Option<String>,
        /// A sentence naming more than this many distinct concepts is a list: its concepts
        /// count as named, never as explained.
        #[serde(default = "default_list_limit")]
        list_limit: usize,
        /// A sentence that enumerates at least this many short items is a list too. 0 = off.
        #[serde(default = "default_enumeration_limit")]
        enumeration_limit: usize,
        /// A sentence must have at least this many words besides the concept terms to
        /// explain anything.
        #[serde(default = "default_min_words")]
        min_words: usize,
        /// A definition ("Hope is about believing things can get better") needs at least this
        /// many words besides the concept terms.
        #[serde(default = "default_min_words_defined")]
        min_words_defined: usize,
        /// Without a definition ("X means…"), a concept counts as explained once this many
        /// sentences explain it by a cue.
        #[serde(default = "one")]
        min_cued_sentences: usize,
        #[serde(default)]
        scope: Scope,
        #[serde(default)]
        within: Option<String>,
        #[serde(default)]
        within_reach: usize,
        /// Concept ids reported separately as `<name>_key` (explained ones).
        #[serde(default)]
        key: Vec<String>,
    },
    /// Paragraphs told in the first person about the writer's own experience.
    Narrative {
        name: String,
        /// Lexicon of first-person words.
        first_person: String,
        /// Lexicon of own-experience markers.
        markers: String,
        #[serde(default = "default_min_first_person")]
        min_first_person: usize,
        #[serde(default = "one")]
        min_markers: usize,
    },
    /// Paragraphs where every listed measure has evidence.
    Together {
        name: String,
        all: Vec<String>,
        /// Paragraphs shorter than this are left out of the share.
        #[serde(default = "default_min_paragraph_words")]
        min_paragraph_words: usize,
    },
    /// The longest run of consecutive body paragraphs where measure `has` has evidence and
    /// measure `lacks` has none (a story told in a block, apart from the theory).
    Run {
        name: String,
        has: String,
        lacks: String,
        /// Paragraphs shorter than this neither extend nor break a run.
        #[serde(default = "default_min_paragraph_words")]
        min_paragraph_words: usize,
    },
    /// Harvard in-text citations and their match in the reference list.
    Citations { name: String },
    /// Recognised authors and frameworks cited (distinct).
    Sources {
        name: String,
        #[serde(default)]
        authors: Vec<String>,
        #[serde(default)]
        frameworks: Vec<String>,
        #[serde(default)]
        within: Option<String>,
        #[serde(default)]
        within_reach: usize,
    },
    /// Body words against the rubric's range.
    Length { name: String },
    /// Introduction, conclusion and paragraphing.
    Sections {
        name: String,
        /// Lexicon of cues that open an essay ("In this essay I will…").
        intro: String,
        /// Lexicon of cues that close one ("In conclusion…").
        conclusion: String,
        /// Headings that stand for an introduction/conclusion by name.
        #[serde(default)]
        intro_headings: Vec<String>,
        #[serde(default)]
        conclusion_headings: Vec<String>,
        /// Body paragraphs shorter than this do not count as paragraphs of the essay.
        #[serde(default = "default_section_paragraph_words")]
        min_paragraph_words: usize,
        /// By position and content: a lexicon of the assignment's subjects. The first body
        /// paragraph (or the last) that names at least `min_topics` of its phrases is an
        /// introduction (or a conclusion) even without a cue: an opening that sets out the
        /// essay, or a close that draws it together, in the writer's own words.
        #[serde(default)]
        topics: Option<String>,
        #[serde(default)]
        min_topics: usize,
        /// By position: in an essay set out under at least this many headings, a first (last)
        /// section of at most `edge_section_paragraphs` body paragraphs opens (closes) it,
        /// whatever its heading says. 0 (the default): no reading by position.
        #[serde(default)]
        min_headings: usize,
        #[serde(default = "default_edge_section_paragraphs")]
        edge_section_paragraphs: usize,
    },
    /// Recovery-language findings from the `[language]` rules.
    Language { name: String },
}

fn default_list_limit() -> usize {
    3
}
fn default_enumeration_limit() -> usize {
    4
}
fn default_min_words_defined() -> usize {
    5
}
fn default_edge_section_paragraphs() -> usize {
    2
}

fn default_section_paragraph_words() -> usize {
    20
}
fn default_min_words() -> usize {
    8
}
fn default_min_first_person() -> usize {
    3
}
fn default_min_paragraph_words() -> usize {
    40
}
fn one() -> usize {
    1
}

impl MeasureSpec {
    pub fn name(&self) -> &str {
        match self {
            MeasureSpec::Phrases { name, .. }
            | MeasureSpec::Concepts { name, .. }
            | MeasureSpec::Narrative { name, .. }
            | MeasureSpec::Together { name, .. }
            | MeasureSpec::Run { name, .. }
            | MeasureSpec::Citations { name }
            | MeasureSpec::Sources { name, .. }
            | MeasureSpec::Length { name }
            | MeasureSpec::Sections { name, .. }
            | MeasureSpec::Language { name } => name,
        }
    }

    /// The values this measure produces (its name and suffixed variants).
    pub fn outputs(&self) -> Vec<String> {
        let n = self.name();
        let mut out = vec![n.to_string()];
        let extra: &[&str] = match self {
            MeasureSpec::Concepts { .. } => &["_named", "_key"],
            MeasureSpec::Narrative { .. } => &["_sentences"],
            MeasureSpec::Together { .. } => &["_share"],
            MeasureSpec::Citations { .. } => &["_matched", "_unmatched", "_references"],
            MeasureSpec::Length { .. } => &["_in_range", "_ratio"],
            MeasureSpec::Sections { .. } => &["_intro", "_conclusion", "_paragraphs"],
            MeasureSpec::Language { .. } => &["_notes", "_awareness"],
            _ => &[],
        };
        out.extend(extra.iter().map(|s| format!("{n}{s}")));
        out
    }
}
