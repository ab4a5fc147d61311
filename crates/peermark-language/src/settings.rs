//! The `[language]` table of a rubric, as written in TOML (see `FORMAT.md`).

use serde::Deserialize;

/// The merged `[language]` table of a rubric: rules, frame cues and switched-off rule ids.
///
/// Unknown keys in `[language]` are ignored so that a rubric may keep other language settings
/// (level bands, includes) next to the rules.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct LanguageSettings {
    /// `[[language.rule]]`, in file order; a later rule with the same id replaces an earlier one.
    pub rule: Vec<RuleSpec>,
    /// `[language.frames]`: the cue lexicons the frame classifier uses.
    pub frames: FrameCues,
    /// Rule ids switched off (`[language] disable = ["L43"]`).
    pub disable: Vec<String>,
}

impl LanguageSettings {
    /// Adds another file's `[language]` table after this one: its rules come later (so they
    /// replace rules with the same id), its frame cues extend these, its `disable` ids add up.
    pub fn merge(&mut self, other: LanguageSettings) {
        self.rule.extend(other.rule);
        self.frames.merge(other.frames);
        self.disable.extend(other.disable);
    }
}

/// One `[[language.rule]]`, as written. Values are checked (with the rule id in the error)
/// by [`crate::RuleSet::compile`].
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    #[serde(default)]
    pub title: String,
    /// label | slur | deficit | control | suicide | trivial | outcome (free text for course rules).
    #[serde(default)]
    pub category: String,
    /// "H" | "M" | "L".
    #[serde(default)]
    pub severity: String,
    /// Phrases that find the term.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// Forms that take a higher severity (by default one step up: L→M, M→H).
    #[serde(default)]
    pub severe_patterns: Vec<String>,
    /// Extension: the severity `severe_patterns` take (default one step above `severity`).
    #[serde(default)]
    pub severe_severity: Option<String>,
    /// Extension: phrases whose wording already fixes the sense, so `about_people` is not
    /// checked for them (e.g. "lunatics" while "lunacy" needs a person nearby).
    #[serde(default)]
    pub sense_patterns: Vec<String>,
    /// Phrases that, when they overlap the hit, mean another sense.
    #[serde(default)]
    pub not_when: Vec<String>,
    /// The term is only a lapse about a person or people.
    #[serde(default)]
    pub about_people: bool,
    /// First-person use about the writer: "ok" | "note" | "lapse" (default "lapse": no self code).
    #[serde(default, rename = "self")]
    pub self_code: Option<String>,
    /// Extension: "phrase" (default: the term itself must be said of the writer) or "clause"
    /// (the writer anywhere earlier in the clause makes it their own experience, for places
    /// such as "I was sent to the loony bin").
    #[serde(default)]
    pub self_scope: Option<String>,
    /// Extension: forms whose wording fixes a sense the self code does not cover (L65 "a bit
    /// OCD about tidying" is a quirk, not the writer's own OCD): first-person use is still a
    /// lapse. Like `sense_patterns`, `about_people` is not checked for them.
    #[serde(default)]
    pub self_lapse_patterns: Vec<String>,
    /// Extension: the term names or labels a person ("an addict", "two schizophrenics"): as the
    /// object of a verb or preposition ("I met an addict", "we had two schizophrenics") it is
    /// about someone else, not the writer.
    #[serde(default)]
    pub person_noun: bool,
    /// Quoted, reported or mentioned use: "ok" (default; every table row) or "lapse".
    #[serde(default)]
    pub quoted: Option<String>,
    /// Extension: always an advisory note, never a lapse (L64 method detail).
    #[serde(default)]
    pub advisory_only: bool,
    #[serde(default)]
    pub why: String,
    #[serde(default)]
    pub alternatives: Vec<String>,
    #[serde(default)]
    pub source: String,
    /// Sentences that must yield a lapse of this rule (a note for severity L / advisory rules).
    #[serde(default)]
    pub flag: Vec<String>,
    /// Sentences that must not yield a lapse (nor an own-voice note for severity L) of this rule.
    #[serde(default)]
    pub pass: Vec<String>,
}

