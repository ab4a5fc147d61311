//! Compiled rules, severities, frames and findings.

use crate::error::LanguageError;
use crate::settings::RuleSpec;
use serde::Serialize;
use std::fmt;
use std::ops::Range;

/// How strongly a term counts in the writer's own voice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Severity {
    /// Slur, suicide judgement or dehumanising: a lapse, listed first.
    H,
    /// Label or deficit framing: a lapse.
    M,
    /// Contested or stylistic: an advisory note, never a lapse.
    L,
}

impl Severity {
    fn parse(s: &str) -> Option<Severity> {
        match s.trim() {
            "H" | "h" => Some(Severity::H),
            "M" | "m" => Some(Severity::M),
            "L" | "l" => Some(Severity::L),
            _ => None,
        }
    }

    /// H and M count as lapses; L never does.
    pub fn counts(self) -> bool {
        !matches!(self, Severity::L)
    }

    fn step_up(self) -> Severity {
        match self {
            Severity::L => Severity::M,
            _ => Severity::H,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::H => "H",
            Severity::M => "M",
            Severity::L => "L",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a hit is framed in the essay (`cli.md` names these).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Frame {
    /// The writer's own words about other people (or nobody in particular).
    OwnVoiceOther,
    /// The writer's own words about themselves, unmarked.
    OwnVoiceSelf,
    /// Inside quotation marks or italics.
    Quoted,
    /// Reported speech or a label applied by others.
    Reported,
    /// The word discussed as a word.
    Mention,
    /// Negated or rejected ("I am not a …").
    Negated,
    /// Advice against the word ("we should avoid saying …").
    Advice,
    /// Past self-description the writer reflects on ("I used to call myself …; now …").
    PastSelfReflected,
    /// Chosen self-identification ("I am an alcoholic", "I identify as mad").
    SelfIdentification,
    /// A severity-L term in the writer's own voice: advice only.
    LowSeverity,
}

impl Frame {
    pub fn as_str(self) -> &'static str {
        match self {
            Frame::OwnVoiceOther => "own-voice-other",
            Frame::OwnVoiceSelf => "own-voice-self",
            Frame::Quoted => "quoted",
            Frame::Reported => "reported",
            Frame::Mention => "mention",
            Frame::Negated => "negated",
            Frame::Advice => "advice",
            Frame::PastSelfReflected => "past-self-reflected",
            Frame::SelfIdentification => "self-identification",
            Frame::LowSeverity => "low-severity",
        }
    }

    /// Frames where the words are not the writer's own label (quoted, reported, …).
    pub fn is_distanced(self) -> bool {
        matches!(
            self,
            Frame::Quoted
                | Frame::Reported
                | Frame::Mention
                | Frame::Negated
                | Frame::Advice
                | Frame::PastSelfReflected
        )
    }
}

impl fmt::Display for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What first-person use by the writer about themselves gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SelfCode {
    /// No lapse, no note (the table's `Self-ok`).
    Ok,
    /// An advisory note, not a lapse (`Self-note`).
    Note,
    /// Still a lapse (no self code in the table).
    Lapse,
}

/// Where the writer must be for a use to count as about themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SelfScope {
    /// The term is said of the writer ("I was a junkie", "I suffered from").
    Phrase,
    /// The writer anywhere earlier in the clause ("I was sent to the loony bin").
    Clause,
}

/// One hit of a rule: where, how it is framed, and whether it counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule id ("L56").
    pub rule: String,
    /// 0-based index into `doc.paragraphs` (0 for `check_text`).
    pub paragraph: usize,
    /// Byte range of the term in that paragraph's text.
    pub range: Range<usize>,
    /// The words as written.
    pub text: String,
    pub frame: Frame,
    /// The severity this form takes (H for the slur forms of an M rule).
    pub severity: Severity,
    /// Counted as a lapse.
    pub lapse: bool,
    /// Recovery-oriented alternatives from the rule.
    pub suggestions: Vec<String>,
    /// One friendly sentence for the learner.
    pub message: String,
    /// A quoted/reported/mentioned/negated/advised-against/past-self use that the writer
    /// reflects on: language awareness, a strength.
    pub awareness: bool,
}

