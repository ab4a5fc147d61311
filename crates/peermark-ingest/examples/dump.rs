use peermark_ingest::*;
use std::path::Path;
fn main() {
    for a in std::env::args().skip(1) {
        let p = Path::new(&a);
        let f = Format::from_path(p).unwrap();
        match read_file(p, f) {
            Ok(d) => {
                println!("== {a}: {} paras, body_words {}", d.paragraphs.len(), d.body_words());
                for p in &d.paragraphs {
                    let em: Vec<&str> = p.emphasis.iter().map(|r| &p.text[r.clone()]).collect();
                    println!("  {:?}/{:?} {:?} em={:?} o={}", p.kind, p.hint, &p.text[..p.text.len().min(70)], em, p.origin.len());
                }
            }
            Err(e) => println!("== {a}: ERR {e:?} / {e}"),
        }
    }
}
