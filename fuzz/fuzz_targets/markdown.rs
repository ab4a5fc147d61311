//! Raw bytes as a `.md`: never a panic, and every paragraph's positions stay inside it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use peermark_ingest::{read_bytes_with, Format, Limits};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_text_size: 64 << 10,
        ..Limits::default()
    };
    if let Ok(doc) = read_bytes_with(data, Format::Markdown, &limits) {
        for (i, p) in doc.paragraphs.iter().enumerate() {
            let _ = doc.position(i, p.text.len());
            for r in &p.emphasis {
                assert!(r.start <= r.end && r.end <= p.text.len());
            }
        }
    }
});
