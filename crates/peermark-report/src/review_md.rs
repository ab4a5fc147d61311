//! The parts of the Markdown feedback sheet about the assessor's review: marks the assessor set
//! (with their reason) and the comparison with the learner's previous attempt. Learner-facing:
//! plain, warm, what is there before what is missing.

use crate::exporter::ReportContext;
use crate::wording::{md_text, prose};
use peermark_engine::result::{CriterionResult, MarkResult};
use std::fmt::Write as _;

/// A sentence under the intro when the assessor set any marks.
pub(crate) fn assessor_intro(out: &mut String, r: &MarkResult) {
    let n = r
        .criteria
        .iter()
        .filter(|c| c.assessor_override.is_some())
        .count();
    match n {
        0 => {}
        1 => {
            let _ = writeln!(
                out,
                "Your assessor has set one of these marks themselves, and says why below.\n"
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "Your assessor has set {n} of these marks themselves, and says why below each one.\n"
            );
        }
    }
}

/// `, set by your assessor` after a level in the at-a-glance table.
pub(crate) fn set_by_assessor(c: &CriterionResult) -> &'static str {
    if c.assessor_override.is_some() {
        ", set by your assessor"
    } else {
        ""
    }
}

fn level_words(ctx: &ReportContext, level: u8, top: usize) -> String {
    let name = ctx
        .level_names
        .get(level as usize)
        .map(|n| md_text(n))
        .unwrap_or_else(|| format!("Level {level}"));
    format!("{name} ({level} of {top})")
}

/// The assessor's mark and reason as plain text (for sheets that are not Markdown).
pub(crate) fn override_plain(
    c: &CriterionResult,
    ctx: &ReportContext,
    top: usize,
) -> Option<String> {
    let o = c.assessor_override.as_ref()?;
    let words = |l: u8| {
        let name = ctx.level_names.get(l as usize).cloned();
        format!(
            "{} ({l} of {top})",
            name.unwrap_or_else(|| format!("Level {l}"))
        )
    };
    Some(if o.level == o.proposed_level {
        format!(
            "Your assessor confirmed this level. {} wrote: “{}”",
            o.assessor, o.reason
        )
    } else {
        format!(
            "Your assessor set this level. {} gave {}: “{}”",
            o.assessor,
            words(o.level),
            o.reason
        )
    })
}

/// peermark's feedback for a criterion, unless the assessor set another level: then it was
/// written for a proposal that no longer stands, and the assessor's reason replaces it.
pub(crate) fn learner_feedback(c: &CriterionResult) -> Option<&str> {
    match &c.assessor_override {
        Some(o) if o.level != o.proposed_level => None,
        _ => Some(c.feedback.as_str()).filter(|f| !f.trim().is_empty()),
    }
}

/// The assessor's mark and reason, under a criterion's heading.
pub(crate) fn override_note(
    out: &mut String,
    c: &CriterionResult,
    ctx: &ReportContext,
    top: usize,
) {
    let Some(o) = &c.assessor_override else {
        return;
    };
    if o.level == o.proposed_level {
        let _ = writeln!(
            out,
            "**Your assessor confirmed this level.** {} wrote: “{}”\n",
            md_text(&o.assessor),
            md_text(&o.reason)
        );
    } else {
        // The learner reads the assessor's level and reason, never the proposal it replaced.
        let _ = writeln!(
            out,
            "**Your assessor set this level.** {} gave {}: “{}”\n",
            md_text(&o.assessor),
            level_words(ctx, o.level, top),
            md_text(&o.reason)
        );
    }
}

/// "Since your last attempt": outcome and score then and now, levels per criterion, and what
/// changed in the feedback.
pub(crate) fn previous_section(out: &mut String, r: &MarkResult, ctx: &ReportContext) {
    let Some(p) = &r.previous else {
        return;
    };
    let top = crate::wording::top_level(ctx, r);
    let _ = writeln!(out, "## Since your last attempt\n");
    let when = |o: Option<peermark_engine::result::Outcome>, s: Option<f64>| -> String {
        match (o, s) {
            (Some(o), Some(s)) => format!(
                "**{}**, {s:.1} out of 100",
                crate::wording::outcome_words(o)
            ),
            (Some(o), None) => format!("**{}**", crate::wording::outcome_words(o)),
            _ => "not marked (the file could not be read)".to_string(),
        }
    };
    let _ = writeln!(
        out,
        "Last time: {}. This time: {}.\n",
        when(p.outcome, p.score),
        when(r.outcome, r.score)
    );
    if p.rubric_changed {
        let _ = writeln!(
            out,
            "The marking scheme has been updated since your last attempt, so some changes may come \
             from the scheme rather than from your essay.\n"
        );
    }
    let title = |id: &str| -> String {
        r.criteria
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.title.clone())
            .or_else(|| {
                ctx.criteria
                    .iter()
                    .find(|(cid, _)| cid == id)
                    .map(|(_, t)| t.clone())
            })
            .unwrap_or_else(|| id.to_string())
    };
    let shown = |l: Option<u8>| match l {
        Some(l) => level_words(ctx, l, top),
        None => "—".to_string(),
    };
    let _ = writeln!(out, "| Criterion | Last time | This time |\n|---|---|---|");
    for c in &p.criteria {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            md_text(&title(&c.id)),
            shown(c.level_then),
            shown(c.level_now)
        );
    }
    out.push('\n');
    let up: Vec<String> = p
        .criteria
        .iter()
        .filter(|c| c.change == "up")
        .map(|c| md_text(&title(&c.id)))
        .collect();
    if !up.is_empty() {
        let _ = writeln!(
            out,
            "You have moved up in {}. Well done: that is the work you put into this attempt.\n",
            peermark_engine::score::natural_list(&up)
        );
    }
    let changed: Vec<_> = p
        .criteria
        .iter()
        .filter(|c| !c.no_longer_said.is_empty() || !c.new_this_time.is_empty())
        .collect();
    if !changed.is_empty() {
        let _ = writeln!(out, "**What changed in the feedback:**\n");
        for c in changed {
            let _ = writeln!(out, "- **{}**", md_text(&title(&c.id)));
            for s in &c.no_longer_said {
                let _ = writeln!(out, "  - No longer in your feedback: “{}”", prose(s));
            }
            for s in &c.new_this_time {
                let _ = writeln!(out, "  - New this time: “{}”", prose(s));
            }
        }
        out.push('\n');
    }
}
