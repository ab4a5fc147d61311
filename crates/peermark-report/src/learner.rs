//! What a learner reads about one result, shared by every learner-facing output (the `check`
//! report in text and HTML, the Markdown and Word sheets): for each mark, the quotes that earned
//! it and one next step; for each counted lapse, where it is, why in one sentence and the
//! alternatives; and the language notes that are not lapses, gathered into a few lines instead
//! of one line each. No rule codes and no commands: a learner who was handed a sheet cannot run
//! `peermark explain`.

use crate::exporter::ReportContext;
use crate::wording::{or_list, thousands};
use peermark_engine::result::{CriterionResult, Evidence, LanguageLapse, LanguageNote, MarkResult};

/// The one step a learner is given for a criterion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NextStep {
    /// Below the top level: what reaching `level_name` takes.
    Reach { level_name: String, step: String },
    /// At the top level: a stretch, for a learner who wants to go further.
    Stretch(String),
}

impl NextStep {
    /// "To reach Strong: …" or "To go further, …" (the stretch as the rubric words it).
    pub fn sentence(&self) -> String {
        match self {
            NextStep::Reach { level_name, step } => format!("To reach {level_name}: {step}"),
            NextStep::Stretch(s) => s.clone(),
        }
    }
}

/// The criterion's next step: the first of its next steps, or at the top level its stretch.
pub fn next_step(c: &CriterionResult, ctx: &ReportContext, top: usize) -> Option<NextStep> {
    // The assessor set another level: the steps were written for the proposal it replaced.
    if c.assessor_override
        .as_ref()
        .is_some_and(|o| o.level != o.proposed_level)
    {
        return None;
    }
    let level = c.level as usize;
    if level >= top {
        return stretch(c, ctx).map(NextStep::Stretch);
    }
    let step = c.next_steps.first().map(|s| one_line(s))?;
    if step.is_empty() {
        return None;
    }
    let level_name = ctx
        .level_names
        .get(level + 1)
        .map(|n| one_line(n))
        .unwrap_or_else(|| format!("level {}", level + 1));
    Some(NextStep::Reach { level_name, step })
}

/// The criterion's stretch at the top level: the rubric's, as it ends the feedback there.
fn stretch(c: &CriterionResult, ctx: &ReportContext) -> Option<String> {
    let raw = ctx
        .criteria
        .iter()
        .position(|(id, _)| *id == c.id)
        .and_then(|i| ctx.stretch.get(i))
        .map(|s| one_line(s))
        .filter(|s| !s.is_empty())?;
    let feedback = one_line(&c.feedback);
    // A stretch with placeholders is filled in the feedback: take it from there.
    if raw.contains('{') {
        let lead: String = raw.chars().take_while(|&ch| ch != '{').collect();
        let at = feedback
            .rfind(lead.trim_end())
            .filter(|_| !lead.trim().is_empty())?;
        return Some(feedback[at..].to_string());
    }
    Some(raw)
}

/// The feedback's account of what is there, without the next steps or the stretch that end
/// it (shown on their own line: [`next_step`]).
pub fn what_is_there(c: &CriterionResult, ctx: &ReportContext) -> String {
    let feedback = one_line(&c.feedback);
    let mut end = feedback.len();
    if let Some(first) = c
        .next_steps
        .first()
        .map(|s| one_line(s))
        .filter(|s| !s.is_empty())
    {
        if let Some(at) = feedback.find(&first) {
            end = at;
        }
    } else if let Some(s) = stretch(c, ctx) {
        if let Some(at) = feedback.rfind(&s) {
            end = at;
        }
    }
    up_to(&feedback, end)
}

/// `feedback` (on one line) before byte `end`, without a lead-in there that ends with ':'
/// ("… Next steps:"): the sentences before it are kept.
pub(crate) fn up_to(feedback: &str, end: usize) -> String {
    let before = feedback[..end].trim_end();
    let before = match before.strip_suffix(':') {
        Some(lead) => lead.rfind(['.', '!', '?']).map_or("", |i| &lead[..=i]),
        None => before,
    };
    before.trim().to_string()
}

/// The quotes shown for a mark: up to `n` of its evidence.
pub fn quotes(c: &CriterionResult, n: usize) -> &[Evidence] {
    &c.evidence[..c.evidence.len().min(n)]
}

