//! The LMS file-name parser (Moodle and Canvas download names): any name, any bytes made
//! into a string, ends in a parse or `None`, never a panic; what it finds lies inside the
//! name.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let name = String::from_utf8_lossy(data);
    let _ = peermark_ingest::parse_lms_name(&name);
});
