//! `cargo bench --bench speed`: per-essay timings of the pipeline's stages on the bundled
//! samples (release build), and the docx reader against docx-rs on the same files.
//! Whole-cohort throughput and memory: `bench/run.sh`.

use std::path::Path;
use std::time::{Duration, Instant};

fn time<F: FnMut()>(label: &str, per: &str, iterations: u32, mut f: F) -> Duration {
    f();
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    let each = start.elapsed() / iterations;
    println!("{label:<52} {:>10.1} µs {per}", each.as_secs_f64() * 1e6);
    each
}

fn docx_rs_text(bytes: &[u8]) -> usize {
    let doc = docx_rs::read_docx(bytes).expect("docx-rs reads the sample");
    let mut words = 0;
    for child in doc.document.children {
        if let docx_rs::DocumentChild::Paragraph(p) = child {
            for c in p.children {
                if let docx_rs::ParagraphChild::Run(r) = c {
                    for rc in r.children {
                        if let docx_rs::RunChild::Text(t) = rc {
                            words += t.text.split_whitespace().count();
                        }
                    }
                }
            }
        }
    }
    words
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rubric = peermark_engine::load_rubric(None).expect("default rubric");
    let samples: Vec<_> = ["strong", "middling", "quoted-stigma", "language-lapses"]
        .iter()
        .map(|s| root.join("samples").join(format!("{s}.docx")))
        .collect();
    let bytes: Vec<Vec<u8>> = samples.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let docs: Vec<_> = samples
        .iter()
        .map(|p| peermark_ingest::read_file(p, peermark_ingest::Format::Docx).unwrap())
        .collect();
    let words: usize = docs.iter().map(|d| d.body_words()).sum::<usize>() / docs.len();
    println!(
        "samples: {} .docx essays (python-docx), {words} body words on average\n",
        docs.len()
    );

    let n = 200;
    let ours = time(
        "read .docx (zip + quick-xml, peermark-ingest)",
        "per essay",
        n,
        || {
            for b in &bytes {
                std::hint::black_box(
                    peermark_ingest::read_bytes(b, peermark_ingest::Format::Docx).unwrap(),
                );
            }
        },
    ) / bytes.len() as u32;
    let theirs = time(
        "read .docx (docx-rs read_docx + text walk)",
        "per essay",
        n / 4,
        || {
            for b in &bytes {
                std::hint::black_box(docx_rs_text(b));
            }
        },
    ) / bytes.len() as u32;
    println!(
        "  → peermark-ingest is {:.1}× faster than docx-rs on these files\n",
        theirs.as_secs_f64() / ours.as_secs_f64()
    );

    let lang = time(
        "language check (all rules, one pass + frames)",
        "per essay",
        n,
        || {
            for d in &docs {
                std::hint::black_box(rubric.language.check(d));
            }
        },
    ) / docs.len() as u32;
    println!(
        "  → {:.3} ms per essay of ~{words} words (target ≤ 1 ms per 1,500 words)",
        lang.as_secs_f64() * 1e3
    );
    time("safeguarding scan", "per essay", n, || {
        for d in &docs {
            std::hint::black_box(rubric.safeguarding.scan(d));
        }
    });
    time(
        "analyse + score (check_document, all criteria)",
        "per essay",
        n,
        || {
            for d in &docs {
                std::hint::black_box(peermark_engine::check_document(&rubric, d, "e", "e.docx"));
            }
        },
    );
}
