//! Evidence → level per criterion → points, score and outcome, with feed-forward.
//!
//! Levels are cumulative: a criterion reaches level N when the requirements of every level
//! from 1 to N hold. The requirements of the next level that do not hold yet are the
//! learner's next steps.

use crate::analyse::{Analysis, Span};
use crate::result::{round1, CriterionResult, Evidence, Outcome};
use crate::rubric::{Criterion, Rubric};
use peermark_text::Document;
use std::collections::BTreeMap;

/// At most this many quotes back each criterion.
const MAX_QUOTES: usize = 3;
/// Quotes longer than this many characters are cut around the evidence.
const MAX_QUOTE_CHARS: usize = 220;

/// The level a criterion reaches and the advice for the next.
pub fn level_of(c: &Criterion, values: &BTreeMap<String, f64>) -> (u8, Vec<String>) {
    let mut level = 0u8;
    for reqs in &c.levels {
        if reqs.iter().all(|r| r.condition.holds(values)) {
            level += 1;
        } else {
            break;
        }
    }
    let next: Vec<String> = c
        .levels
        .get(level as usize)
        .map(|reqs| {
            reqs.iter()
                .filter(|r| !r.condition.holds(values))
                .map(|r| r.advice.clone())
                .collect()
        })
        .unwrap_or_default();
    (level, next)
}

/// Scores every criterion of the rubric.
///
/// `withheld` are stretches never quoted as evidence (sentences flagged for the assessor's
/// attention: they must not reach a learner's sheet).
pub fn score(
    rubric: &Rubric,
    analysis: &Analysis,
    doc: &Document,
    withheld: &[Span],
) -> (Vec<CriterionResult>, f64, Outcome) {
    let max_level = (rubric.level_names.len() - 1) as f64;
    let mut results = Vec::new();
    let mut total = 0.0;
    for c in &rubric.criteria {
        let (level, next) = level_of(c, &analysis.values);
        let points = points_for(c, level, max_level);
        total += points;
        let measures: BTreeMap<String, f64> = c
            .measures()
            .into_iter()
            .map(|m| {
                let v = analysis.values.get(&m).copied().unwrap_or(0.0);
                (m, v)
            })
            .collect();
        let evidence = if level == 0 {
            Vec::new()
        } else {
            quotes(c, analysis, doc, withheld)
        };
        let borderline = rubric
            .borderline
            .as_ref()
            .map(|m| {
                crate::borderline::borderline(rubric, m, c, &analysis.values, level, &|t| {
                    fill(t, analysis)
                })
            })
            .unwrap_or_default();
        let next_steps: Vec<String> = next.into_iter().take(2).collect();
        let mut feedback = fill(&c.feedback[level as usize], analysis);
        for (condition, say) in &c.strengths {
            if condition.holds(&analysis.values) {
                feedback.push(' ');
                feedback.push_str(&fill(say, analysis));
            }
        }
        if next_steps.is_empty() {
            if !c.stretch.is_empty() {
                feedback.push(' ');
                feedback.push_str(&fill(&c.stretch, analysis));
            }
        } else {
            feedback.push_str(" Next steps: ");
            feedback.push_str(
                &next_steps
                    .iter()
                    .map(|s| fill(s, analysis))
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        results.push(CriterionResult {
            id: c.id.clone(),
            title: c.title.clone(),
            level,
            level_name: rubric.level_names[level as usize].clone(),
            points: round1(points),
            max_points: round1(c.weight),
            evidence,
            measures,
            feedback,
            next_steps: next_steps.iter().map(|s| fill(s, analysis)).collect(),
            descriptor: c.descriptors[level as usize].clone(),
            assessor_override: None,
            borderline,
        });
    }
    let outcome = outcome_of(rubric, &results);
    (results, round1(total), outcome)
}

/// A criterion's points at a level (unrounded): its weight times the share of the top level.
pub fn points_for(c: &Criterion, level: u8, max_level: f64) -> f64 {
    c.weight * level as f64 / max_level
}

/// Whether levels meet the rubric's outcome rule (`outcome.achieved_when`); `level_of` gives
/// a criterion's level by id (`None`: no level).
pub fn meets_outcome_rule(rubric: &Rubric, level_of: impl Fn(&str) -> Option<u8>) -> bool {
    rubric
        .achieved_when
        .iter()
        .all(|(id, min)| level_of(id).is_some_and(|l| l >= *min))
}

/// The outcome rule of the rubric (`outcome.achieved_when`) over criterion levels.
pub fn outcome_of(rubric: &Rubric, criteria: &[CriterionResult]) -> Outcome {
    let achieved = meets_outcome_rule(rubric, |id| {
        criteria.iter().find(|r| r.id == id).map(|r| r.level)
    });
    if achieved {
        Outcome::Achieved
    } else {
        Outcome::NotYetAchieved
    }
}

/// Score and outcome recomputed from criterion levels (after an assessor changed some), with
/// the same weights and outcome rule as [`score`]. Sets each criterion's level name, points
/// and descriptor for its level.
pub fn rescore(rubric: &Rubric, criteria: &mut [CriterionResult]) -> (f64, Outcome) {
    let max_level = (rubric.level_names.len() - 1) as f64;
    let mut total = 0.0;
    for r in criteria.iter_mut() {
        let Some(c) = rubric.criterion(&r.id) else {
            continue;
        };
        let points = points_for(c, r.level, max_level);
        total += points;
        r.points = round1(points);
        r.level_name = rubric.level_names[r.level as usize].clone();
        r.descriptor = c.descriptors[r.level as usize].clone();
    }
    (round1(total), outcome_of(rubric, criteria))
}

/// Replaces `{measure}`, `{measure.items}` and `{measure.missing}` in a rubric text.
pub fn fill(template: &str, analysis: &Analysis) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = &rest[start + 1..start + len];
        let (name, part) = key.split_once('.').unwrap_or((key, ""));
        let value = match part {
            "items" => analysis.measured.get(name).map(|m| natural_list(&m.items)),
            "missing" => analysis
                .measured
                .get(name)
                .map(|m| natural_list(&m.missing)),
            _ => analysis.values.get(name).map(|v| format_number(*v)),
        };
        match value {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[start..start + len + 1]),
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

fn format_number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v:.2}")
    }
}

