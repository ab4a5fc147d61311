//! The project's sample and calibration essays are recovery stories full of past attempts,
//! self-harm, admissions and abuse told in a recovery frame: none of it may be flagged.

use peermark_safeguard::{SafeguardingSettings, Scanner};
use serde::Deserialize;

#[derive(Deserialize)]
struct CueFile {
    safeguarding: SafeguardingSettings,
}

#[test]
fn sample_and_calibration_essays_give_no_flags() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let text = std::fs::read_to_string(format!("{root}/rubrics/safeguarding-cues.toml")).unwrap();
    let file: CueFile = toml::from_str(&text).unwrap();
    let scanner = Scanner::new(&file.safeguarding).unwrap();
    let mut read = 0;
    let mut flagged = Vec::new();
    for dir in ["samples", "tests/calibration/essays"] {
        let Ok(entries) = std::fs::read_dir(format!("{root}/{dir}")) else {
            continue;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            if path.extension().and_then(|e| e.to_str()) != Some("txt") {
                continue;
            }
            let Ok(essay) = std::fs::read_to_string(&path) else {
                continue;
            };
            read += 1;
            for paragraph in essay.split("\n\n") {
                for f in scanner.scan_text(&paragraph.replace('\n', " ")) {
                    flagged.push(format!("{}: [{}] {}", path.display(), f.tier, f.quote));
                }
            }
        }
    }
    assert!(
        flagged.is_empty(),
        "flags in recovery stories:\n{}",
        flagged.join("\n")
    );
    eprintln!("{read} essays scanned");
}
