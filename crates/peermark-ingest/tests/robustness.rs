//! No input makes a reader panic: damaged fixtures, random bytes, odd Markdown.

use peermark_ingest::{read_bytes, Format};

const FORMATS: [Format; 7] = [
    Format::Docx,
    Format::Txt,
    Format::Markdown,
    Format::Doc,
    Format::Odt,
    Format::Pdf,
    Format::Html,
];

/// A small deterministic generator (no dependency, same bytes every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(
        std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/fixtures"
        ))
        .join(rel),
    )
    .unwrap()
}

#[test]
fn damaged_docx_never_panics() {
    let mut rng = Lcg(7);
    for rel in [
        "docx/python-docx-essay.docx",
        "docx/pandoc-essay.docx",
        "docx/tracked-changes.docx",
    ] {
        let original = fixture(rel);
        for _ in 0..150 {
            let mut bytes = original.clone();
            for _ in 0..1 + rng.next() % 8 {
                let i = (rng.next() as usize) % bytes.len();
                bytes[i] = rng.next() as u8;
            }
            let _ = read_bytes(&bytes, Format::Docx);
        }
        for cut in (0..original.len()).step_by(997) {
            let _ = read_bytes(&original[..cut], Format::Docx);
        }
    }
}

#[test]
fn damaged_odt_pdf_and_html_never_panic() {
    let mut rng = Lcg(11);
    for (rel, format, tries, step) in [
        ("odt/libreoffice-essay.odt", Format::Odt, 150, 997),
        ("pdf/libreoffice-essay.pdf", Format::Pdf, 60, 1999),
        ("html/essay.html", Format::Html, 150, 97),
    ] {
        let original = fixture(rel);
        for _ in 0..tries {
            let mut bytes = original.clone();
            for _ in 0..1 + rng.next() % 8 {
                let i = (rng.next() as usize) % bytes.len();
                bytes[i] = rng.next() as u8;
            }
            if let Err(e) = read_bytes(&bytes, format) {
                let m = e.to_string();
                assert!(!m.contains('\n'), "{rel}: {m}");
            }
        }
        for cut in (0..original.len()).step_by(step) {
            let _ = read_bytes(&original[..cut], format);
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Lcg(42);
    for len in [1usize, 2, 3, 4, 7, 64, 1000] {
        for _ in 0..40 {
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            for f in FORMATS {
                let _ = read_bytes(&bytes, f);
            }
        }
    }
}

#[test]
fn odd_markdown_never_panics() {
    let pieces = [
        "*",
        "**",
        "***",
        "_",
        "__",
        "`",
        "``",
        "[",
        "]",
        "(",
        ")",
        "![",
        "<",
        ">",
        "<!--",
        "-->",
        "&",
        "&amp;",
        "&#x;",
        "&#99999999;",
        "\\",
        "#",
        "# ",
        "- ",
        "1. ",
        "> ",
        "---",
        "```",
        "word",
        " ",
        "\n",
        "\n\n",
        "\r",
        "“",
        "é",
        "\t",
    ];
    let mut rng = Lcg(3);
    for _ in 0..2000 {
        let n = 1 + rng.next() % 20;
        let s: String = (0..n)
            .map(|_| pieces[(rng.next() as usize) % pieces.len()])
            .collect();
        for f in [Format::Markdown, Format::Txt] {
            if let Ok(doc) = read_bytes(s.as_bytes(), f) {
                for (i, p) in doc.paragraphs.iter().enumerate() {
                    assert!(p.origin.first().is_some_and(|o| o.byte == 0), "{s:?}");
                    assert!(p.origin.windows(2).all(|w| w[0].byte < w[1].byte), "{s:?}");
                    for r in &p.emphasis {
                        assert!(r.start < r.end && r.end <= p.text.len(), "{s:?}");
                        assert!(p.text.is_char_boundary(r.start) && p.text.is_char_boundary(r.end));
                    }
                    for (b, _) in p.text.char_indices() {
                        let pos = doc.position(i, b);
                        assert!(pos.line >= 1 && pos.column >= 1);
                    }
                }
            }
        }
    }
}
