//! Whole documents and paragraphs: paragraph indexes, sentence ranges, context that crosses a
//! sentence (a coping frame in the next sentence), and the reference list.

mod common;

use common::{scanner, CueFile};
use peermark_safeguard::Scanner;
use peermark_text::{document::Hint, Document, Paragraph, SourceLines};

fn doc(paragraphs: &[&str]) -> Document {
    Document::new(
        paragraphs
            .iter()
            .map(|t| Paragraph::new(*t, Hint::None))
            .collect(),
        SourceLines::Extracted,
    )
}

#[test]
fn flags_carry_paragraph_index_and_sentence_range() {
    let d = doc(&[
        "My recovery story",
        "In 2015 I attempted suicide and spent three weeks in hospital. The nurses were kind. \
         Peer support showed me a different way.",
        "This essay is killing me! I have learned a lot from the course.",
        "I want to be honest with my assessor. Lately I don't see the point anymore. \
         I have not told anyone yet.",
        "He still takes my benefits and I'm scared to go home.",
        "References",
        "Samaritans (2020) Media guidelines for reporting suicide. London: Samaritans.",
    ]);
    let flags = scanner().scan(&d);
    assert_eq!(flags.len(), 2, "{flags:#?}");

    let text = &d.paragraphs[3].text;
    let f = &flags[0];
    assert_eq!(f.paragraph, 3);
    assert_eq!(
        &text[f.range.clone()],
        "Lately I don't see the point anymore."
    );
    assert_eq!(f.quote, "Lately I don't see the point anymore.");
    assert_eq!(
        f.range.start,
        "I want to be honest with my assessor. ".len()
    );
    assert_eq!(f.tier, 3);
    assert_eq!(f.cue, "present hopelessness");
    // Positions for the assessor notes come from the document.
    let pos = d.position(f.paragraph, f.range.start);
    assert_eq!((pos.paragraph, pos.line, pos.column), (4, 7, 39));

    let g = &flags[1];
    assert_eq!(g.paragraph, 4);
    assert_eq!(g.range, 0..d.paragraphs[4].text.len());
    assert_eq!(g.tier, 3);
    assert_eq!(g.cue, "current harm from others");
}

#[test]
fn one_flag_per_sentence_with_the_highest_tier() {
    let flags = scanner().scan_text(
        "I feel trapped and I have been saving my tablets. I still self-harm most days.",
    );
    assert_eq!(flags.len(), 2, "{flags:#?}");
    assert_eq!(flags[0].tier, 4);
    assert_eq!(flags[0].cue, "plan or preparation; present hopelessness");
    assert_eq!(flags[1].tier, 3);
    assert_eq!(flags[1].cue, "current self-harm");
    assert_eq!(
        flags[1].range.start,
        "I feel trapped and I have been saving my tablets. ".len()
    );
}

#[test]
fn a_coping_frame_in_the_next_sentence_lowers_the_tier() {
    let s = scanner();
    let alone = s.scan_text("Some days the urge to self-harm is strong.");
    assert_eq!(alone[0].tier, 3);
    let with_next = s.scan_text(
        "Some days the urge to self-harm is strong. When that happens I ring Breathing Space.",
    );
    assert_eq!(with_next.len(), 1);
    assert_eq!(with_next[0].tier, 2);
    assert_eq!(with_next[0].cue, "current self-harm with coping");
    // The sentence before does not count.
    let before =
        s.scan_text("I ring Breathing Space a lot. Some days the urge to self-harm is strong.");
    assert_eq!(before[0].tier, 3);
    // A negated coping frame is not one.
    let negated = s.scan_text("I'm cutting again and I have not told my CPN.");
    assert_eq!(negated[0].tier, 3);
}

#[test]
fn a_story_paragraph_gives_no_flags() {
    let story = "When I was nineteen I took an overdose and woke up in the general hospital. \
        I self-harmed for six years as a teenager, and the scars are part of my story. \
        I remember thinking, 'I can't go on.' Back then I felt there was no way out; peer \
        support showed me there was. I haven't self-harmed for four years, and my scars remind \
        me how far I've come. My brother died by suicide in 2019, which shaped my wish to become \
        a peer worker. I still hear voices, but I have learned to live with them.";
    let flags = scanner().scan_text(story);
    assert!(flags.is_empty(), "{flags:#?}");
}

#[test]
fn settings_without_contact_lines_default_to_empty() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../rubrics/safeguarding-cues.toml"
    );
    let file: CueFile = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(file.safeguarding.contact, "");
    assert_eq!(file.safeguarding.support_line, "");
    let with: CueFile = toml::from_str(
        "[safeguarding]\ncontact = \"Duty lead 0131 000 0000\"\nsupport_line = \"Samaritans 116 123\"\n\
         [[safeguarding.triggers]]\nid = \"x\"\ncue = \"c\"\ntier = 3\nphrases = [\"end it all\"]\n",
    )
    .unwrap();
    assert_eq!(with.safeguarding.contact, "Duty lead 0131 000 0000");
    assert_eq!(with.safeguarding.support_line, "Samaritans 116 123");
    let s = Scanner::new(&with.safeguarding).unwrap();
    assert_eq!(s.scan_text("I want to end it all.")[0].tier, 3);
}
