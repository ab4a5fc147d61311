//! `DIR/feedback/<submission>.md`: the learner's feedback sheet.
//!
//! Written for the learner: warm, plain English, strengths first, no marking jargon. It is built
//! only from the learner-facing parts of a result; `safeguarding` and `assessor_notes` are never
//! read here. The output is deterministic (no dates, no clock).

use super::{write_sheet, Exporter, ReportContext, ReportError};
use crate::result::{MarkResult, Outcome, Status};
use std::fmt::Write as _;
use std::path::Path;

/// Writes one Markdown feedback sheet per result under `DIR/feedback/`, error rows included.
pub struct MarkdownSheets;

impl Exporter for MarkdownSheets {
    fn per_learner(&self) -> bool {
        true
    }

    fn write_learner(
        &self,
        r: &MarkResult,
        name: &str,
        ctx: &ReportContext,
        out_dir: &Path,
    ) -> Result<(), ReportError> {
        let path = out_dir.join("feedback").join(format!("{name}.md"));
        write_sheet(&path, sheet_md(r, ctx).as_bytes())
    }
}

/// The feedback sheet of one result.
pub fn sheet_md(r: &MarkResult, ctx: &ReportContext) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Feedback: {}\n", md_text(&ctx.rubric_title));
    if !ctx.assignment.trim().is_empty() {
        let _ = writeln!(out, "*The assignment:* {}\n", prose(&ctx.assignment));
    }
    match &r.title {
        Some(t) if !t.trim().is_empty() => {
            let _ = writeln!(
                out,
                "Submission **{}**: *{}*\n",
                md_text(&r.submission),
                md_text(t)
            );
        }
        _ => {
            let _ = writeln!(out, "Submission **{}**\n", md_text(&r.submission));
        }
    }
    if let Some(name) = r.learner.learner.as_deref() {
        let _ = writeln!(out, "Learner: **{}**\n", md_text(name));
    }
    if !r.learner.other_files.is_empty() {
        let _ = writeln!(
            out,
            "You handed in more than one file; this feedback is about **{}**. Also handed in, \
             not marked: {}.\n",
            md_text(r.file.rsplit(['/', '!']).next().unwrap_or_default()),
            md_text(&r.learner.other_files.join("; "))
        );
    }
    if r.status == Status::Error {
        error_body(&mut out, r);
    } else {
        marked_body(&mut out, r, ctx);
    }
    let _ = writeln!(out, "---\n\n{}", prose(&ctx.support_line));
    out
}

fn error_body(out: &mut String, r: &MarkResult) {
    let _ = writeln!(
        out,
        "We could not mark this file, so there are no marks for it yet. This is about the file, \
         not about your essay.\n"
    );
    let _ = writeln!(out, "- **File:** {}", md_text(&r.file));
    if let Some(m) = r.message.as_deref().filter(|m| !m.trim().is_empty()) {
        let _ = writeln!(out, "- **Why:** {}", md_text(m));
    }
    let _ = writeln!(
        out,
        "- **What you can do:** open the file on your own computer to check that it is complete, \
         save it again (for example as a Word document, a PDF or plain text) and hand it in \
         again. Your tutor is happy to help if it still does not work.\n"
    );
}

fn marked_body(out: &mut String, r: &MarkResult, ctx: &ReportContext) {
    // Outcome and score.
    match (r.outcome, r.score) {
        (Some(o), Some(s)) => {
            let _ = writeln!(
                out,
                "**Outcome: {}** — {s:.1} out of 100\n",
                outcome_words(o)
            );
        }
        (Some(o), None) => {
            let _ = writeln!(out, "**Outcome: {}**\n", outcome_words(o));
        }
        (None, Some(s)) => {
            let _ = writeln!(out, "**Score:** {s:.1} out of 100\n");
        }
        (None, None) => {}
    }
    if r.outcome == Some(Outcome::NotYetAchieved) {
        let _ = writeln!(
            out,
            "You are not there yet, and the feedback below shows what to build on and what to add \
             next.\n"
        );
    }
    if let Some(words) = r.words {
        let _ = writeln!(
            out,
            "**Length:** {}.\n",
            word_count_phrase(words, r.word_range)
        );
    }
    let _ = writeln!(
        out,
        "These marks are a proposal: an assessor reviews every mark before it is final.\n"
    );
    super::review_md::assessor_intro(out, r);

    if !r.criteria.is_empty() {
        let top = top_level(ctx, r);
        let _ = writeln!(out, "## Your marks at a glance\n");
        let _ = writeln!(out, "| Criterion | Level | Points |\n|---|---|---|");
        for c in &r.criteria {
            let _ = writeln!(
                out,
                "| {} | {} ({} of {top}){} | {} of {} |",
                md_cell(&c.title),
                md_cell(&c.level_name),
                c.level,
                super::review_md::set_by_assessor(c),
                number(c.points),
                number(c.max_points)
            );
        }
        out.push('\n');
        super::review_md::previous_section(out, r, ctx);

        let _ = writeln!(out, "## Criterion by criterion\n");
        for c in &r.criteria {
            let _ = writeln!(
                out,
                "### {} — {}\n",
                md_text(&c.title),
                md_text(&c.level_name)
            );
            super::review_md::override_note(out, c, ctx, top);
            if !c.descriptor.trim().is_empty() {
                let _ = writeln!(out, "**What this level means:** {}\n", prose(&c.descriptor));
            }
            if !c.evidence.is_empty() {
                let _ = writeln!(out, "**Where your essay shows it:**\n");
                for e in &c.evidence {
                    let _ = writeln!(out, "- “{}” (paragraph {})", md_text(&e.quote), e.paragraph);
                }
                out.push('\n');
            }
            if !c.feedback.trim().is_empty() {
                let _ = writeln!(out, "**Feedback:** {}\n", prose(&c.feedback));
            }
        }
    }

    language_section(out, r);
}

