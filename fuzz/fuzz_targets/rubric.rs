//! The rubric loader: the input is the main rubric file; files it includes are the
//! built-in ones. Any input ends in a rubric or a `RubricError`, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

const BUILT_IN: &[(&str, &str)] = &[
    (
        "recovery-language-rules.toml",
        include_str!("../../rubrics/recovery-language-rules.toml"),
    ),
    (
        "recovery-language-rules-2.toml",
        include_str!("../../rubrics/recovery-language-rules-2.toml"),
    ),
    (
        "safeguarding-cues.toml",
        include_str!("../../rubrics/safeguarding-cues.toml"),
    ),
];

fuzz_target!(|data: &[u8]| {
    let Ok(main) = std::str::from_utf8(data) else {
        return;
    };
    let reader = |p: &Path| -> std::io::Result<String> {
        if p.file_name().and_then(|n| n.to_str()) == Some("fuzz.toml") {
            return Ok(main.to_string());
        }
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        BUILT_IN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.to_string())
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))
    };
    let _ = peermark::rubric::load_with(Path::new("rubrics/fuzz.toml"), &reader);
});
