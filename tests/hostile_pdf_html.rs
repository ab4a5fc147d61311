//! Hostile PDF and HTML files, built in each test (no committed bombs): every case ends in a
//! clear error row, never a crash (a stack overflow would abort the whole run), with bounded
//! memory and nothing written outside `--out`.

mod common;

use common::deflate::Bits;
use common::hostile::mark_measured;
use std::path::{Path, PathBuf};

/// A real-looking essay, long enough to be marked.
fn essay() -> String {
    std::fs::read_to_string(common::root().join("tests/calibration/essays/c01.txt")).unwrap()
}

// ---------------------------------------------------------------------------------------
// Deflate bombs

/// A zlib stream (as PDF's FlateDecode holds) that inflates to `pattern` repeated to at
/// least `megabytes` MiB, in about 1.6 bytes per KiB: one fixed-Huffman block of the pattern's
/// literals and then copies of 258 bytes at the pattern's distance. Returns (stream, inflated
/// size).
fn zlib_bomb(pattern: &[u8], megabytes: u64) -> (Vec<u8>, u64) {
    let d = pattern.len() as u64;
    assert!((1..=8).contains(&d));
    // Distance codes 0..=3 are distances 1..=4; code 4 is 5–6 and code 5 is 7–8, one extra bit.
    let (dcode, extra) = match d {
        1..=4 => (d - 1, None),
        5 | 6 => (4, Some(d - 5)),
        _ => (5, Some(d - 7)),
    };
    let target = megabytes << 20;
    let copies = (target - d).div_ceil(258);
    let mut bits = Bits::new();
    bits.put(1, 1); // final block
    bits.put(1, 2); // fixed Huffman
    for &b in pattern {
        bits.literal(b);
    }
    for _ in 0..copies {
        bits.code(0xC0 + 5, 8); // length 258 (code 285)
        bits.code(dcode, 5);
        if let Some(e) = extra {
            bits.put(e, 1);
        }
    }
    bits.code(0, 7); // end of block
    let size = d + copies * 258;
    let mut z = vec![0x78, 0x01];
    z.extend(bits.finish());
    z.extend(adler32_repeated(pattern, size).to_be_bytes());
    (z, size)
}

/// Adler-32 of `pattern` repeated to `len` bytes.
fn adler32_repeated(pattern: &[u8], len: u64) -> u32 {
    const M: u64 = 65521;
    if let [c] = pattern {
        // One byte value c, n times: A = 1 + n·c, B = n + c·n(n+1)/2.
        let (n, c) = (len as u128, *c as u128);
        let a = (1 + n * c) % M as u128;
        let b = (n + c * n * (n + 1) / 2) % M as u128;
        return ((b << 16) | a) as u32;
    }
    let (mut a, mut b) = (1u64, 0u64);
    for i in 0..len {
        a = (a + pattern[(i % pattern.len() as u64) as usize] as u64) % M;
        b = (b + a) % M;
    }
    ((b << 16) | a) as u32
}

// ---------------------------------------------------------------------------------------
// PDF files

/// A PDF stream object: `dict` entries (without `/Length`) and its data.
fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut o = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    o.extend(data);
    o.extend(b"\nendstream");
    o
}

/// A PDF whose objects are `objects` (object `i + 1` is `objects[i]`; object 1 must be the
/// catalog), with a correct cross-reference table.
fn pdf_of(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).bytes());
        out.extend(o);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    let n = objects.len() + 1;
    out.extend(format!("xref\n0 {n}\n0000000000 65535 f \n").bytes());
    for off in offsets {
        out.extend(format!("{off:010} 00000 n \n").bytes());
    }
    out.extend(format!("trailer\n<< /Size {n} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").bytes());
    out
}

/// A PDF with one page per `(content dictionary entries, content data)` in `pages`.
/// Objects: 1 the catalog, 2 the page tree, 3 Helvetica (`/F1` on every page), then `extra`
/// (numbered from 4), then each page and its content. `page_dict` is added to every page's
/// dictionary and `resources` to its resources; the page tree has `/MediaBox` unless
/// `page_dict` names one itself or says `/NoMediaBox`.
fn pdf(
    pages: &[(String, Vec<u8>)],
    page_dict: &str,
    resources: &str,
    extra: &[Vec<u8>],
) -> Vec<u8> {
    let first_page = 4 + extra.len();
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", first_page + 2 * i))
        .collect();
    let media_box = if page_dict.contains("MediaBox") {
        ""
    } else {
        "/MediaBox [0 0 612 792]"
    };
    let page_dict = page_dict.replace("/NoMediaBox", "");
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} {media_box} >>",
            kids.join(" "),
            pages.len()
        )
        .into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    ];
    objects.extend(extra.iter().cloned());
    for (i, (dict, data)) in pages.iter().enumerate() {
        let contents = first_page + 2 * i + 1;
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 3 0 R >> {resources} >> /Contents {contents} 0 R {page_dict} >>"
            )
            .into_bytes(),
        );
        objects.push(stream(dict, data));
    }
    pdf_of(&objects)
}