fn language_section(out: &mut String, r: &MarkResult) {
    let _ = writeln!(out, "## Language\n");
    if !r.language_awareness.is_empty() {
        let _ = writeln!(
            out,
            "**Strengths:** you think about the words themselves, which is a real strength in peer \
             support:\n"
        );
        for e in &r.language_awareness {
            let _ = writeln!(out, "- “{}” (paragraph {})", md_text(&e.quote), e.paragraph);
        }
        out.push('\n');
    }
    if r.lapses.is_empty() {
        let _ = writeln!(
            out,
            "We found no wording to reconsider: you describe people and experiences in a \
             person-first, recovery-oriented way. Well done.\n"
        );
    } else {
        let _ = writeln!(
            out,
            "**Wording to reconsider:** some words can label people or carry stigma, even when we \
             do not mean them to. Here are other ways to say them:\n"
        );
        for l in &r.lapses {
            let _ = write!(
                out,
                "- “{}” (paragraph {}, line {}:{}, code {})",
                md_text(&l.text),
                l.paragraph,
                l.line,
                l.column,
                md_text(&l.rule)
            );
            if l.suggestions.is_empty() {
                let _ = writeln!(
                    out,
                    " — you might describe the person or experience in your own words."
                );
            } else {
                let options: Vec<String> = l
                    .suggestions
                    .iter()
                    .map(|s| format!("“{}”", md_text(s)))
                    .collect();
                let _ = writeln!(out, " — you might write {}.", or_list(&options));
            }
            if !l.why.is_empty() {
                let _ = writeln!(out, "  {}", md_text(&l.why));
            }
        }
        let example = &r.lapses[0].rule;
        let _ = writeln!(
            out,
            "\nTo read why a phrase is listed, run `peermark explain` with its code, for example \
             `peermark explain {}`.\n",
            md_text(example)
        );
    }
    if !r.notes.is_empty() {
        let _ = writeln!(
            out,
            "**Things you might think about** (advice only; they do not change your mark):\n"
        );
        for n in &r.notes {
            let _ = writeln!(
                out,
                "- “{}” (paragraph {}, line {}:{}): {}",
                md_text(&n.text),
                n.paragraph,
                n.line,
                n.column,
                prose(&n.message)
            );
        }
        out.push('\n');
    }
}

/// "Achieved" / "Not yet achieved", for learners.
pub(crate) fn outcome_words(o: Outcome) -> &'static str {
    match o {
        Outcome::Achieved => "Achieved",
        Outcome::NotYetAchieved => "Not yet achieved",
    }
}

