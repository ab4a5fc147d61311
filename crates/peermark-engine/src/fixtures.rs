//! Hand-built results shared by the tests of the crates that read results (built with the
//! `fixtures` feature, which only their dev-dependencies turn on): one marked result with two
//! criteria, one lapse, one note, one assessor note and one safeguarding cue, and one error
//! result.

use crate::result::*;

/// Text that only the assessor may see; tests assert it never reaches a learner.
pub const ASSESSOR_QUOTE: &str = "I do not want to be here any more";
pub const RISK_CUE: &str = "present-tense ideation";

pub fn rubric() -> RubricRef {
    RubricRef {
        id: "recovery-story-essay".into(),
        sha256: "ab12".into(),
        path: crate::result::BUILT_IN.into(),
    }
}

/// The essay the marked result's positions refer to, as extracted text (one line per
/// paragraph, a blank line between paragraphs).
pub const PARAGRAPHS: &[&str] = &[
    "Finding my way back",
    "Looking back, what hurt most was the silence | nobody asked.",
    "My \u{201c}uncle\u{201d} committed suicide when I was ten.",
    "Now I work alongside service users as a peer, and I remember being called \u{201c}a schizophrenic\u{201d}.",
    "I do not want to be here any more, some days.",
];

pub fn marked_result() -> MarkResult {
    MarkResult {
        submission: "e01".into(),
        learner: LearnerRef::default(),
        file: "cohort/e01.txt".into(),
        peermark_version: "0.1.0".into(),
        rubric: rubric(),
        status: Status::Marked,
        message: None,
        words: Some(1512),
        criteria: vec![
            CriterionResult {
                id: "personal_story".into(),
                title: "Personal recovery story".into(),
                level: 3,
                level_name: "Strong".into(),
                points: 20.0,
                max_points: 20.0,
                evidence: vec![Evidence {
                    quote: "Looking back, what hurt most was the silence | nobody asked.".into(),
                    paragraph: 2,
                    line: 3,
                    column: 1,
                }],
                measures: [("reflection_markers".to_string(), 6.0)]
                    .into_iter()
                    .collect(),
                feedback: "You tell your own story openly and reflect on what it meant to you."
                    .into(),
                next_steps: vec![],
                descriptor: "A vivid, reflective account of your own recovery journey.".into(),
                assessor_override: None,
                borderline: vec![],
            },
            CriterionResult {
                id: "recovery_language".into(),
                title: "Recovery-oriented language".into(),
                level: 2,
                level_name: "Achieved".into(),
                points: 6.7,
                max_points: 10.0,
                evidence: vec![Evidence {
                    quote: "I remember being called \u{201c}a schizophrenic\u{201d}".into(),
                    paragraph: 4,
                    line: 7,
                    column: 51,
                }],
                measures: [("lapses".to_string(), 1.0)].into_iter().collect(),
                feedback: "Your language is mostly person-first and hopeful.".into(),
                next_steps: vec![
                    "reword the one phrase listed below".into(),
                    "keep describing people before their diagnosis".into(),
                ],
                descriptor: "Mostly recovery-oriented, with one or two phrases to reconsider."
                    .into(),
                assessor_override: None,
                borderline: vec![],
            },
        ],
        score: Some(86.7),
        outcome: Some(Outcome::Achieved),
        borderline: vec![],
        lapses: vec![LanguageLapse {
            rule: "L56".into(),
            text: "committed suicide".into(),
            paragraph: 3,
            line: 5,
            column: 12,
            frame: "own-voice-other".into(),
            suggestions: vec!["died by suicide".into(), "took their own life".into()],
            why: "Links suicide with crime; many guides suggest other words.".into(),
        }],
        notes: vec![LanguageNote {
            rule: "L43".into(),
            text: "service users".into(),
            paragraph: 4,
            line: 7,
            column: 22,
            frame: "low-severity".into(),
            message: "some people prefer \u{201c}people who use services\u{201d}".into(),
        }],
        safeguarding: vec![SafeguardingCue {
            paragraph: 5,
            line: 9,
            tier: 3,
            cue: RISK_CUE.into(),
            sentence: (0, 0..0),
        }],
        assessor_notes: vec![AssessorNote {
            kind: "safeguarding".into(),
            tier: Some(3),
            cue: RISK_CUE.into(),
            paragraph: 5,
            line: 9,
            quote: ASSESSOR_QUOTE.into(),
        }],
        title: Some("Finding my way back".into()),
        word_range: (1350, 1650, 1500),
        language_awareness: vec![Evidence {
            quote: "I remember being called \u{201c}a schizophrenic\u{201d}".into(),
            paragraph: 4,
            line: 7,
            column: 51,
        }],
        previous: None,
        fingerprint: None,
    }
}

pub fn error_result() -> MarkResult {
    MarkResult::error(
        "e02",
        "cohort/e02.docx",
        rubric(),
        "e02.docx is not a readable Word file; save it again and resubmit".into(),
    )
}
