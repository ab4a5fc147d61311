//! `peermark check --format html`: the draft itself as one self-contained web page, with the
//! marks beside it and each piece of evidence and each wording to reconsider highlighted in
//! place, for a learner to open in a browser.
//!
//! Self-contained: one file, no scripts, no fonts, images or styles from anywhere. Built from
//! the learner-facing parts of a result only (`safeguarding` and `assessor_notes` are never
//! read), so nothing on the page differs because of a safeguarding flag. Highlights do not rely
//! on colour alone: each is followed by a numbered link to what it is about.

use crate::annotate::locate;
use crate::exporter::ReportContext;
use crate::html::esc;
use crate::learner::{self, NextStep, Notes};
use crate::wording::{borderline_line, outcome_words, top_level, word_count_phrase};
use peermark_engine::result::MarkResult;
use peermark_text::{Document, ParagraphKind};
use std::fmt::Write as _;
use std::ops::Range;

const CSS: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  font-size: 1.05rem; line-height: 1.6; color: #1b1b1b; background: #fdfcf9; }
header, .layout, footer { max-width: 76rem; margin: 0 auto; padding: 1rem 1.5rem; }
header h1 { margin: 0.5rem 0 0.25rem; font-size: 1.6rem; }
.summary { font-size: 1.1rem; margin: 0.25rem 0; }
.layout { display: grid; grid-template-columns: minmax(0, 3fr) minmax(18rem, 2fr); gap: 2rem;
  align-items: start; }
