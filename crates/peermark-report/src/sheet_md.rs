//! `DIR/feedback/<submission>.md`: the learner's feedback sheet.
//!
//! Written for the learner: warm, plain English, strengths first, no marking jargon. It is built
//! only from the learner-facing parts of a result; `safeguarding` and `assessor_notes` are never
//! read here. The output is deterministic (no dates, no clock).

use crate::exporter::Exporter;
use crate::exporter::ReportContext;
use crate::learner::{NextStep, Notes};
use crate::wording::{
    borderline_line, md_text, number, outcome_words, prose, top_level, word_count_phrase,
};
use peermark_engine::result::{MarkResult, Outcome, Status};
use peermark_files::output::write_sheet;
use peermark_files::WriteError;
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
    ) -> Result<(), WriteError> {
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
            let quotes = crate::learner::quotes(c, 2);
            if !quotes.is_empty() {
                let _ = writeln!(out, "**Where your essay shows it:**\n");
                for e in quotes {
                    let _ = writeln!(out, "- “{}” (paragraph {})", md_text(&e.quote), e.paragraph);
                }
                out.push('\n');
            }
            if let Some(line) = borderline_line(c, &ctx.level_names) {
                let _ = writeln!(out, "{}\n", prose(&line));
            }
            if super::review_md::learner_feedback(c).is_some() {
                let found = crate::learner::what_is_there(c, ctx);
                if !found.is_empty() {
                    let _ = writeln!(out, "**Feedback:** {}\n", prose(&found));
                }
            }
            match crate::learner::next_step(c, ctx, top) {
                Some(NextStep::Reach { level_name, step }) => {
                    let _ = writeln!(
                        out,
                        "**Next step, to reach {}:** {}\n",
                        md_text(&level_name),
                        prose(&step)
                    );
                }
                Some(NextStep::Stretch(s)) => {
                    let _ = writeln!(out, "**This is the top level.** {}\n", prose(&s));
                }
                None => {}
            }
        }
    }

    language_section(out, r);
}

fn language_section(out: &mut String, r: &MarkResult) {
    let notes = Notes::of(r);
    let reflections = crate::learner::reflections(r, &notes);
    let plain = crate::learner::is_plain_text(r);
    let _ = writeln!(out, "## Your wording\n");
    if !reflections.is_empty() {
        let _ = writeln!(
            out,
            "**Strength:** {}:\n",
            crate::learner::reflections_line(reflections.len())
        );
        for (quote, paragraph) in &reflections {
            let _ = writeln!(out, "- “{}” (paragraph {paragraph})", md_text(quote));
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
            "**To reconsider in your own words:** some words can label people or carry stigma, \
             even when we do not mean them to. Here are other ways to say them:\n"
        );
        for l in &r.lapses {
            let alternatives = crate::learner::alternatives(l);
            let try_line = if alternatives.is_empty() {
                crate::learner::try_line(l)
            } else {
                format!("You might write {alternatives}.")
            };
            let _ = writeln!(
                out,
                "- “{}” ({}) — {} {}",
                md_text(&l.text),
                crate::learner::place(l.paragraph, l.line, plain),
                md_text(&crate::learner::why(l)),
                md_text(&try_line)
            );
        }
        out.push('\n');
    }
    let lines: Vec<String> = [notes.others_line(), notes.own_line()]
        .into_iter()
        .flatten()
        .collect();
    for line in &lines {
        let _ = writeln!(out, "{}\n", md_text(line));
    }
    if !notes.thoughts.is_empty() {
        let _ = writeln!(
            out,
            "**Things you might think about** (advice only; they do not change your mark):\n"
        );
        for n in &notes.thoughts {
            let _ = writeln!(
                out,
                "- “{}” ({}): {}",
                md_text(&n.text),
                crate::learner::place(n.paragraph, n.line, plain),
                prose(&n.message)
            );
        }
        out.push('\n');
    }
}

