//! Words every learner-facing output shares (Markdown and Word sheets, the text report, the
//! review sections): outcome names, the word-count phrase, numbers, lists and Markdown text.

use crate::exporter::ReportContext;
use peermark_engine::result::{MarkResult, Outcome};

/// "Achieved" / "Not yet achieved", for learners.
pub fn outcome_words(o: Outcome) -> &'static str {
    match o {
        Outcome::Achieved => "Achieved",
        Outcome::NotYetAchieved => "Not yet achieved",
    }
}

/// "1,512 words — within the 1,350–1,650 range" (or below / above it); just the count when the
/// rubric gave no range.
pub fn word_count_phrase(words: usize, (min, max, _target): (usize, usize, usize)) -> String {
    let count = if words == 1 {
        "1 word".to_string()
    } else {
        format!("{} words", thousands(words))
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
