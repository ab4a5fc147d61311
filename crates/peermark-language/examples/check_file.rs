//! Development aid: `cargo run --release -p peermark-language --example check_file -- FILE...`
//! prints every finding in plain-text essays (paragraphs split at blank lines) and the time
//! taken, using the shipped rule files.

use peermark_language::{LanguageSettings, RuleSet};
use peermark_text::document::Hint;
use peermark_text::{Document, Paragraph, SourceLines};
use serde::Deserialize;
use std::time::Instant;

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    language: LanguageSettings,
}

fn main() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../rubrics");
    let mut settings = LanguageSettings::default();
    for name in [
        "recovery-language-rules.toml",
        "recovery-language-rules-2.toml",
    ] {
        if let Ok(text) = std::fs::read_to_string(root.join(name)) {
            let f: File = toml::from_str(&text).expect(name);
            settings.merge(f.language);
        }
    }
    let t = Instant::now();
    let set = RuleSet::compile(&settings).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("compiled {} rules in {:?}", set.rules().len(), t.elapsed());
    if std::env::args().nth(1).as_deref() == Some("--explain") {
        for id in std::env::args().skip(2) {
            match set.rule(&id) {
                Some(r) => println!("{}", r.explain()),
                None => println!("no rule {id}"),
            }
        }
        return;
    }
    if std::env::args().nth(1).as_deref() == Some("--messages") {
        use std::io::BufRead;
        for line in std::io::stdin().lock().lines() {
            for f in set.check_text(&line.unwrap()) {
                println!("{} {}: {}", f.rule, f.frame.as_str(), f.message);
            }
        }
        return;
    }
    if std::env::args().nth(1).as_deref() == Some("--lines") {
        use std::io::BufRead;
        for line in std::io::stdin().lock().lines() {
            let line = line.unwrap();
            if line.trim().is_empty() {
                continue;
            }
            let fs = set.check_text(&line);
            let summary: Vec<String> = fs
                .iter()
                .map(|f| {
                    format!(
                        "{} {} {:?} {}{}",
                        if f.lapse { "LAPSE" } else { "note" },
                        f.rule,
                        f.text,
                        f.frame.as_str(),
                        if f.awareness { "+aware" } else { "" }
                    )
                })
                .collect();
            println!(
                "{:<100} => {}",
                line,
                if summary.is_empty() {
                    "-".to_string()
                } else {
                    summary.join("; ")
                }
            );
        }
        return;
    }
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).expect("read");
        let paras: Vec<Paragraph> = text
            .split("\n\n")
            .map(|p| Paragraph::new(p.trim().replace('\n', " "), Hint::None))
            .collect();
        let doc = Document::new(paras, SourceLines::Extracted);
        let t = Instant::now();
        let mut findings = set.check(&doc);
        let runs = 200;
        for _ in 1..runs {
            findings = set.check(&doc);
        }
        let per = t.elapsed() / runs;
        println!("== {path}: {} words, {:?} per check", doc.body_words(), per);
        for f in &findings {
            let p = &doc.paragraphs[f.paragraph].text;
            let s = p[..f.range.start]
                .rfind(['.', '!', '?'])
                .map_or(0, |i| i + 1);
            let e = p[f.range.end..]
                .find(['.', '!', '?'])
                .map_or(p.len(), |i| f.range.end + i + 1);
            println!(
                "  {} {:<5} {:<20} {:<22} {}{}  | {}",
                f.rule,
                if f.lapse { "LAPSE" } else { "note" },
                format!("{:?}", f.text),
                f.frame.as_str(),
                if f.awareness { "[aware] " } else { "" },
                f.severity,
                p[s..e].trim()
            );
        }
    }
}
