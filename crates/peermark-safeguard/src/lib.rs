//! peermark's safeguarding scan: points an assessor to sentences whose wording suggests
//! *current* risk (present-tense ideation, plans, current self-harm, current harm from others).
//!
//! Past experience told as part of a recovery story (attempts, self-harm, admissions, abuse) is
//! expected content and is never flagged. The scan never marks and never reaches the learner's
//! feedback; it only says where a human should read.
//!
//! The approach follows ConText (Harkema et al. 2009): find a *trigger* concept, then read the
//! *modifiers* around it — idiom, negation, hypothetical or generic subject, other experiencer,
//! memory frame and time (historical, present, recent, future) — in the trigger's clause and the
//! clauses next to it. Every word list is data (`rubrics/safeguarding-cues.toml`, table
//! `[safeguarding]`); this crate holds only the reading rules. One [`Matcher`] pass per
//! paragraph finds triggers and modifiers together.

pub mod model;

pub use model::{Model, ModelSettings};
use peermark_text::phrase::longest_non_overlapping;
use peermark_text::{clauses, compile_phrase, sentences, Document, Hit, Matcher, ParagraphKind};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// The `[safeguarding]` table of a rubric: cue lexicons plus the organisation's contact
/// details.
#[derive(Deserialize, Clone, Debug)]
pub struct SafeguardingSettings {
    /// The organisation's safeguarding contact (assessor report header). Set by the main rubric.
    #[serde(default)]
    pub contact: String,
    /// The learner-facing support line. Set by the main rubric.
    #[serde(default)]
    pub support_line: String,
    /// Words allowed between a word-level cue (tense, negation, first person) and the trigger.
    #[serde(default = "default_window")]
    pub window: usize,
    /// Trigger concepts, each with the tier it takes when read as current.
    #[serde(default)]
    pub triggers: Vec<TriggerGroup>,
    /// Modifier lexicons.
    #[serde(default)]
    pub modifiers: Modifiers,
    /// The n-gram model that reads every sentence beside the cues (`[safeguarding.model]`).
    #[serde(default)]
    pub model: Option<ModelSettings>,
}

fn default_window() -> usize {
    4
}

/// One trigger concept (`[[safeguarding.triggers]]`).
#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct TriggerGroup {
    /// Stable name, e.g. `explicit-ideation`.
    pub id: String,
    /// Cue shown when the wording reads as current, e.g. "present-tense ideation".
    pub cue: String,
    /// Cue when a coping or safety frame lowered the tier (default: `cue`).
    #[serde(default)]
    pub cue_with_coping: Option<String>,
    /// Cue when no time reading could be made (default: `cue`).
    #[serde(default)]
    pub cue_untimed: Option<String>,
    /// Cue when past and present markers conflict (default: `cue`).
    #[serde(default)]
    pub cue_mixed: Option<String>,
    /// Tier (2–4) when the wording reads as current.
    pub tier: u8,
    /// Tier when no time reading could be made (default: `tier`).
    #[serde(default)]
    pub tier_untimed: Option<u8>,
    /// Tier a coping/safety frame lowers to (default: `tier`, i.e. no lowering).
    #[serde(default)]
    pub tier_with_coping: Option<u8>,
    /// Tier a timeline cue ("tonight", "after I submit") raises to (default: no raising).
    #[serde(default)]
    pub tier_with_timeline: Option<u8>,
    /// Phrases whose experiencer is read from the context.
    #[serde(default)]
    pub phrases: Vec<String>,
    /// Phrases that name the learner as the person at risk ("kill myself", "hits me"): another
    /// person mentioned near them does not make the sentence third-party.
    #[serde(default)]
    pub self_phrases: Vec<String>,
}

