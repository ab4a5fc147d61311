//! Settings errors name the field.

use peermark_safeguard::{SafeguardError, SafeguardingSettings, Scanner};
use serde::Deserialize;

#[derive(Deserialize)]
struct CueFile {
    safeguarding: SafeguardingSettings,
}

fn settings(toml_text: &str) -> SafeguardingSettings {
    toml::from_str::<CueFile>(toml_text).unwrap().safeguarding
}

fn error(toml_text: &str) -> SafeguardError {
    match Scanner::new(&settings(toml_text)) {
        Ok(_) => panic!("expected an error for:\n{toml_text}"),
        Err(e) => e,
    }
}

const GROUPS: &str = r#"
[safeguarding]
[[safeguarding.triggers]]
id = "a"
cue = "a cue"
tier = 3
phrases = ["end it all"]
[[safeguarding.triggers]]
id = "b"
cue = "b cue"
tier = 3
phrases = ["no way out"]
"#;

#[test]
fn a_bad_trigger_phrase_names_group_and_index() {
    let text = format!(
        "{GROUPS}[[safeguarding.triggers]]\nid = \"c\"\ncue = \"c cue\"\ntier = 4\n\
         phrases = [\"one\", \"two\", \"three\", \"four\", \"(unclosed\"]\n"
    );
    let e = error(&text);
    assert_eq!(e.field(), "safeguarding.triggers[2].phrases[4]");
    let msg = e.to_string();
    assert!(
        msg.starts_with("safeguarding.triggers[2].phrases[4]: "),
        "{msg}"
    );
    assert!(msg.contains("(unclosed"), "{msg}");
}

#[test]
fn a_bad_self_phrase_names_its_list() {
    let text = format!(
        "{GROUPS}[[safeguarding.triggers]]\nid = \"c\"\ncue = \"c\"\ntier = 3\n\
         self_phrases = [\"kill myself\", \"mid*dle\"]\n"
    );
    assert_eq!(
        error(&text).field(),
        "safeguarding.triggers[2].self_phrases[1]"
    );
}

#[test]
fn a_bad_modifier_phrase_names_its_lexicon() {
    let text =
        format!("{GROUPS}[safeguarding.modifiers]\nhistorical = [\"back then\", 're:(bad']\n");
    let e = error(&text);
    assert_eq!(e.field(), "safeguarding.modifiers.historical[1]");
    assert!(e
        .to_string()
        .starts_with("safeguarding.modifiers.historical[1]: phrase "));
}

#[test]
fn tiers_must_be_two_to_four() {
    let text = GROUPS
        .replacen("tier = 3", "tier = 1", 2)
        .replacen("tier = 1", "tier = 3", 1);
    let e = error(&text);
    assert_eq!(e.field(), "safeguarding.triggers[1].tier");
    assert!(e.to_string().contains("must be 2, 3 or 4 (got 1)"), "{e}");

    let text = GROUPS.replacen("tier = 3", "tier = 3\ntier_with_coping = 5", 1);
    assert_eq!(
        error(&text).field(),
        "safeguarding.triggers[0].tier_with_coping"
    );
}

#[test]
fn empty_cues_groups_and_windows_are_refused() {
    assert_eq!(error("[safeguarding]\n").field(), "safeguarding.triggers");
    let text = GROUPS.replacen("cue = \"b cue\"", "cue = \" \"", 1);
    assert_eq!(error(&text).field(), "safeguarding.triggers[1].cue");
    let text = GROUPS.replacen("phrases = [\"no way out\"]", "phrases = []", 1);
    assert_eq!(error(&text).field(), "safeguarding.triggers[1].phrases");
    let text = GROUPS.replacen("[safeguarding]", "[safeguarding]\nwindow = 0", 1);
    assert_eq!(error(&text).field(), "safeguarding.window");
}

#[test]
fn unknown_lexicon_names_are_refused_by_the_parser() {
    let text = format!("{GROUPS}[safeguarding.modifiers]\nhistorcal = [\"back then\"]\n");
    let err = toml::from_str::<CueFile>(&text)
        .err()
        .expect("typo must not pass");
    assert!(err.to_string().contains("historcal"), "{err}");
}

#[test]
fn a_bad_contrast_phrase_names_its_lexicon() {
    let text = format!("{GROUPS}[safeguarding.modifiers]\ncontrast = [\"but\", \"(yet\"]\n");
    assert_eq!(error(&text).field(), "safeguarding.modifiers.contrast[1]");
}
