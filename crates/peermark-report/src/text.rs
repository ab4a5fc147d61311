//! `peermark check`'s reports for a learner reading their own draft.
//!
//! [`render_check`] (`--format text`, the default) reads like a tutor: marks first, each with a
//! line quoted from the essay and one next step; then the wording to reconsider in the writer's
//! own voice, each with its paragraph, why in one sentence and alternatives; then one line for
//! the labels quoted from others and one crediting reflection on words. No rule codes and no
//! commands. [`render_diagnostics`] (`--format diagnostics`) keeps the compiler-style view that
//! points at the source line, for people who want it.
//!
//! Risk cues are never listed (`safeguarding` and `assessor_notes` are not read here), and both
//! end with the rubric's support line, whatever the draft says, so that the line itself reveals
//! nothing. An unreadable file gets no report: the caller prints its error once, on stderr.

use crate::exporter::ReportContext;
use crate::learner::{self, NextStep, Notes};
use crate::wording::{borderline_line, outcome_words, top_level, word_count_phrase};
use peermark_engine::result::{MarkResult, Status};
use peermark_text::Document;
use std::fmt::Write as _;

/// Widest stretch of a source line shown under a diagnostic, in characters. Extracted text
/// (docx, odt, pdf, html) has a whole paragraph on one line; longer lines are shown as a
/// window around the words, so that the underline stays under them on a terminal.
const MAX_SHOWN: usize = 100;
/// Characters kept before the words when a line is cut.
const CONTEXT_BEFORE: usize = 30;
/// The longest quote shown under a mark, in characters: one line of a 100-column terminal
/// with its lead-in and paragraph number.
const QUOTE_CHARS: usize = 64;

/// The learner's text report of one marked result, ending with a newline (print it with
/// `print!`). ANSI colour only when `color` is true; the caller decides from the terminal and
/// `NO_COLOR`. An error result yields the support line alone: the error itself is the
/// caller's to print, once, on stderr ([`learner::error_for_writer`]).
pub fn render_check(r: &MarkResult, ctx: &ReportContext, color: bool) -> String {
    let p = Paint(color);
    let mut out = String::new();
    if r.status != Status::Error {
        header(&mut out, r, &p);
        marks(&mut out, r, ctx, &p);
        wording(&mut out, r, &p);
    }
    let _ = writeln!(out, "{}", ctx.support_line.trim());
    out
}

fn header(out: &mut String, r: &MarkResult, p: &Paint) {
    let mut head = clean(&r.submission);
    if let Some(o) = r.outcome {
        let _ = write!(head, " — {}", outcome_words(o));
    }
    if let Some(s) = r.score {
        let _ = write!(head, ", {s:.1} out of 100");
    }
    let _ = writeln!(out, "{}", p.bold(&head));
    if let Some(words) = r.words {
        let _ = writeln!(out, "{}", word_count_phrase(words, r.word_range));
    }
    // What the reader could not do exactly (e.g. PDF paragraph breaks guessed).
    if let Some(m) = r.message.as_deref().filter(|m| !m.trim().is_empty()) {
        let _ = writeln!(out, "Note: {}", clean(m));
    }
}

fn marks(out: &mut String, r: &MarkResult, ctx: &ReportContext, p: &Paint) {
    let top = top_level(ctx, r);
    for c in &r.criteria {
        let assessor = if c.assessor_override.is_some() {
            ", set by your assessor"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "\n{}: {} ({} of {top}{assessor})",
            p.bold(&clean(&c.title)),
            clean(&c.level_name),
            c.level
        );
        for e in learner::quotes(c, 1) {
            let _ = writeln!(
                out,
                "  From your essay: “{}” (paragraph {})",
                learner::short_quote(&e.quote, QUOTE_CHARS),
                e.paragraph
            );
        }
        if let Some(line) = borderline_line(c, &ctx.level_names) {
            let _ = writeln!(out, "  {}", clean(&line));
        }
        match learner::next_step(c, ctx, top) {
            Some(step @ NextStep::Stretch(_)) => {
                let _ = writeln!(
                    out,
                    "  {} {}",
                    p.green("Top level."),
                    clean(&step.sentence())
                );
            }
            Some(step) => {
                let _ = writeln!(out, "  {}", clean(&step.sentence()));
            }
            None if c.level as usize >= top => {
                let _ = writeln!(out, "  {}", p.green("Top level: well done."));
            }
            None => {}
        }
    }
}

