//! Unit-style tests of each evidence kind (`src/analyse/`), of scoring and of rubric errors.
//!
//! Every test writes a small rubric of its own into a temporary folder: only the measures and
//! criteria it needs, no `[language]`, and in `[safeguarding]` only the one trigger group the
//! scanner requires. It then builds a few paragraphs in code and checks the measures' values.

use peermark_engine::analyse::{analyse, Analysis};
use peermark_engine::result::Outcome;
use peermark_engine::rubric::{self, Rubric, RubricError};
use peermark_ingest::{read_bytes, Format};
use peermark_text::{Document, Hint, Paragraph, ParagraphKind, SourceLines};
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

const HEAD: &str = r#"[rubric]
id = "test-rubric"
title = "Test rubric"
assignment = "Write a short essay."
level_names = ["Not yet evidenced", "Emerging", "Achieved", "Strong"]

[words]
target = 100
min = 80
max = 120

[outcome.achieved_when]
"#;

/// The least `[safeguarding]` a rubric loads with: the scanner needs one trigger group.
const SAFEGUARDING: &str = r#"
[[safeguarding.triggers]]
id = "test-trigger"
cue = "test cue"
tier = 3
phrases = ["zzqx trigger"]
"#;

/// A criterion whose levels 1..=3 need `measure >= 1, 2, 3`.
fn criterion(id: &str, measure: &str) -> String {
    format!(
        r#"
[[criterion]]
id = "{id}"
title = "Criterion {id}"
weight = 10
descriptors = ["none", "some", "enough", "plenty"]
feedback = ["f0", "f1", "f2", "f3"]
evidence = ["{measure}"]

  [[criterion.level]]
  level = 1
  require = [{{ when = "{measure} >= 1", advice = "Show it once." }}]

  [[criterion.level]]
  level = 2
  require = [{{ when = "{measure} >= 2", advice = "Show it twice." }}]

  [[criterion.level]]
  level = 3
  require = [{{ when = "{measure} >= 3", advice = "Show it three times." }}]
"#
    )
}

/// Writes `text` as `rubric.toml` in a fresh temporary folder and loads it.
fn try_load(text: &str) -> Result<Rubric, RubricError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rubric.toml");
    std::fs::write(&path, text).unwrap();
    rubric::load(&path)
}

/// The standard head, `body` (lexicons and measures) and one criterion on `measure`.
fn load(body: &str, measure: &str) -> Rubric {
    let text = format!("{HEAD}{SAFEGUARDING}\n{body}\n{}", criterion("c", measure));
    match try_load(&text) {
        Ok(r) => r,
        Err(e) => panic!("rubric does not load: {e}\n{text}"),
    }
}

/// A document: the title "My recovery essay", then the given paragraphs (kinds decided by
/// `Document::new` from the text).
fn doc(paras: &[&str]) -> Document {
    let hinted: Vec<(&str, Hint)> = paras.iter().map(|p| (*p, Hint::None)).collect();
    doc_hinted(&hinted)
}

fn doc_hinted(paras: &[(&str, Hint)]) -> Document {
    let mut ps = vec![Paragraph::new("My recovery essay", Hint::None)];
    ps.extend(paras.iter().map(|(t, h)| Paragraph::new(*t, *h)));
    Document::new(ps, SourceLines::Extracted)
}

fn run(r: &Rubric, d: &Document) -> Analysis {
    analyse(r, d, &[])
}

fn values(r: &Rubric, d: &Document) -> BTreeMap<String, f64> {
    run(r, d).values
}

fn value(r: &Rubric, d: &Document, name: &str) -> f64 {
    let v = values(r, d);
    match v.get(name) {
        Some(x) => *x,
        None => panic!("no value {name:?}; have {:?}", v.keys().collect::<Vec<_>>()),
    }
}

/// `n` filler words ending in a full stop.
fn words(n: usize) -> String {
    let mut s = "word ".repeat(n - 1);
    s.push_str("end.");
    s
}

/// The 1-based line of `text` that contains `needle` (which must occur exactly once).
fn line_containing(text: &str, needle: &str) -> usize {
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(lines.len(), 1, "{needle:?} must be on exactly one line");
    lines[0]
}

/// Loads a rubric that must be invalid; returns (line, message).
fn invalid(text: &str) -> (usize, String) {
    match try_load(text) {
        Ok(_) => panic!("rubric loaded but should be invalid:\n{text}"),
        Err(RubricError::Invalid { line, message, .. }) => (line, message),
        Err(e) => panic!("expected RubricError::Invalid, got {e}"),
    }
}

const FIRST_PERSON: &str = r#"first_person = ["I", "me", "my", "myself", "I'm", "I've"]"#;

// ---------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------

#[test]
fn minimal_rubric_loads_without_language_table() {
    let r = load(
        r#"
[[measure]]
kind = "length"
name = "words"
"#,
        "words",
    );
    assert_eq!(r.id, "test-rubric");
    assert_eq!(r.measures.len(), 1);
    assert_eq!(r.criteria.len(), 1);
    assert!(r.safeguarding_settings.support_line.is_empty());
    let d = doc(&["I was called crazy once and I wanted to die back then."]);
    assert!(r.language.check(&d).is_empty());
    let got = peermark_engine::check_document(&r, &d, "s1", "s1.txt");
    assert!(got.lapses.is_empty());
    assert!(got.safeguarding.is_empty());
}

#[test]
fn empty_language_table_loads_but_safeguarding_needs_a_trigger_group() {
    let measure = "\n[[measure]]\nkind = \"length\"\nname = \"words\"\n";
    let text = format!(
        "{HEAD}\n[language]\n{SAFEGUARDING}{measure}{}",
        criterion("c", "words")
    );
    let r = try_load(&text).expect("an empty [language] table loads");
    assert_eq!(r.measures.len(), 1);
    // Without trigger groups (no [safeguarding] or an empty one) the rubric is refused.
    for safeguarding in ["", "\n[safeguarding]\n"] {
        let text = format!("{HEAD}{safeguarding}{measure}{}", criterion("c", "words"));
        let (_, message) = invalid(&text);
        assert!(message.contains("safeguarding.triggers"), "{message}");
    }
}