/// A quote cut to about `max` characters at a word boundary, with an ellipsis when cut.
pub fn short_quote(quote: &str, max: usize) -> String {
    let q = one_line(quote);
    if q.chars().count() <= max {
        return q;
    }
    let mut out = String::new();
    for word in q.split(' ') {
        if out.chars().count() + word.chars().count() + 1 > max.saturating_sub(1) {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    let out = out.trim_end_matches([',', ';', ':', '.']);
    format!("{out}…")
}

/// Whether the essay was plain text (.txt, .md or standard input), where a line number means
/// something to the writer; a word processor has paragraphs, not lines.
pub fn is_plain_text(r: &MarkResult) -> bool {
    let file = r.file.to_ascii_lowercase();
    file == "-" || file.ends_with(".txt") || file.ends_with(".md")
}

/// "paragraph 6", or "paragraph 6, line 11" for plain text.
pub fn place(paragraph: usize, line: u32, plain: bool) -> String {
    if plain && line > 0 {
        format!("paragraph {paragraph}, line {line}")
    } else {
        format!("paragraph {paragraph}")
    }
}

/// The lapse's alternatives, quoted: "“a”, “b” or “c”" (empty when the rule has none).
pub fn alternatives(l: &LanguageLapse) -> String {
    let options: Vec<String> = l
        .suggestions
        .iter()
        .take(3)
        .map(|s| format!("“{}”", one_line(s)))
        .collect();
    or_list(&options)
}

/// "Try “a”, “b” or “c”." — or, for a rule without alternatives, to say it in one's own words.
pub fn try_line(l: &LanguageLapse) -> String {
    let alternatives = alternatives(l);
    if alternatives.is_empty() {
        "Try describing the person or experience in your own words.".to_string()
    } else {
        format!("Try {alternatives}.")
    }
}

/// [`place`] at the start of a line: "Paragraph 6, line 11".
pub fn place_first(paragraph: usize, line: u32, plain: bool) -> String {
    let mut place = place(paragraph, line, plain);
    if let Some(first) = place.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    place
}

/// Why the lapse's words can hurt, in one sentence.
pub fn why(l: &LanguageLapse) -> String {
    let w = one_line(&l.why);
    if w.is_empty() {
        "These words can label people, even when that is not meant.".to_string()
    } else {
        w
    }
}

/// The language notes that are not lapses, grouped as a learner reads them.
#[derive(Default)]
pub struct Notes<'a> {
    /// Labels quoted, reported, discussed as words, rejected or advised against: other
    /// people's wording, not counted.
    pub others: Vec<&'a LanguageNote>,
    /// Words the writer uses about themselves: theirs to choose, not counted.
    pub own: Vec<&'a LanguageNote>,
    /// A word once used and now reflected on: a strength.
    pub past_self: Vec<&'a LanguageNote>,
    /// Not counted, offered as a thought.
    pub thoughts: Vec<&'a LanguageNote>,
}

impl<'a> Notes<'a> {
    pub fn of(r: &'a MarkResult) -> Self {
        let mut n = Notes::default();
        for note in &r.notes {
            match note.frame.as_str() {
                "quoted" | "reported" | "mention" | "negated" | "advice" => n.others.push(note),
                "self-identification" | "own-voice-self" => n.own.push(note),
                "past-self-reflected" => n.past_self.push(note),
                _ => n.thoughts.push(note),
            }
        }
        n
    }

    /// "12 labels you quote or report are other people's words, not yours, so they are not
    /// counted." `None` when there are none.
    pub fn others_line(&self) -> Option<String> {
        if self.others.is_empty() {
            return None;
        }
        let mut verbs: Vec<String> = Vec::new();
        for (frame, verb) in [
            ("quoted", "quote"),
            ("reported", "report"),
            ("mention", "discuss"),
            ("negated", "reject"),
            ("advice", "advise against"),
        ] {
            if self.others.iter().any(|n| n.frame == frame) {
                verbs.push(verb.to_string());
            }
        }
        let n = self.others.len();
        Some(if n == 1 {
            format!(
                "1 label you {} is not your own wording, so it is not counted.",
                or_list(&verbs)
            )
        } else {
            format!(
                "{} labels you {} are not your own wording, so they are not counted.",
                thousands(n),
                or_list(&verbs)
            )
        })
    }

    /// "About yourself you write “addict” (paragraph 4): yours to choose, and not counted."
    pub fn own_line(&self) -> Option<String> {
        if self.own.is_empty() {
            return None;
        }
        let mut words: Vec<String> = Vec::new();
        for n in &self.own {
            let w = format!("“{}” (paragraph {})", one_line(&n.text), n.paragraph);
            if !words.contains(&w) {
                words.push(w);
            }
        }
        Some(format!(
            "About yourself you write {}: that is yours to choose, and it is not counted.",
            or_list(&words).replacen(" or ", " and ", usize::from(words.len() > 1))
        ))
    }
}

/// The places where the writer reflects on the words themselves (sentences of
/// `language_awareness`, one per paragraph, and words once used and now reflected on).
pub fn reflections<'a>(r: &'a MarkResult, notes: &Notes<'a>) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for e in &r.language_awareness {
        if !out.iter().any(|(_, p)| *p == e.paragraph) {
            out.push((one_line(&e.quote), e.paragraph));
        }
    }
    for n in &notes.past_self {
        if !out.iter().any(|(_, p)| *p == n.paragraph) {
            out.push((one_line(&n.text), n.paragraph));
        }
    }
    out
}

