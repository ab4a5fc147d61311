//! `peermark mark PATHS`: mark a cohort and write every output.

use super::load;
use crate::cli::{Done, SheetKind, UsageError};
use peermark_engine::result::{MarkResult, Outcome, Status};
use peermark_report::Exporter;
use std::io::IsTerminal;
use std::path::PathBuf;

/// `mark`'s LMS options.
pub struct LmsOptions {
    pub roster: Option<PathBuf>,
    pub anonymous: bool,
}

/// `mark` while streaming: per-learner files and the results objects are written as each
/// result finishes; returns the slimmed results (see [`MarkResult::slim`]), sorted, with
/// similar submissions noted.
fn mark_streaming(
    rubric: &peermark_engine::rubric::Rubric,
    submissions: &[peermark_ingest::Submission],
    limits: &peermark_ingest::Limits,
    progress: &(dyn Fn() + Sync),
    exporters: &[Box<dyn Exporter>],
    ctx: &peermark_report::ReportContext,
    out: &std::path::Path,
) -> Result<Vec<MarkResult>, UsageError> {
    // Sheet names come from every submission id, as a batch would give them.
    let names = peermark_files::write::sheet_stems(submissions.iter().map(|s| s.id.as_str()));
    let learner: Vec<&dyn Exporter> = exporters
        .iter()
        .filter(|e| e.per_learner())
        .map(|e| e.as_ref())
        .collect();
    let mut spool =
        peermark_report::json::ResultsSpool::create(out).map_err(|e| UsageError(e.to_string()))?;
    let mut kept: Vec<MarkResult> = Vec::with_capacity(submissions.len());
    let mut failed: Option<peermark_files::WriteError> = None;
    peermark_engine::mark_each_with(rubric, submissions, limits, progress, |mut result| {
        if failed.is_none() {
            let name = names
                .get(result.submission.as_str())
                .cloned()
                .unwrap_or_else(|| peermark_files::write::safe_file_name(&result.submission));
            let written = learner
                .iter()
                .try_for_each(|e| e.write_learner(&result, &name, ctx, out))
                .and_then(|()| spool.add(&result));
            if let Err(e) = written {
                failed = Some(e);
            }
        }
        result.slim();
        kept.push(result);
    });
    if let Some(e) = failed {
        return Err(UsageError(e.to_string()));
    }
    spool.finish(out).map_err(|e| UsageError(e.to_string()))?;
    peermark_cohort::finish_cohort(rubric, &mut kept);
    Ok(kept)
}

/// Says how the new set of outputs replaced an earlier run's (stale sheets removed, edited
/// ones kept): the removals even with `--quiet`.
fn say_swapped(s: &peermark_files::manifest::Swapped, out: &std::path::Path, quiet: bool) {
    if s.replaced > 0 && !quiet {
        eprintln!(
            "replaced the earlier run's outputs in {} with this run's, as one set",
            out.display()
        );
    }
    if !s.removed.is_empty() {
        let shown: Vec<&str> = s.removed.iter().take(5).map(String::as_str).collect();
        eprintln!(
            "removed {} output(s) of the earlier run that this run did not write again (so none is stale): {}{}",
            s.removed.len(),
            shown.join(", "),
            if s.removed.len() > shown.len() { ", …" } else { "" }
        );
    }
    for rel in &s.left {
        eprintln!(
            "kept {}: written by an earlier run and changed since, so not removed; delete it if it is no longer needed",
            out.join(rel).display()
        );
    }
}

