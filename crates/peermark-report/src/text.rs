//! `peermark check --format text`: a learner reading the report on their own draft.
//!
//! Marks and feed-forward first, then language findings as compiler-style diagnostics that
//! point at the source line. Risk cues are never listed (`safeguarding` and `assessor_notes`
//! are not read here), and the report always ends with the rubric's support line, whatever the
//! draft says, so that the line itself reveals nothing.

use crate::exporter::ReportContext;
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

/// The text report of one result, ending with a newline (print it with `print!`). ANSI colour
/// only when `color` is true; the caller decides from the terminal and `NO_COLOR`.
pub fn render_check(
    r: &MarkResult,
    doc: Option<&Document>,
    ctx: &ReportContext,
    color: bool,
) -> String {
    let p = Paint(color);
    let mut out = String::new();
    if r.status == Status::Error {
        let why = r.message.as_deref().unwrap_or("it could not be read");
        let _ = writeln!(
            out,
            "{}: could not mark {}: {}",
            p.red("error"),
            clean(&r.file),
            clean(why)
        );
    } else {
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
    let before = feedback[..at].trim_end();
    // Drop a lead-in that ends with ':' ("… Next steps:"), keeping the sentences before it.
    let before = match before.strip_suffix(':') {
        Some(lead) => lead.rfind(['.', '!', '?']).map_or("", |i| &lead[..=i]),
        None => before,
    };
    before.trim().to_string()
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
    fn red(&self, s: &str) -> String {
        self.style("1;31", s)
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
        render_check(&marked_result(), Some(&doc()), &context(), color)
    }

    #[test]
    fn text_snapshot() {
        insta::assert_snapshot!(report(false));
    }

    #[test]
    fn underlines_the_words_counting_characters() {
        let text = report(false);
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
            let text = report(color);
            assert!(text.ends_with(&format!("\n{}\n", ctx.support_line)));
            assert!(!text.contains(ASSESSOR_QUOTE));
            assert!(!text.contains(RISK_CUE));
            assert!(!text.contains("paragraph 5"));
            assert!(!text.contains(":9:"));
        }
        let err = render_check(&error_result(), None, &ctx, false);
        assert_eq!(
            err,
            format!(
                "error: could not mark cohort/e02.docx: e02.docx is not a readable Word file; save it again and resubmit\n{}\n",
                ctx.support_line
            )
        );
    }

    #[test]
    fn a_borderline_criterion_says_what_is_close_and_why() {
        let text = render_check(&borderline_result(), None, &context(), false);
        assert!(text.contains(
            "\n1,346 words counted (the title and reference list are not counted) — below the 1,350–1,650 range\n"
        ));
        assert!(text.contains(
            "\nStructure and academic conventions: Emerging (level 1 of 3)\n  The essay has a shape to build on (1346 words).\n  Your mark for structure and academic conventions is close to the next level: your essay has 1,346 counted words, and Strong starts at 1,350.\n  To reach Achieved: Bring the body to 1,350–1,650 words (now 1346).\n"
        ), "{text}");
        assert!(!render_check(&marked_result(), None, &context(), false).contains("Your mark for"));
    }

    #[test]
    fn colour_only_when_asked() {
        assert!(!report(false).contains('\x1b'));
        assert!(report(true).contains("\x1b["));
    }

    #[test]
    fn next_steps_name_the_next_level() {
        let text = report(false);
        assert!(text.contains(
            "  To reach Strong: reword the one phrase listed below; keep describing people before their diagnosis"
        ));
        assert!(text.contains("  Well done: this is the top level."));
    }

    #[test]
    fn feedback_does_not_repeat_the_next_steps() {
        let steps = vec![
            "Name a turning point.".to_string(),
            "Say what helped.".to_string(),
        ];
        assert_eq!(
            what_is_there(
                "You tell your story. Next steps: Name a turning point. Say what helped.",
                &steps
            ),
            "You tell your story."
        );
        assert_eq!(
            what_is_there(
                "You tell your story. Name a turning point. Say what helped.",
                &steps
            ),
            "You tell your story."
        );
        assert_eq!(
            what_is_there("You tell your story.", &steps),
            "You tell your story."
        );
        assert_eq!(
            what_is_there("You tell your\nstory.", &[]),
            "You tell your story."
        );
        let mut r = marked_result();
        r.criteria[1].feedback =
            "Mostly person-first. Next steps: Reword one phrase. Keep going.".into();
        r.criteria[1].next_steps = vec!["Reword one phrase.".into(), "Keep going.".into()];
        let text = render_check(&r, None, &context(), false);
        assert!(text.contains(
            "\n  Mostly person-first.\n  To reach Strong: Reword one phrase. Keep going.\n"
        ));
    }

    #[test]
    fn without_the_document_the_position_is_still_given() {
        let text = render_check(&marked_result(), None, &context(), false);
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