/// `[language.frames]`: phrase lists (peermark phrase notation) the frame classifier uses.
///
/// A cue may contain one standalone `_` standing for the term: `as (a|an) _ I` needs
/// "as a" right before the term and "I" right after it. See `FORMAT.md` for how each list is
/// used.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FrameCues {
    /// Reporting or labelling by others, used as-is ("I was called", "told me I would").
    pub reporting: Vec<String>,
    /// Extension: active reporting verbs ("said", "called") that count only when their
    /// subject is not the writer ("staff called me …", not "I called him …").
    pub reporting_active: Vec<String>,
    /// Talking about the word as a word ("the term", "words like", "so-called _").
    pub mention: Vec<String>,
    /// Negated or rejected label, right before the term ("not (a|an)", "more than").
    pub negation: Vec<String>,
    /// Advising against a word ("we should avoid saying").
    pub advice: Vec<String>,
    /// Past self-description ("I used to call myself").
    pub past_self: Vec<String>,
    /// Change after a past self-description ("now", "these days", "I have learned").
    pub change: Vec<String>,
    /// Chosen self-identification, right before the term ("I am (a|an)", "I identify as").
    pub self_identification: Vec<String>,
    /// Reflection that makes a quoted/reported/mentioned use a strength ("hurt", "stigma*").
    pub awareness: Vec<String>,
    /// Words for the writer as subject or object ("I", "me", "we").
    pub first_person: Vec<String>,
    /// Extension: the writer's possessives ("my", "our"): the writer's own only right before the term.
    pub first_person_possessive: Vec<String>,
    /// Words for other people (pronouns and person nouns: "he", "people", "nurse*").
    pub person_words: Vec<String>,
    /// Extension: other people's possessives ("his", "her", "their").
    pub other_possessive: Vec<String>,
    /// Extension: words right before a term that make it about others ("the", "those", "with").
    pub other_reference: Vec<String>,
    /// Extension: quantifiers looked past when deciding who a term is about ("we were all …",
    /// "I met many …").
    pub quantifiers: Vec<String>,
    /// Extension: words right before a term that make it a noun for a person ("a", "an").
    pub determiners: Vec<String>,
    /// Extension: function words; any other word right after an `about_people` term means the
    /// term describes a thing ("a crazy idea").
    pub function_words: Vec<String>,
    /// Extension: relative pronouns ("who", "which") that open a clause ended by a comma.
    pub relative: Vec<String>,
    /// Extension: words that end the reach of a reporting, mention, advice or past-self cue
    /// ("before", "when", "because": "he told us he loved us the night before he …").
    pub scope_breaks: Vec<String>,
    /// Extension: copulas and linking verbs ("is", "was", "been", "became", "seemed", "I'm",
    /// "he's"): a term right after one (past determiners and intensifiers) is said of the
    /// verb's subject.
    pub linking: Vec<String>,
    /// Extension: "like", "as": linking only right after a linking verb ("felt like",
    /// "looked like", "was seen as").
    pub complement_markers: Vec<String>,
    /// Extension: adverbs and intensifiers between a subject and its predicate ("completely",
    /// "pretty", "much more"). Looked past when finding a predicate's subject; a rule pattern
    /// may write `@intensifiers` for up to two of them.
    pub intensifiers: Vec<String>,
    /// Extension: auxiliaries looked past between a subject and its verb ("has", "can",
    /// "would", "to").
    pub auxiliaries: Vec<String>,
    /// Extension: negative subjects ("none", "nobody", "no one", "neither", "not one", "no"):
    /// a term said of them is negated ("None of the people in my group are …").
    pub negative_subjects: Vec<String>,
    /// Extension: object pronouns ("me", "them"): never the subject of a linking verb.
    pub object_pronouns: Vec<String>,
    /// Extension: coordinators ("and", "or"): "I have been a drug user and an addict" says both
    /// nouns of the same subject.
    pub coordinators: Vec<String>,
    /// Extension: prepositions ("to", "by", "for"): a person term right after one is about
    /// someone else ("next to an addict", "surrounded by junkies").
    pub prepositions: Vec<String>,
    /// Extension: expletive subjects ("there", "here"): "there was a … " says nothing about who.
    pub expletives: Vec<String>,
    /// Extension: pronouns for things, not people ("it", "this", "what"): "what looked like …"
    /// is said of a thing.
    pub thing_pronouns: Vec<String>,
    /// Extension: nouns for things, animals and activities, never people ("printer", "cat",
    /// "garden", "cooking"): a person label said of one ("the printer is a basket case") is
    /// about no one.
    pub thing_nouns: Vec<String>,
}

