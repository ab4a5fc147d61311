use peermark_safeguard::{SafeguardingSettings, Scanner};
use serde::Deserialize;
#[derive(Deserialize)]
struct CueFile { safeguarding: SafeguardingSettings }
#[test]
#[ignore]
fn probe3() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let text = std::fs::read_to_string(format!("{root}/rubrics/safeguarding-cues.toml")).unwrap();
    let f: CueFile = toml::from_str(&text).unwrap();
    let s = Scanner::new(&f.safeguarding).unwrap();
    let input = std::fs::read_to_string("/tmp/sg_probe.txt").unwrap();
    for line in input.lines() {
        let Some((want, sent)) = line.split_once('|') else { continue };
        let got = s.scan_text(sent).iter().map(|f| f.tier).max().unwrap_or(0);
        let cue = s.scan_text(sent).first().map(|f| f.cue.clone()).unwrap_or_default();
        let want: u8 = want.trim().parse().unwrap();
        let mark = if got == want { "  ok " } else { "XX   " };
        eprintln!("{mark} want {want} got {got} [{cue}] {sent}");
    }
}