/// `s` as a PDF string literal in WinAnsiEncoding.
fn pdf_string(s: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in s.chars() {
        match c {
            '(' | ')' | '\\' => out.extend([b'\\', c as u8]),
            '‘' => out.push(0x91),
            '’' => out.push(0x92),
            '“' => out.push(0x93),
            '”' => out.push(0x94),
            '–' => out.push(0x96),
            '—' => out.push(0x97),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c as u8),
            _ => out.push(b'?'),
        }
    }
    out.push(b')');
    out
}

/// Lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for w in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + w.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(w);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The operators showing `lines` (a `None` is a blank line) from the top of a page down, 11
/// point Helvetica 14 points apart.
fn show_lines(lines: &[Option<String>]) -> Vec<u8> {
    let mut c = b"BT /F1 11 Tf 14 TL 72 740 Td\n".to_vec();
    for l in lines {
        if let Some(l) = l {
            c.extend(pdf_string(l));
            c.extend(b" Tj ");
        }
        c.extend(b"T*\n");
    }
    c.extend(b"ET\n");
    c
}

/// `text` (paragraphs split by blank lines) laid out on pages of 48 lines, uncompressed.
fn text_pages(text: &str) -> Vec<(String, Vec<u8>)> {
    let mut lines: Vec<Option<String>> = Vec::new();
    for p in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        lines.extend(wrap(p, 80).into_iter().map(Some));
        lines.push(None);
    }
    lines
        .chunks(48)
        .map(|page| (String::new(), show_lines(page)))
        .collect()
}

/// The essay as a PDF a word processor might write.
fn essay_pdf(text: &str) -> Vec<u8> {
    pdf(&text_pages(text), "", "", &[])
}

// ---------------------------------------------------------------------------------------
// Running the binary

/// A folder `cohort` under `work` holding `files`.
fn cohort(work: &Path, files: &[(String, Vec<u8>)]) -> PathBuf {
    let inputs = work.join("cohort");
    std::fs::create_dir_all(&inputs).unwrap();
    for (name, bytes) in files {
        std::fs::write(inputs.join(name), bytes).unwrap();
    }
    inputs
}

/// A form XObject (`/Subtype /Form`) drawing `content`, with `resources`.
fn form(resources: &str, content: &[u8]) -> Vec<u8> {
    stream(
        &format!("/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << {resources} >>"),
        content,
    )
}