#[test]
fn plain_text_through_ingest_is_analysed() {
    let r = load(
        r#"
[[measure]]
kind = "phrases"
name = "hope"
phrases = ["hope"]
"#,
        "hope",
    );
    let d = read_bytes(
        b"My recovery essay\n\nHope came back slowly.\n\nI still hope every day.\n",
        Format::Txt,
    )
    .unwrap();
    assert_eq!(d.paragraphs[0].kind, ParagraphKind::Title);
    assert_eq!(value(&r, &d, "hope"), 2.0);
}

// ---------------------------------------------------------------------------------------
// phrases
// ---------------------------------------------------------------------------------------

#[test]
fn phrases_scope_first_and_third_person() {
    let r = load(
        &format!(
            r#"
[lexicon]
{FIRST_PERSON}
reflect = ["realised", "learned"]

[[measure]]
kind = "phrases"
name = "all_voices"
lexicon = "reflect"

[[measure]]
kind = "phrases"
name = "own_voice"
lexicon = "reflect"
scope = "first_person"

[[measure]]
kind = "phrases"
name = "other_voice"
lexicon = "reflect"
scope = "third_person"
"#
        ),
        "all_voices",
    );
    let d = doc(&[
        "I realised that I was not alone. She learned to trust people too. Many people learned this.",
    ]);
    let v = values(&r, &d);
    assert_eq!(v["all_voices"], 3.0);
    assert_eq!(v["own_voice"], 1.0);
    assert_eq!(v["other_voice"], 2.0);
}

#[test]
fn phrases_count_hits_distinct_sentences_paragraphs() {
    let mut body = String::new();
    for count in ["hits", "distinct", "sentences", "paragraphs"] {
        body.push_str(&format!(
            "\n[[measure]]\nkind = \"phrases\"\nname = \"{count}\"\nphrases = [\"hope\", \"trust\"]\ncount = \"{count}\"\n"
        ));
    }
    let r = load(&body, "hits");
    let d = doc(&[
        "Hope grew slowly. Hope and trust grew together.",
        "Trust came later.",
        "Nothing else here.",
    ]);
    let v = values(&r, &d);
    assert_eq!(v["hits"], 4.0);
    assert_eq!(v["distinct"], 2.0);
    assert_eq!(v["sentences"], 3.0);
    assert_eq!(v["paragraphs"], 2.0);
}

#[test]
fn phrases_within_anchor_section_and_reach() {
    let r = load(
        r#"
[lexicon]
anchor = ["peer support"]

[[measure]]
kind = "phrases"
name = "trust_all"
phrases = ["trust"]

[[measure]]
kind = "phrases"
name = "trust_near"
phrases = ["trust"]
within = "anchor"

[[measure]]
kind = "phrases"
name = "trust_reach"
phrases = ["trust"]
within = "anchor"
within_reach = 1
"#,
        "trust_all",
    );
    let d = doc_hinted(&[
        ("Peer support helped me trust again.", Hint::None), // anchored
        ("I learned to trust my nurse.", Hint::None),        // one after the anchor
        ("Nothing here is about that at all.", Hint::None),
        ("Later I came to trust my family.", Hint::None), // three after: out of reach
        ("About peer support", Hint::Heading),            // anchored heading
        ("Here I learned to trust others.", Hint::None),  // in the anchored section
        ("Another part", Hint::Heading),                  // section ends
        ("Again I had to trust someone.", Hint::None),
    ]);
    assert_eq!(d.paragraphs[5].kind, ParagraphKind::Heading);
    let v = values(&r, &d);
    assert_eq!(v["trust_all"], 5.0);
    assert_eq!(v["trust_near"], 2.0, "the anchored paragraph and section");
    assert_eq!(v["trust_reach"], 3.0, "plus the paragraph after the anchor");
}

#[test]
fn phrases_list_limit_drops_sentences_listing_terms() {
    let r = load(
        r#"
[[measure]]
kind = "phrases"
name = "unlimited"
phrases = ["hope", "trust", "meaning"]

[[measure]]
kind = "phrases"
name = "limited"
phrases = ["hope", "trust", "meaning"]
list_limit = 2
"#,
        "limited",
    );
    let d = doc(&["Hope, trust and meaning are just words on a page. I found hope in my group."]);
    let v = values(&r, &d);
    assert_eq!(v["unlimited"], 4.0);
    assert_eq!(v["limited"], 1.0, "the three-term sentence is a list");
}

#[test]
fn phrases_enumeration_limit_drops_enumerating_sentences() {
    let r = load(
        r#"
[[measure]]
kind = "phrases"
name = "unlimited"
phrases = ["hope"]

[[measure]]
kind = "phrases"
name = "limited"
phrases = ["hope"]
enumeration_limit = 4
"#,
        "limited",
    );
    let d = doc(&[
        "Recovery involves hope, connectedness, identity, meaning and empowerment. I found hope in my group.",
    ]);
    let v = values(&r, &d);
    assert_eq!(v["unlimited"], 2.0);
    assert_eq!(
        v["limited"], 1.0,
        "the five-item enumeration does not count"
    );
}

#[test]
fn phrases_items_are_distinct_phrases_found() {
    let r = load(
        r#"
[[measure]]
kind = "phrases"
name = "found"
phrases = ["hope", "trust", "meaning"]
count = "distinct"
"#,
        "found",
    );
    let d = doc(&["Trust came first. Hope came later, and trust grew."]);
    let a = run(&r, &d);
    assert_eq!(a.values["found"], 2.0);
    assert_eq!(a.measured["found"].items, vec!["trust", "hope"]);
}

// ---------------------------------------------------------------------------------------
// concepts
// ---------------------------------------------------------------------------------------

const CHIME: &str = r#"
  [[measure.concept]]
  id = "hope"
  label = "hope"
  phrases = ["hope", "hopeful", "optimism"]

  [[measure.concept]]
  id = "connectedness"
  label = "connectedness"
  phrases = ["connectedness", "belonging"]

  [[measure.concept]]
  id = "identity"
  label = "identity"
  phrases = ["identity", "sense of self"]

  [[measure.concept]]
  id = "meaning"
  label = "meaning"
  phrases = ["meaning", "purpose"]

  [[measure.concept]]
  id = "empowerment"
  label = "empowerment"
  phrases = ["empower*"]
"#;

const CONCEPT_LEXICONS: &str = r#"
[lexicon]
first_person = ["I", "me", "my", "myself"]
explain = ["means", "because", "for me", "involves", "is about"]
define = ["means", "is about", "(is|are) (about|when)"]
anchor = ["recover*"]
"#;

