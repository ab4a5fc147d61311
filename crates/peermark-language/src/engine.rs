//! The compiled rule set: one-pass matching over every rule pattern, then frame
//! classification for the hits only.

use crate::error::LanguageError;
use crate::messages::message;
use crate::pattern::{compile_pattern, split_cue};
use crate::quotes::{overlaps_any, quote_spans};
use crate::rule::{Finding, Frame, Rule, SelfCode, SelfScope, Severity};
use crate::settings::LanguageSettings;
use peermark_text::{clauses, sentences, word_ranges, Document, Matcher, ParagraphKind};
use regex::{Regex, RegexBuilder};
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
    NotWhen,
}

#[derive(Debug)]
struct PatInfo {
    rule: usize,
    kind: PatKind,
    core: Option<Regex>,
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
            _ => unreachable!("unknown frame list {name}"),
        }
    }

    /// The token bit for word-class lists.
    fn bit(self) -> u16 {
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
            _ => 0,
        }
    }
}

const FIRST: u16 = 1;
const FIRST_POSS: u16 = 2;
const PERSON: u16 = 4;
const OTHER_POSS: u16 = 8;
const OTHER_REF: u16 = 16;
const DET: u16 = 32;
const FUNC: u16 = 64;
const REL: u16 = 128;
const QUANT: u16 = 256;
/// Marks of words that do not make a preceding term attributive ("crazy people", "crazy and").
/// Quantifiers such as "few" (other_reference) do: "a crazy few months".
const NOT_CONTENT: u16 = FIRST | FIRST_POSS | PERSON | OTHER_POSS | DET | FUNC | REL;

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
    marks: Vec<u16>,
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

pub(crate) fn is_table_id(id: &str) -> bool {
    id.len() == 3 && id.starts_with('L') && id[1..].chars().all(|c| c.is_ascii_digit())
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

        // Every pattern of every rule, one matcher.
        let mut regexes: Vec<String> = Vec::new();
        let mut pats: Vec<PatInfo> = Vec::new();
        for (ri, rule) in rules.iter().enumerate() {
            let lists: [(&'static str, &Vec<String>, PatKind); 4] = [
                ("severe_patterns", &rule.severe_patterns, PatKind::Severe),
                ("patterns", &rule.patterns, PatKind::Normal),
                ("sense_patterns", &rule.sense_patterns, PatKind::Sense),
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
                    let c = compile_pattern(p).map_err(err)?;
                    let core = if c.has_core && kind != PatKind::NotWhen {
                        Some(
                            RegexBuilder::new(&format!("(?i){}", c.regex))
                                .size_limit(1 << 24)
                                .build()
                                .map_err(|e| err(e.to_string()))?,
                        )
                    } else {
                        None
                    };
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
                        combined.push(compile(b)?);
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
                self.check_paragraph(&p.text, &p.emphasis, i, &mut out);
            }
        }
        out
    }

    /// Checks one paragraph of plain text (paragraph index 0).
    pub fn check_text(&self, text: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        self.check_paragraph(text, &[], 0, &mut out);
        out
    }

    fn check_paragraph(
        &self,
        text: &str,
        emphasis: &[Range<usize>],
        paragraph: usize,
        out: &mut Vec<Finding>,
    ) {
        let Some(matcher) = &self.matcher else { return };
        if !matcher.is_match(text) {
            return;
        }
        let cands = self.candidates(matcher, text);
        if cands.is_empty() {
            return;
        }
        let para = self.analyse(text, emphasis, &cands);
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
            let core = match &info.core {
                None => h.range.clone(),
                Some(re) => match re.captures_at(text, h.range.start) {
                    Some(caps) if caps.get(0).is_some_and(|m| m.start() == h.range.start) => {
                        match caps.name("core") {
                            Some(m) if m.start() < m.end() => m.range(),
                            _ => continue,
                        }
                    }
                    _ => continue,
                },
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
        // Longest term wins; ties: severe form, then earlier start, then earlier rule.
        cands.sort_by(|a, b| {
            (b.core.end - b.core.start)
                .cmp(&(a.core.end - a.core.start))
                .then((a.kind != PatKind::Severe).cmp(&(b.kind != PatKind::Severe)))
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

    fn analyse<'a>(&self, text: &'a str, emphasis: &[Range<usize>], cands: &[Cand]) -> Para<'a> {
        let tokens = word_ranges(text);
        let mut marks = vec![0u16; tokens.len()];
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
        let mut quotes = quote_spans(text);
        quotes.extend(emphasis.iter().cloned());
        let titlecase = is_titlecase(text, &tokens);
        Para {
            text,
            tokens,
            marks,
            sentences: sentences(text),
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
        let code = rule.self_code;
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

        let about_people = rule.about_people && cand.kind != PatKind::Sense;
        if about_people && p.attributive_on_thing(h) {
            return None;
        }
        let referent = p.referent(h, rule.self_scope, &sentence, &masked);
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
            p.part_hits[b].iter().any(|r| {
                if covers(r, h) {
                    return true;
                }
                r.start >= scope_start
                    && r.end <= h.start
                    && !overlaps_any(masked, r)
                    && p.words_between(r.end, h.start) <= reach
                    && !self.scope_broken(p, r.end, h.start)
                    && (kind != CueKind::ReportingActive || !p.subject_is_writer(r.start))
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
                r.end <= h.start
                    && p.gap_ok(r.end, h.start, gap)
                    && !self.scope_broken(p, r.end, h.start)
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
            if t.starts_with([':', '\u{2013}', '\u{2014}']) {
                i -= 1;
            } else {
                break;
            }
        }
        cl[i].start
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
    fn preceded_by(&self, h: &Range<usize>, bit: u16) -> bool {
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

    /// Who the term is about: the writer, someone else, or unknown.
    fn referent(
        &self,
        h: &Range<usize>,
        scope: SelfScope,
        sentence: &Range<usize>,
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
        // 3. The nearest person before, within the sentence.
        let mut seen = 0;
        for k in (0..first).rev() {
            let t = &self.tokens[k];
            if t.end <= sentence.start {
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
