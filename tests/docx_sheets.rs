//! Word outputs: the feedback sheet (`feedback/<submission>.docx`) and the annotated copy of
//! the learner's own essay (`annotated/<submission>.docx`).
//!
//! Runs the real `peermark` binary on real files (the samples, `../shared/fixtures/docx`, the
//! safeguarding essays of `tests/data`) and reads every generated document back: with
//! peermark's own reader, as raw XML, and — when LibreOffice is installed — through
//! `soffice --headless --convert-to pdf` and `pdftotext`.

mod common;

use common::{fixtures, mark_with, peermark, root};
use quick_xml::events::Event;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Every part of a zip package, by name.
fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip package");
    let mut parts = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).unwrap();
        parts.insert(f.name().to_string(), buf);
    }
    parts
}

/// Panics unless `xml` is well-formed (every end tag matching its start).
fn assert_well_formed(what: &str, xml: &[u8]) {
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().check_end_names = true;
    let mut depth = 0i32;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth -= 1,
            Ok(_) => {}
            Err(e) => panic!("{what}: malformed XML: {e}"),
        }
    }
    assert_eq!(depth, 0, "{what}: unclosed elements");
}

/// A comment as anchored in `document.xml`.
#[derive(Debug)]
struct Anchored {
    words: String,
    author: String,
    text: String,
}

/// The comments of a `.docx` and the words each is anchored at.
fn anchored(bytes: &[u8]) -> Vec<Anchored> {
    let parts = unzip(bytes);
    let mut comments: BTreeMap<String, (String, String)> = BTreeMap::new();
    if let Some(xml) = parts.get("word/comments.xml") {
        let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
        let mut current: Option<String> = None;
        let mut in_t = false;
        loop {
            match reader.read_event().unwrap() {
                Event::Eof => break,
                Event::Start(e) if e.local_name().as_ref() == b"comment" => {
                    let id = attr(&e, b"id");
                    comments.insert(id.clone(), (attr(&e, b"author"), String::new()));
                    current = Some(id);
                }
                Event::Start(e) if e.local_name().as_ref() == b"t" => in_t = true,
                Event::End(e) if e.local_name().as_ref() == b"t" => in_t = false,
                Event::End(e) if e.local_name().as_ref() == b"p" => {
                    if let Some(c) = current.as_ref().and_then(|id| comments.get_mut(id)) {
                        c.1.push('\n');
                    }
                }
                Event::Text(t) if in_t => {
                    if let Some(c) = current.as_ref().and_then(|id| comments.get_mut(id)) {
                        c.1.push_str(&t.unescape().unwrap());
                    }
                }
                _ => {}
            }
        }
    }
    let xml = &parts["word/document.xml"];
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut open: BTreeMap<String, String> = BTreeMap::new();
    let mut done: Vec<(String, String)> = Vec::new();
    let mut in_t = false;
    let mut references = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Eof => break,
            Event::Empty(e) => match e.local_name().as_ref() {
                b"commentRangeStart" => {
                    open.insert(attr(&e, b"id"), String::new());
                }
                b"commentRangeEnd" => {
                    let id = attr(&e, b"id");
                    let words = open.remove(&id).expect("a comment ends after it starts");
                    done.push((id, words));
                }
                b"commentReference" => references.push(attr(&e, b"id")),
                b"tab" | b"br" => open.values_mut().for_each(|w| w.push(' ')),
                _ => {}
            },
            Event::Start(e) if e.local_name().as_ref() == b"t" => in_t = true,
            Event::End(e) if e.local_name().as_ref() == b"t" => in_t = false,
            Event::Text(t) if in_t => {
                let s = t.unescape().unwrap();
                open.values_mut().for_each(|w| w.push_str(&s));
            }
            _ => {}
        }
    }
    assert!(open.is_empty(), "every comment range ends: {open:?}");
    done.into_iter()
        .map(|(id, words)| {
            assert!(
                references.contains(&id),
                "comment {id} has its reference mark"
            );
            let (author, text) = comments
                .get(&id)
                .cloned()
                .unwrap_or_else(|| panic!("comment {id} is in comments.xml"));
            Anchored {
                words,
                author,
                text,
            }
        })
        .collect()
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &[u8]) -> String {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
        .unwrap_or_default()
}