/// A rubric with the concept lexicons and one concepts measure per `(name, settings)`, each
/// with the CHIME groups.
fn concepts_rubric(measures: &[(&str, &str)]) -> Rubric {
    let mut body = CONCEPT_LEXICONS.to_string();
    for (name, settings) in measures {
        body.push_str(&format!(
            "\n[[measure]]\nkind = \"concepts\"\nname = \"{name}\"\nexplain = \"explain\"\n{settings}\n{CHIME}"
        ));
    }
    load(&body, measures[0].0)
}

#[test]
fn concepts_synonyms_collapse_to_one_concept() {
    let r = concepts_rubric(&[("c", "")]);
    let d = doc(&[
        "Hope was rare for years. I felt hopeful later on. Optimism came back slowly.",
        "Belonging came before connectedness did.",
    ]);
    let a = run(&r, &d);
    assert_eq!(
        a.values["c_named"], 2.0,
        "hope and connectedness, once each"
    );
    assert_eq!(a.values["c"], 0.0, "nothing is explained");
    assert_eq!(a.measured["c"].missing, vec!["hope", "connectedness"]);
    assert!(a.measured["c"].items.is_empty());
}

#[test]
fn concepts_definition_explains_in_one_sentence() {
    let r = concepts_rubric(&[
        ("plain", ""),
        ("defined", "define = \"define\"\nmin_cued_sentences = 2"),
        ("cued_only", "min_cued_sentences = 2"),
    ]);
    let d = doc(&["Hope means believing things can get better for me."]);
    let a = run(&r, &d);
    assert_eq!(a.values["plain"], 1.0, "a cue in a long enough sentence");
    assert_eq!(a.values["defined"], 1.0, "a definition needs one sentence");
    assert_eq!(a.values["cued_only"], 0.0, "without `define` it needs two");
    assert_eq!(a.values["defined_named"], 1.0);
    assert_eq!(a.measured["defined"].items, vec!["hope"]);
    assert!(a.measured["defined"].missing.is_empty());
    assert_eq!(a.measured["cued_only"].missing, vec!["hope"]);
}

#[test]
fn concepts_keyword_stuffing_is_named_not_explained() {
    // min_words = 2 so that only the list rule stops the cue "involves" explaining them.
    let r = concepts_rubric(&[
        ("c", "min_words = 2"),
        ("enum_only", "min_words = 2\nlist_limit = 5"),
        (
            "lax",
            "min_words = 2\nlist_limit = 5\nenumeration_limit = 0",
        ),
    ]);
    let d = doc(&["Recovery involves hope, connectedness, identity, meaning and empowerment."]);
    let a = run(&r, &d);
    assert_eq!(a.values["c_named"], 5.0);
    assert_eq!(a.values["c"], 0.0, "a list of terms explains nothing");
    assert_eq!(
        a.measured["c"].missing,
        vec![
            "hope",
            "connectedness",
            "identity",
            "meaning",
            "empowerment"
        ]
    );
    // The enumeration rule alone stops it; without both list rules they would count.
    assert_eq!(a.values["enum_only"], 0.0);
    assert_eq!(a.values["lax"], 5.0);

    // Four concepts in one sentence that is not an enumeration: the list_limit (3) alone.
    let d = doc(&[
        "Hope grew when I found belonging, and my identity changed because my life gained purpose.",
    ]);
    let v = values(&r, &d);
    assert_eq!(v["c_named"], 4.0);
    assert_eq!(
        v["c"], 0.0,
        "more than list_limit concepts in a sentence is a list"
    );
    assert_eq!(
        v["enum_only"], 4.0,
        "with list_limit = 5 the same sentence explains them"
    );

    let d = doc(&["Recovery involves hope and trust."]);
    assert_eq!(
        value(&r, &d, "c"),
        1.0,
        "one concept with the same cue is explained"
    );
}

#[test]
fn concepts_exclude_other_senses() {
    let body = format!(
        r#"{CONCEPT_LEXICONS}
[[measure]]
kind = "concepts"
name = "with_exclude"
explain = "explain"
define = "define"

  [[measure.concept]]
  id = "hope"
  label = "hope"
  phrases = ["hope"]
  exclude = ["I hope the reader", "I hope that"]

[[measure]]
kind = "concepts"
name = "without"
explain = "explain"
define = "define"

  [[measure.concept]]
  id = "hope"
  label = "hope"
  phrases = ["hope"]
"#
    );
    let r = load(&body, "with_exclude");
    let d = doc(&["I hope the reader understands why this matters so much to me."]);
    let v = values(&r, &d);
    assert_eq!(
        v["with_exclude_named"], 0.0,
        "\"I hope the reader\" is not the concept"
    );
    assert_eq!(v["without_named"], 1.0);

    let d = doc(&["I hope the reader sees that hope means believing things can get better."]);
    let v = values(&r, &d);
    assert_eq!(
        v["with_exclude_named"], 1.0,
        "the concept later in the sentence counts"
    );
    assert_eq!(v["with_exclude"], 1.0);
}

#[test]
fn concepts_from_reuses_groups_with_own_scope() {
    let r = concepts_rubric(&[("c", "")]);
    let mut text = format!("{HEAD}{SAFEGUARDING}\n{CONCEPT_LEXICONS}");
    text.push_str(&format!(
        "\n[[measure]]\nkind = \"concepts\"\nname = \"c\"\nexplain = \"explain\"\n{CHIME}"
    ));
    text.push_str(
        r#"
[[measure]]
kind = "concepts"
name = "c_mine"
from = "c"
explain = "explain"
scope = "first_person"
"#,
    );
    text.push_str(&criterion("x", "c_mine"));
    let r2 = try_load(&text).expect("from loads");
    let d = doc(&[
        "Hope means believing that things can get better for people in general.",
        "I found belonging in my group because people there listened to me properly.",
    ]);
    let a = run(&r2, &d);
    assert_eq!(a.values["c"], 2.0);
    assert_eq!(a.values["c_mine"], 1.0, "only the first-person sentence");
    assert_eq!(a.values["c_mine_named"], 1.0);
    assert_eq!(a.measured["c_mine"].items, vec!["connectedness"]);
    // The source measure is unchanged by the one that reuses it.
    assert_eq!(value(&r, &d, "c"), 2.0);
}

