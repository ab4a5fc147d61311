//! Time is read in the trigger's own clause first. A memory or historical frame in another
//! clause does not hide present risk in the trigger's clause, and a present or recency cue at
//! the start of the trigger's clause ("These days I …") counts for it; the recovery-story
//! neighbours of each case stay unflagged. Table-driven, like `sentences.rs`: each sentence,
//! scanned alone, gives exactly the tier in the table (0 = no flag).

mod common;

use common::scanner;

fn check(table: &[(&str, u8)]) {
    let mut failures = Vec::new();
    for (sentence, want) in table {
        let flags = scanner().scan_text(sentence);
        assert!(flags.len() <= 1, "one sentence gave {flags:#?}");
        let (got, cue) = flags
            .first()
            .map(|f| (f.tier, f.cue.clone()))
            .unwrap_or((0, String::new()));
        if got != *want {
            failures.push(format!("  want {want}, got {got} ({cue}): {sentence}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} sentences read wrongly:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n")
    );
}

/// A memory frame ("I remember", "I can still picture") in one clause; present risk in the
/// next clause, shown by a time marker of its own or by present tense after a contrast word.
const MEMORY_THEN_PRESENT: &[(&str, u8)] = &[
    ("I remember feeling safe, but lately I can't see a future.", 3),
    ("I remember feeling safe on those walks, but these days I feel trapped.", 3),
    ("I remember feeling safe, but I feel hopeless now.", 3),
    ("I recall feeling safe as a child, however I feel trapped now.", 3),
    ("I remember the old days, yet I can't see a future.", 3),
    ("I remember my first admission; lately I have been self-harming again.", 3),
    ("I remember my first overdose; I still think about suicide every day.", 3),
    ("I remember the ward, but I still self-harm most weeks.", 3),
    ("I remember the ward, but I still self-harm most weeks; my CPN knows and I use my safety plan.", 2),
    ("I can still picture the ward, but I've been planning how to end my life.", 4),
    ("I remember my first admission, but I'm going to end it all after I submit this essay.", 4),
];

/// Neighbours that stay unflagged: the trigger sits inside the memory, the present clause
/// holds no trigger, or a quoted thought follows a colon (bare present tense stays inside the
/// memory frame).
const MEMORY_NEIGHBOURS: &[(&str, u8)] = &[
    (
        "I remember thinking I couldn't go on, but now I use my WRAP.",
        0,
    ),
    ("I remember thinking: I can't go on.", 0),
    (
        "I remember one thought going round my head: I can't go on.",
        0,
    ),
    (
        "I used to tell myself: everyone would be better off without me.",
        0,
    ),
    (
        "I remember the night I took an overdose as if it were yesterday.",
        0,
    ),
    (
        "I remember thinking there was no way out, but today I know there was.",
        0,
    ),
    ("I remember wanting to die, but now I feel hopeful.", 0),
    (
        "I still remember wanting to die, but these days I want to live.",
        0,
    ),
    (
        "I remember how hopeless I felt, but these days I have hope.",
        0,
    ),
    (
        "I still remember the shame, but I no longer feel trapped.",
        0,
    ),
    (
        "I remember being told I was a danger to myself, but I don't self-harm anymore.",
        0,
    ),
    (
        "I remember the ward, but there's no point in pretending it was all bad.",
        0,
    ),
    (
        "I remember the ward, but these days I can see I was trapped.",
        0,
    ),
    (
        "I remember my brother's funeral, but my friend is suicidal now.",
        0,
    ),
];

/// A historical frame in one clause does not override present time in the trigger's clause.
const HISTORY_THEN_PRESENT: &[(&str, u8)] = &[
    ("In 2015 I was in hospital; lately I feel hopeless.", 3),
    ("Back then I was fine, but I feel hopeless now.", 3),
    ("Back then I was fine, but these days I feel hopeless.", 3),
    (
        "In 2015 I attempted suicide, and these days I feel suicidal again.",
        3,
    ),
];

const HISTORY_NEIGHBOURS: &[(&str, u8)] = &[
    (
        "Back then I felt hopeless, but these days I feel hopeful.",
        0,
    ),
    ("Back then I felt hopeless; these days I feel hopeful.", 0),
    ("Back then I felt trapped; these days I help others.", 0),
    (
        "At my lowest I felt there was no future, but today I have hope.",
        0,
    ),
    ("Self-harm ruled my life; these days I run a group.", 0),
    (
        "My self-harm scared my family, but these days I use my WRAP.",
        0,
    ),
    ("Now I know that back then there was no way out.", 0),
];

/// Present time said first, in the same words as said last.
const PRESENT_SAID_FIRST: &[(&str, u8)] = &[
    ("These days I feel hopeless.", 3),
    ("I feel hopeless these days.", 3),
    ("Lately I feel hopeless.", 3),
    ("Today I feel hopeless.", 3),
    ("Now I feel trapped.", 3),
    ("These days I'm a burden to everyone.", 3),
    ("These days I feel like a burden again.", 3),
    ("These days I have been self-harming again.", 3),
    (
        "These days I still get the urge to self-harm, but I ring Breathing Space.",
        2,
    ),
    ("These days I feel hopeless and I have not told anyone.", 3),
    ("These days I wish I was dead.", 3),
];

/// "These days I …" as a recovery frame: looking back at a past trigger, or the peer role.
const PRESENT_FRAME_NEIGHBOURS: &[(&str, u8)] = &[
    (
        "These days I can see that I was trapped by my diagnosis.",
        0,
    ),
    ("These days I see that I was trapped by my diagnosis.", 0),
    ("These days I know that I was never a burden.", 0),
    ("These days I help people who feel hopeless.", 0),
    ("These days I support others who self-harm.", 0),
    ("Today I help others who feel trapped.", 0),
    ("Today I am proud that I no longer self-harm.", 0),
];

/// "I wish I was dead": the tense of the trigger is its head verb ("wish"), not the "was"
/// inside the fixed phrase.
const HEAD_VERB_TENSE: &[(&str, u8)] = &[
    ("I wish I was dead.", 3),
    ("I wish I were dead.", 3),
    ("Sometimes I wish I were dead.", 3),
    ("Today I still wish I was dead.", 3),
    ("Right now I wish I was dead.", 3),
    ("I wished I was dead.", 0),
    ("Back then I wished I was dead.", 0),
    ("When I was 17 I wished I was dead every day.", 0),
];

#[test]
fn a_memory_in_another_clause_does_not_hide_present_risk() {
    check(MEMORY_THEN_PRESENT);
}

#[test]
fn a_memory_still_frames_its_own_clause_and_quoted_thoughts() {
    check(MEMORY_NEIGHBOURS);
}

#[test]
fn a_historical_clause_does_not_override_present_time_in_the_next() {
    check(HISTORY_THEN_PRESENT);
}

#[test]
fn a_past_trigger_before_a_present_clause_stays_unflagged() {
    check(HISTORY_NEIGHBOURS);
}

#[test]
fn present_time_said_first_counts_for_its_clause() {
    check(PRESENT_SAID_FIRST);
}

#[test]
fn a_present_frame_looking_back_or_at_others_is_not_a_disclosure() {
    check(PRESENT_FRAME_NEIGHBOURS);
}

#[test]
fn the_head_verb_gives_the_tense_of_a_fixed_phrase() {
    check(HEAD_VERB_TENSE);
}

#[test]
fn present_time_said_first_or_last_gives_the_same_cue() {
    let first = scanner().scan_text("These days I feel hopeless.");
    let last = scanner().scan_text("I feel hopeless these days.");
    assert_eq!(first.len(), 1);
    assert_eq!(last.len(), 1);
    assert_eq!(first[0].cue, "present hopelessness");
    assert_eq!(first[0].cue, last[0].cue);
}
