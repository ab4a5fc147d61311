//! The rubric loader. The input, split at its first NUL, is the main rubric file and the
//! text of the first file it includes (so mutations reach the language rules and safeguarding
//! cues too, and a small include keeps each run fast). Any input ends in a rubric or a
//! `RubricError`, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (main, included) = text.split_once('\0').unwrap_or((text, ""));
    // The first file included gets the text; any later one is empty.
    let served = std::cell::Cell::new(false);
    let reader = |p: &Path| -> std::io::Result<String> {
        if p.file_name().and_then(|n| n.to_str()) == Some("fuzz.toml") {
            Ok(main.to_string())
        } else if !served.replace(true) {
            Ok(included.to_string())
        } else {
            Ok(String::new())
        }
    };
    let _ = peermark_engine::rubric::load_with(Path::new("rubrics/fuzz.toml"), &reader);
});
