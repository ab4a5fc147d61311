//! Times the readers: `cargo run --release -p peermark-ingest --example read_speed -- N FILE…`
//! reads each file N times and prints the mean time per read.
use std::path::Path;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u32 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(100)
        .max(1);
    for arg in args {
        let path = Path::new(&arg);
        let Some(format) = peermark_ingest::Format::from_path(path) else {
            eprintln!("{arg}: not a submission format");
            continue;
        };
        let bytes = std::fs::read(path).expect("readable file");
        let start = Instant::now();
        let mut paragraphs = 0;
        for _ in 0..n {
            paragraphs = peermark_ingest::read_bytes(&bytes, format)
                .map(|d| d.paragraphs.len())
                .unwrap_or(0);
        }
        let each = start.elapsed() / n;
        println!(
            "{arg}: {each:?} per read ({paragraphs} paragraphs, {} bytes)",
            bytes.len()
        );
    }
}