#[test]
fn concepts_key_counts_explained_key_concepts() {
    let r = concepts_rubric(&[("c", "key = [\"hope\", \"identity\"]")]);
    let d = doc(&[
        "Hope matters to me because it kept me going through the hardest months.",
        "I found belonging in my group because people there listened to me properly.",
    ]);
    let v = values(&r, &d);
    assert_eq!(v["c"], 2.0);
    assert_eq!(v["c_key"], 1.0, "hope is key, connectedness is not");

    let d = doc(&["I found belonging in my group because people there listened to me properly."]);
    let v = values(&r, &d);
    assert_eq!(v["c"], 1.0);
    assert_eq!(v["c_key"], 0.0);

    let d = doc(&["My identity was lost. Hope was rare."]);
    assert_eq!(
        value(&r, &d, "c_key"),
        0.0,
        "named key concepts are not counted"
    );
}

#[test]
fn concepts_min_cued_sentences() {
    let r = concepts_rubric(&[("once", ""), ("twice", "min_cued_sentences = 2")]);
    let one = "Hope matters to me because it kept me going through the hardest months.";
    let two = "Hope also grew because my peer worker showed me that people do get better.";
    let d = doc(&[one]);
    let v = values(&r, &d);
    assert_eq!(v["once"], 1.0);
    assert_eq!(v["twice"], 0.0);

    let d = doc(&[&format!("{one} {two}")]);
    assert_eq!(value(&r, &d, "twice"), 1.0, "two sentences explain it");

    let d = doc(&[one, two]);
    assert_eq!(value(&r, &d, "twice"), 1.0, "across paragraphs too");

    let d = doc(&["Hope matters because hope kept me going through the hardest months of all."]);
    assert_eq!(
        value(&r, &d, "twice"),
        0.0,
        "one sentence naming it twice is one sentence"
    );
}

#[test]
fn concepts_within_topic_but_definitions_count_anywhere() {
    let r = concepts_rubric(&[("c", "within = \"anchor\"\ndefine = \"define\"")]);
    let d = doc(&[
        "Hope means believing things can get better for me.",
        "Belonging mattered to me because my friends stayed in touch with me all along.",
    ]);
    let v = values(&r, &d);
    assert_eq!(v["c"], 1.0, "the definition counts outside the topic");
    assert_eq!(
        v["c_named"], 1.0,
        "the cued concept off topic is not even named"
    );

    let d = doc(&[
        "Hope means believing things can get better for me.",
        "In my recovery belonging mattered to me because my friends stayed in touch with me.",
    ]);
    assert_eq!(value(&r, &d, "c"), 2.0, "on topic the cue explains it");
}

// ---------------------------------------------------------------------------------------
// narrative, together, run
// ---------------------------------------------------------------------------------------

const STORY_LEXICONS: &str = r#"
[lexicon]
first_person = ["I", "me", "my", "myself"]
markers = [
  "I was (diagnosed|admitted|discharged)",
  "when I was",
  "my (GP|nurse|mum)",
  "hospital",
]
theory = ["recovery approach", "CHIME", "peer support", "hope", "framework"]

[[measure]]
kind = "narrative"
name = "story"
first_person = "first_person"
markers = "markers"
"#;

#[test]
fn narrative_story_paragraph_counts_theory_paragraph_does_not() {
    let r = load(STORY_LEXICONS, "story");
    let d = doc(&[
        "When I was nineteen I was diagnosed with depression. My mum took me to see my GP.",
        "In this essay I will discuss how I understand the recovery approach and what I think of it.",
    ]);
    let a = run(&r, &d);
    assert_eq!(a.values["story"], 1.0);
    assert_eq!(a.values["story_sentences"], 2.0);
    assert_eq!(a.measured["story"].per_paragraph, vec![0, 1, 0]);
}

#[test]
fn narrative_needs_enough_first_person_words() {
    let r = load(STORY_LEXICONS, "story");
    // A marker but only two first-person words (default min_first_person = 3).
    let d = doc(&["The hospital was where my brother worked when I was small."]);
    assert_eq!(value(&r, &d, "story"), 0.0);
    assert_eq!(value(&r, &d, "story_sentences"), 1.0);
}

fn linked_rubric() -> Rubric {
    let body = format!(
        r#"{STORY_LEXICONS}
[[measure]]
kind = "phrases"
name = "theory_terms"
lexicon = "theory"

[[measure]]
kind = "together"
name = "linked"
all = ["story", "theory_terms"]
min_paragraph_words = 5

[[measure]]
kind = "run"
name = "story_block"
has = "story"
lacks = "theory_terms"
min_paragraph_words = 5
"#
    );
    load(&body, "linked")
}

fn linked_doc() -> Document {
    doc(&[
        "When I was nineteen I was diagnosed with depression and my GP sent me home.",
        "It was hard.",
        "I was admitted to hospital when I was twenty and I felt very alone there.",
        "When I was in hospital I met my peer support worker and I started to feel hope.",
        "The recovery approach describes CHIME as a framework for understanding personal change.",
        "My mum visited me when I was at home and I was discharged soon after.",
    ])
}

#[test]
fn together_counts_paragraphs_with_every_measure_and_share() {
    let r = linked_rubric();
    let a = run(&r, &linked_doc());
    assert_eq!(a.values["story"], 4.0);
    assert_eq!(
        a.values["linked"], 1.0,
        "only the hospital / peer support paragraph"
    );
    // Five substantive paragraphs ("It was hard." is too short to count).
    assert_eq!(a.values["linked_share"], 0.2);
    assert_eq!(
        a.measured["linked"].per_paragraph,
        vec![0, 0, 0, 0, 1, 0, 0]
    );
}

#[test]
fn run_is_the_longest_block_of_story_without_theory() {
    let r = linked_rubric();
    let a = run(&r, &linked_doc());
    // Paragraphs 1 and 3 (the short one in between neither extends nor breaks it), then
    // the linked paragraph breaks the run; the last paragraph is a run of one.
    assert_eq!(a.values["story_block"], 2.0);
    assert_eq!(a.measured["story_block"].spans[0].paragraph, 1);

    let d = doc(&[
        "The recovery approach describes CHIME as a framework for understanding personal change.",
        "When I was nineteen I was diagnosed with depression and my GP sent me home.",
    ]);
    assert_eq!(value(&r, &d, "story_block"), 1.0);
    let d = doc(&["The recovery approach describes CHIME as a framework for understanding it."]);
    assert_eq!(value(&r, &d, "story_block"), 0.0);
}

// ---------------------------------------------------------------------------------------
// citations, sources
// ---------------------------------------------------------------------------------------

const CITATIONS: &str = r#"
[[measure]]
kind = "citations"
name = "cites"
"#;

