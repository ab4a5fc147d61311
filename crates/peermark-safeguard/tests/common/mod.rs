//! The shipped cue file, compiled once per test binary.

use peermark_safeguard::{SafeguardingSettings, Scanner};
use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Deserialize)]
pub struct CueFile {
    pub safeguarding: SafeguardingSettings,
}

/// A scanner built from `rubrics/safeguarding-cues.toml`.
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
