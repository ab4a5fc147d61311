//! `DIR/report.html`: the course lead's view of a cohort at a glance.
//!
//! One self-contained file: inline CSS and inline SVG charts, no scripts, no fonts, images or
//! anything else fetched from anywhere, so it opens offline and can be mailed or archived as is.
//! It shows outcome counts, a score histogram, the level distribution per criterion, the most
//! frequent language notes (rule ids and titles with counts, never the essay's words), the
//! submissions that could not be marked, the moderation sample and the *number* of assessor
//! notes. It never reads an assessor note's cue or quote, nor a safeguarding cue. The output is
//! deterministic (no dates, no clock, no paths of the machine).

use crate::exporter::Exporter;
use crate::exporter::ReportContext;
use peermark_cohort::moderation::{self, Candidate, Reason, Sample};
use peermark_engine::result::{MarkResult, Outcome, Status};
use peermark_engine::rubric::spec::ModerationSpec;
use peermark_engine::rubric::Rubric;
use peermark_files::output::write_atomically;
use peermark_files::WriteError;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// How many language rules the report lists.
const TOP_RULES: usize = 10;

/// Writes `DIR/report.html`. Holds the rubric facts the report needs beyond [`ReportContext`].
#[derive(Clone, Debug)]
pub struct CohortReport {
    /// Language rule id → title.
    pub rule_titles: BTreeMap<String, String>,
    /// The outcome rule: criterion id → level needed.
    pub achieved_when: BTreeMap<String, u8>,
    pub moderation: Option<ModerationSpec>,
}

impl CohortReport {
    pub fn for_rubric(r: &Rubric) -> Self {
        CohortReport {
            rule_titles: r
                .language
                .rules()
                .iter()
                .map(|rule| (rule.id.clone(), rule.title.clone()))
                .collect(),
            achieved_when: r.achieved_when.clone(),
            moderation: r.moderation,
        }
    }

    /// The moderation sample the report shows (the same as `peermark sample DIR`).
    pub fn sample(&self, results: &[MarkResult]) -> Sample {
        let cands: Vec<Candidate> = results.iter().map(Candidate::from).collect();
        let marked = cands.iter().filter(|c| c.marked).count();
        moderation::select(
            &cands,
            &self.achieved_when,
            moderation::size_for(self.moderation.as_ref(), marked),
            moderation::seed_for(self.moderation.as_ref()),
        )
    }
}

