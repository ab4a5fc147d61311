//! Prints what peermark reads from each file, or, with `--bench N`, how fast it reads them.
//!
//! ```text
//! cargo run --release -p peermark-ingest --example read -- essay.docx notes.md
//! cargo run --release -p peermark-ingest --example read -- --bench 2000 essay.docx
//! ```

use std::path::PathBuf;
use std::time::Instant;

use peermark_ingest::{read_bytes, read_file, Format};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let bench = match args.iter().position(|a| a == "--bench") {
        Some(i) => {
            let n: usize = args
                .get(i + 1)
                .and_then(|n| n.parse().ok())
                .expect("--bench N");
            args.drain(i..i + 2);
            Some(n)
        }
        None => None,
    };
    for a in args {
        let path = PathBuf::from(&a);
        let Some(format) = Format::from_path(&path) else {
            println!("{a}: not a submission");
            continue;
        };
        if let Some(n) = bench {
            let bytes = std::fs::read(&path).expect("readable file");
            let start = Instant::now();
            let mut words = 0;
            for _ in 0..n {
                words += read_bytes(&bytes, format)
                    .map(|d| d.body_words())
                    .unwrap_or(0);
            }
            let secs = start.elapsed().as_secs_f64();
            println!(
                "{a}: {n} reads in {secs:.3} s = {:.0} files/s ({} words each)",
                n as f64 / secs,
                words / n.max(1)
            );
            continue;
        }
        match read_file(&path, format) {
            Ok(d) => {
                println!(
                    "{a}: {} paragraphs, {} body words",
                    d.paragraphs.len(),
                    d.body_words()
                );
                for (i, p) in d.paragraphs.iter().enumerate() {
                    let pos = d.position(i, 0);
                    let em: Vec<&str> = p.emphasis.iter().map(|r| &p.text[r.clone()]).collect();
                    let short: String = p.text.chars().take(60).collect();
                    println!(
                        "  {:>3} {}:{} {:?}/{:?} {short:?}{}",
                        i + 1,
                        pos.line,
                        pos.column,
                        p.kind,
                        p.hint,
                        if em.is_empty() {
                            String::new()
                        } else {
                            format!(" emphasis {em:?}")
                        }
                    );
                }
            }
            Err(e) => println!("{a}: {e}"),
        }
    }
}