impl FrameCues {
    fn merge(&mut self, other: FrameCues) {
        for (mine, theirs) in self.lists_mut().into_iter().zip(other.into_lists()) {
            mine.extend(theirs);
        }
    }

    fn lists_mut(&mut self) -> Vec<&mut Vec<String>> {
        vec![
            &mut self.reporting,
            &mut self.reporting_active,
            &mut self.mention,
            &mut self.negation,
            &mut self.advice,
            &mut self.past_self,
            &mut self.change,
            &mut self.self_identification,
            &mut self.awareness,
            &mut self.first_person,
            &mut self.first_person_possessive,
            &mut self.person_words,
            &mut self.other_possessive,
            &mut self.other_reference,
            &mut self.quantifiers,
            &mut self.determiners,
            &mut self.function_words,
            &mut self.relative,
            &mut self.scope_breaks,
            &mut self.linking,
            &mut self.complement_markers,
            &mut self.intensifiers,
            &mut self.auxiliaries,
            &mut self.negative_subjects,
            &mut self.object_pronouns,
            &mut self.coordinators,
            &mut self.prepositions,
            &mut self.expletives,
            &mut self.thing_pronouns,
            &mut self.thing_nouns,
        ]
    }

    fn into_lists(self) -> Vec<Vec<String>> {
        vec![
            self.reporting,
            self.reporting_active,
            self.mention,
            self.negation,
            self.advice,
            self.past_self,
            self.change,
            self.self_identification,
            self.awareness,
            self.first_person,
            self.first_person_possessive,
            self.person_words,
            self.other_possessive,
            self.other_reference,
            self.quantifiers,
            self.determiners,
            self.function_words,
            self.relative,
            self.scope_breaks,
            self.linking,
            self.complement_markers,
            self.intensifiers,
            self.auxiliaries,
            self.negative_subjects,
            self.object_pronouns,
            self.coordinators,
            self.prepositions,
            self.expletives,
            self.thing_pronouns,
            self.thing_nouns,
        ]
    }

    /// The lists with their names, in a fixed order.
    pub(crate) fn named(&self) -> [(&'static str, &Vec<String>); 30] {
        [
            ("reporting", &self.reporting),
            ("reporting_active", &self.reporting_active),
            ("mention", &self.mention),
            ("negation", &self.negation),
            ("advice", &self.advice),
            ("past_self", &self.past_self),
            ("change", &self.change),
            ("self_identification", &self.self_identification),
            ("awareness", &self.awareness),
            ("first_person", &self.first_person),
            ("first_person_possessive", &self.first_person_possessive),
            ("person_words", &self.person_words),
            ("other_possessive", &self.other_possessive),
            ("other_reference", &self.other_reference),
            ("quantifiers", &self.quantifiers),
            ("determiners", &self.determiners),
            ("function_words", &self.function_words),
            ("relative", &self.relative),
            ("scope_breaks", &self.scope_breaks),
            ("linking", &self.linking),
            ("complement_markers", &self.complement_markers),
            ("intensifiers", &self.intensifiers),
            ("auxiliaries", &self.auxiliaries),
            ("negative_subjects", &self.negative_subjects),
            ("object_pronouns", &self.object_pronouns),
            ("coordinators", &self.coordinators),
            ("prepositions", &self.prepositions),
            ("expletives", &self.expletives),
            ("thing_pronouns", &self.thing_pronouns),
            ("thing_nouns", &self.thing_nouns),
        ]
    }
}