fn with_refs(body: &[&str], refs: &[&str]) -> Document {
    let mut ps: Vec<&str> = body.to_vec();
    ps.push("References");
    ps.extend_from_slice(refs);
    doc(&ps)
}

const ANTHONY: &str =
    "Anthony, W.A. (1993) Recovery from mental illness. Psychosocial Rehabilitation Journal, 16(4), pp. 11-23.";
const LEAMY: &str = "Leamy, M., Bird, V., Le Boutillier, C., Williams, J. and Slade, M. (2011) Conceptual framework for personal recovery in mental health. British Journal of Psychiatry, 199(6), pp. 445-452.";
const SRN: &str =
    "Scottish Recovery Network (2012) Experts by Experience: a national study. Glasgow.";

#[test]
fn citations_narrative_parenthetical_and_matching() {
    let r = load(CITATIONS, "cites");
    let d = with_refs(
        &[
            "Anthony (1993) defined recovery as a deeply personal process. Anthony's (1993) definition is widely used.",
            "Recovery is built on hope (Leamy et al., 2011; SRN, 2012). Deegan (1988) wrote about her own recovery.",
        ],
        &[ANTHONY, LEAMY, SRN],
    );
    assert_eq!(d.paragraphs[3].kind, ParagraphKind::ReferenceHeading);
    let a = run(&r, &d);
    assert_eq!(a.values["cites"], 4.0, "Anthony counted once");
    assert_eq!(a.values["cites_matched"], 3.0);
    assert_eq!(a.values["cites_unmatched"], 1.0);
    assert_eq!(a.values["cites_references"], 3.0);
    assert_eq!(
        a.measured["cites"].items,
        vec!["Anthony (1993)", "Leamy (2011)", "SRN (2012)"]
    );
    assert_eq!(a.measured["cites"].missing, vec!["Deegan (1988)"]);
}

#[test]
fn citations_possessive_cites_the_author() {
    let r = load(CITATIONS, "cites");
    for body in [
        "Anthony's (1993) definition of recovery is still widely quoted today.",
        "Anthony\u{2019}s (1993) definition of recovery is still widely quoted today.",
    ] {
        let d = with_refs(&[body], &[ANTHONY]);
        let a = run(&r, &d);
        assert_eq!(a.values["cites"], 1.0, "{body}");
        assert_eq!(a.values["cites_matched"], 1.0, "{body}");
        assert_eq!(a.measured["cites"].items, vec!["Anthony (1993)"], "{body}");
    }
}

#[test]
fn citations_organisation_initials_match_the_reference() {
    let r = load(CITATIONS, "cites");
    let d = with_refs(&["Recovery is possible for everyone (SRN, 2012)."], &[SRN]);
    let v = values(&r, &d);
    assert_eq!(v["cites"], 1.0);
    assert_eq!(v["cites_matched"], 1.0);
    // Without the entry it is missing.
    let d = with_refs(
        &["Recovery is possible for everyone (SRN, 2012)."],
        &[ANTHONY],
    );
    let a = run(&r, &d);
    assert_eq!(a.values["cites_unmatched"], 1.0);
    assert_eq!(a.measured["cites"].missing, vec!["SRN (2012)"]);
}

#[test]
fn citations_secondary_source_needs_no_entry() {
    let r = load(CITATIONS, "cites");
    let d = with_refs(
        &["Recovery is a deeply personal process (Anthony, 1993, cited in Slade, 2009)."],
        &["Slade, M. (2009) Personal Recovery and Mental Illness. Cambridge: CUP."],
    );
    let a = run(&r, &d);
    assert_eq!(a.values["cites"], 1.0);
    assert_eq!(a.values["cites_matched"], 1.0);
    assert!(a.measured["cites"].missing.is_empty());
}

#[test]
fn citations_dates_in_prose_are_not_citations() {
    let r = load(CITATIONS, "cites");
    let d = doc(&["In 2016 (when I was 19) I became unwell. It was (I think) 2015."]);
    assert_eq!(value(&r, &d, "cites"), 0.0);
}

#[test]
fn sources_recognised_authors_and_frameworks_distinct() {
    let r = load(
        r#"
[[measure]]
kind = "sources"
name = "sources"
authors = ["Anthony", "Leamy", "Deegan"]
frameworks = ["CHIME", "Wellness Recovery Action Plan"]
"#,
        "sources",
    );
    let d = doc(&[
        "Anthony (1993) called recovery a deeply personal process. Later work agrees (Anthony, 1993; Slade, 2009).",
        "Leamy et al. (2011) describe CHIME. CHIME gave me words for my recovery.",
    ]);
    let a = run(&r, &d);
    assert_eq!(
        a.values["sources"], 3.0,
        "Anthony, Leamy and CHIME, once each"
    );
    assert_eq!(
        a.measured["sources"].items,
        vec!["Anthony", "Leamy", "CHIME"]
    );

    let d = doc(&["Slade (2009) and Repper and Carter (2011) wrote about it."]);
    assert_eq!(value(&r, &d, "sources"), 0.0, "unrecognised authors");
}

// ---------------------------------------------------------------------------------------
// length, sections
// ---------------------------------------------------------------------------------------

#[test]
fn length_words_range_and_ratio() {
    let r = load(
        "\n[[measure]]\nkind = \"length\"\nname = \"words\"\n",
        "words",
    );
    let body = words(88);
    let d = doc_hinted(&[
        ("Part one", Hint::Heading),
        (&body, Hint::None),
        ("References", Hint::None),
        (ANTHONY, Hint::None),
    ]);
    let v = values(&r, &d);
    assert_eq!(
        v["words"], 90.0,
        "heading counted; title and references not"
    );
    assert_eq!(v["words_in_range"], 1.0);
    assert!((v["words_ratio"] - 0.9).abs() < 1e-9);

    let short = words(50);
    let v = values(&r, &doc(&[&short]));
    assert_eq!(v["words"], 50.0);
    assert_eq!(v["words_in_range"], 0.0);
    assert!((v["words_ratio"] - 0.5).abs() < 1e-9);

    let long = words(130);
    let v = values(&r, &doc(&[&long]));
    assert_eq!(v["words_in_range"], 0.0);
    assert!((v["words_ratio"] - 1.3).abs() < 1e-9);

    let edge = words(120);
    assert_eq!(
        value(&r, &doc(&[&edge]), "words_in_range"),
        1.0,
        "max is inclusive"
    );
}

