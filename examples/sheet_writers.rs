//! Compares peermark's Word sheet writer (zip + hand-written WordprocessingML) with docx-rs
//! building the same content: time per sheet and size. Run in release:
//!
//!     cargo run --release --example sheet_writers [N]
//!
//! The docx-rs version is the sheet's content only (title, details, the criteria table, the
//! language table, the assessor box); docx-rs 0.4 has no table-style conditional formatting
//! (`w:tblStylePr`), so its header row would need direct formatting in every cell.

use docx_rs::{Docx, Paragraph, Run, Style, StyleType, Table, TableCell, TableRow};
use std::time::Instant;

fn docx_rs_sheet(r: &peermark_engine::result::MarkResult) -> Vec<u8> {
    let p = |text: &str, style: &str| {
        Paragraph::new()
            .add_run(Run::new().add_text(text))
            .style(style)
    };
    let mut doc = Docx::new()
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .size(40)
                .color("1F4E4C"),
        )
        .add_style(
            Style::new("Heading1", StyleType::Paragraph)
                .name("heading 1")
                .size(30)
                .bold()
                .color("2E7D7A"),
        )
        .add_style(
            Style::new("TableText", StyleType::Paragraph)
                .name("Table Text")
                .size(20),
        )
        .add_paragraph(p(&format!("Feedback: {}", r.submission), "Title"))
        .add_paragraph(p(
            &format!("Learner / submission: {}", r.submission),
            "Normal",
        ))
        .add_paragraph(p("Criterion by criterion", "Heading1"));
    let header = TableRow::new(
        [
            "Criterion and level",
            "Where your essay shows it",
            "Feed-forward",
        ]
        .iter()
        .map(|h| {
            TableCell::new()
                .add_paragraph(
                    Paragraph::new().add_run(Run::new().add_text(*h).bold().color("FFFFFF")),
                )
                .shading(docx_rs::Shading::new().fill("2E7D7A"))
        })
        .collect(),
    );
    let mut rows = vec![header];
    for c in &r.criteria {
        let mut ev = TableCell::new();
        for e in &c.evidence {
            ev = ev.add_paragraph(p(
                &format!("“{}” (paragraph {})", e.quote, e.paragraph),
                "TableText",
            ));
        }
        rows.push(TableRow::new(vec![
            TableCell::new()
                .add_paragraph(p(&c.title, "TableText"))
                .add_paragraph(p(&c.level_name, "TableText"))
                .add_paragraph(p(&c.descriptor, "TableText")),
            ev,
            TableCell::new().add_paragraph(p(&c.feedback, "TableText")),
        ]));
    }
    doc = doc.add_table(Table::new(rows).set_grid(vec![2600, 3738, 3300]));
    let mut lrows = Vec::new();
    for l in &r.lapses {
        lrows.push(TableRow::new(vec![
            TableCell::new().add_paragraph(p(&l.text, "TableText")),
            TableCell::new().add_paragraph(p(&l.suggestions.join(" or "), "TableText")),
            TableCell::new().add_paragraph(p(&l.why, "TableText")),
        ]));
    }
    if !lrows.is_empty() {
        doc = doc.add_table(Table::new(lrows));
    }
    doc = doc
        .add_paragraph(p("Assessor's comments", "Heading1"))
        .add_table(Table::new(vec![TableRow::new(vec![TableCell::new()])]))
        .add_paragraph(p("Marked by: ____________  Date: ________", "Normal"));
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).expect("packs");
    out.into_inner()
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let rubric = peermark_engine::load_rubric(None).expect("rubric");
    let ctx = peermark_report::report_context(&rubric);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/language-lapses.txt");
    let doc = peermark_ingest::read_file(&path, peermark_ingest::Format::Txt).expect("sample");
    let r = peermark_engine::check_document(
        &rubric,
        &doc,
        "language-lapses",
        "samples/language-lapses.txt",
    );

    let t = Instant::now();
    let mut bytes = 0;
    for _ in 0..n {
        bytes = peermark_report::sheet_docx::sheet_docx(&r, &ctx, "27 November 2026").len();
    }
    let ours = t.elapsed().as_secs_f64() / n as f64;
    let t = Instant::now();
    let mut theirs_bytes = 0;
    for _ in 0..n {
        theirs_bytes = docx_rs_sheet(&r).len();
    }
    let theirs = t.elapsed().as_secs_f64() / n as f64;
    println!("{n} sheets of {}", r.submission);
    println!(
        "  peermark writer (zip + WordprocessingML): {:>7.3} ms/sheet, {bytes} bytes",
        ours * 1e3
    );
    println!(
        "  docx-rs 0.4 (same content, fewer styles):  {:>7.3} ms/sheet, {theirs_bytes} bytes",
        theirs * 1e3
    );
}
