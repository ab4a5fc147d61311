//! `DIR/feedback/<submission>.docx`: the learner's feedback sheet as a Word document, beside
//! the Markdown one and saying the same things.
//!
//! Built from the learner-facing parts of a result only (`safeguarding` and `assessor_notes`
//! are never read here), with real Word styles (Title, Heading 1, the "Feedback Table" table
//! style) so that a course can restyle every sheet in one place. It ends with an empty box for
//! the assessor's comments and a "Marked by / Date" line for the human who confirms the marks.

use super::docx_pkg::{self, para, para_runs, RunStyle};
use crate::exporter::Exporter;
use crate::exporter::ReportContext;
use crate::learner::{NextStep, Notes};
use crate::wording::{borderline_line, outcome_words, top_level, word_count_phrase};
use peermark_engine::result::{MarkResult, Outcome, Status};
use peermark_files::output::write_sheet;
use peermark_files::WriteError;
use std::fmt::Write as _;
use std::path::Path;

/// Writes one Word feedback sheet per result under `DIR/feedback/`, error rows included.
pub struct DocxSheets {
    /// The date printed on every sheet ("27 November 2026").
    pub date: String,
}

impl DocxSheets {
    /// Sheets dated today (UTC), or `SOURCE_DATE_EPOCH` when it is set (reproducible builds).
    pub fn today() -> Self {
        DocxSheets { date: today() }
    }
}

impl Exporter for DocxSheets {
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
        let path = out_dir.join("feedback").join(format!("{name}.docx"));
        write_sheet(&path, &sheet_docx(r, ctx, &self.date))
    }
}

const BOLD: RunStyle = RunStyle {
    bold: true,
    italic: false,
    style: None,
};
const PLAIN: RunStyle = RunStyle {
    bold: false,
    italic: false,
    style: None,
};

/// The `.docx` bytes of one result's sheet.
pub fn sheet_docx(r: &MarkResult, ctx: &ReportContext, date: &str) -> Vec<u8> {
    let body = sheet_body(r, ctx, date);
    docx_pkg::Package {
        body: &body,
        comments: &[],
        title: &format!("Feedback: {}", r.submission),
        landscape: false,
    }
    .to_bytes()
}

/// The content of the sheet's `<w:body>`.
pub fn sheet_body(r: &MarkResult, ctx: &ReportContext, date: &str) -> String {
    let mut out = String::new();
    para(
        &mut out,
        Some("Title"),
        &format!("Feedback: {}", one_line(&ctx.rubric_title)),
    );
    if !ctx.assignment.trim().is_empty() {
        para(&mut out, Some("Subtitle"), &one_line(&ctx.assignment));
    }
    let submission = match &r.title {
        Some(t) if !t.trim().is_empty() => format!("{} — “{}”", r.submission, one_line(t)),
        _ => r.submission.clone(),
    };
    para_runs(
        &mut out,
        Some("Details"),
        &[("Learner / submission: ", BOLD), (&submission, PLAIN)],
    );
    para_runs(
        &mut out,
        Some("Details"),
        &[("Date: ", BOLD), (date, PLAIN)],
    );
    if r.status == Status::Error {
        error_body(&mut out, r);
    } else {
        marked_body(&mut out, r, ctx);
    }
    assessor_box(&mut out);
    para(&mut out, Some("Support"), &one_line(&ctx.support_line));
    out
}

fn error_body(out: &mut String, r: &MarkResult) {
    para(out, Some("Heading1"), "We could not mark this file yet");
    para(
        out,
        None,
        "There are no marks for it yet. This is about the file, not about your essay.",
    );
    para_runs(out, None, &[("File: ", BOLD), (&one_line(&r.file), PLAIN)]);
    if let Some(m) = r.message.as_deref().filter(|m| !m.trim().is_empty()) {
        para_runs(out, None, &[("Why: ", BOLD), (&one_line(m), PLAIN)]);
    }
    para_runs(
        out,
        None,
        &[
            ("What you can do: ", BOLD),
            (
                "open the file on your own computer to check that it is complete, save it again \
                 (for example as a Word document, a PDF or plain text) and hand it in again. Your \
                 tutor is happy to help if it still does not work.",
                PLAIN,
            ),
        ],
    );
}