const SECTIONS: &str = r#"
[lexicon]
intro = ["in this essay", "this essay will"]
conclusion = ["in conclusion", "to conclude"]

[[measure]]
kind = "sections"
name = "sections"
intro = "intro"
conclusion = "conclusion"
intro_headings = ["Introduction"]
conclusion_headings = ["Conclusion", "Final thoughts"]
min_headings = 3
edge_section_paragraphs = 2
"#;

#[test]
fn sections_by_cue() {
    let r = load(SECTIONS, "sections");
    let d = doc(&[
        "In this essay I will describe my own recovery and what helped me along the way through some very hard years.",
        "When I was young I struggled at school and often felt very alone, even when my family were close by me.",
        "Short middle paragraph.",
        "In conclusion, recovery is personal.",
    ]);
    let v = values(&r, &d);
    assert_eq!(v["sections"], 2.0);
    assert_eq!(v["sections_intro"], 1.0);
    assert_eq!(v["sections_conclusion"], 1.0);
    assert_eq!(
        v["sections_paragraphs"], 2.0,
        "paragraphs of 20 words or more"
    );

    // A closing cue early in the essay is not a conclusion.
    let d = doc(&[
        "In conclusion, I start at the end.",
        "Then the middle part comes.",
        "Another middle part follows.",
        "And this is simply the last paragraph.",
    ]);
    let v = values(&r, &d);
    assert_eq!(v["sections_conclusion"], 0.0);
    assert_eq!(v["sections_intro"], 0.0);
}

#[test]
fn sections_by_heading() {
    let r = load(SECTIONS, "sections");
    let d = doc_hinted(&[
        ("Introduction", Hint::Heading),
        ("My story begins in Glasgow, where I grew up.", Hint::None),
        ("Things got harder at university.", Hint::None),
        ("Then I found a peer group.", Hint::None),
        ("Conclusion", Hint::Heading),
        ("Recovery is personal to everyone.", Hint::None),
    ]);
    let a = run(&r, &d);
    assert_eq!(a.values["sections_intro"], 1.0);
    assert_eq!(a.values["sections_conclusion"], 1.0);
    assert_eq!(a.values["sections"], 2.0);
    // The paragraphs under the two headings, not merely any of the first or last two.
    assert_eq!(
        a.measured["sections"].per_paragraph,
        vec![0, 0, 1, 0, 0, 0, 1]
    );

    let d = doc_hinted(&[
        ("Part one", Hint::Heading),
        ("My story begins in Glasgow, where I grew up.", Hint::None),
        ("Things got harder at university.", Hint::None),
        ("Then I found a peer group.", Hint::None),
        ("Part two", Hint::Heading),
        ("Recovery is personal to everyone.", Hint::None),
    ]);
    assert_eq!(
        value(&r, &d, "sections"),
        0.0,
        "other headings are not sections"
    );
}

#[test]
fn sections_by_position_under_three_or_more_headings() {
    let r = load(SECTIONS, "sections");
    // Set out under headings: a short first section opens the essay and a short last one
    // closes it, whatever their headings say.
    let d = doc_hinted(&[
        ("Where I'm starting from", Hint::Heading),
        (
            "What I want to do here is put my story beside the theory.",
            Hint::None,
        ),
        ("Nine years", Hint::Heading),
        ("My story begins in Glasgow, where I grew up.", Hint::None),
        ("Things got harder at university.", Hint::None),
        ("Then I found a peer group.", Hint::None),
        ("What I understand now", Hint::Heading),
        ("Recovery started when I told the truth.", Hint::None),
    ]);
    let a = run(&r, &d);
    assert_eq!(a.values["sections_intro"], 1.0);
    assert_eq!(a.values["sections_conclusion"], 1.0);
    assert_eq!(
        a.measured["sections"].per_paragraph,
        vec![0, 0, 1, 0, 0, 0, 0, 0, 1]
    );
    // A last section of three paragraphs is a body section; two headings are not enough.
    let d = doc_hinted(&[
        ("Where I'm starting from", Hint::Heading),
        (
            "What I want to do here is put my story beside the theory.",
            Hint::None,
        ),
        ("Nine years", Hint::Heading),
        ("My story begins in Glasgow, where I grew up.", Hint::None),
        ("Things got harder at university.", Hint::None),
        ("Then I found a peer group.", Hint::None),
    ]);
    let a = run(&r, &d);
    assert_eq!(a.values["sections_intro"], 0.0);
    assert_eq!(a.values["sections_conclusion"], 0.0);
}

#[test]
fn sections_two_paragraph_essay_has_no_separate_conclusion() {
    let r = load(SECTIONS, "sections");
    let d = doc(&[
        "In this essay I will describe my recovery.",
        "In conclusion, recovery is personal.",
    ]);
    let v = values(&r, &d);
    assert_eq!(v["sections_intro"], 1.0);
    assert_eq!(v["sections_conclusion"], 0.0);
    assert_eq!(v["sections"], 1.0);

    let d = doc(&[
        "In this essay I will describe my recovery.",
        "Then the middle part comes.",
        "In conclusion, recovery is personal.",
    ]);
    assert_eq!(
        value(&r, &d, "sections_conclusion"),
        1.0,
        "three paragraphs do"
    );
}

// ---------------------------------------------------------------------------------------
// language
// ---------------------------------------------------------------------------------------

#[test]
fn language_counts_lapses_from_findings() {
    let text = format!(
        r#"{HEAD}{SAFEGUARDING}
[[language.rule]]
id = "X01"
title = "committed suicide"
category = "suicide"
severity = "H"
patterns = ["commit* suicide"]
why = "Links suicide with crime."
alternatives = ["died by suicide"]

[[measure]]
kind = "language"
name = "lapses"
{}"#,
        criterion("c", "lapses")
    );
    let r = try_load(&text).expect("loads");
    let d = doc(&["My uncle committed suicide when I was twelve."]);
    let findings = r.language.check(&d);
    assert_eq!(findings.iter().filter(|f| f.lapse).count(), 1);
    let a = analyse(&r, &d, &findings);
    assert_eq!(a.values["lapses"], 1.0);
    assert_eq!(a.measured["lapses"].spans.len(), 1);
    assert_eq!(run(&r, &d).values["lapses"], 0.0, "no findings, no lapses");
}

// ---------------------------------------------------------------------------------------
// scoring
// ---------------------------------------------------------------------------------------