/// The modifier lexicons (`[safeguarding.modifiers]`); see the cue file for what each does.
#[derive(Deserialize, Clone, Debug, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Modifiers {
    pub historical: Vec<String>,
    pub closure: Vec<String>,
    pub past_tense: Vec<String>,
    pub present_tense: Vec<String>,
    pub ongoing: Vec<String>,
    pub recency: Vec<String>,
    pub frequency: Vec<String>,
    pub future: Vec<String>,
    pub timeline: Vec<String>,
    pub hypothetical: Vec<String>,
    pub generic: Vec<String>,
    pub other_experiencer: Vec<String>,
    pub negation: Vec<String>,
    pub terminators: Vec<String>,
    pub first_person: Vec<String>,
    pub coping: Vec<String>,
    pub idioms: Vec<String>,
    pub memory_frames: Vec<String>,
    pub contrast: Vec<String>,
}

/// A settings error; the message starts with the field's path, e.g.
/// `safeguarding.triggers[2].phrases[4]: …`.
#[derive(Debug, thiserror::Error)]
pub enum SafeguardError {
    /// A phrase that does not compile.
    #[error("{field}: phrase {phrase:?}: {message}")]
    Phrase {
        field: String,
        phrase: String,
        message: String,
    },
    /// A value out of range or missing.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
}

impl SafeguardError {
    /// The path of the offending field.
    pub fn field(&self) -> &str {
        match self {
            SafeguardError::Phrase { field, .. } | SafeguardError::Invalid { field, .. } => field,
        }
    }
}

/// A sentence an assessor should read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// Paragraph index in the document, 0-based.
    pub paragraph: usize,
    /// The sentence's bytes in the paragraph's text.
    pub range: Range<usize>,
    /// 2 (present distress with coping), 3 (present, no coping frame), 4 (plan, preparation,
    /// timeline).
    pub tier: u8,
    /// What was found, in factual, non-diagnostic words (from the cue file).
    pub cue: String,
    /// The sentence.
    pub quote: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cat {
    Historical,
    Closure,
    PastTense,
    PresentTense,
    Ongoing,
    Recency,
    Frequency,
    Future,
    Timeline,
    Hypothetical,
    Generic,
    Other,
    Negation,
    Terminator,
    FirstPerson,
    Coping,
    Idiom,
    Memory,
    Contrast,
}

impl Cat {
    /// Categories that take part in "the longer modifier absorbs the shorter one". Negation
    /// stays out: "I don't" read as present tense must not hide the "don't".
    fn absorbs(self) -> bool {
        !matches!(
            self,
            Cat::FirstPerson
                | Cat::Coping
                | Cat::Idiom
                | Cat::Negation
                | Cat::Terminator
                | Cat::Contrast
        )
    }
    /// Time markers that read as current (strong or weak).
    fn is_current(self) -> bool {
        self.is_strong_current()
            || matches!(self, Cat::PresentTense | Cat::Ongoing | Cat::Frequency)
    }
    /// Time markers that read as current even next to a past marker.
    fn is_strong_current(self) -> bool {
        matches!(self, Cat::Recency | Cat::Future | Cat::Timeline)
    }
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Trigger { group: usize, self_phrase: bool },
    Mod(Cat),
}

#[derive(Clone, Debug)]
struct Group {
    cue: String,
    cue_with_coping: String,
    cue_untimed: String,
    cue_mixed: String,
    tier: u8,
    tier_untimed: u8,
    tier_with_coping: u8,
    tier_with_timeline: Option<u8>,
}

/// The compiled scan. Cheap to share between threads.
#[derive(Clone, Debug)]
pub struct Scanner {
    /// Trigger phrases: one pass per paragraph; most paragraphs stop here.
    triggers: Matcher,
    /// Modifier phrases: one pass over a paragraph that holds a trigger.
    modifiers: Matcher,
    /// What each phrase is: triggers first, then modifiers (offset by `triggers.len()`).
    kinds: Vec<Kind>,
    groups: Vec<Group>,
    window: usize,
    model: Option<Model>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Reading {
    Current,
    Mixed,
    Untimed,
}

struct Found {
    tier: u8,
    cue: String,
    /// No time reading could be made (and no timeline raised it).
    untimed: bool,
}

/// The hits of one sentence, sorted into kinds.
struct Ctx<'a> {
    text: &'a str,
    mods: Vec<(Cat, Range<usize>)>,
    first_person: Vec<Range<usize>>,
    idioms: Vec<Range<usize>>,
    terminators: Vec<Range<usize>>,
    window: usize,
}

