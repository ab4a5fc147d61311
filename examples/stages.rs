//! Where a mark's time goes: `cargo run --release --example stages -- DIR [N]` reads up to N
//! .docx files from DIR and reports the rubric compile time, the time of a first (cold) pass
//! over them, and the per-essay time of each stage in a second (warm) pass, single-threaded.
//! For instruction counts: `valgrind --tool=callgrind --toggle-collect='*stages::warm*' ...`.

use peermark_engine::rubric::Rubric;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: stages DIR [N]");
    let n: usize = args.next().map(|s| s.parse().unwrap()).unwrap_or(200);
    let t = Instant::now();
    let rubric = peermark_engine::load_rubric(None).expect("default rubric");
    println!(
        "rubric load + compile: {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "docx"))
        .collect();
    files.sort();
    files.truncate(n);
    let t = Instant::now();
    for f in &files {
        let doc = peermark_ingest::read_file(f, peermark_ingest::Format::Docx).unwrap();
        std::hint::black_box(peermark_engine::check_document(&rubric, &doc, "x", "x"));
    }
    println!(
        "cold pass: {:.3} ms per essay (includes patterns built on first use)",
        t.elapsed().as_secs_f64() * 1e3 / files.len() as f64
    );
    warm(&rubric, &files);
}

#[inline(never)]
fn warm(rubric: &Rubric, files: &[PathBuf]) {
    let (mut read, mut safe, mut lang, mut all) = (
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
    );
    for f in files {
        let t = Instant::now();
        let doc = peermark_ingest::read_file(f, peermark_ingest::Format::Docx).unwrap();
        read += t.elapsed();
        let t = Instant::now();
        std::hint::black_box(rubric.safeguarding.scan(&doc));
        safe += t.elapsed();
        let t = Instant::now();
        std::hint::black_box(rubric.language.check(&doc));
        lang += t.elapsed();
        let t = Instant::now();
        std::hint::black_box(peermark_engine::check_document(rubric, &doc, "x", "x"));
        all += t.elapsed();
    }
    let per = |d: Duration| d.as_secs_f64() * 1e3 / files.len() as f64;
    println!(
        "warm pass, {} essays, per essay: read {:.3} ms, safeguarding {:.3} ms, language {:.3} ms, check_document (all of it) {:.3} ms",
        files.len(), per(read), per(safe), per(lang), per(all)
    );
}
