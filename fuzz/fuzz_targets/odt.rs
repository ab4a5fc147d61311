//! Raw bytes as an `.odt`: never a panic, whatever the bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use peermark_ingest::{read_bytes_with, Format, Limits};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_part_size: 4 << 20,
        ..Limits::default()
    };
    let _ = read_bytes_with(data, Format::Odt, &limits);
});
