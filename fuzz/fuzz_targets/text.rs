//! Raw bytes as a `.txt`, read and then marked with the built-in rubric (positions and
//! quotes of whatever text the reader makes must hold up in analysis and reports).
#![no_main]
use libfuzzer_sys::fuzz_target;
use peermark_ingest::{read_bytes_with, Format, Limits};
use std::sync::OnceLock;

static RUBRIC: OnceLock<peermark_engine::rubric::Rubric> = OnceLock::new();

fuzz_target!(
    init: {
        // Built once, before the fuzzer's timer starts (compiling the rubric under the
        // address sanitizer takes longer than one input may).
        RUBRIC.get_or_init(|| peermark_engine::load_rubric(None).unwrap());
    },
    |data: &[u8]| {
    let limits = Limits {
        max_text_size: 64 << 10,
        ..Limits::default()
    };
    if let Ok(doc) = read_bytes_with(data, Format::Txt, &limits) {
        let rubric = RUBRIC.get_or_init(|| peermark_engine::load_rubric(None).unwrap());
        let r = peermark_engine::check_document(rubric, &doc, "fuzz", "fuzz.txt");
        let _ = peermark_report::json::result_json(&r);
    }
    }
);