/// Each hostile PDF (name, bytes, what its error row must say).
fn hostile_pdfs(text: &str) -> Vec<(String, Vec<u8>, &'static str)> {
    const BOMB: &str = "a part of the .pdf decompresses to over 64 MB";
    const DEEP: &str = "nested over 50 levels deep";
    const MANY: &str = "holds over 250000 drawing instructions";
    let mut files = Vec::new();
    let mut add = |name: &str, bytes: Vec<u8>, want| files.push((name.to_string(), bytes, want));
    let n = 100_000;

    // a) Deflate bombs as the page's content: 256 MiB of spaces, or of drawing operators
    // (each of which the PDF library would hold as objects of some 400 bytes), in well under
    // 2 MB.
    for (name, pattern) in [("bomb-spaces", &b" "[..]), ("bomb-operators", b"0 0 m ")] {
        let (z, inflated) = zlib_bomb(pattern, 256);
        assert!(z.len() < 2 << 20 && inflated >= 256 << 20);
        add(
            &format!("{name}.pdf"),
            pdf(&[("/Filter /FlateDecode".into(), z)], "", "", &[]),
            BOMB,
        );
    }
    // ... in an object stream, which the PDF library decompresses while loading the file.
    let (z, _) = zlib_bomb(b" ", 256);
    let objstm = stream("/Type /ObjStm /N 1 /First 10 /Filter /FlateDecode", &z);
    add(
        "bomb-object-stream.pdf",
        pdf(&text_pages(text), "", "", &[objstm]),
        BOMB,
    );
    // ... and drawing operators under the decompression limit: 32 MiB of them, 17 million
    // operators and operands.
    let (z, _) = zlib_bomb(b"0 0 m ", 32);
    add(
        "operators.pdf",
        pdf(&[("/Filter /FlateDecode".into(), z)], "", "", &[]),
        MANY,
    );
    // ... and forms drawing forms ten times over, nine deep: a thousand million forms drawn.
    let mut forms = Vec::new();
    for k in 1..=9 {
        // Form k is object 3 + k and draws form k + 1.
        forms.push(form(
            &format!("/XObject << /N {} 0 R >>", 4 + k),
            &b"/N Do ".repeat(10),
        ));
    }
    forms.push(form("", b"0 0 m 1 1 l S"));
    let mut pages = text_pages(text);
    pages[0].1.extend(b"/N Do\n");
    add(
        "form-bomb.pdf",
        pdf(&pages, "", "/XObject << /N 4 0 R >>", &forms),
        MANY,
    );

    // b) Arrays and dictionaries nested 100,000 deep in the page's dictionary, and in an
    // object nothing refers to (still parsed when the file is loaded).
    let deep_array = format!("/Deep {}{}", "[".repeat(n), "]".repeat(n));
    add(
        "deep-array.pdf",
        pdf(&text_pages(text), &deep_array, "", &[]),
        DEEP,
    );
    let deep_dict = format!("/Deep {}1{}", "<< /K ".repeat(n), " >>".repeat(n));
    add(
        "deep-dict.pdf",
        pdf(&text_pages(text), &deep_dict, "", &[]),
        DEEP,
    );
    let lone = format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes();
    add(
        "deep-unused.pdf",
        pdf(&text_pages(text), "", "", &[lone]),
        DEEP,
    );
    // ... stream lengths stored in other streams, 20,000 one after another (the PDF library
    // follows them by recursion).
    let chain: Vec<Vec<u8>> = (0..20_000)
        .map(|i| format!("<< /Length {} 0 R >>\nstream\nxx\nendstream", 5 + i).into_bytes())
        .chain([b"2".to_vec()])
        .collect();
    add(
        "length-chain.pdf",
        pdf(&text_pages(text), "", "", &chain),
        "a stream's length is another stream",
    );

    // c) In a page's drawing instructions: text arrays nested 100,000 deep; a form that draws
    // itself; and a page whose parent in the page tree is itself.
    let mut tj = b"BT /F1 11 Tf 72 700 Td ".to_vec();
    tj.extend("[".repeat(n).bytes());
    tj.extend(b"(deep)");
    tj.extend("]".repeat(n).bytes());
    tj.extend(b" TJ ET\n");
    let mut pages = text_pages(text);
    pages.push((String::new(), tj));
    add("deep-text-array.pdf", pdf(&pages, "", "", &[]), DEEP);
    // ... graphics states saved 200,000 deep (the PDF library keeps a copy of more than a
    // kilobyte for each: 370 MB for 245,000 of them).
    let mut pages = text_pages(text);
    pages[0].1 = [&b"q ".repeat(200_000)[..], &pages[0].1].concat();
    add("deep-saves.pdf", pdf(&pages, "", "", &[]), DEEP);
    let mut pages = text_pages(text);
    pages[0].1.extend(b"/X Do\n");
    add(
        "form-loop.pdf",
        pdf(
            &pages,
            "",
            "/XObject << /X 4 0 R >>",
            &[form("/XObject << /X 4 0 R >>", b"/X Do")],
        ),
        DEEP,
    );
    let mut pages = text_pages(text);
    pages.truncate(1);
    let mut loop_pdf = pdf(&pages, "/NoMediaBox", "", &[]);
    let from = b"/Count 1  >>";
    let at = loop_pdf
        .windows(from.len())
        .position(|w| w == from)
        .expect("page tree");
    loop_pdf.splice(at..at + from.len(), *b"/Parent 4 0 R >>");
    add("parent-loop.pdf", fix_xref(&loop_pdf), DEEP);

    // e) Megabytes of text.
    let big = text.repeat((3 << 20) / text.len() + 1);
    add(
        "huge-text.pdf",
        essay_pdf(&big),
        "the essay holds over 1 MB of text",
    );
    files
}

