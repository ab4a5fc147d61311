//! What marking produces: the result object of `cli.md`, one per submission.
//!
//! Every exporter reads these; none recomputes a mark.

use serde::{Deserialize, Serialize};

/// peermark's version, recorded in every result.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The rubric a mark came from, so a mark can be traced to the exact scheme.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RubricRef {
    pub id: String,
    pub sha256: String,
    /// The rubric file's absolute path, or [`BUILT_IN`]: `sample` and `export` use it when
    /// no `--rubric` is given.
    pub path: String,
}

/// [`RubricRef::path`] of the rubric compiled into peermark.
pub const BUILT_IN: &str = "built-in";

/// A quoted stretch of the essay and where it is.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Evidence {
    pub quote: String,
    pub paragraph: usize,
    pub line: u32,
    pub column: u32,
}

/// One criterion's mark.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CriterionResult {
    pub id: String,
    pub title: String,
    pub level: u8,
    pub level_name: String,
    pub points: f64,
    pub max_points: f64,
    pub evidence: Vec<Evidence>,
    /// The counts behind the level, named as in the rubric.
    pub measures: std::collections::BTreeMap<String, f64>,
    /// Feed-forward for the learner: what is there, then one or two next steps.
    pub feedback: String,
    /// What the next level needs that this essay does not show yet (empty at the top level).
    #[serde(skip)]
    pub next_steps: Vec<String>,
    /// The level descriptor this level meets.
    #[serde(skip)]
    pub descriptor: String,
    /// The assessor's override (`DIR/overrides.csv`), when they set this level: `level` is then
    /// theirs and `override.proposed_level` is peermark's proposal.
    #[serde(rename = "override", default, skip_serializing_if = "Option::is_none")]
    pub assessor_override: Option<Override>,
    /// Why the level is borderline (the rubric's `[borderline]` margins): each measure whose
    /// value sits that close to a level's threshold, the nearest first; empty when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub borderline: Vec<Borderline>,
}

/// One measure that puts a criterion's level within peermark's uncertainty: moved by the
/// rubric's margin (the word count: across a range edge it is that close to), it would give
/// the criterion another level.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Borderline {
    /// The measure, as the rubric names it (for the word count, the `length` measure).
    pub measure: String,
    /// What it is for this essay.
    pub value: f64,
    /// The threshold it is close to, in the same units (words for the word count).
    pub edge: f64,
    /// The level the criterion would have on the other side of `edge`.
    pub level: u8,
    /// `words`, `count` or `share`: how `value` and `edge` read.
    pub unit: BorderlineUnit,
    /// The advice of the level rule the measure is close to, filled in: what secures that
    /// level, or reaches it (for the learner's line; not serialised).
    #[serde(skip)]
    pub advice: String,
}

impl Borderline {
    /// Whether the other side of the edge is a higher level (the essay is close to the next
    /// level), rather than a lower one (it meets its level with little to spare).
    pub fn is_up(&self, level: u8) -> bool {
        self.level > level
    }
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum BorderlineUnit {
    /// Body words, against the rubric's word range.
    Words,
    /// A count of the measure's own (paragraphs, concepts, sources, lapses…).
    Count,
    /// A share between 0 and 1.
    Share,
}

/// A language finding (a counted lapse, or a note).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LanguageLapse {
    pub rule: String,
    pub text: String,
    pub paragraph: usize,
    pub line: u32,
    pub column: u32,
    pub frame: String,
    pub suggestions: Vec<String>,
    /// One friendly sentence on why the words can hurt (for sheets and `check`).
    #[serde(skip)]
    pub why: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LanguageNote {
    pub rule: String,
    pub text: String,
    pub paragraph: usize,
    pub line: u32,
    pub column: u32,
    pub frame: String,
    pub message: String,
}

/// Where a present-tense risk cue is; never the sentence itself.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SafeguardingCue {
    pub paragraph: usize,
    pub line: u32,
    pub tier: u8,
    pub cue: String,
    /// The flagged sentence: its paragraph index in the document (0-based) and byte range,
    /// so that nothing written for the learner comments on it. Never serialised.
    #[serde(skip)]
    pub sentence: (usize, std::ops::Range<usize>),
}