fn wording(out: &mut String, r: &MarkResult, p: &Paint) {
    let notes = Notes::of(r);
    let reflections = learner::reflections(r, &notes);
    let plain = learner::is_plain_text(r);
    let _ = writeln!(out, "\n{}", p.bold("Your wording"));
    if r.lapses.is_empty() {
        let _ = writeln!(
            out,
            "  You describe people and experiences in a person-first, recovery-oriented way. Well done."
        );
    }
    if let Some((quote, paragraph)) = reflections.first() {
        let _ = writeln!(
            out,
            "  {}: {}, for example “{}” (paragraph {paragraph}).",
            p.green("Strength"),
            learner::reflections_line(reflections.len()),
            learner::short_quote(quote, QUOTE_CHARS)
        );
    }
    if !r.lapses.is_empty() {
        let _ = writeln!(
            out,
            "  {} to reconsider in your own words:",
            if r.lapses.len() == 1 {
                "One place".to_string()
            } else {
                format!("{} places", r.lapses.len())
            }
        );
    }
    for l in &r.lapses {
        let _ = writeln!(
            out,
            "  - {}: {} — {}",
            learner::place_first(l.paragraph, l.line, plain),
            p.yellow(&format!("“{}”", clean(&l.text))),
            learner::why(l)
        );
        let alternatives = learner::alternatives(l);
        if alternatives.is_empty() {
            let _ = writeln!(
                out,
                "    Try describing the person or experience in your own words."
            );
        } else {
            let _ = writeln!(out, "    Try {alternatives}.");
        }
    }
    if let Some(line) = notes.others_line() {
        let _ = writeln!(out, "  {line}");
    }
    if let Some(line) = notes.own_line() {
        let _ = writeln!(out, "  {line}");
    }
    for n in &notes.thoughts {
        let _ = writeln!(
            out,
            "  {} ({}): {}",
            clean(&format!("“{}”", n.text)),
            learner::place(n.paragraph, n.line, plain),
            clean(&n.message)
        );
    }
    out.push('\n');
}

/// The compiler-style report (`check --format diagnostics`): marks and feed-forward, then each
/// language finding pointing at its source line, with its rule code.
pub fn render_diagnostics(
    r: &MarkResult,
    doc: Option<&Document>,
    ctx: &ReportContext,
    color: bool,
) -> String {
    let p = Paint(color);
    let mut out = String::new();
    if r.status != Status::Error {
        marked(&mut out, r, doc, ctx, &p);
    }
    let _ = writeln!(out, "{}", ctx.support_line.trim());
    out
}

