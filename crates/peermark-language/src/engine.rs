//! The compiled rule set: one-pass matching over every rule pattern, then frame
//! classification for the hits only.

use crate::error::LanguageError;
use crate::messages::message;
use crate::pattern::{compile_pattern, split_cue};
use crate::quotes::{overlaps_any, quote_spans};
use crate::rule::{Finding, Frame, Rule, SelfCode, SelfScope, Severity};
use crate::settings::LanguageSettings;
use crate::words::WordIndex;
use peermark_text::{clauses, sentences, word_ranges, Document, Matcher, ParagraphKind};
use regex::Regex;
use std::collections::HashMap;
use std::ops::Range;

/// Words between a "right before the term" cue and the term (`not a complete _`).
const ADJACENT_GAP: usize = 2;
/// Negation must sit closer: `not (a) _`, `not just _`.
const NEGATION_GAP: usize = 1;
/// Reporting cue to term, within one clause ("staff wrote in my notes that I was …").
const REPORTING_REACH: usize = 15;
/// Mention cue to term, within one clause ("words like nutter, psycho and …").
const MENTION_REACH: usize = 10;
/// Advice cue to term, within one sentence.
const ADVICE_REACH: usize = 15;
/// Past self-description cue to term ("I used to call myself a …").
const PAST_SELF_REACH: usize = 6;
/// How far back (in words) the writer or another person is looked for.
const REFERENT_REACH: usize = 8;
/// How far back a reporting verb's subject is looked for.
const SUBJECT_REACH: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PatKind {
    Severe,
    Normal,
    Sense,
    /// A sense pattern the self code does not cover (first person is still a lapse).
    SelfLapse,
    NotWhen,
}

#[derive(Debug)]
struct PatInfo {
    rule: usize,
    kind: PatKind,
    /// Whether the pattern marks its `core` (the words quoted and replaced) as a group.
    core: bool,
    field: &'static str,
    index: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CueKind {
    Reporting,
    ReportingActive,
    Mention,
    Negation,
    Advice,
    PastSelf,
    Change,
    SelfId,
    Awareness,
    // Word classes, marked on tokens.
    First,
    FirstPoss,
    Person,
    OtherPoss,
    OtherRef,
    Quant,
    Det,
    Func,
    Rel,
    ScopeBreak,
    Link,
    Complement,
    Intens,
    Aux,
    NegSubject,
    ObjPronoun,
    Coord,
    Prep,
    Expletive,
    ThingPronoun,
    ThingNoun,
}

impl CueKind {
    fn from_list(name: &str) -> CueKind {
        match name {
            "reporting" => CueKind::Reporting,
            "reporting_active" => CueKind::ReportingActive,
            "mention" => CueKind::Mention,
            "negation" => CueKind::Negation,
            "advice" => CueKind::Advice,
            "past_self" => CueKind::PastSelf,
            "change" => CueKind::Change,
            "self_identification" => CueKind::SelfId,
            "awareness" => CueKind::Awareness,
            "first_person" => CueKind::First,
            "first_person_possessive" => CueKind::FirstPoss,
            "person_words" => CueKind::Person,
            "other_possessive" => CueKind::OtherPoss,
            "other_reference" => CueKind::OtherRef,
            "quantifiers" => CueKind::Quant,
            "determiners" => CueKind::Det,
            "function_words" => CueKind::Func,
            "relative" => CueKind::Rel,
            "scope_breaks" => CueKind::ScopeBreak,
            "linking" => CueKind::Link,
            "complement_markers" => CueKind::Complement,
            "intensifiers" => CueKind::Intens,
            "auxiliaries" => CueKind::Aux,
            "negative_subjects" => CueKind::NegSubject,
            "object_pronouns" => CueKind::ObjPronoun,
            "coordinators" => CueKind::Coord,
            "prepositions" => CueKind::Prep,
            "expletives" => CueKind::Expletive,
            "thing_pronouns" => CueKind::ThingPronoun,
            "thing_nouns" => CueKind::ThingNoun,
            _ => unreachable!("unknown frame list {name}"),
        }
    }

    /// The token bit for word-class lists.
    fn bit(self) -> u32 {
        match self {
            CueKind::First => FIRST,
            CueKind::FirstPoss => FIRST_POSS,
            CueKind::Person => PERSON,
            CueKind::OtherPoss => OTHER_POSS,
            CueKind::OtherRef => OTHER_REF,
            CueKind::Quant => QUANT,
            CueKind::Det => DET,
            CueKind::Func => FUNC,
            CueKind::Rel => REL,
            CueKind::Link => LINK,
            CueKind::Complement => COMPLEMENT,
            CueKind::Intens => INTENS,
            CueKind::Aux => AUX,
            CueKind::NegSubject => NEG,
            CueKind::ObjPronoun => OBJ,
            CueKind::Coord => COORD,
            CueKind::Prep => PREP,
            CueKind::Expletive => EXPL,
            CueKind::ThingPronoun => THING,
            CueKind::ThingNoun => THING_NOUN,
            _ => 0,
        }
    }
}

const FIRST: u32 = 1;
const FIRST_POSS: u32 = 1 << 1;
const PERSON: u32 = 1 << 2;
const OTHER_POSS: u32 = 1 << 3;
const OTHER_REF: u32 = 1 << 4;
const DET: u32 = 1 << 5;
const FUNC: u32 = 1 << 6;
const REL: u32 = 1 << 7;
const QUANT: u32 = 1 << 8;
const LINK: u32 = 1 << 9;
const COMPLEMENT: u32 = 1 << 10;
const INTENS: u32 = 1 << 11;
const AUX: u32 = 1 << 12;
const NEG: u32 = 1 << 13;
const OBJ: u32 = 1 << 14;
const COORD: u32 = 1 << 15;
const PREP: u32 = 1 << 16;
const EXPL: u32 = 1 << 17;
const THING: u32 = 1 << 18;
/// A noun for a thing, an animal or an activity (a content word).
const THING_NOUN: u32 = 1 << 19;
/// Marks of words that do not make a preceding term attributive ("crazy people", "crazy and").
/// Quantifiers such as "few" (other_reference) do: "a crazy few months".
const NOT_CONTENT: u32 = FIRST
    | FIRST_POSS
    | PERSON
    | OTHER_POSS
    | DET
    | FUNC
    | REL
    | LINK
    | AUX
    | COORD
    | PREP
    | OBJ
    | NEG;
/// Marks of words that are not content words (nouns, verbs, adjectives).
const GRAMMAR: u32 = NOT_CONTENT | QUANT | COMPLEMENT | INTENS | EXPL | THING;

#[derive(Debug)]
struct CueDef {
    kind: CueKind,
    before: Option<usize>,
    after: Option<usize>,
    placeholder: bool,
}

#[derive(Debug, Default)]
struct Cues {
    matcher: Option<Matcher>,
    /// Plain entries of the word-class lists, looked up token by token.
    words: WordIndex,
    /// For each matcher pattern, the cue it belongs to.
    part_def: Vec<usize>,
    defs: Vec<CueDef>,
}

/// The compiled rules. `Send + Sync`: share one across threads.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    matcher: Option<Matcher>,
    pats: Vec<PatInfo>,
    cues: Cues,
}

/// A rule hit after word-sense filtering, before frame classification.
#[derive(Clone, Debug)]
struct Cand {
    rule: usize,
    kind: PatKind,
    core: Range<usize>,
}