/// A compiled rule: the table row as data.
#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub category: String,
    pub severity: Severity,
    /// The severity `severe_patterns` give.
    pub severe_severity: Severity,
    pub why: String,
    pub alternatives: Vec<String>,
    pub source: String,
    pub flag: Vec<String>,
    pub pass: Vec<String>,
    pub self_code: SelfCode,
    pub self_scope: SelfScope,
    /// Quoted/reported/mentioned uses count as lapses (no table row does this).
    pub quoted_lapse: bool,
    pub about_people: bool,
    pub advisory_only: bool,
    pub patterns: Vec<String>,
    pub severe_patterns: Vec<String>,
    pub sense_patterns: Vec<String>,
    /// Forms the self code does not cover (first-person use is still a lapse).
    pub self_lapse_patterns: Vec<String>,
    pub not_when: Vec<String>,
    /// The term names or labels a person: as an object it is about someone else.
    pub person_noun: bool,
    /// `why` with any listed term in it put in quotation marks, for messages (so that
    /// peermark's self-check of its own feedback never counts the explanation as a lapse).
    pub(crate) why_display: String,
}

pub(crate) const CATEGORIES: &[&str] = &[
    "label", "slur", "deficit", "control", "suicide", "trivial", "outcome",
];

impl Rule {
    pub(crate) fn from_spec(spec: &RuleSpec) -> Result<Rule, LanguageError> {
        let id = spec.id.trim().to_string();
        let field = |field: &'static str, message: String| LanguageError::Field {
            rule: id.clone(),
            field,
            message,
        };
        if spec.title.trim().is_empty() {
            return Err(field("title", "missing".into()));
        }
        let severity = Severity::parse(&spec.severity).ok_or_else(|| {
            field(
                "severity",
                format!("{:?} is not one of \"H\", \"M\", \"L\"", spec.severity),
            )
        })?;
        let severe_severity = match &spec.severe_severity {
            None => severity.step_up(),
            Some(s) => Severity::parse(s).ok_or_else(|| {
                field(
                    "severe_severity",
                    format!("{s:?} is not one of \"H\", \"M\", \"L\""),
                )
            })?,
        };
        let category = spec.category.trim().to_lowercase();
        if !category.is_empty() && !CATEGORIES.contains(&category.as_str()) && is_table_id(&id) {
            return Err(field(
                "category",
                format!("{category:?} is not one of {}", CATEGORIES.join(", ")),
            ));
        }
        let self_code = match spec.self_code.as_deref().map(str::trim) {
            None | Some("lapse") => SelfCode::Lapse,
            Some("ok") => SelfCode::Ok,
            Some("note") => SelfCode::Note,
            Some(other) => {
                return Err(field(
                    "self",
                    format!("{other:?} is not one of \"ok\", \"note\", \"lapse\""),
                ))
            }
        };
        let self_scope = match spec.self_scope.as_deref().map(str::trim) {
            None | Some("phrase") => SelfScope::Phrase,
            Some("clause") => SelfScope::Clause,
            Some(other) => {
                return Err(field(
                    "self_scope",
                    format!("{other:?} is not one of \"phrase\", \"clause\""),
                ))
            }
        };
        let quoted_lapse = match spec.quoted.as_deref().map(str::trim) {
            None | Some("ok") => false,
            Some("lapse") => true,
            Some(other) => {
                return Err(field(
                    "quoted",
                    format!("{other:?} is not one of \"ok\", \"lapse\""),
                ))
            }
        };
        if spec.patterns.is_empty()
            && spec.sense_patterns.is_empty()
            && spec.severe_patterns.is_empty()
            && spec.self_lapse_patterns.is_empty()
        {
            return Err(field(
                "patterns",
                "no patterns: the rule can never match".into(),
            ));
        }
        if spec.why.trim().is_empty() {
            return Err(field(
                "why",
                "missing: say in one sentence why the term can hurt".into(),
            ));
        }
        if spec.alternatives.iter().all(|a| a.trim().is_empty()) {
            return Err(field(
                "alternatives",
                "give at least one alternative".into(),
            ));
        }
        Ok(Rule {
            id: id.clone(),
            title: spec.title.trim().to_string(),
            category,
            severity,
            severe_severity,
            why: spec.why.trim().to_string(),
            alternatives: spec
                .alternatives
                .iter()
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect(),
            source: spec.source.trim().to_string(),
            flag: spec.flag.clone(),
            pass: spec.pass.clone(),
            self_code,
            self_scope,
            quoted_lapse,
            about_people: spec.about_people,
            advisory_only: spec.advisory_only,
            patterns: spec.patterns.clone(),
            severe_patterns: spec.severe_patterns.clone(),
            sense_patterns: spec.sense_patterns.clone(),
            self_lapse_patterns: spec.self_lapse_patterns.clone(),
            not_when: spec.not_when.clone(),
            person_noun: spec.person_noun,
            why_display: spec.why.trim().to_string(),
        })
    }

    /// Whether an own-voice use of this rule can be a lapse at all.
    pub fn can_lapse(&self) -> bool {
        !self.advisory_only
            && (self.severity.counts()
                || self.severe_severity.counts() && !self.severe_patterns.is_empty())
    }

    /// Multi-line text for `peermark explain L56`.
    pub fn explain(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!("{} — {}\n", self.id, self.title));
        let counts = if self.advisory_only {
            "an advisory note only, never a lapse".to_string()
        } else if self.severity.counts() {
            "counts as a lapse when used in your own voice".to_string()
        } else if self.severe_patterns.is_empty() || !self.severe_severity.counts() {
            "an advisory note only, never a lapse".to_string()
        } else {
            format!(
                "an advisory note; the stronger forms take severity {} and count as a lapse",
                self.severe_severity
            )
        };
        let category = if self.category.is_empty() {
            String::new()
        } else {
            format!("Category: {} · ", self.category)
        };
        out.push_str(&format!(
            "{category}Severity: {} ({counts})\n",
            self.severity
        ));
        out.push_str(&format!("Why: {}\n", self.why));
        out.push_str("Alternatives:\n");
        for a in &self.alternatives {
            out.push_str(&format!("  - {a}\n"));
        }
        let self_line = match self.self_code {
            SelfCode::Ok => "Your own chosen words about yourself: fine, no note.",
            SelfCode::Note => "Your own words about yourself: not a lapse; you get a gentle note.",
            SelfCode::Lapse => "Your own words about yourself: still counted, as for anyone else.",
        };
        out.push_str(&format!("{self_line}\n"));
        out.push_str(
            "Quoted, reported, discussed as a word, negated or advised against: not a lapse \
             (and reflecting on it shows language awareness).\n",
        );
        if !self.flag.is_empty() {
            out.push_str(if self.advisory_only || !self.can_lapse() {
                "Examples that get a note:\n"
            } else if !self.severity.counts() {
                "Examples that get a note (the stronger forms count):\n"
            } else {
                "Examples that count:\n"
            });
            for e in &self.flag {
                out.push_str(&format!("  - {e}\n"));
            }
        }
        if !self.pass.is_empty() {
            out.push_str("Examples that do not count:\n");
            for e in &self.pass {
                out.push_str(&format!("  - {e}\n"));
            }
        }
        if !self.source.is_empty() {
            out.push_str(&format!("Source: {}\n", self.source));
        }
        out
    }
}
/// Whether `id` is one of the term table's ids (`L01`–`L99`).
pub(crate) fn is_table_id(id: &str) -> bool {
    id.len() == 3 && id.starts_with('L') && id[1..].chars().all(|c| c.is_ascii_digit())
}