fn marked(
    out: &mut String,
    r: &MarkResult,
    doc: Option<&Document>,
    ctx: &ReportContext,
    p: &Paint,
) {
    header(out, r, p);

    let top = top_level(ctx, r);
    for c in &r.criteria {
        let _ = writeln!(
            out,
            "\n{}: {} (level {} of {top})",
            p.bold(&clean(&c.title)),
            clean(&c.level_name),
            c.level
        );
        let found = what_is_there(&c.feedback, &c.next_steps);
        if !found.is_empty() {
            let _ = writeln!(out, "  {found}");
        }
        if let Some(line) = borderline_line(c, &ctx.level_names) {
            let _ = writeln!(out, "  {}", clean(&line));
        }
        let level = c.level as usize;
        if level >= top {
            let _ = writeln!(out, "  {}", p.green("Well done: this is the top level."));
        } else if !c.next_steps.is_empty() {
            let next = ctx
                .level_names
                .get(level + 1)
                .map(|n| clean(n))
                .unwrap_or_else(|| format!("level {}", level + 1));
            let steps: Vec<String> = c.next_steps.iter().map(|s| clean(s)).collect();
            let sentences = steps.iter().all(|s| s.ends_with(['.', '!', '?']));
            let _ = writeln!(
                out,
                "  To reach {next}: {}",
                steps.join(if sentences { " " } else { "; " })
            );
        }
    }

    let all_clear = r.lapses.is_empty() && r.notes.is_empty();
    if all_clear || !r.language_awareness.is_empty() {
        out.push('\n');
    }
    for e in &r.language_awareness {
        let _ = writeln!(
            out,
            "{}: you reflect on the words themselves — “{}” (paragraph {})",
            p.green("strength"),
            clean(&e.quote),
            e.paragraph
        );
    }
    if all_clear {
        let _ = writeln!(out, "Language: no wording to reconsider. Well done.");
    }
    for l in &r.lapses {
        let title = if l.why.is_empty() {
            format!("reconsider “{}”", clean(&l.text))
        } else {
            clean(&l.why)
        };
        let mut extra = Vec::new();
        if !l.suggestions.is_empty() {
            let s: Vec<String> = l.suggestions.iter().map(|s| clean(s)).collect();
            extra.push(format!("consider: {}", s.join(", ")));
        }
        extra.push(format!("more: peermark explain {}", clean(&l.rule)));
        let d = Diagnostic {
            kind: "wording",
            rule: &l.rule,
            title: &title,
            text: &l.text,
            paragraph: l.paragraph,
            line: l.line,
            column: l.column,
            extra: &extra,
        };
        d.render(out, r, doc, p, Paint::yellow);
    }
    for n in &r.notes {
        let d = Diagnostic {
            kind: "note",
            rule: &n.rule,
            title: &clean(&n.message),
            text: &n.text,
            paragraph: n.paragraph,
            line: n.line,
            column: n.column,
            extra: &[],
        };
        d.render(out, r, doc, p, Paint::cyan);
    }
    out.push('\n');
}

/// The feedback's account of what is there, on one line: feedback may go on to repeat the
/// next steps (after a lead-in such as "Next steps:"), which the report shows on their own line.
fn what_is_there(feedback: &str, next_steps: &[String]) -> String {
    let feedback = clean(feedback);
    let first = next_steps
        .first()
        .map(|s| clean(s))
        .filter(|s| !s.is_empty());
    let Some(at) = first.and_then(|s| feedback.find(&s)) else {
        return feedback;
    };
    learner::up_to(&feedback, at)
}

/// One language finding, shown as a compiler shows an error.
struct Diagnostic<'a> {
    kind: &'a str,
    rule: &'a str,
    title: &'a str,
    /// The words found, as written.
    text: &'a str,
    paragraph: usize,
    line: u32,
    column: u32,
    /// `= …` lines.
    extra: &'a [String],
}

impl Diagnostic<'_> {
    fn render(
        &self,
        out: &mut String,
        r: &MarkResult,
        doc: Option<&Document>,
        p: &Paint,
        accent: fn(&Paint, &str) -> String,
    ) {
        let width = self.line.to_string().len();
        let pad = " ".repeat(width);
        let _ = writeln!(
            out,
            "\n{}: {}",
            accent(p, &format!("{}[{}]", self.kind, clean(self.rule))),
            p.bold(self.title)
        );
        let _ = writeln!(
            out,
            "{pad}{} {}:{}:{}",
            p.blue("-->"),
            clean(&r.file),
            self.line,
            self.column
        );
        let source = self
            .paragraph
            .checked_sub(1)
            .and_then(|i| doc?.line_text(i, self.line));
        if let Some((line_text, first_col)) = source {
            let (shown, offset, len) = window(
                &line_text,
                first_col,
                self.column,
                self.text.chars().count(),
            );
            let gutter = p.blue(&format!("{pad} |"));
            let _ = writeln!(out, "{gutter}");
            let _ = writeln!(out, "{} {shown}", p.blue(&format!("{} |", self.line)));
            let carets = accent(p, &"^".repeat(len));
            let _ = writeln!(out, "{gutter} {}{carets}", " ".repeat(offset));
        }
        for e in self.extra {
            let _ = writeln!(out, "{pad} {} {e}", p.blue("="));
        }
    }
}