/// A Markdown table cell: one line, `|` escaped.
fn md_cell(s: &str) -> String {
    md_text(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::fixtures::*;
    use crate::wording::thousands;
    use peermark_engine::result::{CriterionChange, Outcome, Override, PreviousAttempt};

    #[test]
    fn sheet_snapshot() {
        insta::assert_snapshot!(sheet_md(&marked_result(), &context()));
    }

    #[test]
    fn a_borderline_sheet_says_what_is_close_and_why() {
        let sheet = sheet_md(&borderline_result(), &context());
        insta::assert_snapshot!(sheet);
        assert!(sheet.contains(
            "**Length:** 1,346 words counted (the title and reference list are not counted) — \
             below the 1,350–1,650 range."
        ));
        // The word count with the range's numbers, in the criterion's own section, before
        // its feedback.
        let line = "Your mark for structure and academic conventions is close to the next level: \
                    your essay has 1,346 counted words, and Strong starts at 1,350.";
        let section = sheet
            .split("### Structure and academic conventions — Emerging")
            .nth(1)
            .unwrap();
        let at = section.find(line).expect("the borderline line");
        assert!(at < section.find("**Feedback:**").unwrap());
        // A count is not given beside the level's number: the step is named instead.
        assert!(sheet.contains(
            "Your mark for recovery-oriented language is close to the next level: the next step \
             below is all Strong still needs, and your essay is nearly there on it."
        ));
        // Not borderline: no line.
        let plain = sheet_md(&marked_result(), &context());
        assert!(!plain.contains("Your mark for"));
        // Set by the assessor: their level stands, with no line.
        let mut r = borderline_result();
        r.criteria[2].assessor_override = Some(Override {
            level: 2,
            proposed_level: 1,
            reason: "The count includes a table.".into(),
            assessor: "J. Rivera".into(),
        });
        let sheet = sheet_md(&r, &context());
        assert!(!sheet.contains("counted words, and Strong starts at"));
        assert!(sheet.contains("Your mark for recovery-oriented language"));
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
        assert!(sheet.contains(
            "1,512 words counted (the title and reference list are not counted) — within the \
             1,350–1,650 range"
        ));
        assert!(sheet.contains("| Recovery-oriented language | Achieved (2 of 3) | 6.7 of 10 |"));
        // A `|` in a quote is escaped.
        assert!(sheet.contains("the silence \\| nobody asked."));
        assert!(sheet.contains("- “committed suicide” (paragraph 3, line 5) — Links suicide with crime; many guides suggest other words. You might write “died by suicide” or “took their own life”."));
        // No rule code and no command for a learner who was handed the sheet.
        assert!(!sheet.contains("L56"));
        assert!(!sheet.contains("peermark explain"));
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
        let counted = "counted (the title and reference list are not counted)";
        assert_eq!(
            word_count_phrase(1200, (1350, 1650, 1500)),
            format!("1,200 words {counted} — below the 1,350–1,650 range")
        );
        assert_eq!(
            word_count_phrase(1650, (1350, 1650, 1500)),
            format!("1,650 words {counted} — within the 1,350–1,650 range")
        );
        assert_eq!(
            word_count_phrase(1651, (1350, 1650, 1500)),
            format!("1,651 words {counted} — above the 1,350–1,650 range")
        );
        assert_eq!(word_count_phrase(1, (0, 0, 0)), format!("1 word {counted}"));
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

    #[test]
    fn a_sheet_with_an_override_and_a_previous_attempt() {
        let mut r = marked_result();
        r.criteria[1].level = 3;
        r.criteria[1].level_name = "Strong".into();
        r.criteria[1].assessor_override = Some(Override {
            level: 3,
            proposed_level: 2,
            reason: "The quoted words are reported, not your own.".into(),
            assessor: "J. Rivera".into(),
        });
        r.previous = Some(PreviousAttempt {
            submission: "e01".into(),
            file: "old/e01.txt".into(),
            score: Some(60.0),
            outcome: Some(Outcome::NotYetAchieved),
            rubric_changed: false,
            criteria: vec![
                CriterionChange {
                    id: "personal_story".into(),
                    level_then: Some(2),
                    level_now: Some(3),
                    change: "up".into(),
                    no_longer_said: vec!["Next steps: say what changed for you.".into()],
                    new_this_time: vec![],
                },
                CriterionChange {
                    id: "recovery_language".into(),
                    level_then: Some(3),
                    level_now: Some(3),
                    change: "same".into(),
                    no_longer_said: vec![],
                    new_this_time: vec![],
                },
            ],
        });
        let sheet = sheet_md(&r, &context());
        insta::assert_snapshot!(sheet);
        assert!(sheet
            .contains("| Recovery-oriented language | Strong (3 of 3), set by your assessor |"));
        assert!(sheet.contains("**Your assessor set this level.** J. Rivera gave Strong (3 of 3): “The quoted words are reported, not your own.”"));
        // Neither the replaced level nor the feedback written for it reaches the learner.
        assert!(!sheet.contains("peermark proposed") && !sheet.contains("Achieved (2 of 3); your"));
        assert!(!sheet.contains(&r.criteria[1].feedback), "{sheet}");
        assert!(sheet.contains("Last time: **Not yet achieved**, 60.0 out of 100. This time: **Achieved**, 86.7 out of 100."));
        assert!(sheet.contains("| Personal recovery story | Achieved (2 of 3) | Strong (3 of 3) |"));
        assert!(sheet.contains("You have moved up in Personal recovery story."));
        assert!(sheet
            .contains("  - No longer in your feedback: “Next steps: say what changed for you.”"));
    }
}