/// Rewrites the cross-reference table of a PDF written by [`pdf_of`] after its objects moved.
fn fix_xref(s: &[u8]) -> Vec<u8> {
    let find = |pat: &[u8], from: usize| {
        s[from..]
            .windows(pat.len())
            .position(|w| w == pat)
            .map(|i| i + from)
    };
    let xref = find(b"\nxref\n", 0).expect("xref") + 1;
    let mut objects = Vec::new();
    let mut at = find(b"\n1 0 obj\n", 0).unwrap() + 1;
    let mut i = 1;
    while at < xref {
        let end = find(b"\nendobj\n", at).unwrap();
        objects.push(s[at + format!("{i} 0 obj\n").len()..end].to_vec());
        at = end + b"\nendobj\n".len();
        i += 1;
    }
    pdf_of(&objects)
}

#[test]
fn hostile_pdfs_become_error_rows_with_bounded_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let text = essay();
    let n = 100_000;
    let hostile = hostile_pdfs(&text);
    let mut files: Vec<(String, Vec<u8>)> = hostile
        .iter()
        .map(|(n, b, _)| (n.clone(), b.clone()))
        .collect();
    // Fine essays, so the batch is seen to go on around the hostile files: a PDF from a real
    // writer (read from the shared fixtures), one written here, and one nested 40 deep.
    let real = std::fs::read(common::fixtures().join("pdf/libreoffice-essay.pdf")).unwrap();
    files.push(("good-libreoffice.pdf".into(), real));
    files.push(("good.pdf".into(), essay_pdf(&text)));
    let nested = format!("/Nested {}{}", "[".repeat(40), "]".repeat(40));
    files.push((
        "good-nested.pdf".into(),
        pdf(&text_pages(&text), &nested, "", &[]),
    ));
    // An essay with an unused object nested 100,000 deep that the nesting check cannot see:
    // the cross-reference table points inside a string. The PDF library stops at 100 levels,
    // which takes some 2 MB of stack in an unoptimised build: the reader has room for it.
    let hidden = vec![
        b"(a string that runs on".to_vec(),
        format!("{}1{} )", "<< /K ".repeat(n), " >>".repeat(n)).into_bytes(),
    ];
    files.push((
        "good-hidden-deep.pdf".into(),
        pdf(&text_pages(&text), "", "", &hidden),
    ));
    let inputs = cohort(work, &files);
    let out = work.join("out");
    let run = mark_measured(work, &inputs, &out, &[]);
    assert_eq!(run.code, Some(2), "some files fail: {}", run.stderr);
    assert_eq!(
        run.rows.len(),
        files.len(),
        "one row per file: {:?}",
        run.rows.keys()
    );
    for id in [
        "good-libreoffice",
        "good",
        "good-nested",
        "good-hidden-deep",
    ] {
        run.assert_marked(id);
    }
    for (name, _, want) in &hostile {
        run.assert_error(name.trim_end_matches(".pdf"), want);
    }
    eprintln!("peak RSS of the hostile PDF cohort: {} MB", run.rss_mb);
    assert!(
        run.rss_mb < 250,
        "peak RSS {} MB\n{}",
        run.rss_mb,
        run.stderr
    );
}

/// Each hostile web page (name, bytes, what its error row must say).
fn hostile_html(text: &str) -> Vec<(String, Vec<u8>, &'static str)> {
    const DEEP: &str = "has elements nested over 1000 levels deep";
    let n = 100_000;
    let body = html_body(text);
    let nest = |open: &str, close: &str| {
        format!(
            "<html><body>{}{body}{}</body></html>",
            open.repeat(n),
            close.repeat(n)
        )
        .into_bytes()
    };
    vec![
        ("deep-div.html".into(), nest("<div>", "</div>"), DEEP),
        (
            "deep-inline.html".into(),
            nest("<b><span>", "</span></b>"),
            DEEP,
        ),
        (
            "deep-list.html".into(),
            nest("<ul><li>", "</li></ul>"),
            DEEP,
        ),
        (
            "deep-unclosed.html".into(),
            format!("<html><body>{}{body}", "<div><b><i>".repeat(n)).into_bytes(),
            DEEP,
        ),
        (
            "many-elements.html".into(),
            format!(
                "<html><body>{body}{}</body></html>",
                "<i></i>".repeat(600_000)
            )
            .into_bytes(),
            "holds over 250000 elements",
        ),
        (
            "huge.html".into(),
            format!(
                "<html><body>{}</body></html>",
                body.repeat((30 << 20) / body.len() + 1)
            )
            .into_bytes(),
            "the essay holds over 1 MB of text",
        ),
    ]
}

/// The essay's paragraphs as HTML.
fn html_body(text: &str) -> String {
    text.split("\n\n")
        .map(|p| format!("<p>{}</p>", p.replace('&', "&amp;").replace('<', "&lt;")))
        .collect()
}