/// The part of a source line to show, the character offset of the words in it and how many
/// characters to underline. `first_col` is the column of the line's first character, `column`
/// the words' column, `len` their length in characters.
fn window(line: &str, first_col: u32, column: u32, len: usize) -> (String, usize, usize) {
    // Control characters (tabs included) show as one space each, so columns stay aligned.
    let chars: Vec<char> = line
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let total = chars.len();
    let at = (column.saturating_sub(first_col) as usize).min(total);
    let (start, end) = if total <= MAX_SHOWN {
        (0, total)
    } else {
        let start = at.saturating_sub(CONTEXT_BEFORE);
        (start, (start + MAX_SHOWN).min(total))
    };
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(&chars[start..end]);
    if end < total {
        shown.push('…');
    }
    let offset = at - start + usize::from(start > 0);
    let len = len.min(end.saturating_sub(at)).max(1);
    (shown, offset, len)
}

/// Text on one line with control characters (escape sequences, line breaks) made harmless.
fn clean(s: &str) -> String {
    let spaced: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Plain ANSI styling, or none.
struct Paint(bool);

impl Paint {
    fn style(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.style("1", s)
    }
    fn green(&self, s: &str) -> String {
        self.style("32", s)
    }
    fn yellow(&self, s: &str) -> String {
        self.style("1;33", s)
    }
    fn cyan(&self, s: &str) -> String {
        self.style("1;36", s)
    }
    fn blue(&self, s: &str) -> String {
        self.style("1;34", s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::fixtures::*;
    use peermark_text::document::Hint;
    use peermark_text::{Paragraph, SourceLines};

    fn doc() -> Document {
        Document::new(
            PARAGRAPHS
                .iter()
                .map(|t| Paragraph::new(*t, Hint::None))
                .collect(),
            SourceLines::Extracted,
        )
    }

    fn report(color: bool) -> String {
        render_check(&marked_result(), &context(), color)
    }

    fn diagnostics(color: bool) -> String {
        render_diagnostics(&marked_result(), Some(&doc()), &context(), color)
    }

    #[test]
    fn text_snapshot() {
        insta::assert_snapshot!(report(false));
    }

    #[test]
    fn diagnostics_snapshot() {
        insta::assert_snapshot!(diagnostics(false));
    }

    #[test]
    fn the_learner_report_has_no_codes_commands_or_columns() {
        let text = report(false);
        for word in [
            "L56",
            "L43",
            "peermark explain",
            "-->",
            "^^^",
            "= consider",
            ":5:12",
        ] {
            assert!(!text.contains(word), "{word:?} in {text}");
        }
        // The lapse: where (with its line, as the essay is plain text), the words, why in
        // one sentence and the alternatives.
        assert!(
            text.contains("  - Paragraph 3, line 5: “committed suicide” — "),
            "{text}"
        );
        assert!(text.contains("    Try “died by suicide” or “took their own life”.\n"));
    }

    #[test]
    fn underlines_the_words_counting_characters() {
        let text = diagnostics(false);
        let lines: Vec<&str> = text.lines().collect();
        let i = lines
            .iter()
            .position(|l| *l == "5 | My “uncle” committed suicide when I was ten.")
            .expect("source line shown");
        assert_eq!(lines[i - 2], " --> cohort/e01.txt:5:12");
        assert_eq!(lines[i + 1], "  |            ^^^^^^^^^^^^^^^^^");
        assert_eq!(
            lines[i + 2],
            "  = consider: died by suicide, took their own life"
        );
        assert!(text.contains("note[L43]: some people prefer “people who use services”"));
        assert!(text.contains("  |                      ^^^^^^^^^^^^^\n"));
    }

    #[test]
    fn ends_with_the_support_line_and_never_lists_risk_cues() {
        let ctx = context();
        for color in [false, true] {
            for text in [report(color), diagnostics(color)] {
                assert!(text.ends_with(&format!("\n{}\n", ctx.support_line)));
                assert!(!text.contains(ASSESSOR_QUOTE));
                assert!(!text.contains(RISK_CUE));
                assert!(!text.contains("paragraph 5"));
                assert!(!text.contains(":9:"));
            }
        }
        // An unreadable file: no report (the caller prints the error once, on stderr).
        assert_eq!(
            render_check(&error_result(), &ctx, false),
            format!("{}\n", ctx.support_line)
        );
        assert_eq!(
            render_diagnostics(&error_result(), None, &ctx, false),
            format!("{}\n", ctx.support_line)
        );
    }

    #[test]
    fn a_borderline_criterion_says_what_is_close_and_why() {
        let text = render_check(&borderline_result(), &context(), false);
        assert!(text.contains(
            "\n1,346 words counted (the title and reference list are not counted) — below the 1,350–1,650 range\n"
        ));
        assert!(text.contains(
            "\nStructure and academic conventions: Emerging (1 of 3)\n  Your mark for structure and academic conventions is close to the next level: your essay has 1,346 counted words, and Strong starts at 1,350.\n  To reach Achieved: Bring the body to 1,350–1,650 words (now 1346).\n"
        ), "{text}");
        assert!(!render_check(&marked_result(), &context(), false).contains("Your mark for"));
    }

    #[test]
    fn colour_only_when_asked() {
        assert!(!report(false).contains('\x1b'));
        assert!(report(true).contains("\x1b["));
        assert!(!diagnostics(false).contains('\x1b'));
        assert!(diagnostics(true).contains("\x1b["));
    }

    #[test]
    fn one_next_step_naming_the_next_level_or_the_stretch_at_the_top() {
        let text = report(false);
        assert!(
            text.contains("\n  To reach Strong: reword the one phrase listed below\n"),
            "{text}"
        );
        assert!(!text.contains("keep describing people before their diagnosis"));
        assert!(text.contains(
            "  Top level. To go further, you could say how what you learned will shape the way you support others."
        ), "{text}");
        let mut r = marked_result();
        r.criteria[1].next_steps = vec!["Reword one phrase.".into(), "Keep going.".into()];
        let text = render_check(&r, &context(), false);
        assert!(
            text.contains("\n  To reach Strong: Reword one phrase.\n"),
            "{text}"
        );
        assert!(!text.contains("Keep going."));
    }

    #[test]
    fn feedback_does_not_repeat_the_next_steps() {
        let mut r = marked_result();
        r.criteria[1].feedback =
            "Mostly person-first. Next steps: Reword one phrase. Keep going.".into();
        r.criteria[1].next_steps = vec!["Reword one phrase.".into(), "Keep going.".into()];
        let text = render_diagnostics(&r, None, &context(), false);
        assert!(text.contains(
            "\n  Mostly person-first.\n  To reach Strong: Reword one phrase. Keep going.\n"
        ));
    }

    #[test]
    fn without_the_document_the_position_is_still_given() {
        let text = render_diagnostics(&marked_result(), None, &context(), false);
        assert!(text.contains(" --> cohort/e01.txt:5:12\n  = consider:"));
    }

    #[test]
    fn long_lines_show_a_window_around_the_words() {
        let line = format!("{}committed suicide{}", "a".repeat(200), "b".repeat(200));
        let (shown, offset, len) = window(&line, 1, 201, 17);
        assert_eq!(shown.chars().count(), MAX_SHOWN + 2);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        let under: String = shown.chars().skip(offset).take(len).collect();
        assert_eq!(under, "committed suicide");
        // A line that starts later than column 1 (file positions) and a tab before the words.
        let (shown, offset, len) = window("\tsaid it", 5, 7, 4);
        assert_eq!(shown, " said it");
        assert_eq!((offset, len), (2, 4));
        let under: String = shown.chars().skip(offset).take(len).collect();
        assert_eq!(under, "aid ");
    }
}
