use peermark_safeguard::{SafeguardingSettings, Scanner};
use serde::Deserialize;
#[derive(Deserialize)]
struct CueFile { safeguarding: SafeguardingSettings }
#[test]
#[ignore]
fn probe() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let text = std::fs::read_to_string(format!("{root}/rubrics/safeguarding-cues.toml")).unwrap();
    let f: CueFile = toml::from_str(&text).unwrap();
    let t0 = std::time::Instant::now();
    let s = Scanner::new(&f.safeguarding).unwrap();
    eprintln!("compile {:?}", t0.elapsed());
    let dirs = std::env::var("PROBE_DIRS").unwrap();
    let t1 = std::time::Instant::now();
    let mut n = 0;
    for d in dirs.split(':') {
        let mut paths: Vec<_> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap().path()).collect();
        paths.sort();
        for p in paths {
            let Ok(t) = std::fs::read_to_string(&p) else { continue };
            for para in t.split("\n\n") {
                let para = para.replace('\n', " ");
                n += para.len();
                for fl in s.scan_text(&para) {
                    eprintln!("{}: [{}] {} :: {}", p.display(), fl.tier, fl.cue, fl.quote);
                }
            }
        }
    }
    eprintln!("scan {n} bytes in {:?}", t1.elapsed());
}