/// What was learnt about a paragraph that has hits.
struct Para<'a> {
    text: &'a str,
    tokens: Vec<Range<usize>>,
    marks: Vec<u32>,
    sentences: Vec<Range<usize>>,
    quotes: Vec<Range<usize>>,
    /// Hits of each cue part (indexed like the cue matcher's patterns).
    part_hits: Vec<Vec<Range<usize>>>,
    titlecase: bool,
    /// Core ranges of every surviving candidate (for list detection).
    cores: Vec<Range<usize>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Referent {
    Writer,
    Other,
}

/// Who a predicate or object term is said of, as far as the clause shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    /// The writer ("I have been a drug user and an …", "we were all …").
    Writer,
    /// Another person ("my sponsor has been …", "I met an …").
    Person,
    /// A thing ("the weather was …", "what looked like a …").
    Thing,
    /// A negative subject ("None of the people in my group are …").
    Negative,
    /// Not a predicate or object the clause makes clear: the older nearest-word reading.
    Unknown,
}

impl RuleSet {
    /// Compiles the merged `[language]` table: later rules with the same id replace earlier
    /// ones (keeping the first one's place), disabled ids are dropped.
    pub fn compile(settings: &LanguageSettings) -> Result<RuleSet, LanguageError> {
        // Replace by id, keep first position.
        let mut order: Vec<String> = Vec::new();
        let mut by_id: HashMap<String, &crate::RuleSpec> = HashMap::new();
        for (i, spec) in settings.rule.iter().enumerate() {
            let id = spec.id.trim();
            if id.is_empty() {
                return Err(LanguageError::MissingId { position: i + 1 });
            }
            if by_id.insert(id.to_string(), spec).is_none() {
                order.push(id.to_string());
            }
        }
        let disabled: Vec<&str> = settings.disable.iter().map(|s| s.trim()).collect();
        let mut rules = Vec::new();
        for id in &order {
            if disabled.contains(&id.as_str()) {
                continue;
            }
            rules.push(Rule::from_spec(by_id[id])?);
        }

        // `@intensifiers` in a pattern: up to two words from the frame list.
        let macros = intensifier_macro(&settings.frames.intensifiers);

        // Every pattern of every rule, one matcher.
        let mut regexes: Vec<String> = Vec::new();
        let mut pats: Vec<PatInfo> = Vec::new();
        for (ri, rule) in rules.iter().enumerate() {
            let lists: [(&'static str, &Vec<String>, PatKind); 5] = [
                ("severe_patterns", &rule.severe_patterns, PatKind::Severe),
                ("patterns", &rule.patterns, PatKind::Normal),
                ("sense_patterns", &rule.sense_patterns, PatKind::Sense),
                (
                    "self_lapse_patterns",
                    &rule.self_lapse_patterns,
                    PatKind::SelfLapse,
                ),
                ("not_when", &rule.not_when, PatKind::NotWhen),
            ];
            for (field, list, kind) in lists {
                for (index, p) in list.iter().enumerate() {
                    let err = |message: String| LanguageError::Pattern {
                        rule: rule.id.clone(),
                        field,
                        index,
                        message,
                    };
                    let c = compile_pattern(&expand_macros(p, &macros)).map_err(err)?;
                    let core = c.has_core && kind != PatKind::NotWhen;
                    pats.push(PatInfo {
                        rule: ri,
                        kind,
                        core,
                        field,
                        index,
                    });
                    regexes.push(format!("re:{}", c.regex));
                }
            }
        }
        let matcher = if regexes.is_empty() {
            None
        } else {
            Some(Matcher::new(&regexes).map_err(|e| {
                let info = &pats[e.index];
                let single = Regex::new(&format!("(?i){}", &regexes[e.index]["re:".len()..]));
                if single.is_err() {
                    LanguageError::Pattern {
                        rule: rules[info.rule].id.clone(),
                        field: info.field,
                        index: info.index,
                        message: e.message,
                    }
                } else {
                    LanguageError::Build { message: e.message }
                }
            })?)
        };

        // Frame cues, one matcher. Word-class lists (and awareness, change and scope breaks,
        // which only need to be found) become one alternation each: one scan per list.
        let mut cues = Cues::default();
        let mut cue_regexes: Vec<String> = Vec::new();
        let mut cue_origin: Vec<(&'static str, usize)> = Vec::new();
        for (list, phrases) in settings.frames.named() {
            let kind = CueKind::from_list(list);
            let combine = kind.bit() != 0
                || matches!(
                    kind,
                    CueKind::Awareness | CueKind::Change | CueKind::ScopeBreak
                );
            let mut combined: Vec<String> = Vec::new();
            for (index, phrase) in phrases.iter().enumerate() {
                let err = |message: String| LanguageError::Frame {
                    list,
                    index,
                    message,
                };
                let parts = split_cue(phrase).map_err(err)?;
                if parts.placeholder && kind.bit() != 0 {
                    return Err(err(
                        "word lists take plain words or phrases, without '_'".into()
                    ));
                }
                let compile = |part: &str| -> Result<String, LanguageError> {
                    Ok(crate::pattern::ascii_classes(
                        &peermark_text::compile_phrase(part).map_err(err)?,
                    ))
                };
                if combine && !parts.placeholder {
                    if let Some(b) = &parts.before {
                        let regex = compile(b)?;
                        if kind.bit() == 0 || !cues.words.add(b, kind.bit()) {
                            combined.push(regex);
                        }
                    }
                    continue;
                }
                let def_index = cues.defs.len();
                let mut part_index =
                    |part: Option<String>| -> Result<Option<usize>, LanguageError> {
                        let Some(part) = part else { return Ok(None) };
                        cue_regexes.push(compile(&part)?);
                        cue_origin.push((list, index));
                        cues.part_def.push(def_index);
                        Ok(Some(cue_regexes.len() - 1))
                    };
                let before = part_index(parts.before)?;
                let after = part_index(parts.after)?;
                cues.defs.push(CueDef {
                    kind,
                    before,
                    after,
                    placeholder: parts.placeholder,
                });
            }
            if !combined.is_empty() {
                let alternation = combined
                    .iter()
                    .map(|r| format!("(?:{r})"))
                    .collect::<Vec<_>>()
                    .join("|");
                cues.part_def.push(cues.defs.len());
                cues.defs.push(CueDef {
                    kind,
                    before: Some(cue_regexes.len()),
                    after: None,
                    placeholder: false,
                });
                cue_regexes.push(alternation);
                cue_origin.push((list, 0));
            }
        }
        if !cue_regexes.is_empty() {
            let raw: Vec<String> = cue_regexes.iter().map(|r| format!("re:{r}")).collect();
            cues.matcher = Some(Matcher::new(&raw).map_err(|e| {
                let (list, index) = cue_origin[e.index];
                // Point at the phrase itself when a combined list fails.
                let index = settings
                    .frames
                    .named()
                    .iter()
                    .find(|(l, _)| *l == list)
                    .and_then(|(_, phrases)| {
                        phrases.iter().position(|p| {
                            peermark_text::compile_phrase(p).is_ok_and(|c| {
                                Regex::new(&format!("(?i){}", crate::pattern::ascii_classes(&c)))
                                    .is_err()
                            })
                        })
                    })
                    .unwrap_or(index);
                LanguageError::Frame {
                    list,
                    index,
                    message: e.message,
                }
            })?);
        }

        let mut set = RuleSet {
            rules,
            matcher,
            pats,
            cues,
        };
        set.quote_terms_in_why();
        Ok(set)
    }

    /// Puts every term the rules find in a rule's `why` between quotation marks.
    fn quote_terms_in_why(&mut self) {
        let Some(matcher) = &self.matcher else { return };
        let mut updates = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            let why = &rule.why_display;
            let cands = self.candidates(matcher, why);
            if cands.is_empty() {
                continue;
            }
            let quotes = quote_spans(why);
            let mut out = String::with_capacity(why.len() + 8 * cands.len());
            let mut last = 0;
            for c in cands.iter().filter(|c| !overlaps_any(&quotes, &c.core)) {
                out.push_str(&why[last..c.core.start]);
                out.push('\u{201c}');
                out.push_str(&why[c.core.clone()]);
                out.push('\u{201d}');
                last = c.core.end;
            }
            out.push_str(&why[last..]);
            updates.push((i, out));
        }
        for (i, w) in updates {
            self.rules[i].why_display = w;
        }
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Every rule, in table order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Checks the title, headings and body paragraphs of a document (never the reference
    /// list). Findings are in document order.
    pub fn check(&self, doc: &Document) -> Vec<Finding> {
        let mut out = Vec::new();
        for (i, p) in doc.paragraphs.iter().enumerate() {
            if matches!(
                p.kind,
                ParagraphKind::Title | ParagraphKind::Heading | ParagraphKind::Body
            ) {
                self.check_paragraph(&p.text, &p.emphasis, Some((doc, i)), &mut out);
            }
        }
        out
    }

    /// Checks one paragraph of plain text (paragraph index 0).
    pub fn check_text(&self, text: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        self.check_paragraph(text, &[], None, &mut out);
        out
    }

    fn check_paragraph(
        &self,
        text: &str,
        emphasis: &[Range<usize>],
        // The document and paragraph index, when the text is a document's paragraph.
        within: Option<(&Document, usize)>,
        out: &mut Vec<Finding>,
    ) {
        let paragraph = within.map_or(0, |(_, i)| i);
        let Some(matcher) = &self.matcher else { return };
        // No separate `is_match` pre-check: `find_all` already runs the one-pass set first.
        let cands = self.candidates(matcher, text);
        if cands.is_empty() {
            return;
        }
        let sentences = match within {
            Some((doc, i)) => doc.sentences(i).to_vec(),
            None => sentences(text),
        };
        let para = self.analyse(text, emphasis, &cands, sentences);
        for cand in &cands {
            if let Some(f) = self.finding(cand, &para, paragraph) {
                out.push(f);
            }
        }
    }

    /// Rule hits with word senses applied and overlaps resolved (longest term wins).
    fn candidates(&self, matcher: &Matcher, text: &str) -> Vec<Cand> {
        let hits = matcher.find_all(text);
        let mut not_when: Vec<(usize, Range<usize>)> = Vec::new();
        let mut cands: Vec<Cand> = Vec::new();
        for h in &hits {
            let info = &self.pats[h.pattern];
            if info.kind == PatKind::NotWhen {
                not_when.push((info.rule, h.range.clone()));
                continue;
            }
            let core = if info.core {
                match matcher.group(h.pattern, text, h.range.clone(), "core") {
                    Some(r) if r.start < r.end => r,
                    _ => continue,
                }
            } else {
                h.range.clone()
            };
            cands.push(Cand {
                rule: info.rule,
                kind: info.kind,
                core,
            });
        }
        cands.retain(|c| {
            !not_when
                .iter()
                .any(|(r, nw)| *r == c.rule && nw.start < c.core.end && c.core.start < nw.end)
        });
        // Longest term wins; ties: severe form, then a self-lapse form, then earlier start,
        // then earlier rule.
        cands.sort_by(|a, b| {
            (b.core.end - b.core.start)
                .cmp(&(a.core.end - a.core.start))
                .then((a.kind != PatKind::Severe).cmp(&(b.kind != PatKind::Severe)))
                .then((a.kind != PatKind::SelfLapse).cmp(&(b.kind != PatKind::SelfLapse)))
                .then(a.core.start.cmp(&b.core.start))
                .then(a.rule.cmp(&b.rule))
        });
        let mut kept: Vec<Cand> = Vec::new();
        for c in cands {
            if kept
                .iter()
                .all(|k| c.core.end <= k.core.start || c.core.start >= k.core.end)
            {
                kept.push(c);
            }
        }
        kept.sort_by_key(|c| c.core.start);
        kept
    }

    fn analyse<'a>(
        &self,
        text: &'a str,
        emphasis: &[Range<usize>],
        cands: &[Cand],
        sentences: Vec<Range<usize>>,
    ) -> Para<'a> {
        let tokens = word_ranges(text);
        let mut marks = vec![0u32; tokens.len()];
        let mut part_hits: Vec<Vec<Range<usize>>> = vec![Vec::new(); self.cues.part_def.len()];
        if let Some(m) = &self.cues.matcher {
            for h in m.find_all(text) {
                let def = &self.cues.defs[self.cues.part_def[h.pattern]];
                let bit = def.kind.bit();
                if bit != 0 {
                    let first = tokens.partition_point(|t| t.end <= h.range.start);
                    for k in first..tokens.len() {
                        if tokens[k].start >= h.range.end {
                            break;
                        }
                        marks[k] |= bit;
                    }
                } else {
                    part_hits[h.pattern].push(h.range);
                }
            }
        }
        self.cues.words.mark(text, &tokens, &mut marks);
        let mut quotes = quote_spans(text);
        quotes.extend(emphasis.iter().cloned());
        let titlecase = is_titlecase(text, &tokens);
        Para {
            text,
            tokens,
            marks,
            sentences,
            quotes,
            part_hits,
            titlecase,
            cores: cands.iter().map(|c| c.core.clone()).collect(),
        }
    }

    fn finding(&self, cand: &Cand, p: &Para, paragraph: usize) -> Option<Finding> {
        let rule = &self.rules[cand.rule];
        let h = &cand.core;
        if !p.titlecase && is_proper_name(p, h) {
            return None;
        }
        let severity = if cand.kind == PatKind::Severe {
            rule.severe_severity
        } else {
            rule.severity
        };
        let (frame, self_code) = self.frame(rule, cand, p)?;
        let counts = severity.counts() && !rule.advisory_only;
        let (lapse, frame) = match frame {
            f if f.is_distanced() => (rule.quoted_lapse && counts, f),
            Frame::OwnVoiceSelf | Frame::SelfIdentification => match self_code {
                SelfCode::Ok => return None,
                SelfCode::Note => (false, frame),
                SelfCode::Lapse => (counts, frame),
            },
            f => (counts, f),
        };
        let frame = if !lapse && severity == Severity::L && frame == Frame::OwnVoiceOther {
            Frame::LowSeverity
        } else {
            frame
        };
        let awareness = match frame {
            Frame::Advice | Frame::PastSelfReflected => true,
            f if f.is_distanced() => self.has_awareness(p, h),
            _ => false,
        };
        let text = p.text[h.clone()].to_string();
        let message = message(rule, &text, frame, lapse, awareness);
        Some(Finding {
            rule: rule.id.clone(),
            paragraph,
            range: h.clone(),
            text,
            frame,
            severity,
            lapse,
            suggestions: rule.alternatives.iter().take(3).cloned().collect(),
            message,
            awareness,
        })
    }

    /// The frame of a hit and the self code that applies to it (`None`: not this sense).
    fn frame(&self, rule: &Rule, cand: &Cand, p: &Para) -> Option<(Frame, SelfCode)> {
        let h = &cand.core;
        let code = if cand.kind == PatKind::SelfLapse {
            SelfCode::Lapse
        } else {
            rule.self_code
        };
        if overlaps_any(&p.quotes, h) {
            return Some((Frame::Quoted, code));
        }
        let sentence = p.sentence_of(h.start);
        let clause_start = p.clause_start(&sentence, h.start);
        let masked = p.relative_masks(&sentence, h);

        if self.cue_in_reach(CueKind::Mention, p, h, clause_start, MENTION_REACH, &masked) {
            return Some((Frame::Mention, code));
        }
        if self.cue_in_reach(CueKind::Advice, p, h, sentence.start, ADVICE_REACH, &masked) {
            return Some((Frame::Advice, code));
        }
        if self.cue_adjacent(CueKind::Negation, p, h, NEGATION_GAP) {
            return Some((Frame::Negated, code));
        }
        if self.list_negated(p, h, p.tokens.partition_point(|t| t.end <= clause_start)) {
            return Some((Frame::Negated, code));
        }
        // Who the term is said of, when it is a predicate ("my sponsor has been an …") or an
        // object ("I met an …"); a negative subject ("None of the people … are …") negates it.
        let lo = p.tokens.partition_point(|t| t.end <= clause_start);
        let who = p.who(h, lo, rule.person_noun);
        if who == Who::Negative {
            return Some((Frame::Negated, code));
        }
        if self.cue_in_reach(
            CueKind::Reporting,
            p,
            h,
            clause_start,
            REPORTING_REACH,
            &masked,
        ) || self.cue_in_reach(
            CueKind::ReportingActive,
            p,
            h,
            clause_start,
            REPORTING_REACH,
            &masked,
        ) {
            return Some((Frame::Reported, code));
        }
        if let Some(cue) = self.past_self_cue(p, h, clause_start, &masked) {
            return Some(if self.has_change(p, &cue) {
                (Frame::PastSelfReflected, code)
            } else {
                // Past self-description without a stated change: the writer's own words
                // about themselves, but never counted (when unsure, not a lapse).
                (
                    Frame::OwnVoiceSelf,
                    if code == SelfCode::Lapse {
                        SelfCode::Note
                    } else {
                        code
                    },
                )
            });
        }
        if self.cue_adjacent(CueKind::SelfId, p, h, ADJACENT_GAP) {
            return Some((Frame::SelfIdentification, code));
        }

        let about_people =
            rule.about_people && !matches!(cand.kind, PatKind::Sense | PatKind::SelfLapse);
        if about_people && p.attributive_on_thing(h) {
            return None;
        }
        // Said of a thing ("the printer is a basket case", "the roses are suffering from black
        // spot", "my golf swing is a lost cause"): about no person. Not for the rules whose
        // lapse is a diagnosis said of a thing ("the weather is bipolar").
        let said_of_thing = rule.category != "trivial"
            && matches!(who, Who::Thing | Who::Unknown)
            && p.subject_head_is_thing(h, lo);
        if said_of_thing {
            return None;
        }
        let who = if rule.self_scope == SelfScope::Phrase {
            who
        } else {
            Who::Unknown
        };
        let referent = match who {
            Who::Writer => Some(Referent::Writer),
            Who::Person => Some(Referent::Other),
            Who::Thing if about_people => return None,
            Who::Thing => Some(Referent::Other),
            Who::Negative | Who::Unknown => {
                p.referent(h, rule.self_scope, &sentence, clause_start, &masked)
            }
        };
        let referent = match referent {
            Some(r) => r,
            None if about_people => {
                if p.preceded_by(h, DET) {
                    Referent::Other
                } else {
                    return None;
                }
            }
            None => Referent::Other,
        };
        Some(match referent {
            Referent::Writer => (Frame::OwnVoiceSelf, code),
            Referent::Other => (Frame::OwnVoiceOther, code),
        })
    }

    /// A later item of a list whose first item is negated: "never loonies, maniacs or
    /// lunatics", "not a jakey or a wino", "nobody there was X, Y or a Z". The negation of the
    /// first item reaches every item joined to it by commas, "or", "nor" or "and".
    fn list_negated(&self, p: &Para, h: &Range<usize>, lo: usize) -> bool {
        let mut k = p.tokens.partition_point(|t| t.end <= h.start);
        for _ in 0..6 {
            // The item's own determiner ("or a wino").
            if k > lo && p.marks[k - 1] & DET != 0 && p.adjacent(k - 1, k) {
                k -= 1;
            }
            if k < lo + 2 {
                return false;
            }
            let gap = p.text[p.tokens[k - 1].end..p.tokens[k].start].trim();
            let end = if gap == "," {
                k - 1
            } else if gap.is_empty() && p.marks[k - 1] & COORD != 0 {
                let before = p.text[p.tokens[k - 2].end..p.tokens[k - 1].start].trim();
                if !before.is_empty() && before != "," {
                    return false;
                }
                k - 2
            } else {
                return false;
            };
            // The earlier item: up to three words back to a determiner, a comma or a negation.
            let mut start = end;
            while start > lo
                && end - start < 2
                && p.adjacent(start - 1, start)
                && p.marks[start - 1] & (COORD | DET | NEG) == 0
                && p.is_content(start - 1)
            {
                start -= 1;
            }
            let item = p.tokens[start].start..p.tokens[end].end;
            if self.cue_adjacent(CueKind::Negation, p, &item, NEGATION_GAP + 1)
                || p.who(&item, lo, true) == Who::Negative
            {
                return true;
            }
            k = start;
        }
        false
    }

    /// A cue of `kind` before the term within `reach` words, starting at or after
    /// `scope_start`, not in a masked stretch; cues written with `_` must sit right next to
    /// the term.
    fn cue_in_reach(
        &self,
        kind: CueKind,
        p: &Para,
        h: &Range<usize>,
        scope_start: usize,
        reach: usize,
        masked: &[Range<usize>],
    ) -> bool {
        self.cues.defs.iter().any(|def| {
            if def.kind != kind {
                return false;
            }
            if def.placeholder {
                return self.def_adjacent(def, p, h, ADJACENT_GAP);
            }
            let Some(b) = def.before else { return false };
            // A report's words come before the term ("referred to my dad as …"); a term inside
            // a reporting cue's gap is its object, in the writer's words ("treats … as").
            let reporting = matches!(kind, CueKind::Reporting | CueKind::ReportingActive);
            p.part_hits[b].iter().any(|r| {
                if !reporting && covers(r, h) {
                    return true;
                }
                r.start >= scope_start
                    && r.end <= h.start
                    && !overlaps_any(masked, r)
                    && p.words_between(r.end, h.start) <= reach
                    && !self.scope_broken(p, r.end, h.start)
                    && (kind != CueKind::ReportingActive || !p.subject_is_writer(r.start))
                    && !(reporting
                        && (p.report_is_quoted(r.end, h) || p.new_clause_between(r.end, h.start)))
            })
        })
    }

    /// A scope break ("before", "when") between `a` and `b`.
    fn scope_broken(&self, p: &Para, a: usize, b: usize) -> bool {
        self.cues
            .defs
            .iter()
            .filter(|d| d.kind == CueKind::ScopeBreak)
            .filter_map(|d| d.before)
            .any(|i| p.part_hits[i].iter().any(|r| r.start >= a && r.end <= b))
    }

    fn cue_adjacent(&self, kind: CueKind, p: &Para, h: &Range<usize>, gap: usize) -> bool {
        self.cues
            .defs
            .iter()
            .any(|def| def.kind == kind && self.def_adjacent(def, p, h, gap))
    }

    /// A cue right before (and/or right after) the term, at most `gap` words away.
    fn def_adjacent(&self, def: &CueDef, p: &Para, h: &Range<usize>, gap: usize) -> bool {
        if !def.placeholder {
            if let Some(b) = def.before {
                if p.part_hits[b].iter().any(|r| covers(r, h)) {
                    return true;
                }
            }
        }
        let before_ok = def.before.is_none_or(|b| {
            p.part_hits[b].iter().any(|r| {
                // A negation may run into the term: "never just a cry for help".
                // (only through an opening intensifier or determiner of the term).
                let into_term = def.kind == CueKind::Negation
                    && r.start < h.start
                    && r.end > h.start
                    && r.end < h.end
                    && p.starts_with_modifier(h);
                into_term
                    || (r.end <= h.start
                        && p.gap_ok(r.end, h.start, gap)
                        && !self.scope_broken(p, r.end, h.start))
            })
        });
        let after_ok = def.after.is_none_or(|a| {
            p.part_hits[a].iter().any(|r| {
                r.start >= h.end
                    && p.gap_ok(h.end, r.start, gap)
                    && !self.scope_broken(p, h.end, r.start)
            })
        });
        before_ok && after_ok
    }

    /// A past self-description cue for the term: its range (the term itself for a cue
    /// written around `_`).
    fn past_self_cue(
        &self,
        p: &Para,
        h: &Range<usize>,
        clause_start: usize,
        masked: &[Range<usize>],
    ) -> Option<Range<usize>> {
        for def in self
            .cues
            .defs
            .iter()
            .filter(|d| d.kind == CueKind::PastSelf)
        {
            if def.placeholder {
                if self.def_adjacent(def, p, h, ADJACENT_GAP) {
                    return Some(h.clone());
                }
                continue;
            }
            let Some(b) = def.before else { continue };
            for r in &p.part_hits[b] {
                let ok = covers(r, h)
                    || (r.start >= clause_start
                        && r.end <= h.start
                        && !overlaps_any(masked, r)
                        && p.words_between(r.end, h.start) <= PAST_SELF_REACH
                        && !self.scope_broken(p, r.end, h.start));
                if ok {
                    return Some(r.clone());
                }
            }
        }
        None
    }

    /// A change cue ("now", "these days") anywhere in the paragraph outside the past cue.
    fn has_change(&self, p: &Para, past: &Range<usize>) -> bool {
        self.cues
            .defs
            .iter()
            .filter(|d| d.kind == CueKind::Change)
            .filter_map(|d| d.before)
            .any(|b| {
                p.part_hits[b]
                    .iter()
                    .any(|r| r.end <= past.start || r.start >= past.end)
            })
    }

    /// An awareness cue in the term's sentence or the next one.
    fn has_awareness(&self, p: &Para, h: &Range<usize>) -> bool {
        let idx = p
            .sentences
            .iter()
            .position(|s| s.start <= h.start && h.start < s.end.max(s.start + 1));
        let scope = match idx {
            Some(i) => {
                let end = p.sentences.get(i + 1).map_or(p.sentences[i].end, |n| n.end);
                p.sentences[i].start..end
            }
            None => 0..p.text.len(),
        };
        self.cues
            .defs
            .iter()
            .filter(|d| d.kind == CueKind::Awareness)
            .filter_map(|d| d.before)
            .any(|b| {
                p.part_hits[b]
                    .iter()
                    .any(|r| r.start >= scope.start && r.end <= scope.end)
            })
    }
}

fn covers(r: &Range<usize>, h: &Range<usize>) -> bool {
    r.start <= h.start && r.end >= h.end
}

/// A short line in Title Case (a title or heading): capitals there say nothing about names.
fn is_titlecase(text: &str, tokens: &[Range<usize>]) -> bool {
    if tokens.len() > 16 {
        return false;
    }
    let long: Vec<&str> = tokens
        .iter()
        .map(|t| &text[t.clone()])
        .filter(|w| w.chars().count() >= 4)
        .collect();
    long.len() >= 3
        && long
            .iter()
            .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
            .count()
            * 10
            >= long.len() * 8
}

fn starts_upper(w: &str) -> bool {
    let mut cs = w.chars();
    let Some(c) = cs.next() else { return false };
    if !c.is_uppercase() {
        return false;
    }
    // "I", "I'm", "I’ve" are not names.
    !(c == 'I' && matches!(cs.next(), None | Some('\'') | Some('\u{2019}')))
}

/// A capitalised term inside a capitalised multi-word name ("Alcoholics Anonymous",
/// "Mad Pride", "the Drug Abuse Service").
fn is_proper_name(p: &Para, h: &Range<usize>) -> bool {
    if !p.text[h.clone()]
        .chars()
        .next()
        .is_some_and(char::is_uppercase)
    {
        return false;
    }
    // A capitalised word (not an acronym such as OCD) in mid-sentence marks a name or a
    // title ("the film Psycho").
    let sentence = p.sentence_of(h.start);
    let before = p.text[sentence.start..h.start.max(sentence.start)].trim_end();
    let sentence_initial = before.chars().all(|c| !c.is_alphanumeric())
        || before.ends_with([':', '\u{2013}', '\u{2014}']);
    let title_style = p.text[h.clone()]
        .chars()
        .nth(1)
        .is_some_and(char::is_lowercase);
    if !sentence_initial && title_style {
        return true;
    }
    let first = p.tokens.partition_point(|t| t.end <= h.start);
    let last = p.tokens.partition_point(|t| t.start < h.end);
    // Every word of a multi-word term capitalised.
    let inner: Vec<&str> = p.tokens[first..last]
        .iter()
        .map(|t| &p.text[t.clone()])
        .collect();
    if inner.len() >= 2 && inner.iter().all(|w| starts_upper(w)) {
        return true;
    }
    if let Some(next) = p.tokens.get(last) {
        if p.text[h.end.min(next.start)..next.start].trim().is_empty()
            && starts_upper(&p.text[next.clone()])
        {
            return true;
        }
    }
    if first > 0 {
        let prev = &p.tokens[first - 1];
        let between = &p.text[prev.end..h.start.max(prev.end)];
        let sentence_initial = {
            let s = p.sentence_of(prev.start);
            s.start == prev.start
        };
        if between.trim().is_empty() && !sentence_initial && starts_upper(&p.text[prev.clone()]) {
            return true;
        }
    }
    false
}

impl Para<'_> {
    fn sentence_of(&self, pos: usize) -> Range<usize> {
        for s in &self.sentences {
            if s.start <= pos && pos < s.end {
                return s.clone();
            }
        }
        // Between sentences (whitespace) or none found: the whole paragraph.
        0..self.text.len()
    }