impl Scanner {
    /// Compiles the settings; errors name the field.
    pub fn new(s: &SafeguardingSettings) -> Result<Scanner, SafeguardError> {
        if s.window == 0 || s.window > 20 {
            return Err(invalid(
                "safeguarding.window",
                format!("must be between 1 and 20 words (got {})", s.window),
            ));
        }
        if s.triggers.is_empty() {
            return Err(invalid(
                "safeguarding.triggers",
                "no trigger groups: include the safeguarding cue file".into(),
            ));
        }
        let mut phrases: Vec<String> = Vec::new();
        let mut kinds = Vec::new();
        let mut fields = Vec::new();
        let mut groups = Vec::new();
        for (gi, g) in s.triggers.iter().enumerate() {
            let base = format!("safeguarding.triggers[{gi}]");
            if g.id.trim().is_empty() {
                return Err(invalid(&format!("{base}.id"), "must not be empty".into()));
            }
            if g.cue.trim().is_empty() {
                return Err(invalid(&format!("{base}.cue"), "must not be empty".into()));
            }
            for (name, cue) in [
                ("cue_with_coping", &g.cue_with_coping),
                ("cue_untimed", &g.cue_untimed),
                ("cue_mixed", &g.cue_mixed),
            ] {
                if cue.as_ref().is_some_and(|c| c.trim().is_empty()) {
                    return Err(invalid(
                        &format!("{base}.{name}"),
                        "must not be empty".into(),
                    ));
                }
            }
            check_tier(&format!("{base}.tier"), g.tier)?;
            for (name, t) in [
                ("tier_untimed", g.tier_untimed),
                ("tier_with_coping", g.tier_with_coping),
                ("tier_with_timeline", g.tier_with_timeline),
            ] {
                if let Some(t) = t {
                    check_tier(&format!("{base}.{name}"), t)?;
                }
            }
            if g.phrases.is_empty() && g.self_phrases.is_empty() {
                return Err(invalid(
                    &format!("{base}.phrases"),
                    "a trigger group needs at least one phrase".into(),
                ));
            }
            for (list, self_phrase, name) in [
                (&g.phrases, false, "phrases"),
                (&g.self_phrases, true, "self_phrases"),
            ] {
                for (pi, p) in list.iter().enumerate() {
                    phrases.push(p.clone());
                    kinds.push(Kind::Trigger {
                        group: gi,
                        self_phrase,
                    });
                    fields.push(format!("{base}.{name}[{pi}]"));
                }
            }
            groups.push(Group {
                cue: g.cue.clone(),
                cue_with_coping: g.cue_with_coping.clone().unwrap_or_else(|| g.cue.clone()),
                cue_untimed: g.cue_untimed.clone().unwrap_or_else(|| g.cue.clone()),
                cue_mixed: g.cue_mixed.clone().unwrap_or_else(|| g.cue.clone()),
                tier: g.tier,
                tier_untimed: g.tier_untimed.unwrap_or(g.tier),
                tier_with_coping: g.tier_with_coping.unwrap_or(g.tier),
                tier_with_timeline: g.tier_with_timeline,
            });
        }
        let m = &s.modifiers;
        let lists: [(&str, &Vec<String>, Cat); 19] = [
            ("historical", &m.historical, Cat::Historical),
            ("closure", &m.closure, Cat::Closure),
            ("past_tense", &m.past_tense, Cat::PastTense),
            ("present_tense", &m.present_tense, Cat::PresentTense),
            ("ongoing", &m.ongoing, Cat::Ongoing),
            ("recency", &m.recency, Cat::Recency),
            ("frequency", &m.frequency, Cat::Frequency),
            ("future", &m.future, Cat::Future),
            ("timeline", &m.timeline, Cat::Timeline),
            ("hypothetical", &m.hypothetical, Cat::Hypothetical),
            ("generic", &m.generic, Cat::Generic),
            ("other_experiencer", &m.other_experiencer, Cat::Other),
            ("negation", &m.negation, Cat::Negation),
            ("terminators", &m.terminators, Cat::Terminator),
            ("first_person", &m.first_person, Cat::FirstPerson),
            ("coping", &m.coping, Cat::Coping),
            ("idioms", &m.idioms, Cat::Idiom),
            ("memory_frames", &m.memory_frames, Cat::Memory),
            ("contrast", &m.contrast, Cat::Contrast),
        ];
        for (name, list, cat) in lists {
            for (pi, p) in list.iter().enumerate() {
                phrases.push(p.clone());
                kinds.push(Kind::Mod(cat));
                fields.push(format!("safeguarding.modifiers.{name}[{pi}]"));
            }
        }
        // Compile one by one first, so that an error names its field.
        for (i, p) in phrases.iter().enumerate() {
            compile_phrase(p).map_err(|message| SafeguardError::Phrase {
                field: fields[i].clone(),
                phrase: p.clone(),
                message,
            })?;
        }
        let n_triggers = kinds
            .iter()
            .take_while(|k| matches!(k, Kind::Trigger { .. }))
            .count();
        let build = |offset: usize, list: &[String]| {
            Matcher::new(list).map_err(|e| SafeguardError::Phrase {
                field: fields
                    .get(offset + e.index)
                    .cloned()
                    .unwrap_or_else(|| "safeguarding".into()),
                phrase: e.phrase.clone(),
                message: e.message.clone(),
            })
        };
        let triggers = build(0, &phrases[..n_triggers])?;
        let modifiers = build(n_triggers, &phrases[n_triggers..])?;
        let model = match &s.model {
            Some(m) => Some(Model::new(m).map_err(|e| invalid("safeguarding.model", e))?),
            None => None,
        };
        Ok(Scanner {
            triggers,
            modifiers,
            kinds,
            groups,
            window: s.window,
            model,
        })
    }