fn marked_body(out: &mut String, r: &MarkResult, ctx: &ReportContext) {
    let outcome = match (r.outcome, r.score) {
        (Some(o), Some(s)) => Some(format!("Outcome: {} — {s:.1} out of 100", outcome_words(o))),
        (Some(o), None) => Some(format!("Outcome: {}", outcome_words(o))),
        (None, Some(s)) => Some(format!("Score: {s:.1} out of 100")),
        (None, None) => None,
    };
    if let Some(o) = outcome {
        para(out, Some("Outcome"), &o);
    }
    if r.outcome == Some(Outcome::NotYetAchieved) {
        para(
            out,
            None,
            "You are not there yet, and the feedback below shows what to build on and what to \
             add next.",
        );
    }
    if let Some(words) = r.words {
        para_runs(
            out,
            None,
            &[
                ("Length: ", BOLD),
                (
                    &format!("{}.", word_count_phrase(words, r.word_range)),
                    PLAIN,
                ),
            ],
        );
    }
    para(
        out,
        Some("Note"),
        "These marks are a proposal: an assessor reviews every mark before it is final.",
    );

    if !r.criteria.is_empty() {
        let top = top_level(ctx, r);
        para(out, Some("Heading1"), "Criterion by criterion");
        // A4 portrait, 2 cm margins: 9638 twips of text width.
        let widths = [2600, 3738, 3300];
        table_start(out, &widths);
        row(
            out,
            &widths,
            true,
            &[
                vec![cell_para("What this level means", PLAIN)],
                vec![cell_para("Where your essay shows it", PLAIN)],
                vec![cell_para("Feed-forward", PLAIN)],
            ],
        );
        for c in &r.criteria {
            // The criterion and its level on a row of their own, across the table: a row
            // that never breaks and stays with the row after it, which may break.
            let mut title = vec![cell_runs(
                "TableTitle",
                &[
                    (&format!("{}: ", one_line(&c.title)), BOLD),
                    (
                        &format!(
                            "{} ({} of {top}) · {} of {} points",
                            one_line(&c.level_name),
                            c.level,
                            number(c.points),
                            number(c.max_points)
                        ),
                        PLAIN,
                    ),
                ],
            )];
            if let Some(note) = super::review_md::override_plain(c, ctx, top) {
                title.push(cell_runs("TableTitle", &[(&one_line(&note), BOLD)]));
            }
            spanning_row(out, &widths, &title);
            let mut first = Vec::new();
            if !c.descriptor.trim().is_empty() {
                first.push(cell_para(&one_line(&c.descriptor), PLAIN));
            }
            let quotes = crate::learner::quotes(c, 2);
            let evidence: Vec<String> = if quotes.is_empty() {
                vec![cell_para(
                    "Nothing to quote for this criterion yet: the feed-forward says where to start.",
                    PLAIN,
                )]
            } else {
                quotes
                    .iter()
                    .map(|e| {
                        cell_quote(&format!(
                            "“{}” (paragraph {})",
                            one_line(&e.quote),
                            e.paragraph
                        ))
                    })
                    .collect()
            };
            let mut feedback = Vec::new();
            if let Some(line) = borderline_line(c, &ctx.level_names) {
                feedback.push(cell_para(&one_line(&line), BOLD));
            }
            if super::review_md::learner_feedback(c).is_some() {
                let found = crate::learner::what_is_there(c, ctx);
                if !found.is_empty() {
                    feedback.push(cell_para(&found, PLAIN));
                }
            }
            match crate::learner::next_step(c, ctx, top) {
                Some(NextStep::Reach { level_name, step }) => feedback.push(cell_runs(
                    "TableText",
                    &[
                        (&format!("Next step, to reach {level_name}: "), BOLD),
                        (&step, PLAIN),
                    ],
                )),
                Some(NextStep::Stretch(stretch)) => feedback.push(cell_runs(
                    "TableText",
                    &[("This is the top level. ", BOLD), (&stretch, PLAIN)],
                )),
                None => {}
            }
            row(out, &widths, false, &[first, evidence, feedback]);
        }
        out.push_str("</w:tbl>");
    }
    language_section(out, r);
}