    /// The start of the clause holding `pos`; a clause opened by ':' or a dash continues
    /// the one before it.
    fn clause_start(&self, sentence: &Range<usize>, pos: usize) -> usize {
        let cl = clauses(self.text, sentence.clone());
        let Some(mut i) = cl.iter().position(|c| c.start <= pos && pos < c.end) else {
            return sentence.start;
        };
        while i > 0 {
            let t = self.text[cl[i].clone()].trim_start();
            if t.starts_with([':', '\u{2013}', '\u{2014}']) || self.but_is_not_a_break(cl[i].start)
            {
                i -= 1;
            } else {
                break;
            }
        }
        cl[i].start
    }

    /// A clause cut at "but" after a negative, quantifier or thing pronoun ("nothing but",
    /// "all but", "anything but") is not a new clause.
    fn but_is_not_a_break(&self, cut: usize) -> bool {
        let k = self.tokens.partition_point(|t| t.end <= cut);
        k > 0
            && k < self.tokens.len()
            && self.word(k).eq_ignore_ascii_case("but")
            && self.adjacent(k - 1, k)
            && self.marks[k - 1] & (NEG | QUANT | THING) != 0
    }

    /// Relative clauses ("who had told me I would be back,") that close with a comma before
    /// the term: their words are not the term's context. A relative clause holding another
    /// hit is a list ("who called me manipulative, non-compliant …") and stays.
    fn relative_masks(&self, sentence: &Range<usize>, h: &Range<usize>) -> Vec<Range<usize>> {
        let mut masks = Vec::new();
        let first = self.tokens.partition_point(|t| t.end <= sentence.start);
        for k in first..self.tokens.len() {
            let t = &self.tokens[k];
            if t.start >= h.start {
                break;
            }
            if self.marks[k] & REL == 0 || t.end >= h.start {
                continue;
            }
            if let Some(c) = self.text[t.end..h.start].find(',') {
                let end = t.end + c + 1;
                let span = t.start..end;
                let holds_hit = self
                    .cores
                    .iter()
                    .any(|o| o != h && o.start >= span.start && o.end <= span.end);
                if !holds_hit {
                    masks.push(span);
                }
            }
        }
        masks
    }

