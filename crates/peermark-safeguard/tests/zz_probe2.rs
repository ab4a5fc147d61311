use peermark_text::Matcher;
#[test]
#[ignore]
fn probe2() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let text = std::fs::read_to_string(format!("{root}/rubrics/safeguarding-cues.toml")).unwrap();
    let v: toml::Value = toml::from_str(&text).unwrap();
    let sg = &v["safeguarding"];
    let mut all = vec![]; let mut trig = vec![];
    for g in sg["triggers"].as_array().unwrap() {
        for k in ["phrases","self_phrases"] { if let Some(a)=g.get(k) { for p in a.as_array().unwrap() { all.push(p.as_str().unwrap().to_string()); trig.push(p.as_str().unwrap().to_string()); } } }
    }
    for (_k, l) in sg["modifiers"].as_table().unwrap() { for p in l.as_array().unwrap() { all.push(p.as_str().unwrap().to_string()); } }
    let m = Matcher::new(&all).unwrap();
    let mt = Matcher::new(&trig).unwrap();
    let mut paras = vec![];
    for d in ["/work/main/samples", "/work/main/tests/calibration/essays"] {
        for e in std::fs::read_dir(d).unwrap() { let Ok(t) = std::fs::read_to_string(e.unwrap().path()) else { continue }; for p in t.split("\n\n") { paras.push(p.replace('\n', " ")); } }
    }
    for _ in 0..2 {
    let t = std::time::Instant::now(); let mut n=0; for p in &paras { if m.is_match(p) { n+=1; } } eprintln!("set is_match all {:?} {n}", t.elapsed());
    let t = std::time::Instant::now(); let mut n=0; for p in &paras { n += m.find_all(p).len(); } eprintln!("find_all all {:?} {n}", t.elapsed());
    let t = std::time::Instant::now(); let mut n=0; for p in &paras { if mt.is_match(p) { n+=1; } } eprintln!("trig is_match {:?} {n}/{}", t.elapsed(), paras.len());
    }
}
