//! The XML inside an `.odt`: the input becomes `content.xml` of a well-formed package
//! (with its `mimetype`), so the XML parser meets the mutations.
#![no_main]
use libfuzzer_sys::fuzz_target;
use peermark_ingest::{read_bytes_with, Format, Limits};
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.text")
        .unwrap();
    zip.start_file("content.xml", stored).unwrap();
    zip.write_all(data).unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let _ = read_bytes_with(&bytes, Format::Odt, &Limits::default());
});