/// "a", "a and b", "a, b and c".
pub fn natural_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}

/// Quotes for a criterion: the sentences around the evidence of its evidence measures, one
/// per sentence, best first.
fn quotes(c: &Criterion, analysis: &Analysis, doc: &Document, withheld: &[Span]) -> Vec<Evidence> {
    let mut out: Vec<Evidence> = Vec::new();
    let mut used: Vec<(usize, usize)> = Vec::new();
    // Round-robin over the evidence measures so each kind of evidence is shown.
    let lists: Vec<&Vec<Span>> = c
        .evidence
        .iter()
        .filter_map(|m| analysis.measured.get(m))
        .map(|m| &m.spans)
        .collect();
    let longest = lists.iter().map(|l| l.len()).max().unwrap_or(0);
    'outer: for k in 0..longest {
        for list in &lists {
            if out.len() >= MAX_QUOTES {
                break 'outer;
            }
            let Some(span) = list.get(k) else { continue };
            if is_withheld(doc, span, withheld) {
                continue;
            }
            let (ev, key) = quote(doc, span);
            if !used.contains(&key) && !ev.quote.is_empty() {
                used.push(key);
                out.push(ev);
            }
        }
    }
    out
}

/// Whether the sentence holding `span` overlaps a withheld stretch.
pub fn is_withheld(doc: &Document, span: &Span, withheld: &[Span]) -> bool {
    if !withheld.iter().any(|w| w.paragraph == span.paragraph) {
        return false;
    }
    let sentence = doc
        .sentences(span.paragraph)
        .iter()
        .find(|s| s.start <= span.range.start && span.range.start < s.end.max(s.start + 1))
        .cloned()
        .unwrap_or(span.range.clone());
    withheld.iter().any(|w| {
        w.paragraph == span.paragraph
            && w.range.start < sentence.end
            && sentence.start < w.range.end
    })
}

/// The sentence holding a span, cut to a readable length around it.
pub fn quote(doc: &Document, span: &Span) -> (Evidence, (usize, usize)) {
    let text = &doc.paragraphs[span.paragraph].text;
    let s = doc
        .sentences(span.paragraph)
        .iter()
        .find(|s| s.start <= span.range.start && span.range.start < s.end.max(s.start + 1))
        .cloned()
        .unwrap_or(span.range.clone());
    let (mut start, mut end) = (s.start, s.end);
    let mut prefix = "";
    let mut suffix = "";
    if text[start..end].chars().count() > MAX_QUOTE_CHARS {
        let half = MAX_QUOTE_CHARS / 2;
        let back = text[start..span.range.start]
            .char_indices()
            .rev()
            .nth(half / 2)
            .map(|(i, _)| start + i)
            .unwrap_or(start);
        if back > start {
            start = word_start(text, back);
            prefix = "…";
        }
        let fwd = text[start..end]
            .char_indices()
            .nth(MAX_QUOTE_CHARS)
            .map(|(i, _)| start + i)
            .unwrap_or(end);
        if fwd < end {
            end = word_end(text, fwd);
            suffix = "…";
        }
    }
    let pos = doc.position(span.paragraph, start);
    let quote = format!("{prefix}{}{suffix}", text[start..end].trim());
    (
        Evidence {
            quote,
            paragraph: pos.paragraph,
            line: pos.line,
            column: pos.column,
        },
        (span.paragraph, s.start),
    )
}

fn word_start(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    // After the space, however many bytes it takes (U+2000 and friends take three).
    match text[i..].char_indices().find(|(_, c)| c.is_whitespace()) {
        Some((k, c)) if k < 30 => i + k + c.len_utf8(),
        _ => i,
    }
}

fn word_end(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    match text[..i].rfind(char::is_whitespace) {
        Some(k) if i - k < 30 => k,
        _ => i,
    }
}