    /// Flags in every paragraph of a document (the reference list is skipped), in paragraph
    /// and sentence order.
    pub fn scan(&self, doc: &Document) -> Vec<Flag> {
        let mut out = Vec::new();
        for (i, p) in doc.paragraphs.iter().enumerate() {
            if matches!(
                p.kind,
                ParagraphKind::Reference | ParagraphKind::ReferenceHeading
            ) {
                continue;
            }
            out.extend(self.scan_paragraph(i, &p.text));
        }
        out
    }

    /// Flags in one paragraph of text (`paragraph` is 0 in every flag).
    pub fn scan_text(&self, text: &str) -> Vec<Flag> {
        self.scan_paragraph(0, text)
    }

    fn scan_paragraph(&self, paragraph: usize, text: &str) -> Vec<Flag> {
        let cues = self.scan_cues(paragraph, text);
        let Some(model) = &self.model else {
            return cues.into_iter().map(|(f, _)| f).collect();
        };
        let sents = sentences(text);
        let windows = model.window_scores(text, &sents);
        // A cue with no time reading stands only when the model reads the sentence's
        // windows as current too; a cue read as current always stands.
        let mut flags: Vec<Flag> = cues
            .into_iter()
            .filter(|(f, untimed)| {
                !untimed
                    || sents
                        .iter()
                        .position(|s| *s == f.range)
                        .is_some_and(|i| model.confirms(&windows, i))
            })
            .map(|(f, _)| f)
            .collect();
        for (range, why) in model.flagged(text, &sents, &windows) {
            if flags.iter().any(|f| f.range == range) {
                continue;
            }
            flags.push(Flag {
                paragraph,
                quote: text[range.clone()].to_string(),
                range,
                tier: model.tier,
                cue: if why.is_empty() {
                    model.cue.clone()
                } else {
                    format!("{} ({})", model.cue, why.join(", "))
                },
            });
        }
        flags.sort_by_key(|f| f.range.start);
        flags
    }

    /// The cues' flags in one paragraph of text, each with whether every cue in it had no
    /// time reading (`paragraph` is 0 in every flag): what the cue file alone finds.
    pub fn cue_flags(&self, text: &str) -> Vec<(Flag, bool)> {
        self.scan_cues(0, text)
    }