/// "you reflect on the words themselves in 3 paragraphs, a real strength in peer support".
pub fn reflections_line(count: usize) -> String {
    if count == 1 {
        "you reflect on the words themselves, a real strength in peer support".to_string()
    } else {
        format!(
            "you reflect on the words themselves in {count} paragraphs, a real strength in peer support"
        )
    }
}

/// Whitespace collapsed to single spaces.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How the person running `check` reads an error: the reader's message (written for an
/// assessor, who asks the learner for a new file) turned to the writer, who saves one.
pub fn error_for_writer(message: &str) -> String {
    let mut m = one_line(message);
    for (from, to) in [
        (
            "ask the learner to save it again and resubmit",
            "open it in your word processor, save it again and check the saved file",
        ),
        (
            "ask for the essay saved as .docx",
            "save your essay as .docx and check that file",
        ),
        (
            "ask for an unprotected copy",
            "save a copy without a password and check that",
        ),
        (
            "ask for the essay as .docx, or as a PDF saved from a word processor",
            "save your essay as .docx, or as a PDF from your word processor, and check that",
        ),
        (
            "ask for the essay as .docx, or as a PDF saved again from a word processor",
            "save your essay as .docx, or as a PDF from your word processor, and check that",
        ),
        (
            "ask for the essay as .docx or .txt",
            "save your essay as .docx or .txt and check that",
        ),
        (
            "ask for the essay as .docx, .odt, .pdf or .txt",
            "save your essay as .docx, .odt, .pdf or .txt and check that",
        ),
        (
            "the essay needs to be saved and submitted again",
            "save your essay again and check the saved file",
        ),
        (
            "check that the right file was submitted",
            "check that this is your essay",
        ),
    ] {
        m = m.replace(from, to);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_cut_at_a_word_with_an_ellipsis() {
        assert_eq!(short_quote("short and sweet", 40), "short and sweet");
        let q = short_quote(
            "In this essay I will describe my own recovery from alcohol problems and depression.",
            40,
        );
        assert!(q.ends_with('…'), "{q}");
        assert!(q.chars().count() <= 40, "{q}");
        assert!(q.starts_with("In this essay I will describe my own"));
    }

    #[test]
    fn errors_are_turned_to_the_writer() {
        for message in [
            "damaged or incomplete .docx (not a zip archive); ask the learner to save it again and resubmit",
            "password-protected Word document; ask for an unprotected copy",
            "empty file (0 bytes); the essay needs to be saved and submitted again",
            "not a Word document (it is a PDF renamed to .docx); ask for the essay saved as .docx",
            "this PDF has no text layer (it looks scanned or made of images); ask for the essay as .docx, or as a PDF saved from a word processor",
            "no text found in the document; check that the right file was submitted",
        ] {
            let m = error_for_writer(message);
            for word in ["ask ", "learner", "resubmit", "submitted"] {
                assert!(!m.contains(word), "{m}");
            }
        }
    }

    #[test]
    fn a_line_number_only_for_plain_text() {
        assert_eq!(place(6, 11, true), "paragraph 6, line 11");
        assert_eq!(place(6, 11, false), "paragraph 6");
    }
}