    /// Number of words in `text[a..b]`.
    fn words_between(&self, a: usize, b: usize) -> usize {
        let lo = self.tokens.partition_point(|t| t.start < a);
        let hi = self.tokens.partition_point(|t| t.end <= b);
        hi.saturating_sub(lo)
    }

    /// `text[a..b]` holds at most `max` words and no sentence or clause punctuation.
    fn gap_ok(&self, a: usize, b: usize, max: usize) -> bool {
        a <= b
            && !self.text[a..b].contains(['.', ';', ':', '!', '?', '(', ')'])
            && self.words_between(a, b) <= max
    }

    /// The token right before `h` (only whitespace between) carries `bit`.
    fn preceded_by(&self, h: &Range<usize>, bit: u32) -> bool {
        let k = self.tokens.partition_point(|t| t.end <= h.start);
        k > 0
            && self.marks[k - 1] & bit != 0
            && self.text[self.tokens[k - 1].end..h.start].trim().is_empty()
    }

    /// The word right after `h` (only whitespace between) is a content word that is not a
    /// person: the term describes a thing ("a crazy idea", "a bipolar diagnosis").
    fn attributive_on_thing(&self, h: &Range<usize>) -> bool {
        let k = self.tokens.partition_point(|t| t.start < h.end);
        match self.tokens.get(k) {
            Some(next) => {
                self.text[h.end..next.start]
                    .chars()
                    .all(char::is_whitespace)
                    && self.marks[k] & NOT_CONTENT == 0
                    && self.text[next.clone()]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphabetic)
            }
            None => false,
        }
    }

    /// Whether the subject right before a reporting verb at `pos` is the writer
    /// ("I called him …": the writer's own words).
    fn subject_is_writer(&self, pos: usize) -> bool {
        let k = self.tokens.partition_point(|t| t.end <= pos);
        for j in (k.saturating_sub(SUBJECT_REACH)..k).rev() {
            let m = self.marks[j];
            if m & FIRST != 0 {
                return true;
            }
            if m & (PERSON | OTHER_POSS | FIRST_POSS) != 0 {
                return false;
            }
        }
        false
    }

    /// Whether the subject of the clause before the term has a thing noun for its head: the
    /// last word of its first noun phrase, before any preposition ("the printer in the
    /// college", "our legacy payroll system", "my cat"; not "the group", "one moderator on
    /// that forum").
    fn subject_head_is_thing(&self, h: &Range<usize>, lo: usize) -> bool {
        let first = self.tokens.partition_point(|t| t.end <= h.start);
        // The subject's determiner: not one inside a prepositional phrase ("on the bus",
        // "next to a …").
        let Some(det) = (lo..first).find(|&k| {
            self.marks[k] & (DET | FIRST_POSS | OTHER_POSS | QUANT) != 0
                && (k == 0 || self.marks[k - 1] & PREP == 0)
        }) else {
            return false;
        };
        let mut head = None;
        for k in det + 1..first {
            if !self.adjacent(k - 1, k) || !self.is_content(k) || self.marks[k] & PERSON != 0 {
                break;
            }
            head = Some(k);
        }
        head.is_some_and(|k| self.marks[k] & THING_NOUN != 0)
    }

    /// Only whitespace between token `a` and the next token `b`.
    fn adjacent(&self, a: usize, b: usize) -> bool {
        self.text[self.tokens[a].end..self.tokens[b].start]
            .trim()
            .is_empty()
    }

    fn word(&self, k: usize) -> &str {
        &self.text[self.tokens[k].clone()]
    }

    /// A content word: no word-class mark, starts with a letter.
    fn is_content(&self, k: usize) -> bool {
        self.marks[k] & GRAMMAR == 0 && self.word(k).chars().next().is_some_and(char::is_alphabetic)
    }

    /// An unlisted "-ly" adverb ("basically", "genuinely"), looked past like an intensifier.
    fn is_ly_adverb(&self, k: usize) -> bool {
        let w = self.word(k);
        self.is_content(k) && w.len() > 4 && w.to_ascii_lowercase().ends_with("ly")
    }

    fn is_adverb(&self, k: usize) -> bool {
        self.marks[k] & INTENS != 0 || self.is_ly_adverb(k)
    }

    /// A comma and a coordinator start a new clause with its own subject between `a` and `b`:
    /// "They called me difficult, and the … on the ward were kind" (not ", and a …", a list).
    fn new_clause_between(&self, a: usize, b: usize) -> bool {
        let lo = self.tokens.partition_point(|t| t.start < a);
        let hi = self.tokens.partition_point(|t| t.end <= b);
        (lo.max(1)..hi.saturating_sub(1)).any(|k| {
            self.marks[k] & COORD != 0
                && self.text[self.tokens[k - 1].end..self.tokens[k].start].contains(',')
                && self.adjacent(k, k + 1)
                && self.marks[k + 1]
                    & (OTHER_REF | FIRST_POSS | OTHER_POSS | PERSON | FIRST | QUANT | THING | EXPL)
                    != 0
                && self.marks[k + 1] & OBJ == 0
        })
    }

    /// The term's first word is an intensifier or determiner ("just a cry for help").
    fn starts_with_modifier(&self, h: &Range<usize>) -> bool {
        let k = self.tokens.partition_point(|t| t.end <= h.start);
        k < self.tokens.len()
            && self.tokens[k].start == h.start
            && self.marks[k] & (INTENS | DET | QUANT) != 0
    }

    /// The words a reporting cue ending at `cue_end` reports are a quotation that closes before
    /// the term, and a new phrase starts after it: "She said ‘recovery is a process’, and the
    /// … in the hostel laughed" (the report is the quotation, not the term). A term right after
    /// "a" / "an" stays reported ("they called him ‘difficult’ and a …").
    fn report_is_quoted(&self, cue_end: usize, h: &Range<usize>) -> bool {
        self.quotes.iter().any(|q| {
            q.start >= cue_end
                && q.end <= h.start
                && self.words_between(cue_end, q.start) <= 2
                && self.words_between(q.end, h.start) >= 2
                && (!self.preceded_by(h, DET) || self.preceded_by(h, OTHER_REF))
        })
    }

    /// Who a term is said of when the clause shows it: as the predicate of a linking verb
    /// ("my sponsor has been an …", "None of them were …", "I have been a drug user and an …"),
    /// or (for `person_noun` terms) as the object of a verb or preposition ("I met an …").
    /// `lo` is the first token of the clause.
    fn who(&self, h: &Range<usize>, lo: usize, person_noun: bool) -> Who {
        let first = self.tokens.partition_point(|t| t.end <= h.start);
        let after = self.tokens.partition_point(|t| t.start < h.end);
        if first >= self.tokens.len() || after == 0 {
            return Who::Unknown;
        }
        // A possessive term ("an alcoholic's son", "the addicts' room") describes what follows.
        let last = self.word(after - 1);
        let tail = &self.text[h.end..];
        if last.ends_with("'s")
            || last.ends_with("\u{2019}s")
            || tail.starts_with(['\'', '\u{2019}'])
        {
            return Who::Unknown;
        }
        // An attributive term ("an alcoholic household") names no person itself.
        let attributive =
            after < self.tokens.len() && self.adjacent(after - 1, after) && self.is_content(after);
        self.who_from(first, lo, person_noun && !attributive, 0)
    }

    /// The start of the words in front of a noun at `first` that belong to it (determiners,
    /// quantifiers, intensifiers and, after a determiner, up to two adjectives), and whether
    /// one of them is a determiner or quantifier.
    fn np_start(&self, first: usize, lo: usize) -> (usize, bool) {
        let mut start = first;
        let mut k = first;
        let mut has_det = false;
        let mut adjectives = 0;
        while k > lo && self.adjacent(k - 1, k) {
            let t = k - 1;
            let m = self.marks[t];
            if m & (DET | QUANT) != 0 {
                has_det = true;
                start = t;
            } else if self.is_adverb(t) {
                start = t;
            } else if adjectives < 2
                && (self.is_content(t) || self.marks[t] & (PERSON | OBJ | FIRST) == PERSON)
            {
                // Adjectives and noun modifiers ("a peer worker", "a drug user").
                adjectives += 1;
            } else {
                break;
            }
            k = t;
        }
        (start, has_det)
    }

    fn who_from(&self, first: usize, lo: usize, person_noun: bool, depth: u8) -> Who {
        let (np, has_det) = self.np_start(first, lo);
        if np <= lo {
            return Who::Unknown;
        }
        let lead = np - 1;
        let gap = self.text[self.tokens[lead].end..self.tokens[np].start].trim();
        let m = self.marks[lead];
        // Coordination: "a drug user and an …", "a mother, a sister and an …" say the same
        // subject's nouns; "I met a nurse and an …" the same verb's objects.
        if gap == "," || (gap.is_empty() && m & COORD != 0) {
            if depth >= 3 || (gap == "," && !has_det) {
                return Who::Unknown;
            }
            let head = if gap.is_empty() {
                if lead <= lo {
                    return Who::Unknown;
                }
                lead - 1
            } else {
                lead
            };
            if head < lo || !(self.is_content(head) || self.marks[head] & PERSON != 0) {
                return Who::Unknown;
            }
            if self.marks[head] & (FIRST | OBJ) != 0 {
                return Who::Unknown;
            }
            return self.who_from(head, lo, person_noun, depth + 1);
        }
        if !gap.is_empty() {
            return Who::Unknown;
        }
        if m & LINK != 0 {
            return self.subject_of(lead, lo);
        }
        if m & COMPLEMENT != 0 {
            // "felt like", "looked like": linking only after a linking verb.
            if lead > lo && self.adjacent(lead - 1, lead) && self.marks[lead - 1] & LINK != 0 {
                return self.subject_of(lead - 1, lo);
            }
            return Who::Unknown;
        }
        if m & AUX != 0 && m & (FIRST | PERSON) == 0 {
            // "we had two …": an auxiliary before a noun phrase is a main verb.
            if has_det {
                return if person_noun {
                    Who::Person
                } else {
                    Who::Unknown
                };
            }
            return self.subject_of(lead, lo);
        }
        if m & PREP != 0 && m & (FIRST | PERSON) == 0 {
            if self.word(lead).eq_ignore_ascii_case("of") {
                // "I was one of the …", "he was one of many …": the quantifier's own place.
                let partitive = lead > lo
                    && depth < 3
                    && self.adjacent(lead - 1, lead)
                    && self.marks[lead - 1] & QUANT != 0
                    && self.marks[lead - 1] & NEG == 0;
                if partitive {
                    return self.who_from(lead - 1, lo, person_noun, depth + 1);
                }
                return Who::Unknown;
            }
            // "next to an …", "surrounded by …".
            return if person_noun {
                Who::Person
            } else {
                Who::Unknown
            };
        }
        if person_noun && has_det && self.is_content(lead) && !self.is_ly_adverb(lead) {
            // The object of a verb: "I met an …", "we had two …".
            return Who::Person;
        }
        Who::Unknown
    }

    /// The subject of the linking verb at `c`: back past auxiliaries, intensifiers and (for
    /// "to be" and "being") one main verb: "I hated being …", "my sponsor used to be …".
    fn subject_of(&self, c: usize, lo: usize) -> Who {
        let mc = self.marks[c];
        // The linking word may carry its subject: "I'm", "he's", "it's", "there's".
        if mc & NEG != 0 {
            return Who::Negative;
        }
        if mc & FIRST != 0 && mc & OBJ == 0 {
            return Who::Writer;
        }
        if mc & PERSON != 0 {
            return Who::Person;
        }
        if mc & EXPL != 0 {
            return Who::Unknown;
        }
        if mc & THING != 0 {
            return Who::Thing;
        }
        let gerund = self.word(c).to_ascii_lowercase().ends_with("ing");
        let mut j = c;
        let mut infinitive = false;
        let mut verb_skipped = false;
        let mut skips = 0;
        loop {
            if j <= lo || !self.adjacent(j - 1, j) {
                return Who::Unknown;
            }
            let t = j - 1;
            let m = self.marks[t];
            let auxiliary =
                m & (AUX | LINK | INTENS) != 0 && m & (FIRST | PERSON | THING | EXPL | NEG) == 0;
            if auxiliary || self.is_ly_adverb(t) {
                if self.word(t).eq_ignore_ascii_case("to") {
                    infinitive = true;
                }
                skips += 1;
                if skips > 5 {
                    return Who::Unknown;
                }
                j = t;
                continue;
            }
            if (infinitive || gerund) && !verb_skipped && self.is_content(t) {
                verb_skipped = true;
                j = t;
                continue;
            }
            break;
        }
        self.classify_subject(j - 1, lo)
    }

    /// Who the subject ending at token `s` is: the writer, a person, a thing, a negative
    /// ("None of the people in my group"), or unknown.
    fn classify_subject(&self, s: usize, lo: usize) -> Who {
        let m = self.marks[s];
        if m & NEG != 0 {
            return Who::Negative;
        }
        if m & FIRST != 0 && m & OBJ == 0 {
            return Who::Writer;
        }
        if m & EXPL != 0 {
            // "Nobody there was …", "no patient there was …": a place, after the subject.
            if s > lo && self.adjacent(s - 1, s) {
                if self.marks[s - 1] & NEG != 0 {
                    return Who::Negative;
                }
                if self.is_content(s - 1) || self.marks[s - 1] & (PERSON | OBJ) == PERSON {
                    return self.classify_subject(s - 1, lo);
                }
            }
            return Who::Unknown;
        }
        if m & THING != 0 {
            return Who::Thing;
        }
        if m & (PERSON | OBJ) == 0 && !self.is_content(s) {
            return Who::Unknown;
        }
        let mut person = m & PERSON != 0;
        // "all of us", "many of us"; not "the nurse who looked after me".
        let mut writer = m & FIRST != 0
            && s > lo
            && self.adjacent(s - 1, s)
            && self.word(s - 1).eq_ignore_ascii_case("of");
        let mut determined = false;
        // Walk the subject's noun phrase back to its left edge, through prepositional phrases
        // ("the lads on my street", "none of the people in my group") and reduced relatives
        // ("the man I met").
        let mut k = s;
        let mut steps = 0;
        while k > lo && steps < 10 && self.adjacent(k - 1, k) {
            let t = k - 1;
            let mt = self.marks[t];
            if mt & NEG != 0 {
                if self.negative_heads(t + 1, s) {
                    return Who::Negative;
                }
                break;
            }
            if mt & PERSON != 0 {
                person = true;
            }
            if mt & FIRST != 0 {
                // "me and my mates", "my sponsor and I"
                let coordinated = (t + 1 < self.tokens.len() && self.marks[t + 1] & COORD != 0)
                    || (t > 0 && self.marks[t - 1] & COORD != 0);
                if coordinated {
                    writer = true;
                }
            }
            if mt & (DET | FIRST_POSS | OTHER_POSS | QUANT) != 0 {
                determined = true;
                // The left edge, unless a preposition continues the phrase to the left.
                let continues = t > lo
                    && self.adjacent(t - 1, t)
                    && self.marks[t - 1] & (PREP | NEG | COORD) != 0;
                if !continues {
                    break;
                }
            }
            k = t;
            steps += 1;
        }
        if writer {
            return Who::Writer;
        }
        if person {
            return Who::Person;
        }
        if self.is_content(s) {
            let w = self.word(s);
            let initial = s == 0
                || self.text[self.tokens[s - 1].end..self.tokens[s].start]
                    .contains(['.', '!', '?', '"', '\u{201c}']);
            if starts_upper(w) && !initial {
                // A name: "After rehab, Tom was …" (only mid-sentence, where capitals say so).
                return Who::Person;
            }
            if determined {
                return Who::Thing;
            }
        }
        Who::Unknown
    }

    /// The words after a negative word (from token `n`) continue the subject ending at `s`:
    /// "none of …", "nobody on that ward", "no patient", "not one person on …", "nobody I met".
    fn negative_heads(&self, n: usize, s: usize) -> bool {
        if n > s {
            return false;
        }
        if n == s {
            return true;
        }
        let m = self.marks[n];
        if m & (PREP | EXPL | REL) != 0 {
            return true;
        }
        if m & FIRST != 0 && m & OBJ == 0 {
            return true;
        }
        if m & PERSON != 0 || self.is_content(n) {
            return self.marks[n + 1] & (PREP | EXPL | REL) != 0;
        }
        false
    }

    /// Who the term is about: the writer, someone else, or unknown.
    fn referent(
        &self,
        h: &Range<usize>,
        scope: SelfScope,
        sentence: &Range<usize>,
        clause_start: usize,
        masked: &[Range<usize>],
    ) -> Option<Referent> {
        let first = self.tokens.partition_point(|t| t.end <= h.start);
        let after = self.tokens.partition_point(|t| t.start < h.end);
        // 1. Said of a person right after: "alcoholic father", "crazy people".
        if let Some(next) = self.tokens.get(after) {
            if next.start < sentence.end
                && self.text[h.end..next.start]
                    .chars()
                    .all(char::is_whitespace)
                && self.marks[after] & PERSON != 0
            {
                return Some(Referent::Other);
            }
        }
        // 2. Right before, looking past quantifiers: "the addicts", "with addicts",
        //    "met many addicts", "his madness", "my madness" ("we were all …" falls through).
        let mut k = first;
        let mut end = h.start;
        while k > 0 && self.text[self.tokens[k - 1].end..end].trim().is_empty() {
            let m = self.marks[k - 1];
            if m & OTHER_POSS != 0 || (m & OTHER_REF != 0 && scope == SelfScope::Phrase) {
                return Some(Referent::Other);
            }
            if m & FIRST_POSS != 0 {
                return Some(Referent::Writer);
            }
            if m & QUANT == 0 {
                break;
            }
            k -= 1;
            end = self.tokens[k].start;
        }
        // 3. The nearest person before, within the clause when it has a subject of its own
        //    ("Staff called me difficult, but the real … on the ward": the writer is in another
        //    clause; "I stayed clean and then relapsed" shares the writer).
        let own_subject = self
            .tokens
            .iter()
            .zip(&self.marks)
            .take(first)
            .any(|(t, m)| {
                t.start >= clause_start
                    && m & (FIRST | PERSON | FIRST_POSS | OTHER_POSS | DET | THING | EXPL) != 0
            });
        let lower = if own_subject {
            sentence.start.max(clause_start)
        } else {
            sentence.start
        };
        let mut seen = 0;
        for k in (0..first).rev() {
            let t = &self.tokens[k];
            if t.end <= lower {
                break;
            }
            if overlaps_any(masked, t) {
                continue;
            }
            seen += 1;
            if seen > REFERENT_REACH {
                break;
            }
            let m = self.marks[k];
            if m & FIRST != 0 {
                return Some(Referent::Writer);
            }
            if m & PERSON != 0 {
                return Some(Referent::Other);
            }
            if seen <= 2 && m & FIRST_POSS != 0 {
                return Some(Referent::Writer);
            }
            if seen <= 2 && m & OTHER_POSS != 0 {
                return Some(Referent::Other);
            }
        }
        // 4. An opening phrase: "Suffering from depression, I stopped going out."
        if let Some(c) = self.text[h.end..sentence.end.max(h.end)].find(',') {
            let k = self.tokens.partition_point(|t| t.start < h.end + c);
            if let Some(t) = self.tokens.get(k) {
                if t.start < sentence.end {
                    let m = self.marks[k];
                    if m & FIRST != 0 {
                        return Some(Referent::Writer);
                    }
                    if m & PERSON != 0 {
                        return Some(Referent::Other);
                    }
                }
            }
        }
        None
    }
}

/// The `@intensifiers` macro for rule patterns: up to two words from the frame list.
fn intensifier_macro(list: &[String]) -> String {
    let words: Vec<&str> = list
        .iter()
        .map(|w| w.trim())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return String::new();
    }
    let group = format!("({})?", words.join("|"));
    format!("{group} {group}")
}

/// Replaces `@intensifiers` in a rule pattern (not in `re:` patterns).
fn expand_macros(pattern: &str, intensifiers: &str) -> String {
    if pattern.trim_start().starts_with("re:") || !pattern.contains("@intensifiers") {
        return pattern.to_string();
    }
    pattern.replace("@intensifiers", intensifiers)
}