    /// The cues' flags in one paragraph, each with whether all its cues were untimed.
    fn scan_cues(&self, paragraph: usize, text: &str) -> Vec<(Flag, bool)> {
        let triggers = self.triggers.find_all(text);
        if triggers.is_empty() {
            return Vec::new();
        }
        let triggers = longest_non_overlapping(triggers);
        let offset = self.triggers.len();
        let mut absorbing = Vec::new();
        let mut others = Vec::new();
        for mut h in self.modifiers.find_all(text) {
            h.pattern += offset;
            match self.kinds[h.pattern] {
                Kind::Mod(c) if c.absorbs() => absorbing.push(h),
                _ => others.push(h),
            }
        }
        let mut mods: Vec<Hit> = longest_non_overlapping(absorbing.clone());
        // A closure frame ("these days I", "today I") keeps the current-time cues it overlaps
        // ("these days", "I feel"): in the trigger's own clause they are its present time.
        // `read` tells them apart by their overlap with the frame.
        let cat = |h: &Hit| match self.kinds[h.pattern] {
            Kind::Mod(c) => Some(c),
            Kind::Trigger { .. } => None,
        };
        let frames: Vec<Range<usize>> = mods
            .iter()
            .filter(|h| cat(h) == Some(Cat::Closure))
            .map(|h| h.range.clone())
            .collect();
        let framed: Vec<Hit> = absorbing
            .into_iter()
            .filter(|h| {
                cat(h).is_some_and(Cat::is_current)
                    && frames.iter().any(|f| overlaps(f, &h.range))
                    && mods
                        .iter()
                        .all(|k| cat(k) == Some(Cat::Closure) || !overlaps(&k.range, &h.range))
            })
            .collect();
        mods.extend(longest_non_overlapping(framed));
        mods.extend(others);

        let sents = sentences(text);
        let mut out = Vec::new();
        for (si, s) in sents.iter().enumerate() {
            let in_s: Vec<&Hit> = triggers
                .iter()
                .filter(|t| t.range.start >= s.start && t.range.start < s.end)
                .collect();
            if in_s.is_empty() {
                continue;
            }
            let ctx = self.context(text, s, &mods);
            let cls = clauses(text, s.clone());
            let coping = self.has_coping(text, &mods, s)
                || sents
                    .get(si + 1)
                    .is_some_and(|n| self.has_coping(text, &mods, n));
            let mut found: Vec<Found> = Vec::new();
            for t in in_s {
                let Kind::Trigger { group, self_phrase } = self.kinds[t.pattern] else {
                    continue;
                };
                if let Some(f) = self.read(&ctx, &cls, &t.range, group, self_phrase, coping) {
                    found.push(f);
                }
            }
            let Some(tier) = found.iter().map(|f| f.tier).max() else {
                continue;
            };
            let mut ordered: Vec<&Found> = found.iter().collect();
            ordered.sort_by_key(|f| std::cmp::Reverse(f.tier));
            let mut cues: Vec<&str> = Vec::new();
            for f in ordered {
                if !cues.contains(&f.cue.as_str()) {
                    cues.push(&f.cue);
                }
            }
            let untimed = found.iter().all(|f| f.untimed);
            out.push((
                Flag {
                    paragraph,
                    range: s.clone(),
                    tier,
                    cue: cues.join("; "),
                    quote: text[s.clone()].to_string(),
                },
                untimed,
            ));
        }
        out
    }