/// "1,512 words — within the 1,350–1,650 range" (or below / above it); just the count when the
/// rubric gave no range.
pub(crate) fn word_count_phrase(
    words: usize,
    (min, max, _target): (usize, usize, usize),
) -> String {
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
pub(crate) fn thousands(n: usize) -> String {
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
pub(crate) fn top_level(ctx: &ReportContext, r: &MarkResult) -> usize {
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
fn number(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// "“a”", "“a” or “b”", "“a”, “b” or “c”".
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// Text written by the rubric's authors or by peermark (descriptors, feedback, messages): may
/// hold Markdown, kept as written, on one line so that it stays inside its list item.
pub(crate) fn prose(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text from a submission (quotes, titles, names) or a bare name: one line, with Markdown's
/// inline syntax escaped so that it shows as written.
pub(crate) fn md_text(s: &str) -> String {
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

/// A Markdown table cell: one line, `|` escaped.
fn md_cell(s: &str) -> String {
    md_text(s)
}

/// The file-name stems of the results' sheets, in order: each submission id made safe and
/// told apart from the others ([`super::files::unique_file_names`]). Every per-submission
/// output (Markdown and Word sheets, annotated copies) is named from these.
pub fn sheet_names(results: &[MarkResult]) -> Vec<String> {
    super::files::unique_file_names(results.iter().map(|r| r.submission.as_str()))
}

/// The file stem of one submission's sheet on its own: its id made safe
/// ([`super::files::safe_file_name`]); a batch uses [`sheet_names`].
pub fn sheet_file_stem(submission: &str) -> String {
    super::files::safe_file_name(submission)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::json::fixtures::*;

    #[test]
    fn sheet_snapshot() {
        insta::assert_snapshot!(sheet_md(&marked_result(), &context()));
    }

    #[test]
    fn sheet_never_shows_assessor_or_safeguarding_text() {
        let ctx = context();
        let sheet = sheet_md(&marked_result(), &ctx);
        assert!(!sheet.contains(ASSESSOR_QUOTE));
        assert!(!sheet.contains(RISK_CUE));
        assert!(!sheet.contains(&ctx.safeguarding_contact));
        assert!(!sheet.to_lowercase().contains("safeguard"));
        assert!(!sheet.to_lowercase().contains("lapse"));
        assert!(!sheet.to_lowercase().contains("measures"));
        assert!(sheet.ends_with(&format!("{}\n", ctx.support_line)));
    }

    #[test]
    fn sheet_names_what_matters() {
        let sheet = sheet_md(&marked_result(), &context());
        assert!(
            sheet.contains("# Feedback: My recovery story, the recovery approach and peer support")
        );
        assert!(sheet.contains("Submission **e01**: *Finding my way back*"));
        assert!(sheet.contains("**Outcome: Achieved** — 86.7 out of 100"));
        assert!(sheet.contains("1,512 words — within the 1,350–1,650 range"));
        assert!(sheet.contains("| Recovery-oriented language | Achieved (2 of 3) | 6.7 of 10 |"));
        // A `|` in a quote is escaped.
        assert!(sheet.contains("the silence \\| nobody asked."));
        assert!(sheet.contains("“committed suicide” (paragraph 3, line 5:12, code L56) — you might write “died by suicide” or “took their own life”."));
        assert!(sheet.contains("an assessor reviews every mark"));
    }

    #[test]
    fn no_wording_to_reconsider_is_said_positively() {
        let mut r = marked_result();
        r.lapses.clear();
        r.notes.clear();
        let sheet = sheet_md(&r, &context());
        assert!(sheet.contains("We found no wording to reconsider"));
        assert!(!sheet.contains("Things you might think about"));
    }

    #[test]
    fn table_cells_are_escaped() {
        let mut r = marked_result();
        r.criteria[0].title = "Story | and\nreflection".into();
        let sheet = sheet_md(&r, &context());
        assert!(sheet.contains("| Story \\| and reflection | Strong (3 of 3) | 20 of 20 |"));
    }

    #[test]
    fn error_sheet_says_why_and_what_to_do() {
        let ctx = context();
        let sheet = sheet_md(&error_result(), &ctx);
        assert!(sheet.contains("We could not mark this file"));
        assert!(sheet.contains("not a readable Word file"));
        assert!(sheet.contains("What you can do"));
        assert!(!sheet.contains("Outcome"));
        assert!(sheet.ends_with(&format!("{}\n", ctx.support_line)));
    }

    #[test]
    fn word_counts_read_naturally() {
        assert_eq!(
            word_count_phrase(1200, (1350, 1650, 1500)),
            "1,200 words — below the 1,350–1,650 range"
        );
        assert_eq!(
            word_count_phrase(1650, (1350, 1650, 1500)),
            "1,650 words — within the 1,350–1,650 range"
        );
        assert_eq!(
            word_count_phrase(1651, (1350, 1650, 1500)),
            "1,651 words — above the 1,350–1,650 range"
        );
        assert_eq!(word_count_phrase(1, (0, 0, 0)), "1 word");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }

    #[test]
    fn one_sheet_per_result_named_by_submission() {
        let dir = tempfile::tempdir().unwrap();
        let mut odd = error_result();
        odd.submission = "..".into();
        MarkdownSheets
            .export(
                &[marked_result(), error_result(), odd],
                &context(),
                dir.path(),
            )
            .unwrap();
        let fb = dir.path().join("feedback");
        assert!(fb.join("e01.md").is_file());
        assert!(fb.join("e02.md").is_file());
        assert!(fb.join("_.md").is_file());
        assert_eq!(std::fs::read_dir(&fb).unwrap().count(), 3);
    }
}