/// Each paragraph's text with, for every character, the run formatting (`w:rPr`) it has.
fn char_formats(bytes: &[u8]) -> Vec<(String, Vec<String>)> {
    let mapped = peermark_ingest::read_docx_mapped(bytes).expect("reads");
    let map = &mapped.map;
    mapped
        .document
        .paragraphs
        .iter()
        .zip(&map.paragraphs)
        .map(|(p, pm)| {
            let mut formats = Vec::new();
            for piece in &pm.pieces {
                let run = &map.runs[piece.run];
                let rpr = run
                    .rpr
                    .clone()
                    .map(|r| String::from_utf8_lossy(&map.xml[r]).into_owned())
                    .unwrap_or_default();
                for _ in p.text[piece.text.clone()].chars() {
                    formats.push(rpr.clone());
                }
            }
            (p.text.clone(), formats)
        })
        .collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The words an evidence quote stands for (without the "…" of a shortened quote).
fn core(quote: &str) -> &str {
    quote.trim().trim_matches('…').trim()
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn docx_files(dir: &Path) -> Vec<PathBuf> {
    files_under(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "docx"))
        .collect()
}

fn fixture_docx() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(fixtures().join("docx"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "docx"))
        .collect();
    v.sort();
    assert!(v.len() >= 4, "the docx fixtures are there");
    v
}

// ---------------------------------------------------------------------------------------------
// 1. The annotated copy keeps the learner's document and puts comments at the right words
// ---------------------------------------------------------------------------------------------