    fn context<'a>(&self, text: &'a str, s: &Range<usize>, mods: &[Hit]) -> Ctx<'a> {
        let mut ctx = Ctx {
            text,
            mods: Vec::new(),
            first_person: Vec::new(),
            idioms: Vec::new(),
            terminators: Vec::new(),
            window: self.window,
        };
        for h in mods {
            if h.range.start < s.start || h.range.start >= s.end {
                continue;
            }
            let Kind::Mod(c) = self.kinds[h.pattern] else {
                continue;
            };
            match c {
                Cat::FirstPerson => ctx.first_person.push(h.range.clone()),
                Cat::Idiom => ctx.idioms.push(h.range.clone()),
                Cat::Terminator => ctx.terminators.push(h.range.clone()),
                Cat::Coping => {}
                _ => ctx.mods.push((c, h.range.clone())),
            }
        }
        ctx
    }

    /// Whether sentence `s` holds a coping or safety frame that is not negated ("I have not
    /// told my CPN").
    fn has_coping(&self, text: &str, mods: &[Hit], s: &Range<usize>) -> bool {
        let in_s = |r: &Range<usize>| r.start >= s.start && r.start < s.end;
        let is = |h: &Hit, cat: Cat| matches!(self.kinds[h.pattern], Kind::Mod(c) if c == cat);
        mods.iter().any(|h| {
            is(h, Cat::Coping)
                && in_s(&h.range)
                && !mods.iter().any(|n| {
                    is(n, Cat::Negation) && in_s(&n.range) && n.range.end <= h.range.start && {
                        let gap = &text[n.range.end..h.range.start];
                        !gap.contains(CLAUSE_PUNCTUATION) && gap.split_whitespace().count() <= 1
                    }
                })
        })
    }

    /// Reads one trigger; `None` when it is not a cue (tier 0 or 1).
    fn read(
        &self,
        ctx: &Ctx,
        cls: &[Range<usize>],
        t: &Range<usize>,
        group: usize,
        self_phrase: bool,
        coping: bool,
    ) -> Option<Found> {
        let g = &self.groups[group];
        if ctx.idioms.iter().any(|i| overlaps(i, t)) {
            return None;
        }
        let ci = cls
            .iter()
            .position(|c| t.start >= c.start && t.start < c.end)
            .unwrap_or(0);
        let own = cls.get(ci).cloned().unwrap_or(t.clone());
        let in_own = |r: &Range<usize>| r.start >= own.start && r.start < own.end;
        let any_own = |cat: Cat| ctx.mods.iter().any(|(c, r)| *c == cat && in_own(r));
        let on_trigger = |r: &Range<usize>| overlaps(r, t) || ctx.before(r, t, &own);

        // Negation just before the trigger ("I don't self-harm anymore", "I haven't … for years").
        if ctx
            .mods
            .iter()
            .any(|(c, r)| *c == Cat::Negation && !overlaps(r, t) && ctx.before(r, t, &own))
        {
            return None;
        }
        if any_own(Cat::Hypothetical) {
            return None;
        }
        // A present cue that is part of a closure frame ("these days I", "today I"). In the
        // trigger's own clause it is the narrator's present and counts as current ("These
        // days I feel hopeless"), except against past tense on the trigger itself, where the
        // frame looks back ("These days I can see that I was trapped"); nor does it make a
        // generic or third-party clause a disclosure ("These days I support others who
        // self-harm"). In an adjoining clause the frame is a contrast and reads as past ("Back
        // then …; these days I help others").
        let framed = |r: &Range<usize>| {
            ctx.mods
                .iter()
                .any(|(c, k)| *c == Cat::Closure && overlaps(k, r))
        };
        // Tense on the trigger verb: on or just before the trigger; failing that, a verb just
        // after a noun trigger with no first person on it ("self-harm had done", "suicidal
        // thoughts were"; not "nobody would care if I was gone").
        let tense = |cat: Cat| ctx.mods.iter().any(|(c, r)| *c == cat && on_trigger(r));
        let ongoing = tense(Cat::Ongoing);
        let mut present_tense = tense(Cat::PresentTense);
        let mut present_unframed = ctx
            .mods
            .iter()
            .any(|(c, r)| *c == Cat::PresentTense && on_trigger(r) && !framed(r));
        // Present tense on the trigger's first word is the tense of its verb; a past form
        // further inside the fixed phrase is not ("I wish I was dead", "I still wish I were
        // dead"). It still is when the head is past too ("I wished I was dead").
        let head_present = ctx
            .mods
            .iter()
            .any(|(c, r)| *c == Cat::PresentTense && r.start <= t.start && r.end > t.start);
        let mut past_tense = ctx.mods.iter().any(|(c, r)| {
            *c == Cat::PastTense
                && on_trigger(r)
                && !(head_present && r.start > t.start && r.end <= t.end)
        });
        let first_person_on = self_phrase || ctx.first_person.iter().any(on_trigger);
        if !(ongoing || present_tense || past_tense || first_person_on) {
            let after = |cat: Cat| {
                ctx.mods
                    .iter()
                    .any(|(c, r)| *c == cat && ctx.after(r, t, &own, AFTER_WINDOW))
            };
            present_tense = after(Cat::PresentTense);
            present_unframed = present_tense;
            past_tense = after(Cat::PastTense);
        }
        // A time word inside the trigger ("can't take it anymore", "cutting again", "sorry I'm
        // still here") is part of the fixed phrase, not a separate marker.
        let inside = |r: &Range<usize>| r.start >= t.start && r.end <= t.end;
        let strong_own = ongoing
            || ctx.mods.iter().any(|(c, r)| {
                c.is_strong_current()
                    && in_own(r)
                    && !(*c == Cat::Recency && inside(r))
                    && !(past_tense && framed(r))
            });
        let frequency_own = ctx
            .mods
            .iter()
            .any(|(c, r)| *c == Cat::Frequency && in_own(r) && !inside(r));
        let weak_own = present_tense || frequency_own;
        let current_unframed = ongoing
            || present_unframed
            || ctx.mods.iter().any(|(c, r)| {
                in_own(r)
                    && !framed(r)
                    && ((c.is_strong_current() && !(*c == Cat::Recency && inside(r)))
                        || (*c == Cat::Frequency && !inside(r)))
            });
        let first_person_current = first_person_on && current_unframed;
        if any_own(Cat::Generic) && !first_person_current {
            return None;
        }
        if !self_phrase && any_own(Cat::Other) && !first_person_current {
            return None;
        }
        // Memory frame before the trigger: a remembered or quoted past thought. In the
        // trigger's own clause it always frames the trigger ("I remember thinking, 'I can't go
        // on'", "… as if it were yesterday"). From the previous clause it frames the trigger
        // only while the trigger's own clause has no current reading of its own: a time
        // marker there (recency, future, timeline, ongoing, frequency) or present tense after
        // a contrast word that opens the clause ("I remember feeling safe, but lately I can't
        // see a future") is the present, not the memory. Bare present tense after a colon or
        // semicolon stays inside the memory (a quoted thought: "I remember thinking: I can't
        // go on").
        let memory_own = ctx
            .mods
            .iter()
            .any(|(c, r)| *c == Cat::Memory && in_own(r) && r.start < t.start);
        let prev = ci.checked_sub(1).and_then(|p| cls.get(p));
        let memory_prev = prev.is_some_and(|p| {
            ctx.mods
                .iter()
                .any(|(c, r)| *c == Cat::Memory && r.start >= p.start && r.start < p.end)
        });
        let turns = ctx
            .mods
            .iter()
            .any(|(c, r)| *c == Cat::Contrast && in_own(r) && ctx.opens(r, &own));
        let own_current = strong_own || frequency_own || (present_tense && turns);
        if memory_own || (memory_prev && !own_current) {
            return None;
        }

        // Time. Past markers against strong current ones (recency, future, ongoing) conflict:
        // read as current (§7.5 rule 3). Past markers override weak current ones (bare present
        // tense, "still", "again", "most days"): the historical present of a story. With no
        // marker in its own clause, the trigger takes the adjoining clauses' reading.
        let hist_own = past_tense
            || ctx
                .mods
                .iter()
                .any(|(c, r)| *c == Cat::Historical && in_own(r) && !inside(r));
        let adjacent: Vec<&Range<usize>> = [ci.checked_sub(1), Some(ci + 1)]
            .into_iter()
            .flatten()
            .filter_map(|k| cls.get(k))
            .collect();
        let in_adj = |r: &Range<usize>| {
            adjacent
                .iter()
                .any(|a| r.start >= a.start && r.start < a.end)
        };
        let (hist, strong, weak) = if hist_own || strong_own || weak_own {
            (hist_own, strong_own, weak_own)
        } else {
            // A current cue inside a closure frame belongs to the frame here (see `framed`).
            let adj = |f: fn(Cat) -> bool| {
                ctx.mods.iter().any(|(c, r)| {
                    f(*c)
                        && in_adj(r)
                        && (matches!(c, Cat::Historical | Cat::Closure) || !framed(r))
                })
            };
            (
                adj(|c| matches!(c, Cat::Historical | Cat::Closure)),
                adj(Cat::is_strong_current),
                adj(|c| c == Cat::Frequency),
            )
        };
        let reading = match (hist, strong, weak) {
            (true, true, _) => Reading::Mixed,
            (true, false, _) => return None,
            (false, true, _) | (false, false, true) => Reading::Current,
            (false, false, false) => Reading::Untimed,
        };
        let timeline = ctx
            .mods
            .iter()
            .any(|(c, r)| *c == Cat::Timeline && (in_own(r) || in_adj(r)));
        let base = match reading {
            Reading::Untimed => g.tier_untimed,
            Reading::Current | Reading::Mixed => g.tier,
        };
        let lowered = coping && g.tier_with_coping < base;
        let mut tier = if lowered { g.tier_with_coping } else { base };
        let mut cue = if lowered {
            &g.cue_with_coping
        } else {
            match reading {
                Reading::Current => &g.cue,
                Reading::Mixed => &g.cue_mixed,
                Reading::Untimed => &g.cue_untimed,
            }
        };
        let mut untimed = reading == Reading::Untimed;
        if timeline {
            if let Some(tt) = g.tier_with_timeline {
                if tt > tier {
                    tier = tt;
                    cue = &g.cue;
                    untimed = false;
                }
            }
        }
        Some(Found {
            tier: tier.clamp(2, 4),
            cue: cue.clone(),
            untimed,
        })
    }
}

