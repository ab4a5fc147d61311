//! Words every learner-facing output shares (Markdown and Word sheets, the text report, the
//! review sections): outcome names, the word-count phrase, numbers, lists and Markdown text.

use crate::exporter::ReportContext;
use peermark_engine::result::{BorderlineUnit, CriterionResult, MarkResult, Outcome};

/// "Achieved" / "Not yet achieved", for learners.
pub fn outcome_words(o: Outcome) -> &'static str {
    match o {
        Outcome::Achieved => "Achieved",
        Outcome::NotYetAchieved => "Not yet achieved",
    }
}

/// What the word count covers, said wherever the count is: the body only.
pub const WORDS_COUNTED: &str = "(the title and reference list are not counted)";

/// "1,512 words counted (the title and reference list are not counted) — within the
/// 1,350–1,650 range" (or below / above it); without the range when the rubric gave none.
pub fn word_count_phrase(words: usize, (min, max, _target): (usize, usize, usize)) -> String {
    let count = if words == 1 {
        format!("1 word counted {WORDS_COUNTED}")
    } else {
        format!("{} words counted {WORDS_COUNTED}", thousands(words))
    };
    if min == 0 && max == 0 {
        return count;
    }
    let place = if words < min {
        "below"
    } else if words > max {
        "above"
    } else {
        "within"
    };
    format!(
        "{count} — {place} the {}–{} range",
        thousands(min),
        thousands(max)
    )
}

/// 1512 → "1,512".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let groups: Vec<&str> = digits
        .as_bytes()
        .rchunks(3)
        .rev()
        .map(|g| std::str::from_utf8(g).expect("ASCII digits"))
        .collect();
    groups.join(",")
}

/// The highest level of the rubric's scale (3 for the default rubric).
pub fn top_level(ctx: &ReportContext, r: &MarkResult) -> usize {
    let from_scale = ctx.level_names.len().saturating_sub(1);
    let seen = r
        .criteria
        .iter()
        .map(|c| c.level as usize)
        .max()
        .unwrap_or(0);
    from_scale.max(seen)
}

/// 20.0 → "20", 6.7 → "6.7".
pub fn number(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// "“a”", "“a” or “b”", "“a”, “b” or “c”".
pub fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// Text written by the rubric's authors or by peermark (descriptors, feedback, messages): may
/// hold Markdown, kept as written, on one line so that it stays inside its list item.
pub fn prose(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text from a submission (quotes, titles, names) or a bare name: one line, with Markdown's
/// inline syntax escaped so that it shows as written.
pub fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for ch in word.chars() {
            if matches!(ch, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|') {
                out.push('\\');
            }
            out.push(ch);
        }
    }
    out
}

/// The learner's line for a borderline criterion (see `peermark_engine::borderline`): what is
/// close and why, in place of a flat "not yet". `None` when the criterion is not borderline, or
/// when the assessor set its level (their decision, not a measure, stands then).
///
/// The word count is given with the range's own numbers; other measures are not: a raw count
/// beside a descriptor's number can mean something else ("five or more key concepts" is six on
/// peermark's count), so the line points to the step instead (the next step, shown after it,
/// when the level is close to the next; the rule's advice when it is at the edge of its own).
pub fn borderline_line(c: &CriterionResult, level_names: &[String]) -> Option<String> {
    if c.assessor_override.is_some() {
        return None;
    }
    let b = c.borderline.first()?;
    let name = |level: u8| {
        level_names
            .get(level as usize)
            .cloned()
            .unwrap_or_else(|| format!("level {level}"))
    };
    let title = lower_first(&c.title);
    let up = b.is_up(c.level);
    let line = match b.unit {
        BorderlineUnit::Words => {
            let words = thousands(b.value.max(0.0).round() as usize);
            let edge = thousands(b.edge.max(0.0).round() as usize);
            // Moving up across an edge from below, or down onto it from above, the level
            // starts there; otherwise it goes up to it (the range's top).
            let (level, lead) = if up {
                (
                    name(b.level),
                    format!("Your mark for {title} is close to the next level"),
                )
            } else {
                (
                    c.level_name.clone(),
                    format!(
                        "Your mark for {title} is {} with little to spare",
                        c.level_name
                    ),
                )
            };
            let side = if (b.value < b.edge) == up {
                "starts at"
            } else {
                "goes up to"
            };
            format!("{lead}: your essay has {words} counted words, and {level} {side} {edge}.")
        }
        BorderlineUnit::Count | BorderlineUnit::Share => {
            let advice = b.advice.trim();
            if up {
                // The rule it is close to is the next step, given just after this line.
                format!(
                    "Your mark for {title} is close to the next level: the next step below is \
                     all {} still needs, and your essay is nearly there on it.",
                    name(b.level)
                )
            } else if advice.is_empty() {
                format!(
                    "Your mark for {title} is {} with little to spare.",
                    c.level_name
                )
            } else {
                format!(
                    "Your mark for {title} is {} with little to spare here, so it is worth making \
                     this part secure: {}",
                    c.level_name,
                    lower_first(advice)
                )
            }
        }
    };
    Some(line)
}

