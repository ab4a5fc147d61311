//! Inputs the fuzz targets (`fuzz/`) found that crashed peermark, rebuilt in code: each must
//! now be marked (or refused) without a panic.

use peermark_ingest::{read_bytes, Format};

/// Found by the `text` target (UTF-16 text whose spaces included U+2000 EN QUAD): cutting a
/// long quote at a word start stepped one byte past a multi-byte space, inside the
/// character, and `score::quote` panicked.
#[test]
fn quotes_cut_at_multibyte_spaces_stay_on_character_boundaries() {
    let rubric = peermark_engine::load_rubric(None).unwrap();
    let essay = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/calibration/essays/c01.txt"),
    )
    .unwrap();
    for space in ['\u{2000}', '\u{3000}', '\u{00A0}', '\u{205F}'] {
        // One very long sentence per paragraph, words parted by the multi-byte space.
        let text: String = essay
            .split("\n\n")
            .map(|p| p.replace(". ", ", ").replace(' ', &space.to_string()))
            .collect::<Vec<_>>()
            .join("\n\n");
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let doc = read_bytes(&utf16, Format::Txt).unwrap();
        let r = peermark_engine::check_document(&rubric, &doc, "e", "e.txt");
        assert_eq!(r.status, peermark_engine::result::Status::Marked);
    }
}