#[allow(clippy::too_many_arguments)] // one per option group of `mark`
pub fn mark(
    paths: Vec<PathBuf>,
    rubric: Option<PathBuf>,
    out: PathBuf,
    jobs: Option<usize>,
    quiet: bool,
    sheets: Vec<SheetKind>,
    lms: LmsOptions,
    review_args: crate::cli::ReviewArgs,
    force: bool,
    limits: &peermark_ingest::Limits,
) -> Result<Done, UsageError> {
    use peermark_files::manifest::{self, Guard, OutputSet};
    if out.is_file() {
        return Err(UsageError(format!(
            "{}: is a file; give --out a folder (default: marked)",
            out.display()
        )));
    }
    let r = load(rubric.as_ref())?;
    let ctx = peermark_report::report_context(&r);
    let mut review = super::run_review::Review::load(&r, &out, &review_args)?;
    let roster = match &lms.roster {
        Some(p) => {
            Some(peermark_lms::roster::Roster::load(p).map_err(|e| UsageError(e.to_string()))?)
        }
        None => None,
    };
    let mut found = peermark_ingest::discover_skipping(&paths, Some(manifest::is_mark_output))
        .map_err(|e| UsageError(e.to_string()))?;
    if let Some(roster) = &roster {
        let missing = roster.apply(&mut found.submissions);
        if !missing.is_empty() {
            eprintln!(
                "the roster does not list Canvas user id(s) {}; their rows keep the name from the download",
                missing.join(", ")
            );
        }
    }
    if lms.anonymous {
        for s in &mut found.submissions {
            s.anonymise();
        }
    }
    for s in &found.skipped {
        eprintln!("skipped {}: {}", s.file, s.reason);
    }
    if found.submissions.is_empty() {
        return Err(UsageError(format!(
            "no submissions found under {}; peermark reads .docx, .odt, .pdf, .html, .txt and .md files",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let bar = if quiet || !std::io::stderr().is_terminal() {
        indicatif::ProgressBar::hidden()
    } else {
        let b = indicatif::ProgressBar::new(found.submissions.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} marking {pos}/{len} [{bar:30}] {per_sec} {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        b
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build()
        .map_err(|e| UsageError(format!("cannot start {jobs:?} jobs: {e}")))?;
    // Nothing marked is ever written over, nor a file in --out that is not mark's to replace.
    let mut guard = Guard::new(manifest::MARK, force);
    for s in &found.submissions {
        guard.add_input(&s.path);
    }
    for p in lms.roster.iter().chain(&paths) {
        if p.is_file() {
            guard.add_input(p);
        }
    }
    let refused = |e: peermark_files::WriteError| UsageError(e.to_string());
    // Its fixed outputs are checked before marking; every sheet again before the swap.
    for name in manifest::MARK_FILES {
        guard
            .check(&out.join(name))
            .map_err(|r| UsageError(format!("{}: {r}", out.join(name).display())))?;
    }
    let set = OutputSet::begin(&out).map_err(refused)?;
    peermark_files::write::remove_stale_temp_files(&out);
    peermark_files::interrupt::set_message(format!(
        "interrupted: nothing in {} was changed (earlier outputs there are as they were); run the same command again to mark the cohort",
        out.display()
    ));
    let stage = set.staging().to_path_buf();
    let sheets = if sheets.is_empty() {
        vec![SheetKind::Md, SheetKind::Docx, SheetKind::Annotated]
    } else {
        sheets
    };
    let mut exporters: Vec<Box<dyn Exporter>> = vec![
        Box::new(peermark_report::gradebook::Gradebook),
        Box::new(peermark_report::json::ResultsJson),
        Box::new(peermark_report::html::CohortReport::for_rubric(&r)),
    ];
    if sheets.contains(&SheetKind::Md) {
        exporters.push(Box::new(peermark_report::sheet_md::MarkdownSheets));
    }
    if sheets.contains(&SheetKind::Docx) {
        exporters.push(Box::new(peermark_report::sheet_docx::DocxSheets::today()));
    }
    if sheets.contains(&SheetKind::Annotated) {
        exporters.push(Box::new(peermark_report::annotate::AnnotatedCopies::new(
            &found.submissions,
        )));
    }
    exporters.push(Box::new(peermark_report::notes::AssessorNotes));
    let progress = || bar.inc(1);
    let results = if review.is_inert() {
        // Each learner's sheets and results object are written as soon as they are marked,
        // and only what the cohort's outputs need is kept.
        let results = pool.install(|| {
            mark_streaming(
                &r,
                &found.submissions,
                limits,
                &progress,
                &exporters,
                &ctx,
                &stage,
            )
        })?;
        bar.finish_and_clear();
        for e in exporters
            .iter()
            .filter(|e| !e.per_learner() && !e.is_results_json())
        {
            e.export(&results, &ctx, &stage)
                .map_err(|e| UsageError(e.to_string()))?;
        }
        results
    } else {
        let mut results = pool.install(|| {
            peermark_cohort::mark_batch_with(&r, &found.submissions, limits, &progress)
        });
        bar.finish_and_clear();
        review.apply(&r, &mut results, &review_args, quiet)?;
        for e in &exporters {
            e.export(&results, &ctx, &stage)
                .map_err(|e| UsageError(e.to_string()))?;
        }
        results
    };
    review.after_export(&stage)?;
    let swapped = set.commit(&guard).map_err(refused)?;
    peermark_files::interrupt::set_message(format!(
        "interrupted after marking finished: the outputs in {} are complete",
        out.display()
    ));
    say_swapped(&swapped, &out, quiet);
    let failed = results.iter().filter(|r| r.status == Status::Error).count();
    let with_notes = peermark_report::notes::count_with_notes(&results);
    if !quiet {
        let achieved = results
            .iter()
            .filter(|r| r.outcome == Some(Outcome::Achieved))
            .count();
        eprintln!(
            "marked {} of {} submissions ({} achieved, {} not yet achieved, {} could not be read) → {}",
            results.len() - failed,
            results.len(),
            achieved,
            results.len() - failed - achieved,
            failed,
            out.display()
        );
    }
    for res in results.iter().filter(|r| r.status == Status::Error) {
        eprintln!(
            "error {}: {}",
            res.file,
            res.message.as_deref().unwrap_or_default()
        );
    }
    let with_safeguarding = results
        .iter()
        .filter(|r| !r.safeguarding.is_empty())
        .count();
    // Always said, even with --quiet: the assessor must not miss it.
    eprintln!(
        "{with_notes} submission(s) have assessor notes ({with_safeguarding} with safeguarding cues): see {} (for the assessor only)",
        out.join("assessor-notes.csv").display()
    );
    if with_safeguarding > 0 && !ctx.safeguarding_contact.is_empty() {
        eprintln!("safeguarding contact: {}", ctx.safeguarding_contact);
    }
    Ok(if failed > 0 {
        Done::SomeFailed
    } else {
        Done::Ok
    })
}
