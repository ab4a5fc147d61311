//! The shipped cue file, compiled once per test binary.

use peermark_safeguard::{ModelSettings, SafeguardingSettings, Scanner};
use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Deserialize)]
pub struct CueFile {
    pub safeguarding: SafeguardingSettings,
}

/// A scanner built from `rubrics/safeguarding-cues.toml` alone: the cue reading, without the
/// model.
#[allow(dead_code)] // not every test binary reads the cues alone
pub fn scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../rubrics/safeguarding-cues.toml"
        );
        let text = std::fs::read_to_string(path).expect("read the cue file");
        let file: CueFile = toml::from_str(&text).expect("parse the cue file");
        Scanner::new(&file.safeguarding).expect("compile the cue file")
    })
}

#[derive(Deserialize)]
struct ModelFile {
    safeguarding: ModelTable,
}

#[derive(Deserialize)]
struct ModelTable {
    model: ModelSettings,
}

/// The scan as the default rubric ships it: the cue file and the model beside it.
#[allow(dead_code)] // not every test binary reads the shipped scan
pub fn shipped_scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../rubrics/");
        let cues = std::fs::read_to_string(format!("{dir}safeguarding-cues.toml")).unwrap();
        let model = std::fs::read_to_string(format!("{dir}safeguarding-model.toml")).unwrap();
        let mut settings = toml::from_str::<CueFile>(&cues).unwrap().safeguarding;
        settings.model = Some(
            toml::from_str::<ModelFile>(&model)
                .unwrap()
                .safeguarding
                .model,
        );
        Scanner::new(&settings).expect("compile the cue file and the model")
    })
}