const SCORING: &str = r#"[rubric]
id = "scoring"
title = "Scoring"
assignment = "Reflect."
level_names = ["Not yet evidenced", "Emerging", "Achieved", "Strong"]

[words]
target = 100
min = 80
max = 120

[outcome.achieved_when]
reflection = 2

[[safeguarding.triggers]]
id = "test-trigger"
cue = "test cue"
tier = 3
phrases = ["zzqx trigger"]

[lexicon]
reflection = ["I realised", "I learned", "looking back"]

[[measure]]
kind = "phrases"
name = "reflect"
lexicon = "reflection"
count = "distinct"

[[measure]]
kind = "length"
name = "words"

[[criterion]]
id = "reflection"
title = "Reflection"
weight = 30
descriptors = ["none", "some", "enough", "plenty"]
feedback = [
  "No reflection yet.",
  "You reflect with {reflect.items} in {words} words.",
  "You reflect in {reflect} ways.",
  "You reflect well: {reflect.items}.",
]
stretch = "Link one reflection to a source."
evidence = ["reflect"]

  [[criterion.level]]
  level = 1
  require = [{ when = "reflect >= 1", advice = "Say what you realised about your recovery." }]

  [[criterion.level]]
  level = 2
  require = [{ when = "words_in_range >= 1", advice = "Write between 80 and 120 words." }]

  [[criterion.level]]
  level = 3
  require = [{ when = "reflect >= 2", advice = "Add a second reflection." }]

[[criterion]]
id = "length"
title = "Length"
weight = 9
descriptors = ["none", "some", "enough", "plenty"]
feedback = ["Too short.", "Longer.", "Long.", "Full."]
evidence = []

  [[criterion.level]]
  level = 1
  require = [
    { when = "words >= 200", advice = "First advice." },
    { when = "words_in_range >= 1", advice = "Second advice." },
    { when = "reflect >= 5", advice = "Third advice." },
  ]

  [[criterion.level]]
  level = 2
  require = [{ when = "words >= 300", advice = "Level two advice." }]

  [[criterion.level]]
  level = 3
  require = [{ when = "words >= 400", advice = "Level three advice." }]
"#;

#[test]
fn scoring_levels_are_cumulative() {
    let r = try_load(SCORING).expect("loads");
    // Two reflections (level 3's condition holds) but too short (level 2's does not).
    let d = doc(&["I realised I was not alone. I learned to ask for help."]);
    let got = peermark_engine::check_document(&r, &d, "s1", "s1.txt");
    let c = &got.criteria[0];
    assert_eq!(c.id, "reflection");
    assert_eq!(c.level, 1, "level 2 fails, so level 3 is not reached");
    assert_eq!(c.level_name, "Emerging");
    assert_eq!(c.points, 10.0, "30 × 1 / 3");
    assert_eq!(c.max_points, 30.0);
    assert_eq!(c.next_steps, vec!["Write between 80 and 120 words."]);
    assert_eq!(
        c.feedback,
        "You reflect with i realised and i learned in 12 words. Next steps: Write between 80 and 120 words."
    );
    assert_eq!(c.measures["reflect"], 2.0);
    assert_eq!(c.evidence[0].quote, "I realised I was not alone.");
    assert_eq!(got.outcome, Some(Outcome::NotYetAchieved));
}

#[test]
fn scoring_top_level_gives_full_points_and_stretch() {
    let r = try_load(SCORING).expect("loads");
    let filler = words(81);
    let d = doc(&[
        "I realised I was not alone. I learned to ask for help.",
        &filler,
    ]);
    let got = peermark_engine::check_document(&r, &d, "s2", "s2.txt");
    let c = &got.criteria[0];
    assert_eq!(c.level, 3);
    assert_eq!(c.points, 30.0);
    assert!(c.next_steps.is_empty());
    assert_eq!(
        c.feedback,
        "You reflect well: i realised and i learned. Link one reflection to a source."
    );
    assert_eq!(got.outcome, Some(Outcome::Achieved));
    assert_eq!(got.score, Some(30.0), "the length criterion is at level 0");
}

#[test]
fn scoring_level_two_points_and_next_step() {
    let r = try_load(SCORING).expect("loads");
    let filler = words(85);
    let d = doc(&["I realised I was not alone.", &filler]);
    let got = peermark_engine::check_document(&r, &d, "s3", "s3.txt");
    let c = &got.criteria[0];
    assert_eq!(c.level, 2);
    assert_eq!(c.points, 20.0, "30 × 2 / 3");
    assert_eq!(
        c.feedback,
        "You reflect in 1 ways. Next steps: Add a second reflection."
    );
    assert_eq!(got.outcome, Some(Outcome::Achieved));
}

#[test]
fn scoring_level_zero_and_at_most_two_next_steps() {
    let r = try_load(SCORING).expect("loads");
    let d = doc(&["Nothing reflective is said here at all."]);
    let got = peermark_engine::check_document(&r, &d, "s4", "s4.txt");
    let c = &got.criteria[0];
    assert_eq!(c.level, 0);
    assert_eq!(c.points, 0.0);
    assert!(c.evidence.is_empty());
    assert_eq!(
        c.feedback,
        "No reflection yet. Next steps: Say what you realised about your recovery."
    );
    let l = &got.criteria[1];
    assert_eq!(l.level, 0);
    assert_eq!(l.next_steps, vec!["First advice.", "Second advice."]);
    assert!(!l.feedback.contains("Third advice."));
    assert_eq!(got.score, Some(0.0));
    assert_eq!(got.outcome, Some(Outcome::NotYetAchieved));
}

// ---------------------------------------------------------------------------------------
// rubric errors
// ---------------------------------------------------------------------------------------

#[test]
fn error_together_names_a_later_measure() {
    let text = format!(
        r#"{HEAD}{SAFEGUARDING}
[lexicon]
first_person = ["I"]
markers = ["when I was"]
theory_words = ["CHIME"]

[[measure]]
kind = "narrative"
name = "story"
first_person = "first_person"
markers = "markers"

[[measure]]
kind = "together"
name = "linked"
all = ["story", "theory"]

[[measure]]
kind = "phrases"
name = "theory"
lexicon = "theory_words"
{}"#,
        criterion("c", "story")
    );
    let (line, message) = invalid(&text);
    assert_eq!(
        line,
        line_containing(&text, "all = [\"story\", \"theory\"]")
    );
    assert!(message.contains("\"linked\""), "{message}");
    assert!(message.contains("\"theory\""), "{message}");
}