#[test]
fn hostile_html_becomes_error_rows_with_bounded_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let text = essay();
    let hostile = hostile_html(&text);
    let mut files: Vec<(String, Vec<u8>)> = hostile
        .iter()
        .map(|(n, b, _)| (n.clone(), b.clone()))
        .collect();
    let real = std::fs::read(common::fixtures().join("html/essay.html")).unwrap();
    files.push(("good-pandoc.html".into(), real));
    let body = html_body(&text);
    files.push((
        "good-nested.html".into(),
        format!("{}{body}{}", "<div>".repeat(500), "</div>".repeat(500)).into_bytes(),
    ));
    let inputs = cohort(work, &files);
    let out = work.join("out");
    let run = mark_measured(work, &inputs, &out, &[]);
    assert_eq!(run.code, Some(2), "some files fail: {}", run.stderr);
    assert_eq!(
        run.rows.len(),
        files.len(),
        "one row per file: {:?}",
        run.rows.keys()
    );
    run.assert_marked("good-pandoc");
    run.assert_marked("good-nested");
    for (name, _, want) in &hostile {
        run.assert_error(name.trim_end_matches(".html"), want);
    }
    eprintln!("peak RSS of the hostile HTML cohort: {} MB", run.rss_mb);
    assert!(
        run.rss_mb < 250,
        "peak RSS {} MB\n{}",
        run.rss_mb,
        run.stderr
    );
}

#[test]
fn pdf_and_html_limits_are_adjustable_by_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let text = essay();
    let body = html_body(&text);
    let files = vec![
        ("essay.pdf".to_string(), essay_pdf(&text)),
        (
            "essay.html".to_string(),
            format!("<html><body><div>{body}</div></body></html>").into_bytes(),
        ),
    ];
    let inputs = cohort(work, &files);
    let out = work.join("out");
    let run = mark_measured(
        work,
        &inputs,
        &out,
        &["--max-pdf-depth", "2", "--max-xml-depth", "3"],
    );
    run.assert_error("essay-pdf", "nested over 2 levels deep");
    run.assert_error("essay-html", "has elements nested over 3 levels deep");
    let run = mark_measured(work, &inputs, &out, &["--max-elements", "10"]);
    run.assert_error("essay-pdf", "holds over 10 drawing instructions");
    run.assert_error("essay-html", "holds over 10 elements");
    let run = mark_measured(work, &inputs, &out, &["--max-part-size", "1K"]);
    run.assert_error("essay-pdf", "decompresses to over 1 KB");
    run.assert_marked("essay-html");
    let run = mark_measured(work, &inputs, &out, &["--max-text-size", "2K"]);
    run.assert_error("essay-pdf", "over 2 KB of text");
    run.assert_error("essay-html", "over 2 KB of text");
    // The deepest nesting the PDF library itself reads (99 levels) has stack enough, whatever
    // the build.
    let deep = format!("/Deep {}1{}", "<< /K ".repeat(98), " >>".repeat(98));
    // ... and forms drawn inside forms 99 deep (each a call of the PDF library's page reader
    // inside the last).
    let chain: Vec<Vec<u8>> = (1..=99)
        .map(|k| {
            if k < 99 {
                form(&format!("/XObject << /N {} 0 R >>", 4 + k), b"q /N Do Q")
            } else {
                form("", b"0 0 m 1 1 l S")
            }
        })
        .collect();
    let mut pages = text_pages(&text);
    pages[0].1.extend(b"/N Do\n");
    let files = vec![
        (
            "deep.pdf".to_string(),
            pdf(&text_pages(&text), &deep, "", &[]),
        ),
        (
            "deep-forms.pdf".to_string(),
            pdf(&pages, "", "/XObject << /N 4 0 R >>", &chain),
        ),
    ];
    let inputs = cohort(&work.join("deep"), &files);
    let run = mark_measured(
        work,
        &inputs,
        &work.join("deep-out"),
        &["--max-pdf-depth", "99"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run.assert_marked("deep");
    run.assert_marked("deep-forms");
    let bad = common::peermark()
        .args(["check", "x.pdf", "--max-pdf-depth", "100"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1), "a usage error");
    for cmd in ["check", "mark"] {
        let help = common::peermark().args([cmd, "--help"]).output().unwrap();
        let help = String::from_utf8_lossy(&help.stdout);
        for flag in ["--max-pdf-depth", "--max-elements"] {
            assert!(help.contains(flag), "{cmd} --help lacks {flag}");
        }
    }
}