/// Checks one annotated copy of a `.docx` against its original and its result.
fn check_annotated_docx(original: &Path, annotated: &Path, result: &Value) {
    let name = original.display();
    let before = std::fs::read(original).unwrap();
    let after = std::fs::read(annotated).unwrap();
    let (b, a) = (unzip(&before), unzip(&after));

    // Every part but the four a comment needs is byte for byte the original's.
    let edited = [
        "word/document.xml",
        "word/comments.xml",
        "word/_rels/document.xml.rels",
        "[Content_Types].xml",
    ];
    for (part, bytes) in &b {
        assert!(a.contains_key(part), "{name}: {part} is kept");
        if !edited.contains(&part.as_str()) {
            assert_eq!(&a[part], bytes, "{name}: {part} is unchanged");
        }
    }
    for part in a.keys() {
        assert!(
            b.contains_key(part) || edited.contains(&part.as_str()),
            "{name}: unexpected part {part}"
        );
    }
    for (part, bytes) in &a {
        if part.ends_with(".xml") || part.ends_with(".rels") {
            assert_well_formed(&format!("{name} {part}"), bytes);
        }
    }
    let types = String::from_utf8_lossy(&a["[Content_Types].xml"]);
    assert!(
        types.contains(r#"PartName="/word/comments.xml""#),
        "{name}: {types}"
    );
    let rels = String::from_utf8_lossy(&a["word/_rels/document.xml.rels"]);
    assert_eq!(
        rels.matches("relationships/comments\"").count(),
        1,
        "{name}: {rels}"
    );

    // Every word, and every character's formatting, is the original's.
    let (fb, fa) = (char_formats(&before), char_formats(&after));
    assert_eq!(fb.len(), fa.len(), "{name}: same paragraphs");
    for ((tb, rb), (ta, ra)) in fb.iter().zip(&fa) {
        assert_eq!(tb, ta, "{name}: paragraph text kept");
        assert_eq!(rb, ra, "{name}: formatting of {tb:?} kept");
    }
    assert_eq!(
        peermark_ingest::read_file(original, peermark_ingest::Format::Docx)
            .unwrap()
            .extracted_text(),
        peermark_ingest::read_file(annotated, peermark_ingest::Format::Docx)
            .unwrap()
            .extracted_text(),
        "{name}: the reader reads the same essay"
    );

    // The comments sit at the words the result quotes.
    let comments = anchored(&after);
    let ours: Vec<&Anchored> = comments.iter().filter(|c| c.author == "peermark").collect();
    assert!(!ours.is_empty(), "{name}: has comments");
    for c in &result["criteria"].as_array().unwrap()[..] {
        let title = c["title"].as_str().unwrap();
        for e in c["evidence"].as_array().unwrap() {
            let quote = core(e["quote"].as_str().unwrap());
            assert!(
                ours.iter()
                    .any(|a| a.words.trim() == quote && a.text.contains(title)),
                "{name}: no comment on {quote:?} naming {title:?}: {ours:#?}"
            );
        }
    }
    for l in result["lapses"].as_array().unwrap() {
        let text = l["text"].as_str().unwrap();
        assert!(
            ours.iter()
                .any(|a| a.words == text && a.text.contains("Wording to reconsider")),
            "{name}: no comment on the wording {text:?}"
        );
    }
    for n in result["notes"].as_array().unwrap() {
        let text = n["text"].as_str().unwrap();
        assert!(
            ours.iter().any(|a| a.words == text),
            "{name}: no comment on the note {text:?}"
        );
    }
    for a in &ours {
        assert!(!a.words.trim().is_empty(), "{name}: an empty anchor");
        assert!(!a.text.trim().is_empty(), "{name}: an empty comment");
    }
}

#[test]
fn annotated_copies_of_the_docx_fixtures_keep_every_word_and_carry_the_comments() {
    let tmp = tempfile::tempdir().unwrap();
    for file in fixture_docx() {
        let stem = file.file_stem().unwrap().to_str().unwrap().to_string();
        let out = tmp.path().join(&stem);
        let o = mark_with(&[&file], &out, &["--sheets", "annotated", "--quiet"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let results = read_json(&out.join("results.json"));
        let result = &results[0];
        assert_eq!(result["status"], "marked", "{stem}");
        let annotated = out.join("annotated").join(format!("{stem}.docx"));
        assert!(annotated.is_file(), "{stem}: annotated copy written");
        check_annotated_docx(&file, &annotated, result);
        assert!(
            !out.join("feedback").exists(),
            "--sheets annotated writes no feedback sheets"
        );
    }
}

#[test]
fn annotated_copies_of_the_sample_docx_essays_carry_every_comment() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("m");
    let samples = root().join("samples");
    let o = mark_with(&[&samples], &out, &["--sheets", "annotated", "--quiet"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let results = read_json(&out.join("results.json"));
    let mut checked = 0;
    for r in results.as_array().unwrap() {
        let id = r["submission"].as_str().unwrap();
        let Some(stem) = id.strip_suffix("-docx") else {
            continue;
        };
        check_annotated_docx(
            &samples.join(format!("{stem}.docx")),
            &out.join("annotated").join(format!("{id}.docx")),
            r,
        );
        checked += 1;
    }
    assert_eq!(checked, 8, "every sample .docx");
}

/// A one-file package with `body` as the document's body.
fn built_docx(body: &str) -> Vec<u8> {
    let w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    let doc = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{w}"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_string()),
        ("word/document.xml", doc),
    ];
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, text) in parts {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// An essay whose wording to reconsider is split over runs of different formatting, starts
/// and ends inside runs, sits beside escaped characters and tabs, and whose package has no
/// relationships part for the main document yet.
fn split_runs_essay() -> Vec<u8> {
    let p = |inner: &str| format!("<w:p>{inner}</w:p>");
    let r = |rpr: &str, text: &str| {
        format!(
            r#"<w:r w:rsidR="00A1"><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>"#
        )
    };
    let plain = |text: &str| format!("<w:r><w:t>{text}</w:t></w:r>");
    let mut body = String::new();
    body.push_str(&p(&plain("Learning to Live Again")));
    body.push_str(&p(&format!(
        "{}{}{}{}",
        r("", "When I was nineteen my older brother "),
        r("<w:b/>", "committed sui"),
        r("<w:u w:val=\"single\"/><w:color w:val=\"C00000\"/>", "cide"),
        r(
            "",
            ", and for years I could not talk about it with anyone at all."
        ),
    )));
    body.push_str(&p(&plain(
        "Tom &amp; Jerry cartoons kept me company, and then a friend he was a schizophrenic once said &lt;hope&gt; is a practice.",
    )));
    body.push_str(&p(&format!(
        "{}<w:r><w:t>Recovery</w:t><w:tab/><w:t>is a journey, not a destination, and peer support helped me find hope again.</w:t></w:r>",
        r("<w:u w:val=\"single\"/>", "Looking back, ")
    )));
    built_docx(&body)
}

#[test]
fn a_span_across_runs_is_anchored_at_its_words_and_formatting_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("split.docx");
    std::fs::write(&file, split_runs_essay()).unwrap();
    let out = tmp.path().join("out");
    let o = mark_with(&[&file], &out, &["--quiet"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let results = read_json(&out.join("results.json"));
    let r = &results[0];
    let lapses: Vec<&str> = r["lapses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["text"].as_str().unwrap())
        .collect();
    assert!(lapses.contains(&"committed suicide"), "{lapses:?}");
    let annotated = out.join("annotated/split.docx");
    check_annotated_docx(&file, &annotated, r);
    let after = std::fs::read(&annotated).unwrap();
    let comments = anchored(&after);
    let c = comments
        .iter()
        .find(|c| c.words == "committed suicide")
        .expect("the comment covers both runs");
    assert!(c.text.contains("died by suicide"), "{}", c.text);
    // The bold and the red italic halves keep their formatting on each side of the anchor.
    let xml = String::from_utf8(unzip(&after)["word/document.xml"].clone()).unwrap();
    let start = xml.find("<w:commentRangeStart").unwrap();
    let end = xml.find("<w:commentRangeEnd").unwrap();
    let inside = &xml[start..end];
    assert!(
        inside.contains(r#"<w:rPr><w:b/></w:rPr><w:t xml:space="preserve">committed sui</w:t>"#),
        "{inside}"
    );
    assert!(inside.contains(r#"<w:rPr><w:u w:val="single"/><w:color w:val="C00000"/></w:rPr><w:t xml:space="preserve">cide</w:t>"#), "{inside}");
}

#[test]
fn an_annotated_plain_text_essay_is_a_document_of_its_paragraphs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("m");
    let file = root().join("samples/language-lapses.txt");
    let o = mark_with(&[&file], &out, &["--quiet", "--sheets", "annotated"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let annotated = out.join("annotated/language-lapses.docx");
    let doc = peermark_ingest::read_file(&file, peermark_ingest::Format::Txt).unwrap();
    let copy = peermark_ingest::read_file(&annotated, peermark_ingest::Format::Docx).unwrap();
    let texts = |d: &peermark_text::Document| -> Vec<String> {
        d.paragraphs
            .iter()
            .map(|p| p.text.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    };
    assert_eq!(texts(&doc), texts(&copy), "every paragraph, every word");
    assert_eq!(
        copy.title(),
        doc.title(),
        "the title is styled as the title"
    );
    let results = read_json(&out.join("results.json"));
    let r = &results[0];
    let comments = anchored(&std::fs::read(&annotated).unwrap());
    for l in r["lapses"].as_array().unwrap() {
        let text = l["text"].as_str().unwrap();
        assert!(
            comments
                .iter()
                .any(|c| c.words == text && c.author == "peermark"),
            "no comment on {text:?}"
        );
    }
    for c in r["criteria"].as_array().unwrap() {
        for e in c["evidence"].as_array().unwrap() {
            let quote = core(e["quote"].as_str().unwrap());
            assert!(
                comments.iter().any(|a| a.words == quote),
                "no comment on {quote:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 2. The feedback sheet
// ---------------------------------------------------------------------------------------------

/// The text of a `.docx` as peermark's reader reads it, one line per paragraph.
fn docx_text(path: &Path) -> String {
    peermark_ingest::read_file(path, peermark_ingest::Format::Docx)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .extracted_text()
}

#[test]
fn every_generated_docx_reads_back_with_peermarks_reader() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("m");
    let inputs = [root().join("samples"), fixtures().join("docx")];
    let paths: Vec<&Path> = inputs.iter().map(|p| p.as_path()).collect();
    let o = mark_with(&paths, &out, &["--quiet"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let results = read_json(&out.join("results.json"));
    let results = results.as_array().unwrap();
    let sheets = docx_files(&out.join("feedback"));
    let copies = docx_files(&out.join("annotated"));
    assert_eq!(sheets.len(), results.len(), "one Word sheet per submission");
    assert_eq!(
        copies.len(),
        results.len(),
        "one annotated copy per submission"
    );
    for path in sheets.iter().chain(&copies) {
        for (part, bytes) in unzip(&std::fs::read(path).unwrap()) {
            if part.ends_with(".xml") || part.ends_with(".rels") {
                assert_well_formed(&format!("{} {part}", path.display()), &bytes);
            }
        }
    }
    for r in results {
        let id = r["submission"].as_str().unwrap();
        let sheet = docx_text(&out.join("feedback").join(format!("{id}.docx")));
        let md = std::fs::read_to_string(out.join("feedback").join(format!("{id}.md"))).unwrap();
        assert!(
            sheet.contains(&format!("Learner / submission: {id}")),
            "{sheet}"
        );
        assert!(sheet.contains("Date: "), "{sheet}");
        let outcome = if r["outcome"] == "achieved" {
            "Achieved"
        } else {
            "Not yet achieved"
        };
        assert!(
            sheet.contains(&format!(
                "Outcome: {outcome} — {:.1} out of 100",
                r["score"].as_f64().unwrap()
            )),
            "{sheet}"
        );
        assert!(sheet.contains("an assessor reviews every mark"));
        assert!(sheet.contains("Assessor's comments"));
        assert!(sheet.contains("Marked by: "));
        for c in r["criteria"].as_array().unwrap() {
            let title = c["title"].as_str().unwrap();
            assert!(sheet.contains(title), "{id}: {title}");
            let level = format!(
                "{} ({} of 3)",
                c["level_name"].as_str().unwrap(),
                c["level"].as_u64().unwrap()
            );
            assert!(sheet.contains(&level), "{id}: {level}");
            // What is there, then one next step (the first), or the stretch at the top level.
            let feedback = c["feedback"].as_str().unwrap();
            let (there, steps) = feedback
                .split_once(" Next steps: ")
                .unwrap_or((feedback, ""));
            let first_words: String = there.chars().take(40).collect();
            assert!(sheet.contains(&first_words), "{id}: what is there");
            if !steps.is_empty() {
                let step: String = steps.chars().take(40).collect();
                assert!(sheet.contains("Next step, to reach "), "{id}");
                assert!(sheet.contains(&step), "{id}: the next step");
            } else if c["level"] == 3 {
                assert!(
                    sheet.contains("This is the top level. To go further"),
                    "{id}: the stretch"
                );
            }
            for e in c["evidence"].as_array().unwrap().iter().take(2) {
                assert!(
                    sheet.contains(core(e["quote"].as_str().unwrap())),
                    "{id}: a quote"
                );
            }
        }
        for l in r["lapses"].as_array().unwrap() {
            assert!(sheet.contains(&format!("“{}”", l["text"].as_str().unwrap())));
            for s in l["suggestions"].as_array().unwrap() {
                assert!(sheet.contains(&format!("“{}”", s.as_str().unwrap())));
            }
        }
        // The Word sheet and the Markdown sheet tell the same story.
        let words = r["words"].as_u64().unwrap();
        let count = format!("{words} words");
        let count_md = md.contains(&count)
            || md.contains(&format!("{},{:03} words", words / 1000, words % 1000));
        assert!(count_md);
        assert!(
            sheet.contains("words counted") || sheet.contains(" words."),
            "{sheet}"
        );
    }
}

#[test]
fn sheets_chooses_what_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let strong = root().join("samples/strong.docx");
    let md_only = tmp.path().join("md");
    assert!(
        mark_with(&[&strong], &md_only, &["--sheets", "md", "--quiet"])
            .status
            .success()
    );
    assert!(md_only.join("feedback/strong.md").is_file());
    assert!(!md_only.join("feedback/strong.docx").exists());
    assert!(!md_only.join("annotated").exists());

    let word = tmp.path().join("word");
    assert!(mark_with(
        &[&strong],
        &word,
        &["--sheets", "docx,annotated", "--quiet"]
    )
    .status
    .success());
    assert!(!word.join("feedback/strong.md").exists());
    assert!(word.join("feedback/strong.docx").is_file());
    assert!(word.join("annotated/strong.docx").is_file());

    let all = tmp.path().join("all");
    assert!(mark_with(&[&strong], &all, &["--quiet"]).status.success());
    for f in [
        "feedback/strong.md",
        "feedback/strong.docx",
        "annotated/strong.docx",
        "gradebook.csv",
    ] {
        assert!(all.join(f).is_file(), "{f} by default");
    }

    let bad = mark_with(&[&strong], &tmp.path().join("x"), &["--sheets", "pdf"]);
    assert!(!bad.status.success());
    assert!(!tmp.path().join("x").exists(), "nothing written");
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("md") && err.contains("annotated"), "{err}");
}

#[test]
fn an_unreadable_file_gets_a_word_sheet_saying_what_to_do_and_no_annotated_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("empty.docx"), b"").unwrap();
    std::fs::copy(root().join("samples/weak.txt"), dir.join("weak.txt")).unwrap();
    let out = tmp.path().join("out");
    let o = mark_with(&[&dir], &out, &["--quiet"]);
    assert_eq!(o.status.code(), Some(2));
    let sheet = docx_text(&out.join("feedback/empty.docx"));
    assert!(sheet.contains("We could not mark this file yet"), "{sheet}");
    assert!(sheet.contains("What you can do"), "{sheet}");
    assert!(!out.join("annotated/empty.docx").exists());
    assert!(out.join("annotated/weak.docx").is_file());
}

#[test]
fn check_writes_a_word_sheet_for_one_draft() {
    let tmp = tempfile::tempdir().unwrap();
    let sheet = tmp.path().join("my sheet.docx");
    let o = peermark()
        .args(["check", "samples/middling.docx", "--sheet"])
        .arg(&sheet)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = docx_text(&sheet);
    assert!(text.contains("Learner / submission: middling"), "{text}");
    assert!(text.contains("Criterion by criterion"));
    assert!(text.contains("Assessor's comments"));
    // The printed report is unchanged by --sheet.
    let plain = peermark()
        .args(["check", "samples/middling.docx"])
        .output()
        .unwrap();
    assert_eq!(plain.stdout, o.stdout);

    // A sheet in a folder that does not exist yet is written (the folder is created).
    let nested = tmp.path().join("new/folder/sheet.docx");
    let o = peermark()
        .args(["check", "samples/middling.docx", "--sheet"])
        .arg(&nested)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(docx_text(&nested).contains("Assessor's comments"));
}

// ---------------------------------------------------------------------------------------------
// 3. Assessor-only content stays out of every file a learner may see
// ---------------------------------------------------------------------------------------------

const RISK_SENTENCE: &str = "Lately I don't see the point anymore and I have not told anyone.";

/// Every text in a generated file: the file itself, and each part of a zip package.
fn texts_of(path: &Path) -> Vec<(String, String)> {
    let bytes = std::fs::read(path).unwrap();
    if path.extension().is_some_and(|e| e == "docx") {
        unzip(&bytes)
            .into_iter()
            .map(|(part, b)| {
                (
                    format!("{} {part}", path.display()),
                    String::from_utf8_lossy(&b).into_owned(),
                )
            })
            .collect()
    } else {
        vec![(
            path.display().to_string(),
            String::from_utf8_lossy(&bytes).into_owned(),
        )]
    }
}

#[test]
fn assessor_only_text_is_in_no_sheet_and_no_annotated_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("m");
    let data = root().join("tests/data");
    let o = mark_with(&[&data], &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let notes = common::read_csv(&out.join("assessor-notes.csv"));
    assert!(!notes.is_empty(), "the test essays raise assessor notes");
    // Safeguarding notes quote the essay; similar-text notes (these test essays are
    // variations of each other) only give positions and do not hold a copy back.
    let flagged: Vec<&str> = notes
        .iter()
        .filter(|n| n["kind"] == "safeguarding")
        .map(|n| n["submission"].as_str())
        .collect();
    // Every learner gets the same files, flagged or not (a missing copy would itself
    // disclose the flag); the copy is the learner's own essay, so it holds their sentence,
    // but no comment of peermark's touches it (checked below on the comments part).
    assert!(!flagged.is_empty());
    for id in &flagged {
        assert!(out.join(format!("annotated/{id}.docx")).is_file(), "{id}");
        assert!(out.join(format!("feedback/{id}.docx")).is_file(), "{id}");
    }
    assert!(out.join("annotated/past-only.docx").is_file());

    let mut forbidden: Vec<String> = vec![
        RISK_SENTENCE.to_string(),
        "the point anymore".to_string(),
        "safeguarding".to_string(),
        "assessor-notes".to_string(),
    ];
    for n in &notes {
        forbidden.push(n["quote"].clone());
        forbidden.push(n["cue"].clone());
    }
    let mut checked = 0;
    for dir in ["feedback", "annotated"] {
        for path in files_under(&out.join(dir)) {
            for (what, text) in texts_of(&path) {
                // An annotated copy's document is the learner's own essay, flagged sentence
                // and all; everything peermark adds (comments, properties) is searched.
                if dir == "annotated" && what.ends_with("word/document.xml") {
                    continue;
                }
                let lower = text.to_lowercase();
                for f in &forbidden {
                    assert!(!lower.contains(&f.to_lowercase()), "{what} holds {f:?}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "{checked} files and parts searched");
}

// ---------------------------------------------------------------------------------------------
// 4. LibreOffice opens every sheet and every annotated copy
// ---------------------------------------------------------------------------------------------

fn have(tool: &str) -> bool {
    std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        || std::process::Command::new(tool).arg("-v").output().is_ok()
}

/// Converts every `.docx` in `files` to `format` in `out` with one LibreOffice run (own
/// profile, so that it never meets another LibreOffice).
fn soffice_convert(files: &[PathBuf], format: &str, out: &Path, profile: &Path) {
    let o = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            format,
            "--outdir",
        ])
        .arg(out)
        .args(files)
        .output()
        .expect("soffice runs");
    assert!(
        o.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn every_sheet_and_annotated_copy_opens_in_libreoffice() {
    if !have("soffice") || !have("pdftotext") {
        eprintln!(
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             SKIPPED every_sheet_and_annotated_copy_opens_in_libreoffice: LibreOffice (soffice)\n\
             or pdftotext is not installed. Install them to run it:\n\
             apt-get install -y libreoffice-writer-nogui poppler-utils   (.ci/run does this)\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("m");
    let inputs = [
        root().join("samples"),
        fixtures().join("docx"),
        root().join("tests/data/past-only.txt"),
    ];
    let paths: Vec<&Path> = inputs.iter().map(|p| p.as_path()).collect();
    let o = mark_with(&paths, &out, &["--quiet"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let profile = tmp.path().join("lo-profile");
    let results = read_json(&out.join("results.json"));
    for kind in ["feedback", "annotated"] {
        let files = docx_files(&out.join(kind));
        assert!(files.len() >= 20, "{kind}: {} files", files.len());
        let pdf = tmp.path().join(format!("{kind}-pdf"));
        soffice_convert(&files, "pdf", &pdf, &profile);
        // The comments as LibreOffice reads them: flat ODF with one annotation per comment.
        let fodt = tmp.path().join(format!("{kind}-fodt"));
        if kind == "annotated" {
            soffice_convert(&files, "fodt", &fodt, &profile);
        }
        for file in &files {
            let stem = file.file_stem().unwrap().to_str().unwrap();
            let pdf_file = pdf.join(format!("{stem}.pdf"));
            assert!(
                pdf_file.is_file(),
                "LibreOffice converted {}",
                file.display()
            );
            let text = std::process::Command::new("pdftotext")
                .arg(&pdf_file)
                .arg("-")
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&text.stdout)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let r = results
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["submission"] == stem)
                .unwrap();
            if kind == "feedback" {
                assert!(
                    text.contains(&format!("Learner / submission: {stem}")),
                    "{stem}: {text}"
                );
                assert!(text.contains("Criterion by criterion"), "{stem}: {text}");
                assert!(text.contains("Assessor's comments"), "{stem}");
                assert!(text.contains("Marked by:"), "{stem}");
                for c in r["criteria"].as_array().unwrap() {
                    assert!(text.contains(c["title"].as_str().unwrap()), "{stem}");
                }
            } else {
                // The essay's words are all there, in order.
                let doc = peermark_ingest::read_file(file, peermark_ingest::Format::Docx).unwrap();
                for p in &doc.paragraphs {
                    let first: Vec<&str> = p.text.split_whitespace().take(4).collect();
                    assert!(
                        text.contains(&first.join(" ")),
                        "{stem}: {:?} in {text}",
                        first
                    );
                }
                let flat = std::fs::read_to_string(fodt.join(format!("{stem}.fodt"))).unwrap();
                let annotations = flat.matches("<office:annotation ").count()
                    + flat.matches("<office:annotation>").count();
                let expected = anchored(&std::fs::read(file).unwrap())
                    .iter()
                    .filter(|a| a.author == "peermark")
                    .count();
                assert_eq!(
                    annotations, expected,
                    "{stem}: LibreOffice reads every comment"
                );
                assert!(flat.contains("<dc:creator>peermark</dc:creator>"), "{stem}");
                assert_eq!(
                    flat.matches("<office:annotation-end").count(),
                    expected,
                    "{stem}: every comment covers a range of words"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 5. peermark's own words in the Word outputs pass its own language check
// ---------------------------------------------------------------------------------------------

#[test]
fn the_words_peermark_writes_in_word_sheets_and_comments_have_no_lapses() {
    let rubric = peermark_engine::load_rubric(None).unwrap();
    let ctx = peermark_report::report_context(&rubric);
    let lapses_in = |what: &str, text: &str| -> Vec<String> {
        rubric
            .language
            .check_text(text)
            .into_iter()
            .filter(|f| f.lapse)
            .map(|f| format!("{what}: {} {:?} in {text:?}", f.rule, f.text))
            .collect()
    };
    let mut failures = Vec::new();
    let mut comments_seen = 0;
    for name in [
        "strong.txt",
        "weak.txt",
        "language-lapses.txt",
        "middling.txt",
    ] {
        let path = root().join("samples").join(name);
        let doc = peermark_ingest::read_file(&path, peermark_ingest::Format::Txt).unwrap();
        let r = peermark_engine::check_document(&rubric, &doc, "s", name);
        // Comments: peermark's words around the essay's (quoted) words.
        for c in peermark_report::annotate::comments(&r, &doc) {
            for t in &c.text {
                comments_seen += 1;
                failures.extend(lapses_in(&format!("{name} comment"), t));
            }
        }
        // The sheet with the essay's own words taken out.
        let mut bare = r.clone();
        bare.title = None;
        bare.language_awareness.clear();
        for c in &mut bare.criteria {
            c.evidence.clear();
        }
        for l in &mut bare.lapses {
            l.text.clear();
        }
        for n in &mut bare.notes {
            n.text.clear();
        }
        let body = peermark_report::sheet_docx::sheet_body(&bare, &ctx, "1 May 2026");
        for line in peermark_report::sheet_docx::outline(&body).lines() {
            failures.extend(lapses_in(&format!("{name} sheet"), line));
        }
    }
    let err = peermark_engine::result::MarkResult::error(
        "e",
        "e.docx",
        rubric.reference(),
        "the file is empty".into(),
    );
    let body = peermark_report::sheet_docx::sheet_body(&err, &ctx, "1 May 2026");
    for line in peermark_report::sheet_docx::outline(&body).lines() {
        failures.extend(lapses_in("error sheet", line));
    }
    assert!(comments_seen > 20, "{comments_seen} comments checked");
    assert!(failures.is_empty(), "{failures:#?}");
}