#[test]
fn error_run_names_an_unknown_measure() {
    let text = format!(
        r#"{HEAD}{SAFEGUARDING}
[[measure]]
kind = "phrases"
name = "story"
phrases = ["when I was"]

[[measure]]
kind = "run"
name = "block"
has = "story"
lacks = "theory"
{}"#,
        criterion("c", "story")
    );
    let (line, message) = invalid(&text);
    assert_eq!(line, line_containing(&text, "lacks = "));
    assert!(message.contains("\"theory\""), "{message}");
}

const ERR_CONCEPT_LEXICONS: &str = r#"
[lexicon]
explain = ["means", "because"]
"#;

#[test]
fn error_from_without_a_source() {
    let text = format!(
        r#"{HEAD}{SAFEGUARDING}{ERR_CONCEPT_LEXICONS}
[[measure]]
kind = "concepts"
name = "factors_discussed"
from = "factors"
explain = "explain"
{}"#,
        criterion("c", "factors_discussed")
    );
    let (line, message) = invalid(&text);
    assert_eq!(line, line_containing(&text, "from = "));
    assert!(message.contains("factors_discussed"), "{message}");
    assert!(message.contains("\"factors\""), "{message}");
}

#[test]
fn error_from_a_measure_defined_below() {
    let text = format!(
        r#"{HEAD}{SAFEGUARDING}{ERR_CONCEPT_LEXICONS}
[[measure]]
kind = "concepts"
name = "early"
from = "factors"
explain = "explain"

[[measure]]
kind = "concepts"
name = "factors"
explain = "explain"

  [[measure.concept]]
  id = "hope"
  label = "hope"
  phrases = ["hope"]
{}"#,
        criterion("c", "factors")
    );
    let (line, message) = invalid(&text);
    assert_eq!(line, line_containing(&text, "from = "));
    assert!(message.contains("above this one"), "{message}");
}

#[test]
fn error_from_named_like_the_kind_points_at_the_from_line() {
    // The default rubric names a concepts measure "concepts"; reusing it from a measure
    // placed above it must point at the `from` line, not at a `kind = "concepts"` line.
    let text = format!(
        r#"{HEAD}{SAFEGUARDING}{ERR_CONCEPT_LEXICONS}
[[measure]]
kind = "concepts"
name = "factors"
explain = "explain"

  [[measure.concept]]
  id = "hope"
  label = "hope"
  phrases = ["hope"]

[[measure]]
kind = "phrases"
name = "other"
phrases = ["x"]

[[measure]]
kind = "phrases"
name = "late"
phrases = ["y"]

[[measure]]
kind = "concepts"
name = "early"
from = "concepts"
explain = "explain"
{}"#,
        criterion("c", "factors")
    );
    let (line, _) = invalid(&text);
    assert_eq!(line, line_containing(&text, "from = "));
}

#[test]
fn error_criterion_evidence_names_an_unknown_measure() {
    let text = format!(
        r#"{HEAD}{SAFEGUARDING}
[lexicon]
reflection = ["I realised"]

[[measure]]
kind = "phrases"
name = "reflect"
lexicon = "reflection"

[[criterion]]
id = "c"
title = "C"
weight = 10
descriptors = ["a", "b", "c", "d"]
feedback = ["a", "b", "c", "d"]
evidence = ["reflections"]

  [[criterion.level]]
  level = 1
  require = [{{ when = "reflect >= 1", advice = "x" }}]

  [[criterion.level]]
  level = 2
  require = [{{ when = "reflect >= 2", advice = "x" }}]

  [[criterion.level]]
  level = 3
  require = [{{ when = "reflect >= 3", advice = "x" }}]
"#
    );
    let (line, message) = invalid(&text);
    assert_eq!(line, line_containing(&text, "evidence = "));
    assert!(message.contains("evidence"), "{message}");
    assert!(message.contains("\"reflections\""), "{message}");
}

#[test]
fn error_evidence_naming_a_lexicon_points_at_the_evidence_line() {
    // A likely slip: the criterion names the lexicon instead of the measure built on it.
    let text = format!(
        r#"{HEAD}{SAFEGUARDING}
[lexicon]
reflection = ["I realised"]

[[measure]]
kind = "phrases"
name = "reflect"
lexicon = "reflection"

[[criterion]]
id = "c"
title = "C"
weight = 10
descriptors = ["a", "b", "c", "d"]
feedback = ["a", "b", "c", "d"]
evidence = ["reflection"]

  [[criterion.level]]
  level = 1
  require = [{{ when = "reflect >= 1", advice = "x" }}]

  [[criterion.level]]
  level = 2
  require = [{{ when = "reflect >= 2", advice = "x" }}]

  [[criterion.level]]
  level = 3
  require = [{{ when = "reflect >= 3", advice = "x" }}]
"#
    );
    let (line, message) = invalid(&text);
    assert!(message.contains("evidence"), "{message}");
    assert_eq!(line, line_containing(&text, "evidence = "));
}

#[test]
fn error_concept_key_is_not_a_concept_id() {
    let text = format!(
        r#"{HEAD}{SAFEGUARDING}{ERR_CONCEPT_LEXICONS}
[[measure]]
kind = "concepts"
name = "concepts"
explain = "explain"
key = ["hopefulness"]

  [[measure.concept]]
  id = "hope"
  label = "Hope"
  phrases = ["hope"]
{}"#,
        criterion("c", "concepts")
    );
    let (line, message) = invalid(&text);
    assert_eq!(line, line_containing(&text, "key = "));
    assert!(message.contains(".key"), "{message}");
    assert!(message.contains("\"hopefulness\""), "{message}");
}

#[test]
fn error_concept_key_that_is_a_phrase_points_at_the_key_line() {
    // A likely slip: the key names the term ("mutuality") instead of the concept id.
    let text = format!(
        r#"{HEAD}{SAFEGUARDING}
[lexicon]
explain = ["means", "because"]
theory = ["mutuality", "CHIME"]

[[measure]]
kind = "concepts"
name = "peer_features"
explain = "explain"
key = ["mutuality"]

  [[measure.concept]]
  id = "mutual"
  label = "mutuality"
  phrases = ["mutuality", "mutual"]
{}"#,
        criterion("c", "peer_features")
    );
    let (line, message) = invalid(&text);
    assert!(message.contains(".key"), "{message}");
    assert_eq!(line, line_containing(&text, "key = "));
}