impl Exporter for CohortReport {
    fn export(
        &self,
        results: &[MarkResult],
        ctx: &ReportContext,
        out_dir: &Path,
    ) -> Result<(), WriteError> {
        write_atomically(
            &out_dir.join("report.html"),
            self.render(results, ctx).as_bytes(),
        )
    }
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn pct(part: usize, whole: usize) -> String {
    if whole == 0 {
        "0%".into()
    } else {
        format!("{:.0}%", part as f64 * 100.0 / whole as f64)
    }
}

/// Colours of levels 0.. (lowest first): grey, amber, light blue, deep blue, then more blues.
const LEVEL_COLOURS: &[(&str, &str)] = &[
    ("#d5d9df", "#1f2933"),
    ("#f4c95d", "#1f2933"),
    ("#7fb7de", "#10293d"),
    ("#1f5f8b", "#ffffff"),
    ("#123b58", "#ffffff"),
    ("#0a2436", "#ffffff"),
];

fn level_colour(level: usize, levels: usize) -> (&'static str, &'static str) {
    // With fewer than four levels, keep the top one the deep blue.
    let shift = 4usize.saturating_sub(levels);
    let i = if level == 0 { 0 } else { level + shift };
    LEVEL_COLOURS[i.min(LEVEL_COLOURS.len() - 1)]
}

const CSS: &str = r#"
:root { --ink:#1f2933; --muted:#5b6672; --line:#e3e7ec; --bg:#f5f7fa; --card:#ffffff;
  --ok:#2a9d8f; --notyet:#e9a23b; --err:#9aa3ad; --accent:#1f5f8b; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 32px 24px 48px; }
header { margin-bottom: 24px; }
header .kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--accent); font-weight: 600; }
h1 { font-size: 28px; line-height: 1.25; margin: 4px 0 6px; }
h2 { font-size: 18px; margin: 0 0 4px; }
.lede { color: var(--muted); margin: 0; max-width: 75ch; }
.meta { color: var(--muted); font-size: 13px; margin-top: 8px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 20px 22px; margin-bottom: 20px; }
.card > p.note { color: var(--muted); font-size: 13px; margin: 2px 0 14px; }
.tiles { display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px; margin-bottom: 20px; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; border-top: 4px solid var(--accent); }
.tile .n { font-size: 30px; font-weight: 700; line-height: 1.1; font-variant-numeric: tabular-nums; }
.tile .l { font-size: 13px; font-weight: 600; }
.tile .s { color: var(--muted); font-size: 12px; }
.tile.ok { border-top-color: var(--ok); } .tile.notyet { border-top-color: var(--notyet); }
.tile.err { border-top-color: var(--err); } .tile.notes { border-top-color: #6c5ba7; }
.levels { display: grid; gap: 6px; }
.lvrow { display: grid; grid-template-columns: 230px 1fr; gap: 16px; align-items: center; }
.lvlabel { font-weight: 600; font-size: 14px; line-height: 1.25; }
.lvlabel small { display: block; font-weight: 400; color: var(--muted); font-size: 12px; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 20px; }
svg { display: block; width: 100%; height: auto; }
svg text { font-family: inherit; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; font-size: 13px; color: var(--muted); margin-top: 10px; }
.legend span { display: inline-flex; align-items: center; gap: 6px; }
.legend i { width: 12px; height: 12px; border-radius: 3px; display: inline-block; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); font-weight: 600; }
td:first-child { white-space: nowrap; }
.hold { margin-top: 16px; border-top: 1px solid var(--line); padding-top: 12px; }
.hold h3 { font-size: 13px; margin: 0 0 8px; color: var(--muted); font-weight: 600; }
.hold .row { display: grid; grid-template-columns: 1fr 120px 28px; gap: 10px; align-items: center; font-size: 13px; margin: 3px 0; }
.hold .row b { text-align: right; font-variant-numeric: tabular-nums; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: #eef2f6; padding: 1px 5px; border-radius: 4px; }
.badge { display: inline-block; font-size: 12px; font-weight: 600; padding: 1px 8px; border-radius: 999px; white-space: nowrap; }
.b-not_yet_achieved { background: #fdebd0; color: #7a4a00; }
.b-achieved { background: #d7f0ec; color: #11584f; }
.b-borderline { background: #fbe4ef; color: #7a2350; }
.b-boundary { background: #e3ecf6; color: #1f4f78; }
.b-random { background: #ece8f6; color: #4b3d84; }
.empty { color: var(--muted); font-style: italic; margin: 6px 0 0; }
.private { background: #f3f0fa; border-color: #ddd5f0; }
footer { color: var(--muted); font-size: 12px; margin-top: 28px; }
@media (max-width: 760px) { .tiles { grid-template-columns: repeat(2, 1fr); } .grid2 { grid-template-columns: 1fr; } }
@media print { body { background: #fff; } .card, .tile { break-inside: avoid; } }
"#;

impl CohortReport {
    /// The whole page.
    pub fn render(&self, results: &[MarkResult], ctx: &ReportContext) -> String {
        let total = results.len();
        let marked: Vec<&MarkResult> = results
            .iter()
            .filter(|r| r.status == Status::Marked)
            .collect();
        let errors: Vec<&MarkResult> = results
            .iter()
            .filter(|r| r.status == Status::Error)
            .collect();
        let achieved = marked
            .iter()
            .filter(|r| r.outcome == Some(Outcome::Achieved))
            .count();
        let not_yet = marked.len() - achieved;
        let notes: usize = results.iter().map(|r| r.assessor_notes.len()).sum();
        // Safeguarding flags and similar-text notes are told apart: a course lead must not
        // read a count of overlapping essays as a count of risk flags.
        let of_kind = |kind: &str| -> usize {
            results
                .iter()
                .flat_map(|r| &r.assessor_notes)
                .filter(|n| n.kind == kind)
                .count()
        };
        let safeguarding_flags = of_kind("safeguarding");
        let flagged_submissions = results
            .iter()
            .filter(|r| !r.safeguarding.is_empty())
            .count();
        let similar_notes = of_kind(peermark_cohort::similarity::NOTE_KIND);
        let with_notes = super::notes::count_with_notes(results);

        let mut h = String::new();
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"referrer\" content=\"no-referrer\">\n\
             <title>Cohort report: {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
            esc(&ctx.rubric_title)
        );
        let _ = write!(
            h,
            "<header>\n<div class=\"kicker\">Cohort report · for the course team</div>\n\
             <h1>{}</h1>\n<p class=\"lede\">{}</p>\n\
             <div class=\"meta\">Rubric <code>{}</code> · peermark {} · every mark is a proposal for an assessor to confirm or change</div>\n</header>\n",
            esc(&ctx.rubric_title),
            esc(&ctx.assignment),
            esc(&ctx.rubric_id),
            esc(peermark_engine::VERSION),
        );

        // Tiles.
        let _ = write!(
            h,
            "<section class=\"tiles\" aria-label=\"Outcome counts\">\n\
             {}{}{}{}{}{}</section>\n",
            tile(
                "",
                "submissions",
                total,
                "submissions",
                &format!("{} marked", marked.len())
            ),
            tile(
                "ok",
                "achieved",
                achieved,
                "achieved",
                &format!("{} of those marked", pct(achieved, marked.len()))
            ),
            tile(
                "notyet",
                "not_yet_achieved",
                not_yet,
                "not yet achieved",
                &format!("{} of those marked", pct(not_yet, marked.len()))
            ),
            tile(
                "err",
                "error",
                errors.len(),
                "could not be marked",
                "listed below"
            ),
            tile(
                "notes",
                "safeguarding",
                safeguarding_flags,
                "safeguarding flags",
                &format!("on {flagged_submissions} submission(s); count only")
            ),
            tile(
                "notes",
                "similar_text",
                similar_notes,
                "similar-text notes",
                "overlapping passages; count only"
            ),
        );

        // Outcomes bar and score histogram.
        h.push_str("<div class=\"grid2\">\n");
        let _ = write!(
            h,
            "<section class=\"card\" id=\"outcomes\">\n<h2>Outcomes</h2>\n<p class=\"note\">All {total} submission(s), by outcome.</p>\n{}\n{}</section>\n",
            outcome_svg(achieved, not_yet, errors.len()),
            self.holding_back(&marked, ctx)
        );
        let bins = histogram(&marked);
        let _ = write!(
            h,
            "<section class=\"card\" id=\"scores\">\n<h2>Scores</h2>\n<p class=\"note\">Marked submissions by score, as a share of the maximum; median {}.</p>\n{}\n</section>\n",
            median_text(&marked),
            histogram_svg(&bins)
        );
        h.push_str("</div>\n");

        // Levels per criterion.
        let _ = write!(
            h,
            "<section class=\"card\" id=\"levels\">\n<h2>Levels by criterion</h2>\n<p class=\"note\">How many marked submissions reached each level. The dashed line marks the level the outcome needs: {}.</p>\n{}\n{}\n</section>\n",
            esc(&self.rule_text(ctx)),
            self.levels_html(&marked, ctx),
            legend(&ctx.level_names)
        );

        // Language notes.
        h.push_str(&self.language_section(&marked));

        // Could not be marked.
        h.push_str("<section class=\"card\" id=\"errors\">\n<h2>Could not be marked</h2>\n");
        if errors.is_empty() {
            h.push_str("<p class=\"empty\">Every submission was read and marked.</p>\n");
        } else {
            let _ = write!(
                h,
                "<p class=\"note\">Each has its row in the gradebook with this message; mark these by hand or ask for a readable copy.</p>\n<table>\n<thead><tr><th>Submission</th><th>Why</th></tr></thead>\n<tbody>\n"
            );
            for r in &errors {
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td>{}</td></tr>",
                    esc(&r.submission),
                    esc(r.message.as_deref().unwrap_or("could not be marked"))
                );
            }
            h.push_str("</tbody>\n</table>\n");
        }
        h.push_str("</section>\n");

        // Moderation sample.
        h.push_str(&self.sample_section(results));

        // Assessor notes: the number only.
        let _ = write!(
            h,
            "<section class=\"card private\" id=\"assessor-notes\">\n<h2>Assessor notes</h2>\n\
             <p><strong id=\"count-notes\">{notes}</strong> note(s) on <strong id=\"count-with-notes\">{with_notes}</strong> submission(s) are in <code>assessor-notes.csv</code>, for the assessor only: wording that may suggest current risk, and submissions whose text largely overlaps another's. This report never shows what they say or which submissions they concern. A note never changes a mark.</p>\n</section>\n"
        );

        let _ = write!(
            h,
            "<footer>Written by peermark {} from the same results as <code>gradebook.csv</code> and <code>results.json</code>. Made offline; this file loads nothing from anywhere.</footer>\n</main>\n</body>\n</html>\n",
            esc(peermark_engine::VERSION)
        );
        h
    }

    /// For the not-yet-achieved submissions: how many are below the outcome rule on each
    /// criterion, most often first.
    fn holding_back(&self, marked: &[&MarkResult], ctx: &ReportContext) -> String {
        let not_yet: Vec<&&MarkResult> = marked
            .iter()
            .filter(|r| r.outcome != Some(Outcome::Achieved))
            .collect();
        if not_yet.is_empty() {
            return String::new();
        }
        let mut rows: Vec<(&str, usize)> = ctx
            .criteria
            .iter()
            .filter_map(|(id, title)| {
                let need = *self.achieved_when.get(id)?;
                let n = not_yet
                    .iter()
                    .filter(|r| {
                        r.criteria
                            .iter()
                            .find(|c| &c.id == id)
                            .is_none_or(|c| c.level < need)
                    })
                    .count();
                (n > 0).then_some((title.as_str(), n))
            })
            .collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.1));
        let max = rows.first().map(|r| r.1).unwrap_or(1).max(1);
        let mut h = String::from(
            "<div class=\"hold\"><h3>Where not-yet-achieved submissions fall short</h3>\n",
        );
        for (title, n) in rows {
            let w = 120.0 * n as f64 / max as f64;
            let _ = writeln!(
                h,
                "<div class=\"row\"><span>{}</span><svg viewBox=\"0 0 120 10\" aria-hidden=\"true\"><rect x=\"0\" y=\"1\" width=\"{w:.1}\" height=\"8\" rx=\"2\" fill=\"#e9a23b\"/></svg><b>{n}</b></div>",
                esc(title)
            );
        }
        h.push_str("</div>\n");
        h
    }

    fn rule_text(&self, ctx: &ReportContext) -> String {
        let mut by_level: BTreeMap<u8, Vec<&str>> = BTreeMap::new();
        for (id, title) in &ctx.criteria {
            if let Some(need) = self.achieved_when.get(id) {
                by_level.entry(*need).or_default().push(title);
            }
        }
        if by_level.is_empty() {
            return "no criterion is named by the outcome rule".into();
        }
        by_level
            .iter()
            .rev()
            .map(|(need, titles)| {
                let name = ctx
                    .level_names
                    .get(*need as usize)
                    .cloned()
                    .unwrap_or_else(|| need.to_string());
                let who = if titles.len() > 2 {
                    format!("{} criteria", titles.len())
                } else {
                    titles.join(" and ")
                };
                format!("{name} or above for {who}")
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn levels_html(&self, marked: &[&MarkResult], ctx: &ReportContext) -> String {
        let levels = ctx.level_names.len().max(1);
        let (bar_w, bar_h) = (600.0, 28.0);
        let n = marked.len();
        let mut s = String::from("<div class=\"levels\">\n");
        for (id, title) in &ctx.criteria {
            let mut counts = vec![0usize; levels];
            for r in marked {
                if let Some(c) = r.criteria.iter().find(|c| &c.id == id) {
                    counts[(c.level as usize).min(levels - 1)] += 1;
                }
            }
            let _ = write!(
                s,
                "<div class=\"lvrow\"><div class=\"lvlabel\">{}<small>{}</small></div>\
                 <svg viewBox=\"0 0 {bar_w} {}\" role=\"img\" aria-label=\"{}\"><rect x=\"0\" y=\"4\" width=\"{bar_w}\" height=\"{bar_h}\" rx=\"4\" fill=\"#f0f2f5\"/>",
                esc(title),
                esc(id),
                bar_h + 8.0,
                esc(&format!(
                    "{title}: {}",
                    counts
                        .iter()
                        .enumerate()
                        .map(|(l, c)| format!(
                            "{c} at {}",
                            ctx.level_names.get(l).cloned().unwrap_or_default()
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            );
            let mut x = 0.0;
            for (level, &count) in counts.iter().enumerate() {
                if count == 0 || n == 0 {
                    continue;
                }
                let w = bar_w * count as f64 / n as f64;
                let (fill, ink) = level_colour(level, levels);
                let _ = write!(
                    s,
                    "<rect x=\"{x:.1}\" y=\"4\" width=\"{w:.1}\" height=\"{bar_h}\" fill=\"{fill}\" data-criterion=\"{}\" data-level=\"{level}\" data-count=\"{count}\"/>",
                    esc(id)
                );
                if w >= 22.0 {
                    let _ = write!(
                        s,
                        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" font-weight=\"600\" text-anchor=\"middle\" fill=\"{ink}\">{count}</text>",
                        x + w / 2.0,
                        4.0 + bar_h / 2.0 + 4.5
                    );
                }
                x += w;
            }
            if let (Some(need), true) = (self.achieved_when.get(id), n > 0) {
                // Submissions below the level the outcome needs are left of the line.
                let below: usize = counts.iter().take(*need as usize).sum();
                let lx = (bar_w * below as f64 / n as f64).clamp(1.0, bar_w - 1.0);
                let _ = write!(
                    s,
                    "<line x1=\"{lx:.1}\" x2=\"{lx:.1}\" y1=\"0\" y2=\"{}\" stroke=\"#1f2933\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>",
                    bar_h + 8.0
                );
            }
            s.push_str("</svg></div>\n");
        }
        s.push_str("</div>");
        s
    }

    fn language_section(&self, marked: &[&MarkResult]) -> String {
        // rule → (counted lapses, other notes, submissions)
        let mut by_rule: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
        for r in marked {
            let mut seen = std::collections::BTreeSet::new();
            for l in &r.lapses {
                by_rule.entry(&l.rule).or_default().0 += 1;
                seen.insert(l.rule.as_str());
            }
            for n in &r.notes {
                by_rule.entry(&n.rule).or_default().1 += 1;
                seen.insert(n.rule.as_str());
            }
            for id in seen {
                by_rule.entry(id).or_default().2 += 1;
            }
        }
        let mut rows: Vec<(&str, (usize, usize, usize))> = by_rule.into_iter().collect();
        rows.sort_by(|a, b| {
            (b.1 .0 + b.1 .1)
                .cmp(&(a.1 .0 + a.1 .1))
                .then(b.1 .0.cmp(&a.1 .0))
                .then(a.0.cmp(b.0))
        });
        let mut h = String::from(
            "<section class=\"card\" id=\"language\">\n<h2>Language notes</h2>\n<p class=\"note\">The recovery-language rules met most often across the cohort. <em>Lapses</em> count towards the recovery-language criterion; <em>notes</em> are quoted, reported or reflected uses that do not. <code>peermark explain L56</code> says why a rule matters and what to write instead.</p>\n",
        );
        if rows.is_empty() {
            h.push_str("<p class=\"empty\">No language rule was met in any marked submission.</p>\n</section>\n");
            return h;
        }
        let max = rows
            .iter()
            .take(TOP_RULES)
            .map(|r| r.1 .0 + r.1 .1)
            .max()
            .unwrap_or(1)
            .max(1);
        h.push_str("<table>\n<thead><tr><th>Rule</th><th>What it is about</th><th class=\"num\">Lapses</th><th class=\"num\">Notes</th><th class=\"num\">Submissions</th><th style=\"width:150px\"></th></tr></thead>\n<tbody>\n");
        for (id, (lapses, notes, subs)) in rows.iter().take(TOP_RULES) {
            let title = self.rule_titles.get(*id).map(String::as_str).unwrap_or("");
            let wl = 140.0 * *lapses as f64 / max as f64;
            let wn = 140.0 * *notes as f64 / max as f64;
            let _ = writeln!(
                h,
                "<tr data-rule=\"{}\"><td><code>{}</code></td><td>{}</td><td class=\"num\">{lapses}</td><td class=\"num\">{notes}</td><td class=\"num\">{subs}</td><td><svg viewBox=\"0 0 150 14\" aria-hidden=\"true\"><rect x=\"0\" y=\"2\" width=\"{wl:.1}\" height=\"10\" rx=\"2\" fill=\"#e9a23b\"/><rect x=\"{wl:.1}\" y=\"2\" width=\"{wn:.1}\" height=\"10\" rx=\"2\" fill=\"#9fb4c7\"/></svg></td></tr>",
                esc(id),
                esc(id),
                esc(title)
            );
        }
        h.push_str("</tbody>\n</table>\n<div class=\"legend\"><span><i style=\"background:#e9a23b\"></i>lapses</span><span><i style=\"background:#9fb4c7\"></i>notes</span></div>\n");
        if rows.len() > TOP_RULES {
            let _ = writeln!(
                h,
                "<p class=\"note\">{} more rule(s) met less often; every finding is in <code>results.json</code>.</p>",
                rows.len() - TOP_RULES
            );
        }
        h.push_str("</section>\n");
        h
    }

    fn sample_section(&self, results: &[MarkResult]) -> String {
        let s = self.sample(results);
        let mut h = format!(
            "<section class=\"card\" id=\"moderation\">\n<h2>Moderation sample</h2>\n<p class=\"note\">For second marking: every not-yet-achieved submission, then every borderline one (a level within peermark's margin of a threshold), then the achieved ones nearest the outcome boundary, then a random draw across score bands (size {}, seed {}). <code>peermark sample DIR --size {} --seed {}</code> writes the same list as CSV.</p>\n",
            s.size, s.seed, s.size, s.seed
        );
        if s.picks.is_empty() {
            h.push_str("<p class=\"empty\">No marked submissions to sample.</p>\n</section>\n");
            return h;
        }
        if s.over_size > 0 {
            let _ = writeln!(
                h,
                "<p class=\"note\">The sample holds {} submissions, {} more than its size, because every not-yet-achieved and every borderline submission is included.</p>",
                s.picks.len(),
                s.over_size
            );
        }
        h.push_str("<table>\n<thead><tr><th>Submission</th><th>Why</th><th class=\"num\">Score</th><th>Detail</th></tr></thead>\n<tbody>\n");
        for p in &s.picks {
            let reason = match p.reason {
                Reason::NotYetAchieved => "not yet achieved",
                Reason::Borderline => "borderline",
                Reason::Boundary => "boundary",
                Reason::Random => "random",
            };
            let _ = writeln!(
                h,
                "<tr data-sample=\"{}\"><td>{}</td><td><span class=\"badge b-{}\">{reason}</span></td><td class=\"num\">{}</td><td>{}</td></tr>",
                esc(&p.submission),
                esc(&p.submission),
                p.reason.as_str(),
                p.score.map(|x| format!("{x:.1}")).unwrap_or_default(),
                esc(&p.detail)
            );
        }
        h.push_str("</tbody>\n</table>\n</section>\n");
        h
    }
}

fn tile(class: &str, id: &str, n: usize, label: &str, sub: &str) -> String {
    format!(
        "<div class=\"tile {class}\"><div class=\"n\" id=\"count-{id}\">{n}</div><div class=\"l\">{}</div><div class=\"s\">{}</div></div>\n",
        esc(label),
        esc(sub)
    )
}

fn legend(level_names: &[String]) -> String {
    let mut s = String::from("<div class=\"legend\">");
    for (i, name) in level_names.iter().enumerate() {
        let (fill, _) = level_colour(i, level_names.len());
        let _ = write!(
            s,
            "<span><i style=\"background:{fill}\"></i>{i} {}</span>",
            esc(name)
        );
    }
    s.push_str("<span><i style=\"background:none;border-left:2px dashed #1f2933;border-radius:0;width:2px\"></i>needed for the outcome</span></div>");
    s
}

fn outcome_svg(achieved: usize, not_yet: usize, errors: usize) -> String {
    let total = achieved + not_yet + errors;
    let (w, bar_h) = (440.0, 34.0);
    let mut s = format!(
        "<svg viewBox=\"0 0 {w} 50\" role=\"img\" aria-labelledby=\"outcome-title\"><title id=\"outcome-title\">Outcomes: {achieved} achieved, {not_yet} not yet achieved, {errors} could not be marked</title>\n<rect x=\"0\" y=\"8\" width=\"{w}\" height=\"{bar_h}\" rx=\"6\" fill=\"#f0f2f5\"/>\n"
    );
    let parts = [
        (achieved, "#2a9d8f", "#ffffff", "achieved"),
        (not_yet, "#e9a23b", "#1f2933", "not yet achieved"),
        (errors, "#9aa3ad", "#1f2933", "could not be marked"),
    ];
    let mut x = 0.0;
    for (n, fill, ink, _) in parts {
        if n == 0 || total == 0 {
            continue;
        }
        let bw = w * n as f64 / total as f64;
        let _ = writeln!(
            s,
            "<rect x=\"{x:.1}\" y=\"8\" width=\"{bw:.1}\" height=\"{bar_h}\" fill=\"{fill}\"/>"
        );
        if bw >= 24.0 {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"30\" font-size=\"14\" font-weight=\"700\" text-anchor=\"middle\" fill=\"{ink}\">{n}</text>",
                x + bw / 2.0
            );
        }
        x += bw;
    }
    s.push_str("</svg>\n<div class=\"legend\">");
    for (n, fill, _, label) in parts {
        let _ = write!(
            s,
            "<span><i style=\"background:{fill}\"></i>{label} ({n})</span>"
        );
    }
    s.push_str("</div>");
    s
}

/// Marked submissions per tenth of the maximum score (the top bin includes 100 %).
fn histogram(marked: &[&MarkResult]) -> [usize; 10] {
    let mut bins = [0usize; 10];
    for r in marked {
        let max: f64 = r.criteria.iter().map(|c| c.max_points).sum();
        let p = if max > 0.0 {
            r.score.unwrap_or(0.0) / max * 100.0
        } else {
            0.0
        };
        bins[((p / 10.0).floor() as usize).min(9)] += 1;
    }
    bins
}

fn median_text(marked: &[&MarkResult]) -> String {
    let mut v: Vec<f64> = marked.iter().filter_map(|r| r.score).collect();
    if v.is_empty() {
        return "none".into();
    }
    v.sort_by(f64::total_cmp);
    let m = if v.len() % 2 == 1 {
        v[v.len() / 2]
    } else {
        (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0
    };
    format!("{m:.1}")
}

fn histogram_svg(bins: &[usize; 10]) -> String {
    let (w, h, top, bottom, left) = (440.0, 250.0, 18.0, 28.0, 6.0);
    let max = (*bins.iter().max().unwrap_or(&0)).max(1) as f64;
    let plot_h = h - top - bottom;
    let slot = (w - left) / 10.0;
    let mut s = format!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"hist-title\"><title id=\"hist-title\">Score histogram</title>\n"
    );
    for k in 0..=4 {
        let y = top + plot_h * k as f64 / 4.0;
        let _ = writeln!(
            s,
            "<line x1=\"{left}\" x2=\"{w}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#e3e7ec\" stroke-width=\"1\"/>"
        );
    }
    for (i, &n) in bins.iter().enumerate() {
        let x = left + slot * i as f64 + 4.0;
        let bh = plot_h * n as f64 / max;
        let y = top + plot_h - bh;
        let fill = "#1f5f8b";
        if n > 0 {
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" rx=\"3\" fill=\"{fill}\" data-bin=\"{i}\" data-count=\"{n}\"/>\n<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" font-weight=\"600\" text-anchor=\"middle\" fill=\"#1f2933\">{n}</text>\n",
                slot - 8.0,
                x + (slot - 8.0) / 2.0,
                y - 4.0
            );
        }
        let label = if i == 9 {
            "90–100".to_string()
        } else {
            format!("{}–{}", i * 10, i * 10 + 9)
        };
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10.5\" text-anchor=\"middle\" fill=\"#5b6672\">{label}</text>",
            x + (slot - 8.0) / 2.0,
            h - 10.0
        );
    }
    let _ = write!(
        s,
        "<line x1=\"{left}\" x2=\"{w}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#9aa3ad\" stroke-width=\"1\"/>\n</svg>",
        top + plot_h,
        top + plot_h
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::fixtures::{context, error_result, marked_result, ASSESSOR_QUOTE, RISK_CUE};

    fn report() -> CohortReport {
        CohortReport {
            rule_titles: [("L56".to_string(), "Suicide as a crime".to_string())]
                .into_iter()
                .collect(),
            achieved_when: [("personal_story".to_string(), 2)].into_iter().collect(),
            moderation: None,
        }
    }

    #[test]
    fn never_shows_an_assessor_note_or_a_safeguarding_cue() {
        let html = report().render(&[marked_result(), error_result()], &context());
        assert!(!html.contains(ASSESSOR_QUOTE));
        assert!(!html.contains(RISK_CUE));
        assert!(html.contains("<strong id=\"count-notes\">1</strong>"));
    }

    #[test]
    fn text_is_escaped() {
        let mut r = marked_result();
        r.submission = "<script>alert(1)</script>".into();
        let mut e = error_result();
        e.message = Some("bad & <b>worse</b>".into());
        let html = report().render(&[r, e], &context());
        assert!(!html.contains("<script"));
        assert!(html.contains("bad &amp; &lt;b&gt;worse&lt;/b&gt;"));
    }

    #[test]
    fn an_empty_cohort_still_renders_every_section() {
        let html = report().render(&[], &context());
        for id in [
            "outcomes",
            "scores",
            "levels",
            "language",
            "errors",
            "moderation",
            "assessor-notes",
        ] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
        }
    }

    #[test]
    fn histogram_puts_full_marks_in_the_top_bin() {
        let mut r = marked_result();
        r.score = Some(r.criteria.iter().map(|c| c.max_points).sum());
        let bins = histogram(&[&r]);
        assert_eq!(bins[9], 1);
    }
}