fn language_section(out: &mut String, r: &MarkResult) {
    let notes = Notes::of(r);
    let reflections = crate::learner::reflections(r, &notes);
    let plain = crate::learner::is_plain_text(r);
    para(out, Some("Heading1"), "Your wording");
    if !reflections.is_empty() {
        para_runs(
            out,
            None,
            &[
                ("Strength: ", BOLD),
                (
                    &format!("{}:", crate::learner::reflections_line(reflections.len())),
                    PLAIN,
                ),
            ],
        );
        for (quote, paragraph) in &reflections {
            para(
                out,
                Some("ListBullet"),
                &format!("“{quote}” (paragraph {paragraph})"),
            );
        }
    }
    if r.lapses.is_empty() {
        para(
            out,
            None,
            "We found no wording to reconsider: you describe people and experiences in a \
             person-first, recovery-oriented way. Well done.",
        );
    } else {
        para_runs(
            out,
            None,
            &[
                ("To reconsider in your own words: ", BOLD),
                (
                    "some words can label people or carry stigma, even when we do not mean them \
                     to. Here are other ways to say them:",
                    PLAIN,
                ),
            ],
        );
        let widths = [2600, 3338, 3700];
        table_start(out, &widths);
        row(
            out,
            &widths,
            true,
            &[
                vec![cell_para("Your wording", PLAIN)],
                vec![cell_para("You might write", PLAIN)],
                vec![cell_para("Why", PLAIN)],
            ],
        );
        for l in &r.lapses {
            let alternatives = crate::learner::alternatives(l);
            let alternatives = if alternatives.is_empty() {
                "Describe the person or experience in your own words.".to_string()
            } else {
                alternatives
            };
            let place = crate::learner::place_first(l.paragraph, l.line, plain);
            row(
                out,
                &widths,
                false,
                &[
                    vec![
                        cell_para(&format!("“{}”", one_line(&l.text)), BOLD),
                        cell_para(&place, PLAIN),
                    ],
                    vec![cell_para(&alternatives, PLAIN)],
                    vec![cell_para(&crate::learner::why(l), PLAIN)],
                ],
            );
        }
        out.push_str("</w:tbl>");
    }
    for line in [notes.others_line(), notes.own_line()]
        .into_iter()
        .flatten()
    {
        para(out, None, &line);
    }
    if !notes.thoughts.is_empty() {
        para_runs(
            out,
            None,
            &[
                ("Things you might think about ", BOLD),
                ("(advice only; they do not change your mark):", PLAIN),
            ],
        );
        for n in &notes.thoughts {
            para(
                out,
                Some("ListBullet"),
                &format!(
                    "“{}” ({}): {}",
                    one_line(&n.text),
                    crate::learner::place(n.paragraph, n.line, plain),
                    one_line(&n.message)
                ),
            );
        }
    }
}

/// The empty box for the assessor and the sign-off line.
fn assessor_box(out: &mut String) {
    para(out, Some("Heading1"), "Assessor's comments");
    out.push_str(
        r#"<w:tbl><w:tblPr><w:tblStyle w:val="AssessorBox"/><w:tblW w:w="9638" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid><w:gridCol w:w="9638"/></w:tblGrid><w:tr><w:trPr><w:trHeight w:val="2835" w:hRule="atLeast"/></w:trPr><w:tc><w:tcPr><w:tcW w:w="9638" w:type="dxa"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>"#,
    );
    out.push_str(
        r#"<w:p><w:pPr><w:pStyle w:val="SignOff"/></w:pPr><w:r><w:t xml:space="preserve">Marked by: ______________________________</w:t><w:tab/><w:t xml:space="preserve">Date: ____________________</w:t></w:r></w:p>"#,
    );
}

