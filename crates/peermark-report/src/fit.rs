//! What `peermark rubric fit` prints: agreement before and after per criterion, the numbers
//! it moved, and what it held back.

use peermark_engine::fit::{number_text, Fit, FULL_TRUST};

/// The fit as a course lead reads it.
pub fn render_text(fit: &Fit) -> String {
    let mut out = format!(
        "Fitted to {} marked essays; agreement is on essays each fit had not seen ({}).\n",
        fit.essays, fit.validation
    );
    if fit.trust < 1.0 {
        out.push_str(&format!(
            "With fewer than {FULL_TRUST} essays each number moves only {}/{FULL_TRUST} of the way from the rubric's own towards the fit (whole counts stay whole).\n",
            fit.essays
        ));
    }
    out.push_str(&format!(
        "\n{:<20} {:>14} {:>14} {:>16}\n",
        "", "exact", "adjacent", "mean difference"
    ));
    let row = |name: &str, b: f64, a: f64, bb: f64, aa: f64, sb: f64, sa: f64| {
        format!("{name:<20} {b:>6.2} → {a:<5.2} {bb:>6.2} → {aa:<5.2} {sb:>+7.2} → {sa:<+6.2}\n")
    };
    for c in &fit.criteria {
        out.push_str(&row(
            &c.id,
            c.before.exact,
            c.after.exact,
            c.before.adjacent,
            c.after.adjacent,
            c.before.signed,
            c.after.signed,
        ));
    }
    out.push_str(&format!(
        "{:<20} {:>6.2} → {:<5.2} (over {} essays marked on every criterion of the outcome rule)\n",
        "outcome", fit.outcome_before.exact, fit.outcome_after.exact, fit.outcome_after.essays
    ));
    out.push_str(
        "(mean difference: peermark's level minus yours; below zero, peermark is harsher)\n",
    );
    let changed: Vec<String> = fit
        .criteria
        .iter()
        .flat_map(|c| {
            c.changed()
                .map(move |t| format!("  {}, {}\n", c.id, t.change()))
        })
        .collect();
    let would_move = fit
        .criteria
        .iter()
        .any(|c| c.held_back.is_some() && c.thresholds.iter().any(|t| t.fitted != t.from));
    out.push_str(if !changed.is_empty() {
        "\nChanged:\n"
    } else if would_move {
        "\nNo number changes: what a fit on these essays would move is held back (below).\n"
    } else {
        "\nNo number changes: the rubric already agrees with these marks as well as any single move could.\n"
    });
    out.extend(changed);
    let mut held: Vec<String> = fit
        .criteria
        .iter()
        .filter_map(|c| {
            let why = c.held_back.as_ref()?;
            // A criterion nobody marked, or where nothing would move, is not news.
            c.thresholds
                .iter()
                .any(|t| t.fitted != t.from)
                .then(|| format!("  {}: {why}\n", c.id))
        })
        .collect();
    for c in fit.criteria.iter().filter(|c| c.held_back.is_none()) {
        for t in c.thresholds.iter().filter(|t| t.to != t.fitted) {
            held.push(format!(
                "  {}, level {}: {} {} {} (the fit alone: {}; shrunk towards the rubric's {})\n",
                c.id,
                t.level,
                t.measure,
                t.op,
                number_text(t.to),
                number_text(t.fitted),
                number_text(t.from)
            ));
        }
    }
    if !held.is_empty() {
        out.push_str("\nHeld back:\n");
        out.extend(held);
    }
    out.push('\n');
    out
}
