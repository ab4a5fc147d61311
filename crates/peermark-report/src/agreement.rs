//! An agreement report (`peermark agree`) as text or JSON.

use peermark_engine::marks::AgreeReport;
use std::fmt::Write as _;

fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{:.0}%", v * 100.0))
        .unwrap_or_else(|| "–".into())
}

fn num(x: Option<f64>) -> String {
    // Rounded first so that a tiny negative kappa does not print as "-0.00".
    x.map(|v| format!("{:.2}", (v * 100.0).round() / 100.0 + 0.0))
        .unwrap_or_else(|| "–".into())
}

/// The report as text.
pub fn render_text(r: &AgreeReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Agreement between {} ({} rows) and {} ({} rows): {} submissions in both.\n",
        r.a.file, r.a.rows, r.b.file, r.b.rows, r.matched
    );
    let width = r
        .criteria
        .iter()
        .map(|c| c.id.chars().count())
        .max()
        .unwrap_or(0)
        .max(16);
    let _ = writeln!(
        s,
        "{:<width$} {:>4} {:>6} {:>9} {:>6}",
        "criterion", "n", "exact", "adjacent", "QWK"
    );
    for c in r.criteria.iter().chain([&r.all_criteria]) {
        let _ = writeln!(
            s,
            "{:<width$} {:>4} {:>6} {:>9} {:>6}",
            c.id,
            c.n,
            pct(c.exact),
            pct(c.adjacent),
            num(c.qwk)
        );
    }
    if let Some(o) = &r.outcome {
        let _ = writeln!(
            s,
            "{:<width$} {:>4} {:>6}   Cohen's kappa {} (from the {})",
            "outcome",
            o.n,
            pct(o.exact),
            num(o.kappa),
            o.source
        );
    }
    let _ = writeln!(
        s,
        "\nexact: same level; adjacent: within one level; QWK: quadratic weighted kappa (1 = full agreement, 0 = no better than chance)."
    );
    let uncertain: Vec<String> = r
        .criteria
        .iter()
        .filter_map(|c| {
            let [lo, hi] = c.qwk_interval?;
            Some(format!("{} {}–{}", c.id, num(Some(lo)), num(Some(hi))))
        })
        .collect();
    if !uncertain.is_empty() {
        let _ = writeln!(
            s,
            "\nFewer than 30 submissions: read each QWK as a range, not a figure. 95 % intervals (bootstrap): {}.",
            uncertain.join("; ")
        );
    }
    let _ = writeln!(
        s,
        "\nConfusion matrices (rows: {}, columns: {}):",
        r.a.file, r.b.file
    );
    for c in &r.criteria {
        if c.confusion.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n{}", c.id);
        let _ = write!(s, "{:>6}", "");
        for j in 0..c.confusion.len() {
            let _ = write!(s, "{j:>5}");
        }
        s.push('\n');
        for (i, row) in c.confusion.iter().enumerate() {
            let _ = write!(s, "{i:>6}");
            for v in row {
                let _ = write!(s, "{v:>5}");
            }
            s.push('\n');
        }
    }
    if let Some(o) = &r.outcome {
        let labels = ["achieved", "not_yet_achieved"];
        let _ = writeln!(s, "\noutcome");
        let _ = writeln!(s, "{:>18}{:>10}{:>18}", "", labels[0], labels[1]);
        for (i, row) in o.confusion.iter().enumerate() {
            let _ = writeln!(s, "{:>18}{:>10}{:>18}", labels[i], row[0], row[1]);
        }
    }
    let mut tail = Vec::new();
    if !r.only_in_a.is_empty() {
        tail.push(format!("Only in {}: {}", r.a.file, r.only_in_a.join(", ")));
    }
    if !r.only_in_b.is_empty() {
        tail.push(format!("Only in {}: {}", r.b.file, r.only_in_b.join(", ")));
    }
    for c in &r.criteria {
        if !c.missing.is_empty() {
            tail.push(format!(
                "No {} level in one file for: {}",
                c.id,
                c.missing.join(", ")
            ));
        }
    }
    tail.extend(r.notes.iter().cloned());
    if !tail.is_empty() {
        s.push('\n');
        for t in tail {
            let _ = writeln!(s, "{t}");
        }
    }
    s
}

/// The report as pretty JSON, ending with a newline.
pub fn render_json(r: &AgreeReport) -> String {
    let mut s = serde_json::to_string_pretty(r).expect("the report always serialises");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn no_negative_zero() {
        assert_eq!(super::num(Some(-0.001)), "0.00");
        assert_eq!(super::num(Some(-0.05)), "-0.05");
    }
}