@media (max-width: 56rem) { .layout { grid-template-columns: 1fr; } }
main { background: #fff; border: 1px solid #d8d4cc; border-radius: 6px; padding: 0.5rem 1.5rem 1rem; }
main h2, aside h2 { font-size: 1.25rem; margin: 1rem 0 0.5rem; }
.essay-title { font-size: 1.2rem; font-weight: 700; }
.essay-heading { font-size: 1.05rem; font-weight: 700; margin-top: 1.25rem; }
.reference { font-size: 0.95rem; padding-left: 1.5rem; text-indent: -1.5rem; }
aside section { background: #fff; border: 1px solid #d8d4cc; border-radius: 6px;
  padding: 0.5rem 1rem; margin-bottom: 0.75rem; }
aside h3 { font-size: 1.05rem; margin: 0.25rem 0; }
.level { font-weight: 700; margin: 0.25rem 0; }
aside p { margin: 0.35rem 0; }
mark.evidence { background: #fff1a8; color: inherit; border-bottom: 2px solid #8a6d00; }
mark.wording { background: #ffe0cc; color: inherit; border-bottom: 3px double #a33a00; }
a { color: #0b4f8a; }
a.tag { font-size: 0.8rem; font-weight: 700; text-decoration: none; border: 1px solid #0b4f8a;
  border-radius: 3px; padding: 0 0.2rem; margin-left: 0.15rem; white-space: nowrap; }
a:focus-visible { outline: 3px solid #0b4f8a; outline-offset: 2px; }
.key { font-size: 0.95rem; }
.strength { color: #1d5e20; font-weight: 700; }
footer { border-top: 1px solid #d8d4cc; margin-top: 1rem; }
@media print { .layout { grid-template-columns: 1fr; } a.tag { border: none; } }
"#;

/// One highlighted stretch of a paragraph.
struct Highlight {
    range: Range<usize>,
    /// `evidence` or `wording`.
    class: &'static str,
    /// The anchor of the highlight itself.
    id: String,
    /// Where its numbered link leads, and the link's text.
    target: String,
    label: String,
}

/// The page for one marked result; `doc` is the draft it was marked from.
pub fn check_html(r: &MarkResult, doc: Option<&Document>, ctx: &ReportContext) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let title = r
        .title
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or(&r.submission);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Feedback on your draft: {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        esc(&learner::one_line(title))
    );
    header(&mut out, r, title);
    let highlights = doc.map(|d| highlights(r, d)).unwrap_or_default();
    out.push_str("<div class=\"layout\">\n");
    draft(&mut out, doc, &highlights);
    let anchors: Vec<&str> = highlights.iter().flatten().map(|h| h.id.as_str()).collect();
    aside(&mut out, r, ctx, &anchors);
    out.push_str("</div>\n");
    let _ = write!(
        out,
        "<footer>\n<p>{}</p>\n</footer>\n</body>\n</html>\n",
        esc(ctx.support_line.trim())
    );
    out
}

fn header(out: &mut String, r: &MarkResult, title: &str) {
    out.push_str("<header>\n<h1>Feedback on your draft</h1>\n");
    let _ = writeln!(out, "<p><em>{}</em></p>", esc(&learner::one_line(title)));
    let mut summary = String::new();
    if let Some(o) = r.outcome {
        summary.push_str(outcome_words(o));
    }
    if let Some(s) = r.score {
        if !summary.is_empty() {
            summary.push_str(", ");
        }
        let _ = write!(summary, "{s:.1} out of 100");
    }
    if !summary.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"summary\"><strong>{}</strong></p>",
            esc(&summary)
        );
    }
    if let Some(words) = r.words {
        let _ = writeln!(
            out,
            "<p>{}</p>",
            esc(&word_count_phrase(words, r.word_range))
        );
    }
    if let Some(m) = r.message.as_deref().filter(|m| !m.trim().is_empty()) {
        let _ = writeln!(out, "<p>Note: {}</p>", esc(&learner::one_line(m)));
    }
    out.push_str(
        "<p class=\"key\">In your draft, <mark class=\"evidence\">evidence for a mark</mark> \
         and <mark class=\"wording\">wording to reconsider</mark> are highlighted; the link \
         after each leads to what it is about.</p>\n</header>\n",
    );
}

/// Where each piece of evidence and each lapse is, by paragraph (0-based), without overlaps:
/// a lapse wins over evidence around it (the evidence keeps its link, before the lapse).
fn highlights(r: &MarkResult, doc: &Document) -> Vec<Vec<Highlight>> {
    let mut by_paragraph: Vec<Vec<Highlight>> =
        (0..doc.paragraphs.len()).map(|_| Vec::new()).collect();
    for (k, l) in r.lapses.iter().enumerate() {
        if let Some((p, range)) = locate(doc, l.paragraph, l.line, l.column, &l.text) {
            by_paragraph[p].push(Highlight {
                range,
                class: "wording",
                id: format!("at-w{}", k + 1),
                target: format!("w{}", k + 1),
                label: format!("wording {}", k + 1),
            });
        }
    }
    for (i, c) in r.criteria.iter().enumerate() {
        for (j, e) in c.evidence.iter().enumerate() {
            let Some((p, range)) = locate(doc, e.paragraph, e.line, e.column, &e.quote) else {
                continue;
            };
            let taken = by_paragraph[p]
                .iter()
                .any(|h| h.range.start < range.end && range.start < h.range.end);
            if taken {
                continue;
            }
            by_paragraph[p].push(Highlight {
                range,
                class: "evidence",
                id: format!("at-e{}-{}", i + 1, j + 1),
                target: format!("c{}", i + 1),
                label: format!("mark {}", i + 1),
            });
        }
    }
    for hs in &mut by_paragraph {
        hs.sort_by_key(|h| h.range.start);
    }
    by_paragraph
}

fn draft(out: &mut String, doc: Option<&Document>, highlights: &[Vec<Highlight>]) {
    out.push_str("<main aria-labelledby=\"draft\">\n<h2 id=\"draft\">Your draft</h2>\n");
    let Some(doc) = doc else {
        out.push_str("<p>The draft's text is not available.</p>\n</main>\n");
        return;
    };
    let empty = Vec::new();
    for (i, p) in doc.paragraphs.iter().enumerate() {
        let text = marked_text(&p.text, highlights.get(i).unwrap_or(&empty));
        let class = match p.kind {
            ParagraphKind::Title => "essay-title",
            ParagraphKind::Heading | ParagraphKind::ReferenceHeading => "essay-heading",
            ParagraphKind::Reference => "reference",
            ParagraphKind::Body => "",
        };
        if class.is_empty() {
            let _ = writeln!(out, "<p id=\"p{}\">{text}</p>", i + 1);
        } else {
            let _ = writeln!(out, "<p id=\"p{}\" class=\"{class}\">{text}</p>", i + 1);
        }
    }
    out.push_str("</main>\n");
}

/// A paragraph's text, escaped, with its highlights and their links.
fn marked_text(text: &str, highlights: &[Highlight]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for h in highlights {
        if h.range.start < at || h.range.end > text.len() {
            continue;
        }
        out.push_str(&esc(&text[at..h.range.start]));
        let _ = write!(
            out,
            "<mark class=\"{}\" id=\"{}\">{}</mark><a class=\"tag\" href=\"#{}\">{}</a>",
            h.class,
            h.id,
            esc(&text[h.range.clone()]),
            h.target,
            h.label
        );
        at = h.range.end;
    }
    out.push_str(&esc(&text[at..]));
    out
}

/// The marks and the wording, beside the draft; `anchors` are the highlights there are.
fn aside(out: &mut String, r: &MarkResult, ctx: &ReportContext, anchors: &[&str]) {
    out.push_str("<aside aria-labelledby=\"marks\">\n<h2 id=\"marks\">Your marks</h2>\n");
    out.push_str(
        "<p>These marks are a proposal: an assessor reviews every mark before it is final.</p>\n",
    );
    let top = top_level(ctx, r);
    for (i, c) in r.criteria.iter().enumerate() {
        let _ = writeln!(
            out,
            "<section id=\"c{n}\" aria-labelledby=\"c{n}-h\">\n<h3 id=\"c{n}-h\">{n}. {}</h3>",
            esc(&learner::one_line(&c.title)),
            n = i + 1
        );
        let by = if c.assessor_override.is_some() {
            ", set by your assessor"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<p class=\"level\">{} ({} of {top}{by})</p>",
            esc(&learner::one_line(&c.level_name)),
            c.level
        );
        for (j, e) in learner::quotes(c, 2).iter().enumerate() {
            let anchor = format!("at-e{}-{}", i + 1, j + 1);
            let quote = format!("“{}”", esc(&learner::short_quote(&e.quote, 110)));
            let quote = if anchors.contains(&anchor.as_str()) {
                format!("<a href=\"#{anchor}\">{quote}</a>")
            } else {
                quote
            };
            let _ = writeln!(
                out,
                "<p>From your essay: {quote} (paragraph {})</p>",
                e.paragraph
            );
        }
        if let Some(line) = borderline_line(c, &ctx.level_names) {
            let _ = writeln!(out, "<p>{}</p>", esc(&learner::one_line(&line)));
        }
        match learner::next_step(c, ctx, top) {
            Some(step @ NextStep::Stretch(_)) => {
                let _ = writeln!(
                    out,
                    "<p><strong>Top level.</strong> {}</p>",
                    esc(&step.sentence())
                );
            }
            Some(NextStep::Reach { level_name, step }) => {
                let _ = writeln!(
                    out,
                    "<p><strong>To reach {}:</strong> {}</p>",
                    esc(&level_name),
                    esc(&step)
                );
            }
            None => {}
        }
        out.push_str("</section>\n");
    }
    wording(out, r, anchors);
    out.push_str("</aside>\n");
}

fn wording(out: &mut String, r: &MarkResult, anchors: &[&str]) {
    let notes = Notes::of(r);
    let reflections = learner::reflections(r, &notes);
    let plain = learner::is_plain_text(r);
    out.push_str("<section aria-labelledby=\"wording\">\n<h2 id=\"wording\">Your wording</h2>\n");
    if r.lapses.is_empty() {
        out.push_str(
            "<p>You describe people and experiences in a person-first, recovery-oriented way. \
             Well done.</p>\n",
        );
    }
    if let Some((quote, paragraph)) = reflections.first() {
        let _ = writeln!(
            out,
            "<p><span class=\"strength\">Strength:</span> {}, for example “{}” (paragraph {paragraph}).</p>",
            esc(&learner::reflections_line(reflections.len())),
            esc(&learner::short_quote(quote, 110))
        );
    }
    if !r.lapses.is_empty() {
        out.push_str("<p>To reconsider in your own words:</p>\n<ol>\n");
        for (k, l) in r.lapses.iter().enumerate() {
            let anchor = format!("at-w{}", k + 1);
            let words = format!("“{}”", esc(&learner::one_line(&l.text)));
            let words = if anchors.contains(&anchor.as_str()) {
                format!("<a href=\"#{anchor}\">{words}</a>")
            } else {
                words
            };
            let _ = writeln!(
                out,
                "<li id=\"w{}\">{words} ({}): {} {}</li>",
                k + 1,
                esc(&learner::place(l.paragraph, l.line, plain)),
                esc(&learner::why(l)),
                esc(&learner::try_line(l)),
            );
        }
        out.push_str("</ol>\n");
    }
    for line in [notes.others_line(), notes.own_line()]
        .into_iter()
        .flatten()
    {
        let _ = writeln!(out, "<p>{}</p>", esc(&line));
    }
    for n in &notes.thoughts {
        let _ = writeln!(
            out,
            "<p>“{}” ({}): {}</p>",
            esc(&learner::one_line(&n.text)),
            esc(&learner::place(n.paragraph, n.line, plain)),
            esc(&learner::one_line(&n.message))
        );
    }
    out.push_str("</section>\n");
}
