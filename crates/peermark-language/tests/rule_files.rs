//! Loads the shipped rule files and runs every rule's own examples.

use peermark_language::{LanguageSettings, RuleSet};
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::OnceLock;

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    language: LanguageSettings,
}

fn rubrics() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../rubrics")
}

fn load(name: &str) -> Option<LanguageSettings> {
    let path = rubrics().join(name);
    let text = std::fs::read_to_string(&path).ok()?;
    let file: File = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Some(file.language)
}

/// Part 1 plus part 2 when it exists, compiled once for all tests.
fn shipped() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut settings =
            load("recovery-language-rules.toml").expect("rubrics/recovery-language-rules.toml");
        if let Some(two) = load("recovery-language-rules-2.toml") {
            settings.merge(two);
        }
        RuleSet::compile(&settings).unwrap_or_else(|e| panic!("{e}"))
    })
}

#[test]
fn part_one_has_rules_l01_to_l39_with_examples() {
    let settings = load("recovery-language-rules.toml").unwrap();
    let set = RuleSet::compile(&settings).unwrap_or_else(|e| panic!("{e}"));
    for n in 1..=39 {
        let id = format!("L{n:02}");
        let rule = set.rule(&id).unwrap_or_else(|| panic!("{id} missing"));
        assert!(rule.flag.len() >= 2, "{id}: needs several flag examples");
        assert!(rule.pass.len() >= 2, "{id}: needs several pass examples");
        assert!(!rule.source.is_empty() && !rule.why.is_empty(), "{id}");
    }
    assert!(!settings.frames.reporting.is_empty());
    assert!(!settings.frames.person_words.is_empty());
}

#[test]
fn part_one_examples_pass_on_their_own() {
    let settings = load("recovery-language-rules.toml").unwrap();
    let set = RuleSet::compile(&settings).unwrap_or_else(|e| panic!("{e}"));
    let failures = set.run_examples();
    let report: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
    assert!(
        failures.is_empty(),
        "{} failing examples:\n{}",
        failures.len(),
        report.join("\n")
    );
}

#[test]
fn all_shipped_examples_pass() {
    let set = shipped();
    let failures = set.run_examples();
    let report: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
    assert!(
        failures.is_empty(),
        "{} failing examples:\n{}",
        failures.len(),
        report.join("\n")
    );
}

#[test]
fn messages_pass_the_self_check() {
    // peermark checks its own feedback: no message may itself contain a lapse.
    let set = shipped();
    for rule in set.rules() {
        for ex in rule.flag.iter().chain(&rule.pass) {
            for f in set.check_text(ex) {
                let lapses: Vec<_> = set
                    .check_text(&f.message)
                    .into_iter()
                    .filter(|g| g.lapse)
                    .collect();
                assert!(
                    lapses.is_empty(),
                    "message {:?} has lapses {:?}",
                    f.message,
                    lapses
                );
            }
        }
    }
}