fn table_start(out: &mut String, widths: &[u32]) {
    let total: u32 = widths.iter().sum();
    let _ = write!(
        out,
        r#"<w:tbl><w:tblPr><w:tblStyle w:val="FeedbackTable"/><w:tblW w:w="{total}" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>"#
    );
    for w in widths {
        let _ = write!(out, r#"<w:gridCol w:w="{w}"/>"#);
    }
    out.push_str("</w:tblGrid>");
}

fn row(out: &mut String, widths: &[u32], header: bool, cells: &[Vec<String>]) {
    out.push_str("<w:tr>");
    // The header row repeats on each page and is never split; other rows may break across
    // pages, so that a long row does not leave the page before it half empty.
    if header {
        out.push_str("<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
    }
    for (w, paras) in widths.iter().zip(cells) {
        let _ = write!(
            out,
            r#"<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>"#
        );
        for p in paras {
            out.push_str(p);
        }
        out.push_str("</w:tc>");
    }
    out.push_str("</w:tr>");
}

fn cell_para(text: &str, style: RunStyle) -> String {
    cell_runs("TableText", &[(text, style)])
}

/// A row of one cell across the whole table that never breaks across pages; its paragraphs
/// keep it with the row after it.
fn spanning_row(out: &mut String, widths: &[u32], paras: &[String]) {
    let total: u32 = widths.iter().sum();
    let _ = write!(
        out,
        r#"<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:w="{total}" w:type="dxa"/><w:gridSpan w:val="{}"/><w:shd w:val="clear" w:color="auto" w:fill="EEF6F5"/></w:tcPr>"#,
        widths.len()
    );
    for p in paras {
        out.push_str(p);
    }
    out.push_str("</w:tc></w:tr>");
}

/// A table paragraph of runs; `TableTitle` keeps a title row with its row.
fn cell_runs(style: &str, runs: &[(&str, RunStyle)]) -> String {
    let mut s = String::new();
    para_runs(&mut s, Some(style), runs);
    s
}

fn cell_quote(text: &str) -> String {
    let mut s = String::new();
    para(&mut s, Some("TableQuote"), text);
    s
}

/// One line, whitespace collapsed; no-break spaces are kept as written.
fn one_line(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() && c != '\u{a0}' && c != '\u{202f}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// 20.0 → "20", 6.7 → "6.7".
fn number(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Today's date (UTC) as "27 November 2026"; `SOURCE_DATE_EPOCH` (seconds) overrides the clock.
pub fn today() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    date_words(secs.div_euclid(86_400))
}

/// Days since 1970-01-01 as "1 January 1970" (the proleptic Gregorian calendar).
pub fn date_words(days: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{day} {} {year}", MONTHS[(month - 1) as usize])
}

/// The words of a sheet's `document.xml`, paragraph by paragraph, with style names and table
/// structure marked: a readable form for snapshots and tests.
pub fn outline(document_xml: &str) -> String {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(document_xml);
    let mut out = String::new();
    let mut line = String::new();
    let mut style = String::new();
    let mut in_t = false;
    let mut cell = 0;
    loop {
        let Ok(event) = reader.read_event() else {
            out.push_str("<malformed XML>\n");
            break;
        };
        match event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let attr = |n: &[u8]| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == n)
                        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                };
                match e.local_name().as_ref() {
                    b"t" => in_t = true,
                    b"tblStyle" => {
                        let _ = writeln!(out, "[table {}]", attr(b"val").unwrap_or_default());
                    }
                    b"pStyle" => style = attr(b"val").unwrap_or_default(),
                    b"tr" => cell = 0,
                    b"tc" => {
                        cell += 1;
                        let _ = writeln!(out, "  | cell {cell}");
                    }
                    b"tab" if !line.is_empty() => line.push_str(" [tab] "),
                    _ => {}
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_t = false,
                b"p" => {
                    let s = if style.is_empty() { "Normal" } else { &style };
                    let _ = writeln!(out, "{s}: {line}");
                    line.clear();
                    style.clear();
                }
                b"tbl" => out.push_str("[end table]\n"),
                _ => {}
            },
            Event::Text(t) if in_t => {
                line.push_str(&t.unescape().unwrap_or_default());
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::fixtures::*;
    use std::io::Read;

    fn document_xml(bytes: &[u8]) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        s
    }

    #[test]
    fn sheet_snapshot() {
        let bytes = sheet_docx(&marked_result(), &context(), "27 November 2026");
        insta::assert_snapshot!(outline(&document_xml(&bytes)));
    }

    #[test]
    fn a_borderline_sheet_says_what_is_close_and_why() {
        let bytes = sheet_docx(&borderline_result(), &context(), "27 November 2026");
        let outline = outline(&document_xml(&bytes));
        assert!(outline.contains(
            "Normal: Length: 1,346 words counted (the title and reference list are not counted) — below the 1,350–1,650 range."
        ), "{outline}");
        // In the feed-forward cell, before the feedback.
        let line = "TableText: Your mark for structure and academic conventions is close to the next level: your essay has 1,346 counted words, and Strong starts at 1,350.\nTableText: The essay has a shape to build on";
        assert!(outline.contains(line), "{outline}");
        assert!(outline.contains("TableText: Your mark for recovery-oriented language is close to the next level: the next step below is all Strong still needs"));
    }

    #[test]
    fn error_sheet_snapshot() {
        let bytes = sheet_docx(&error_result(), &context(), "27 November 2026");
        insta::assert_snapshot!(outline(&document_xml(&bytes)));
    }

    #[test]
    fn sheet_never_shows_assessor_or_safeguarding_text() {
        let ctx = context();
        let bytes = sheet_docx(&marked_result(), &ctx, "1 May 2026");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.as_slice())).unwrap();
        for i in 0..zip.len() {
            let mut s = String::new();
            zip.by_index(i).unwrap().read_to_string(&mut s).unwrap();
            assert!(!s.contains(ASSESSOR_QUOTE));
            assert!(!s.contains(RISK_CUE));
            assert!(!s.contains(&ctx.safeguarding_contact));
            assert!(!s.to_lowercase().contains("safeguard"));
        }
    }

    #[test]
    fn dates_read_naturally() {
        assert_eq!(date_words(0), "1 January 1970");
        assert_eq!(date_words(20_419), "27 November 2025");
        assert_eq!(date_words(19_782), "29 February 2024");
        assert_eq!(date_words(-1), "31 December 1969");
    }
}