/// A note for the assessor only (`assessor-notes.csv`).
///
/// A cohort with a shared template can have hundreds of thousands of notes, so a note is
/// kept small: its kind is usually a constant, one cue is shared by the notes it heads, and
/// a similar passage is kept as numbers until it is written.
#[derive(Clone, Debug, PartialEq)]
pub struct AssessorNote {
    pub kind: std::borrow::Cow<'static, str>,
    pub tier: Option<u8>,
    pub cue: std::sync::Arc<str>,
    pub paragraph: usize,
    pub line: u32,
    pub quote: NoteQuote,
}

/// What an assessor note quotes: words of the essay, or where a passage shared with another
/// submission is in both (written as `paragraphs 2–4, lines 3–7 here match paragraph 5,
/// line 9 of essay`).
#[derive(Clone, Debug, PartialEq)]
pub enum NoteQuote {
    Text(String),
    Passage {
        here: crate::fingerprint::Place,
        there: crate::fingerprint::Place,
        other: std::sync::Arc<str>,
    },
}

impl std::fmt::Display for NoteQuote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoteQuote::Text(t) => f.write_str(t),
            NoteQuote::Passage { here, there, other } => {
                write!(f, "{here} here match {there} of {other}")
            }
        }
    }
}

impl From<String> for NoteQuote {
    fn from(text: String) -> Self {
        NoteQuote::Text(text)
    }
}

impl From<&str> for NoteQuote {
    fn from(text: &str) -> Self {
        NoteQuote::Text(text.to_string())
    }
}

#[derive(Clone, Copy, Debug, Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Marked,
    Error,
}

#[derive(Clone, Copy, Debug, Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Achieved,
    NotYetAchieved,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Achieved => "achieved",
            Outcome::NotYetAchieved => "not_yet_achieved",
        }
    }
}

/// Who a submission belongs to, for files from an LMS download (all `None` otherwise).
/// Serialised flat into the result object as `learner`, `learner_id` (and `lms`, `late`
/// when known).
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct LearnerRef {
    /// The learner's (or group's) name; `null` under blind or anonymous marking.
    pub learner: Option<String>,
    /// Moodle's participant number (group id for group submissions), Canvas's user id.
    pub learner_id: Option<String>,
    /// `"moodle"` or `"canvas"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lms: Option<String>,
    /// Canvas marked the submission late.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub late: bool,
    /// The learner's other files, not marked (also listed in `message`), for the sheet.
    #[serde(skip)]
    pub other_files: Vec<String>,
}

/// The result object of `cli.md`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MarkResult {
    pub submission: String,
    /// `learner`, `learner_id` (LMS downloads; `null` otherwise).
    #[serde(flatten)]
    pub learner: LearnerRef,
    pub file: String,
    pub peermark_version: String,
    pub rubric: RubricRef,
    pub status: Status,
    pub message: Option<String>,
    pub words: Option<usize>,
    pub criteria: Vec<CriterionResult>,
    pub score: Option<f64>,
    pub outcome: Option<Outcome>,
    /// The criteria whose level is borderline (`criteria[].borderline` says why), in rubric
    /// order; empty when none.
    pub borderline: Vec<String>,
    pub lapses: Vec<LanguageLapse>,
    pub notes: Vec<LanguageNote>,
    pub safeguarding: Vec<SafeguardingCue>,
    /// Assessor-only notes with quotes: written to `assessor-notes.csv`, never serialised
    /// into results or sheets.
    #[serde(skip)]
    pub assessor_notes: Vec<AssessorNote>,
    /// The essay's title, for sheets.
    #[serde(skip)]
    pub title: Option<String>,
    /// Word range of the rubric, for sheets: (min, max, target).
    #[serde(skip)]
    pub word_range: (usize, usize, usize),
    /// Strengths in language use (quoted or reported terms the writer reflects on).
    #[serde(skip)]
    pub language_awareness: Vec<Evidence>,
    /// The learner's previous attempt (`mark --previous OLD_DIR`): levels then and now and what
    /// changed in the feedback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<PreviousAttempt>,
    /// What finding similar submissions needs of the text (set while marking a cohort,
    /// dropped once the pairs are found).
    #[serde(skip)]
    pub fingerprint: Option<Box<crate::fingerprint::Fingerprint>>,
}