/// "Structure and…" → "structure and…"; a word in capitals ("CHIME") is kept.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => {
            let mut out: String = a.to_lowercase().collect();
            out.push_str(&s[a.len_utf8()..]);
            out
        }
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use peermark_engine::result::Borderline;

    fn names() -> Vec<String> {
        ["Not yet evidenced", "Emerging", "Achieved", "Strong"]
            .map(String::from)
            .to_vec()
    }

    fn criterion(level: u8, b: Borderline) -> CriterionResult {
        let mut c = peermark_engine::fixtures::marked_result().criteria[1].clone();
        c.title = "Structure and academic conventions".into();
        c.level = level;
        c.level_name = names()[level as usize].clone();
        c.borderline = vec![b];
        c
    }

    fn words(value: f64, edge: f64, level: u8) -> Borderline {
        Borderline {
            measure: "words".into(),
            value,
            edge,
            level,
            unit: BorderlineUnit::Words,
            advice: "Bring the body to 1,350–1,650 words.".into(),
        }
    }

    #[test]
    fn the_word_count_is_given_with_the_range_s_own_numbers() {
        let up = criterion(1, words(1346.0, 1350.0, 2));
        assert_eq!(
            borderline_line(&up, &names()).unwrap(),
            "Your mark for structure and academic conventions is close to the next level: your \
             essay has 1,346 counted words, and Achieved starts at 1,350."
        );
        let above = criterion(1, words(1662.0, 1650.0, 2));
        assert_eq!(
            borderline_line(&above, &names()).unwrap(),
            "Your mark for structure and academic conventions is close to the next level: your \
             essay has 1,662 counted words, and Achieved goes up to 1,650."
        );
        let down = criterion(3, words(1352.0, 1350.0, 1));
        assert_eq!(
            borderline_line(&down, &names()).unwrap(),
            "Your mark for structure and academic conventions is Strong with little to spare: \
             your essay has 1,352 counted words, and Strong starts at 1,350."
        );
        let down = criterion(2, words(1640.0, 1650.0, 1));
        assert_eq!(
            borderline_line(&down, &names()).unwrap(),
            "Your mark for structure and academic conventions is Achieved with little to spare: \
             your essay has 1,640 counted words, and Achieved goes up to 1,650."
        );
    }

    #[test]
    fn a_count_is_not_shown_the_step_is_named() {
        let b = Borderline {
            measure: "concepts".into(),
            value: 5.0,
            edge: 6.0,
            level: 3,
            unit: BorderlineUnit::Count,
            advice: "Explain five or more key concepts.".into(),
        };
        let mut c = criterion(2, b);
        c.title = "The recovery approach".into();
        let up = borderline_line(&c, &names()).unwrap();
        assert_eq!(
            up,
            "Your mark for the recovery approach is close to the next level: the next step below \
             is all Strong still needs, and your essay is nearly there on it."
        );
        assert!(!up.contains('5') && !up.contains('6'));
        c.level = 3;
        c.level_name = "Strong".into();
        c.borderline[0].level = 2;
        c.borderline[0].value = 6.0;
        assert_eq!(
            borderline_line(&c, &names()).unwrap(),
            "Your mark for the recovery approach is Strong with little to spare here, so it is \
             worth making this part secure: explain five or more key concepts."
        );
    }

    #[test]
    fn no_line_when_not_borderline_or_set_by_the_assessor() {
        let mut c = criterion(1, words(1346.0, 1350.0, 2));
        c.borderline.clear();
        assert_eq!(borderline_line(&c, &names()), None);
        let mut c = criterion(1, words(1346.0, 1350.0, 2));
        c.assessor_override = Some(peermark_engine::result::Override {
            level: 2,
            proposed_level: 1,
            reason: "r".into(),
            assessor: "A".into(),
        });
        assert_eq!(borderline_line(&c, &names()), None);
        assert_eq!(lower_first("CHIME gives five"), "CHIME gives five");
        assert_eq!(lower_first("Explain"), "explain");
    }
}
