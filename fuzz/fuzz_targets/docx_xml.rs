//! The XML inside a `.docx`: the input, split at the first NUL, becomes
//! `word/document.xml` and `word/styles.xml` of a well-formed zip, so the XML parsers (not
//! the zip checksums) meet the mutations.
#![no_main]
use libfuzzer_sys::fuzz_target;
use peermark_ingest::{read_bytes_with, Format, Limits};
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let (doc, styles) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("word/document.xml", stored).unwrap();
    zip.write_all(doc).unwrap();
    if let Some(styles) = styles {
        zip.start_file("word/styles.xml", stored).unwrap();
        zip.write_all(styles).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    let _ = read_bytes_with(&bytes, Format::Docx, &Limits::default());
});
