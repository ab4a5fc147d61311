//! Hostile input, built in each test (no committed bombs): every case ends in a clear error
//! row, never a crash, with bounded memory and nothing written outside `--out`.

mod common;

use common::deflate::Bits;
use common::peermark;
use std::io::Write;
use std::path::Path;

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

/// A real-looking essay, long enough to be marked.
fn essay() -> String {
    std::fs::read_to_string(common::root().join("tests/calibration/essays/c01.txt")).unwrap()
}

/// A `.docx` holding `parts` (name, bytes), deflated.
fn docx(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn document_xml(prolog: &str, body: &str) -> Vec<u8> {
    format!(r#"<?xml version="1.0" encoding="UTF-8"?>{prolog}<w:document {W}><w:body>{body}</w:body></w:document>"#)
        .into_bytes()
}

fn para(text: &str) -> String {
    format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
}

/// A raw deflate stream that inflates to about `megabytes` MiB of spaces in a few KB per
/// MiB: byte-aligned fixed-Huffman blocks of one literal and 4006 copies of 258 bytes,
/// repeated, then an empty final block. Returns (stream, inflated size).
fn deflate_bomb(megabytes: u64) -> (Vec<u8>, u64) {
    const K: u64 = 4006; // 18 + 13·K bits is a whole number of bytes
    let mut block = Bits::new();
    block.put(0, 1); // not final
    block.put(1, 2); // fixed Huffman
    block.code(0x30 + b' ' as u64, 8); // literal ' '
    for _ in 0..K {
        block.code(0xC0 + 5, 8); // length 258 (code 285)
        block.code(0, 5); // distance 1
    }
    block.code(0, 7); // end of block
    assert_eq!(block.n, 0, "block is byte-aligned");
    let block = block.out;
    let per_block = 1 + 258 * K;
    let blocks = (megabytes << 20).div_ceil(per_block);
    let mut stream = Vec::with_capacity(block.len() * blocks as usize + 2);
    for _ in 0..blocks {
        stream.extend_from_slice(&block);
    }
    let mut last = Bits::new();
    last.put(1, 1);
    last.put(1, 2);
    last.code(0, 7);
    stream.extend(last.finish());
    (stream, blocks * per_block)
}

/// A zip with one deflated entry `name` whose data is `deflated`, declaring `declared`
/// uncompressed bytes (the CRC is not computed: the reader must stop long before it).
fn raw_zip(name: &str, deflated: &[u8], declared: u32) -> Vec<u8> {
    let mut z = Vec::new();
    let n = name.len() as u16;
    let csize = deflated.len() as u32;
    let le16 = |z: &mut Vec<u8>, v: u16| z.extend(v.to_le_bytes());
    let le32 = |z: &mut Vec<u8>, v: u32| z.extend(v.to_le_bytes());
    le32(&mut z, 0x0403_4b50);
    for v in [20u16, 0, 8, 0, 0x21] {
        le16(&mut z, v);
    }
    for v in [0u32, csize, declared] {
        le32(&mut z, v);
    }
    le16(&mut z, n);
    le16(&mut z, 0);
    z.extend(name.as_bytes());
    z.extend(deflated);
    let cd = z.len() as u32;
    le32(&mut z, 0x0201_4b50);
    for v in [20u16, 20, 0, 8, 0, 0x21] {
        le16(&mut z, v);
    }
    for v in [0u32, csize, declared] {
        le32(&mut z, v);
    }
    for v in [n, 0, 0, 0, 0] {
        le16(&mut z, v);
    }
    le32(&mut z, 0);
    le32(&mut z, 0);
    z.extend(name.as_bytes());
    let cd_len = z.len() as u32 - cd;
    le32(&mut z, 0x0605_4b50);
    for v in [0u16, 0, 1, 1] {
        le16(&mut z, v);
    }
    le32(&mut z, cd_len);
    le32(&mut z, cd);
    le16(&mut z, 0);
    z
}

/// Runs `mark` on `inputs` (a folder) as [`common::hostile::mark_measured`] does, where some
/// files fail; returns (gradebook rows by submission, stderr, peak RSS in MB).
fn mark_measured(
    work: &Path,
    inputs: &Path,
    out: &Path,
    extra: &[&str],
) -> (
    std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    String,
    u64,
) {
    let run = common::hostile::mark_measured(work, inputs, out, extra);
    assert_eq!(run.code, Some(2), "some files fail: {}", run.stderr);
    (run.rows, run.stderr, run.rss_mb)
}

#[test]
fn hostile_files_become_error_rows_with_bounded_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let inputs = work.join("cohort");
    std::fs::create_dir(&inputs).unwrap();
    let put = |name: &str, bytes: &[u8]| std::fs::write(inputs.join(name), bytes).unwrap();
    let text = essay();
    let good_body: String = text
        .split("\n\n")
        .map(|p| para(&p.replace('&', "&amp;").replace('<', "&lt;")))
        .collect();

    // A fine essay, so the batch is seen to go on around the hostile files.
    put(
        "good.docx",
        &docx(&[("word/document.xml", &document_xml("", &good_body))]),
    );
    put("good.txt", text.as_bytes());
    // Decompression bombs: 256 MiB of spaces in under 2 MB, declared honestly and falsely.
    let (bomb, inflated) = deflate_bomb(256);
    assert!(bomb.len() < 2 << 20 && inflated >= 256 << 20);
    put(
        "bomb-honest.docx",
        &raw_zip("word/document.xml", &bomb, inflated as u32),
    );
    put(
        "bomb-lying.docx",
        &raw_zip("word/document.xml", &bomb, 1000),
    );
    // More zip entries than the limit.
    let names: Vec<String> = (0..10_050).map(|i| format!("media/{i}.bin")).collect();
    let mut parts: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    let main = document_xml("", &good_body);
    parts.push(("word/document.xml", &main));
    put("many-entries.docx", &docx(&parts));
    // An external entity that would read a local file into the essay.
    let xxe = document_xml(
        r#"<!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>"#,
        &para("root is &secret;"),
    );
    put("xxe.docx", &docx(&[("word/document.xml", &xxe)]));
    // Billion laughs, in the styles part (read when a paragraph uses an unknown style).
    let mut laughs = String::from(r#"<!DOCTYPE s [<!ENTITY l0 "ha">"#);
    for i in 1..10 {
        laughs.push_str(&format!(
            r#"<!ENTITY l{i} "{}">"#,
            format!("&l{};", i - 1).repeat(10)
        ));
    }
    laughs.push_str(&format!(r#"]><w:styles {W}><w:style w:type="paragraph" w:styleId="Custom"><w:name w:val="&l9;"/></w:style></w:styles>"#));
    let styled = good_body.replacen(
        "<w:p>",
        r#"<w:p><w:pPr><w:pStyle w:val="Custom"/></w:pPr>"#,
        1,
    );
    put(
        "laughs.docx",
        &docx(&[
            ("word/document.xml", &document_xml("", &styled)),
            ("word/styles.xml", laughs.as_bytes()),
        ]),
    );
    // A DOCTYPE in the package relationships (the main part found through them).
    let rels = br#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">]><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/main.xml"/></Relationships>"#;
    put(
        "rels-doctype.docx",
        &docx(&[
            ("_rels/.rels", rels),
            ("word/main.xml", &document_xml("", &good_body)),
        ]),
    );
    // Deep nesting: 300,000 nested paragraphs and content controls.
    let deep = document_xml("", &"<w:sdt><w:sdtContent><w:p>".repeat(300_000));
    put("deep.docx", &docx(&[("word/document.xml", &deep)]));
    // A binary file named .txt, and one full of control characters.
    let binary: Vec<u8> = (0..200_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    put("binary.txt", &binary);
    put(
        "controls.txt",
        &[0x01, 0x02, 0x1B, b'a', 0x07, 0x08, 0x0B, 0x0C, 0x0E, 0x0F].repeat(500),
    );
    // Windows-1252 text (invalid UTF-8) reads.
    let mut cp1252 = text.clone().into_bytes();
    cp1252.extend(b"\n\nCaf\xE9 \x93quotes\x94 \x96 dash.\n");
    put("cp1252.txt", &cp1252);
    // Tens of MB of text.
    let huge = text.repeat((30 << 20) / text.len() + 1);
    put("huge.txt", huge.as_bytes());
    // Deeply nested markdown quotes and lists.
    let md = format!(
        "{}deep quote\n\n{}- item\n",
        "> ".repeat(100_000),
        "  ".repeat(100_000)
    );
    put("nested.md", md.as_bytes());

    let out = work.join("out");
    let (rows, stderr, rss_mb) = mark_measured(work, &inputs, &out, &[]);
    assert_eq!(rows.len(), 14, "one row per file: {:?}", rows.keys());
    let msg = |id: &str| -> String {
        let r = rows.get(id).unwrap_or_else(|| panic!("row {id}"));
        assert!(!r["message"].contains('\n'));
        format!("{}|{}", r["status"], r["message"])
    };
    for id in ["good-docx", "good-txt", "cp1252"] {
        assert!(msg(id).starts_with("marked|"), "{id}: {}", msg(id));
    }
    let expect = [
        ("bomb-honest", "decompresses to over 64 MB"),
        ("bomb-lying", "decompresses to over 64 MB"),
        ("many-entries", "10051 zip entries, over the limit of 10000"),
        ("xxe", "XML entity declarations"),
        ("laughs", "XML entity declarations"),
        ("rels-doctype", "XML entity declarations"),
        ("deep", "nested over 1000 levels"),
        ("binary", "not a text file (it looks binary)"),
        ("controls", "not a text file (it looks binary)"),
        ("huge", "over 1 MB of text"),
    ];
    for (id, want) in expect {
        let m = msg(id);
        assert!(m.starts_with("error|") && m.contains(want), "{id}: {m}");
        assert!(m.contains(';'), "says what to do: {m}");
    }
    let nested = msg("nested");
    assert!(!nested.contains("internal error"), "{nested}");
    // No local file was read into anything peermark wrote.
    for f in common::hostile::tree(&out) {
        let p = out.join(&f);
        let text_output = p
            .extension()
            .is_some_and(|e| ["md", "csv", "json", "html"].contains(&e.to_str().unwrap()));
        if p.is_file() && text_output {
            let s = std::fs::read_to_string(&p).unwrap();
            assert!(!s.contains("root:x:") && !s.contains("hahaha"), "{f:?}");
        }
    }
    // Bounded memory: the 256 MB bombs and the 30 MB text never fill memory.
    eprintln!("peak RSS of the hostile cohort: {rss_mb} MB");
    assert!(rss_mb < 250, "peak RSS {rss_mb} MB\n{stderr}");
}

#[test]
fn limits_are_adjustable_by_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let inputs = work.join("in");
    std::fs::create_dir(&inputs).unwrap();
    let text = essay();
    std::fs::write(inputs.join("essay.txt"), &text).unwrap();
    let body: String = text.split("\n\n").map(para).collect();
    std::fs::write(
        inputs.join("essay.docx"),
        docx(&[
            ("word/document.xml", &document_xml("", &body)),
            ("a", b""),
            ("b", b""),
        ]),
    )
    .unwrap();
    let out = work.join("out");
    let (rows, _, _) = mark_measured(
        work,
        &inputs,
        &out,
        &["--max-entries", "2", "--max-text-size", "1K"],
    );
    assert!(rows["essay-docx"]["message"].contains("3 zip entries, over the limit of 2"));
    assert!(rows["essay-txt"]["message"].contains("over 1 KB of text"));
    let (rows, _, _) = mark_measured(
        work,
        &inputs,
        &out,
        &["--max-file-size", "1K", "--max-part-size", "100"],
    );
    assert!(rows["essay-txt"]["message"].contains("over the 1 KB size limit"));
    assert!(rows["essay-docx"]["message"].contains("over the 1 KB size limit"));
    let (rows, _, _) = mark_measured(work, &inputs, &out, &["--max-part-size", "100"]);
    assert!(rows["essay-docx"]["message"].contains("decompresses to over 100 bytes"));
    let (rows, _, _) = mark_measured(work, &inputs, &out, &["--max-xml-depth", "3"]);
    assert!(rows["essay-docx"]["message"].contains("nested over 3 levels"));
    assert_eq!(rows["essay-txt"]["status"], "marked");

    // check takes the same flags, and its help documents every limit.
    let o = peermark()
        .args(["check", "--max-text-size", "1K"])
        .arg(inputs.join("essay.txt"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("essay.txt: the essay holds over 1 KB of text"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let o = peermark()
        .args(["check", "-", "--max-file-size", "10"])
        .write_stdin(text.clone())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).contains("over the 10 bytes size limit"));
    for cmd in ["check", "mark"] {
        let help = peermark().args([cmd, "--help"]).output().unwrap();
        let help = String::from_utf8_lossy(&help.stdout);
        for flag in [
            "--max-file-size",
            "--max-part-size",
            "--max-entries",
            "--max-text-size",
            "--max-xml-depth",
        ] {
            assert!(help.contains(flag), "{cmd} --help lacks {flag}");
        }
    }
    let bad = peermark()
        .args(["check", "x.txt", "--max-file-size", "lots"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1), "a usage error");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a size"));
}