impl MarkResult {
    /// The row of a submission that could not be read or marked.
    /// Drops what only this learner's own outputs (sheets, annotated copy, results object)
    /// need — evidence, feedback text, the words of each lapse — once those are written, and
    /// keeps what the cohort's outputs read: levels and points, overrides, rule ids of lapses
    /// and notes, assessor notes, safeguarding positions and the similarity fingerprint.
    pub fn slim(&mut self) {
        for c in &mut self.criteria {
            c.evidence = Vec::new();
            c.measures = Default::default();
            c.feedback = String::new();
            c.next_steps = Vec::new();
            c.descriptor = String::new();
            for b in &mut c.borderline {
                b.advice = String::new();
            }
        }
        for l in &mut self.lapses {
            l.text = String::new();
            l.frame = String::new();
            l.suggestions = Vec::new();
            l.why = String::new();
        }
        for n in &mut self.notes {
            n.text = String::new();
            n.frame = String::new();
            n.message = String::new();
        }
        self.language_awareness = Vec::new();
        self.title = None;
    }

    pub fn error(submission: &str, file: &str, rubric: RubricRef, message: String) -> Self {
        MarkResult {
            submission: submission.to_string(),
            learner: LearnerRef::default(),
            file: file.to_string(),
            peermark_version: VERSION.to_string(),
            rubric,
            status: Status::Error,
            message: Some(message),
            words: None,
            criteria: Vec::new(),
            score: None,
            outcome: None,
            borderline: Vec::new(),
            lapses: Vec::new(),
            notes: Vec::new(),
            safeguarding: Vec::new(),
            assessor_notes: Vec::new(),
            title: None,
            word_range: (0, 0, 0),
            language_awareness: Vec::new(),
            previous: None,
            fingerprint: None,
        }
    }
}

/// Rounds to one decimal place, as `points` and `score` are reported.
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// An override applied to a criterion, as recorded in results (`criteria[].override`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Override {
    /// The level the assessor set (the criterion's `level` is this one).
    pub level: u8,
    /// peermark's proposal before the assessor changed it.
    pub proposed_level: u8,
    /// Why, in the assessor's words (shown on the learner's sheet).
    pub reason: String,
    /// Who set it.
    pub assessor: String,
}

/// The learner's previous attempt, as recorded in the new result (`previous`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PreviousAttempt {
    /// The submission id in the earlier run.
    pub submission: String,
    pub file: String,
    pub score: Option<f64>,
    pub outcome: Option<Outcome>,
    /// Whether the earlier run used a different rubric (id or SHA-256).
    pub rubric_changed: bool,
    pub criteria: Vec<CriterionChange>,
}

/// One criterion then and now.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CriterionChange {
    pub id: String,
    /// The level then (`null` when the earlier run had no such criterion).
    pub level_then: Option<u8>,
    /// The level now (`null` when this run has no such criterion).
    pub level_now: Option<u8>,
    /// `up`, `down`, `same`, or `new` / `gone` when one run lacks the criterion.
    pub change: String,
    /// Sentences of the earlier feedback that this feedback no longer says.
    pub no_longer_said: Vec<String>,
    /// Sentences of this feedback that are new since the earlier one.
    pub new_this_time: Vec<String>,
}
