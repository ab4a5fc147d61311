//! Prints how a file reads: `cargo run -p peermark-ingest --example dump -- FILE`.
use std::path::Path;
fn main() {
    for arg in std::env::args().skip(1) {
        let path = Path::new(&arg);
        let Some(format) = peermark_ingest::Format::from_path(path) else {
            eprintln!("{arg}: not a submission format");
            continue;
        };
        match peermark_ingest::read_file(path, format) {
            Ok(doc) => {
                println!(
                    "{arg}: {} paragraphs, {} body words",
                    doc.paragraphs.len(),
                    doc.body_words()
                );
                for w in &doc.warnings {
                    println!("  warning: {w}");
                }
                for p in &doc.paragraphs {
                    println!("  [{:?}/{:?}] {}", p.kind, p.hint, p.text);
                }
            }
            Err(e) => println!("{arg}: {e}"),
        }
    }
}
