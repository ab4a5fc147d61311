//! Prints the windows the safeguarding model reads in plain-text essays, one JSON object a
//! line: `{"file", "paragraph", "sentence", "window", "text", "cue"}` (`text` the sentence
//! itself; `cue` what the shipped cue file alone makes of it: `none`, `current` or `untimed`).
//! `tools/train-safeguarding-model.py` trains on exactly these windows, so training and the
//! scan split sentences the same way.
//!
//! Usage: cargo run --release -p peermark-safeguard --example windows -- ESSAY.txt...

#[derive(serde::Deserialize)]
struct CueFile {
    safeguarding: peermark_safeguard::SafeguardingSettings,
}

fn main() {
    let cues = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../rubrics/safeguarding-cues.toml"
    );
    let file: CueFile = toml::from_str(&std::fs::read_to_string(cues).unwrap()).unwrap();
    let scanner = peermark_safeguard::Scanner::new(&file.safeguarding).unwrap();
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).expect("a UTF-8 text file");
        // Paragraphs are separated by blank lines; the first is the title.
        let paras: Vec<String> = text
            .split("\n\n")
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect();
        for (pi, p) in paras.iter().enumerate().skip(1) {
            if p.eq_ignore_ascii_case("references") {
                break;
            }
            let sents = peermark_text::sentences(p);
            let flags = scanner.cue_flags(p);
            for (si, s) in sents.iter().enumerate() {
                let start = if si > 0 { sents[si - 1].start } else { s.start };
                let cue = match flags.iter().find(|(f, _)| f.range == *s) {
                    None => "none",
                    Some((_, true)) => "untimed",
                    Some((_, false)) => "current",
                };
                let line = serde_json::json!({
                    "file": path,
                    "paragraph": pi,
                    "sentence": si,
                    "window": &p[start..s.end],
                    "text": &p[s.clone()],
                    "cue": cue,
                });
                println!("{line}");
            }
        }
    }
}