impl Ctx<'_> {
    /// Whether cue `r` ends before trigger `t`, in clause `own`, with at most `window` words and
    /// no clause punctuation or quotation mark between them.
    fn before(&self, r: &Range<usize>, t: &Range<usize>, own: &Range<usize>) -> bool {
        if r.end > t.start || r.start < own.start {
            return false;
        }
        self.gap_ok(r.end..t.start, self.window)
    }

    /// Whether cue `r` is the first thing in clause `own` (only spaces and punctuation before
    /// it).
    fn opens(&self, r: &Range<usize>, own: &Range<usize>) -> bool {
        r.start >= own.start
            && self.text[own.start..r.start]
                .chars()
                .all(|c| !c.is_alphanumeric())
    }

    /// Whether a word-level cue reaches across `gap`: at most `n` words, no clause punctuation,
    /// no terminator ("and", "because" …).
    fn gap_ok(&self, gap: Range<usize>, n: usize) -> bool {
        let text = &self.text[gap.clone()];
        !text.contains(CLAUSE_PUNCTUATION)
            && text.split_whitespace().count() <= n
            && !self
                .terminators
                .iter()
                .any(|w| w.start >= gap.start && w.end <= gap.end)
    }

    /// Whether cue `r` starts after trigger `t`, in clause `own`, with at most `n` words and no
    /// clause punctuation between them.
    fn after(&self, r: &Range<usize>, t: &Range<usize>, own: &Range<usize>, n: usize) -> bool {
        if r.start < t.end || r.start >= own.end {
            return false;
        }
        self.gap_ok(t.end..r.start, n)
    }
}

/// Words a tense cue may sit after a trigger it belongs to.
const AFTER_WINDOW: usize = 2;

/// Characters that end the reach of a word-level cue.
const CLAUSE_PUNCTUATION: [char; 10] = [
    ',', ';', ':', '"', '\u{201c}', '\u{201d}', '(', ')', '\u{2013}', '\u{2014}',
];

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

fn invalid(field: &str, message: String) -> SafeguardError {
    SafeguardError::Invalid {
        field: field.to_string(),
        message,
    }
}

fn check_tier(field: &str, t: u8) -> Result<(), SafeguardError> {
    if (2..=4).contains(&t) {
        Ok(())
    } else {
        Err(invalid(field, format!("must be 2, 3 or 4 (got {t})")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn scanner_is_send_and_sync() {
        assert_send_sync::<Scanner>();
        assert_send_sync::<Flag>();
    }
}
