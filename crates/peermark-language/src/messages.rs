//! One friendly sentence per finding, in a tone that assumes good faith. Every term and
//! alternative is in quotation marks, so peermark's self-check of its own feedback reads
//! them as quoted.

use crate::rule::{Frame, Rule};

fn alternatives(rule: &Rule, n: usize) -> String {
    let alts: Vec<String> = rule
        .alternatives
        .iter()
        .take(n)
        .map(|a| format!("\u{201c}{a}\u{201d}"))
        .collect();
    match alts.len() {
        0 => String::new(),
        1 => alts[0].clone(),
        _ => format!(
            "{} or {}",
            alts[..alts.len() - 1].join(", "),
            alts[alts.len() - 1]
        ),
    }
}

/// The rule's `why` as a clause: first letter lower-cased (unless an acronym), no final stop.
fn why_clause(rule: &Rule) -> String {
    let w = rule.why_display.trim().trim_end_matches(['.', '!']);
    let mut cs = w.chars();
    match (cs.next(), cs.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() => {
            let mut s = a.to_lowercase().collect::<String>();
            s.push_str(&w[a.len_utf8()..]);
            s
        }
        _ => w.to_string(),
    }
}

/// The rule's `why` as a sentence: first letter upper-cased, one final stop.
fn why_sentence(rule: &Rule) -> String {
    let w = rule.why_display.trim().trim_end_matches(['.', '!']);
    let mut cs = w.chars();
    match cs.next() {
        Some(a) => format!("{}{}.", a.to_uppercase(), cs.as_str()),
        None => String::new(),
    }
}

pub(crate) fn message(
    rule: &Rule,
    text: &str,
    frame: Frame,
    lapse: bool,
    awareness: bool,
) -> String {
    let t = format!("\u{201c}{text}\u{201d}");
    let why = why_clause(rule);
    let alts = alternatives(rule, 3);
    if lapse {
        // Where it is, the words and the alternatives are shown beside it: why, in one sentence.
        return why_sentence(rule);
    }
    match frame {
        Frame::Quoted if awareness => format!(
            "You quote {t} and reflect on its effect, which shows real awareness of how words can label people."
        ),
        Frame::Quoted => format!(
            "You put {t} in quotation marks, so it reads as someone else\u{2019}s words rather than yours."
        ),
        Frame::Reported if awareness => format!(
            "You report {t} as a label others used and reflect on its impact, which shows language awareness."
        ),
        Frame::Reported => {
            format!("{t} is reported as other people\u{2019}s words, not yours, so it is not counted.")
        }
        Frame::Mention if awareness => format!(
            "You discuss {t} as a word and reflect on it, which shows awareness of recovery-oriented language."
        ),
        Frame::Mention => format!("You discuss {t} as a word rather than using it as a label, so it is not counted."),
        Frame::Negated if awareness => format!(
            "You reject the label {t} and reflect on it, which shows awareness of how labels affect people."
        ),
        Frame::Negated => format!("You reject the label {t}, so it is not counted."),
        Frame::Advice => format!(
            "You advise against {t}, which shows awareness of recovery-oriented language."
        ),
        Frame::PastSelfReflected => format!(
            "You reflect on a word you once used ({t}) and on how your view has changed, which is a real strength."
        ),
        Frame::SelfIdentification => format!(
            "{t} is how you name yourself, and that is your choice; if you ever want another way to say it, some people use {}.",
            alternatives(rule, 2)
        ),
        Frame::OwnVoiceSelf => format!(
            "You use {t} about your own experience, which is yours to describe; if you would like another way to say it, some people prefer {alts}."
        ),
        Frame::LowSeverity => format!(
            "Not counted, just a thought: some readers find {t} unhelpful ({why}), so you might consider {alts}."
        ),
        Frame::OwnVoiceOther => format!(
            "A suggestion rather than a mark: {why}, so you might consider {alts} instead of {t}."
        ),
    }
}
