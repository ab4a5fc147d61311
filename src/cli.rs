//! The command line: clap definitions and the commands, as `cli.md` fixes them.
//! `main.rs` maps [`run`]'s result to an exit code.

use crate::report::{self, Exporter};
use crate::result::{MarkResult, Outcome, Status};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "peermark",
    version,
    about = "Marks recovery-story essays against a rubric, offline, with quoted evidence and feed-forward.",
    after_help = "Examples:\n  peermark check my-essay.docx\n  peermark mark submissions/ --out marked\n  peermark override e07 linking 2 --reason \"…\" --assessor \"J. Rivera\" --out marked\n  peermark agree marked/gradebook.csv second-marker.csv\n  peermark rubric check rubrics/recovery-story-essay.toml\n  peermark explain personal_story\n\npeermark works offline and never sends an essay anywhere."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Mark one draft and print a report (for learners).
    #[command(
        after_help = "Examples:\n  peermark check essay.docx\n  peermark check draft.txt --format json\n  cat draft.txt | peermark check -\n  peermark check essay.docx --strict   # exit 3 when not yet achieved"
    )]
    Check {
        /// The draft (.docx, .odt, .pdf, .html, .txt, .md), or - to read plain text from standard
        /// input.
        file: PathBuf,
        /// Rubric file (default: the built-in recovery-story essay rubric).
        #[arg(long)]
        rubric: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Exit with code 3 when the outcome is not yet achieved.
        #[arg(long)]
        strict: bool,
        /// Also write the feedback sheet as a Word document to this file (e.g. sheet.docx).
        #[arg(long, value_name = "FILE.docx")]
        sheet: Option<PathBuf>,
        #[command(flatten)]
        limits: crate::cli_limits::LimitArgs,
    },
    /// Mark every submission under the paths, in parallel (for assessors).
    #[command(
        after_help = "Examples:\n  peermark mark samples/\n  peermark mark cohort/ late/ --out marked --jobs 2\n  peermark mark \"PSW101-Recovery story essay-88.zip\"          # a Moodle download\n  peermark mark submissions.zip --roster canvas-gradebook.csv  # a Canvas download\n  peermark mark resubmitted/ --out marked-2 --previous marked --carry-overrides\n\nWrites DIR/gradebook.csv, DIR/results.json, DIR/feedback/<submission>.md and .docx,\nDIR/annotated/<submission>.docx (the essay with margin comments),\nDIR/assessor-notes.csv (for the assessor only) and DIR/report.html (the cohort at a\nglance). `--sheets md` writes the Markdown sheets only.\n\nLMS downloads (Moodle \"Download all submissions\", zipped or unzipped; Canvas\nsubmissions zips) are read in place, nothing extracted: each learner gets the\nsubmission id moodle-<participant> or canvas-<user id> and the gradebook's learner\nand learner_id columns. A learner who handed in several files gets one row: the essay\nis the .docx, else .odt, else .pdf, else .md, else .txt, else online text (.html),\nelse .rtf, else .doc; within one format the largest file; the other files are listed\nin the row's message.\n\nApplies the assessor's overrides in DIR/overrides.csv when it exists (see `peermark\noverride --help`); never changes that file except to append overrides carried forward\nwith --carry-overrides.\n\nOutputs are readable by you only (folders 0700, files 0600) unless --shared-output is\ngiven; nothing is written outside DIR."
    )]
    Mark {
        /// Files, folders and zip archives to mark (folders are searched recursively; zips,
        /// LMS downloads included, are read in place).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// A Canvas gradebook export (CSV) that turns Canvas user ids into learners' full names.
        #[arg(long, value_name = "G.csv")]
        roster: Option<PathBuf>,
        /// Anonymous marking: learner names stay out of the gradebook, results, sheets and
        /// report (submission ids and LMS numbers only) until `peermark export`.
        #[arg(long)]
        anonymous: bool,
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// Output folder.
        #[arg(long, default_value = "marked")]
        out: PathBuf,
        /// Parallel jobs (default: one per core).
        #[arg(long)]
        jobs: Option<usize>,
        /// No progress bar or summary.
        #[arg(long)]
        quiet: bool,
        /// Write outputs with the usual modes (readable by others as the umask allows)
        /// instead of owner-only (folders 0700, files 0600).
        #[arg(long)]
        shared_output: bool,
        #[command(flatten)]
        limits: crate::cli_limits::LimitArgs,
        /// Which sheets to write: md (feedback/*.md), docx (feedback/*.docx), annotated
        /// (annotated/*.docx, the essay with margin comments). Default: all of them.
        #[arg(long, value_enum, value_delimiter = ',', num_args = 1..)]
        sheets: Vec<SheetKind>,
        #[command(flatten)]
        review: crate::review::ReviewArgs,
    },
    /// Set a criterion's level yourself: appends a row to DIR/overrides.csv (for assessors).
    #[command(
        after_help = "Examples:\n  peermark override strong-docx linking 2 --reason \"The links are implicit but clear in paragraph 6.\" --assessor \"J. Rivera\"\n  peermark override e07 structure Achieved --reason \"Headings were lost in conversion.\" --assessor JR --out marked\n\nThe reason is shown on the learner's feedback sheet next to the level you set.\nRun `peermark mark … --out DIR` again to apply it: the level is yours, score and outcome are\nrecomputed, the gradebook's `overridden` column names the criteria you set, and results.json\nrecords both peermark's proposed level and yours. The file is yours: peermark only ever\nappends to it, and a later row for the same submission and criterion replaces an earlier one."
    )]
    Override {
        /// The submission id, as in gradebook.csv.
        submission: String,
        /// The criterion id (e.g. personal_story; `peermark explain` lists them).
        criterion: String,
        /// The level: a number (0–3 in the default rubric) or a level name (e.g. Achieved).
        level: String,
        /// Why you set this level (one line; the learner sees it).
        #[arg(long)]
        reason: String,
        /// Who you are.
        #[arg(long)]
        assessor: String,
        /// The output folder of `mark` that holds overrides.csv.
        #[arg(long, default_value = "marked")]
        out: PathBuf,
        /// The rubric to check the criterion and level against (default: the built-in one).
        #[arg(long)]
        rubric: Option<PathBuf>,
    },
    /// Compare two sets of marks: exact and adjacent agreement, QWK, confusion matrices and
    /// outcome agreement (for centres calibrating peermark and for second marking).
    #[command(
        after_help = "Examples:\n  peermark agree marked/gradebook.csv second-marker.csv\n  peermark agree marker-a.csv marker-b.csv --format json\n\nEach file is a gradebook or any CSV with a `submission` column and one column per criterion\nid holding a level (empty = no level). Rows are matched by submission, columns by criterion\nid; other columns are ignored; rows in only one file are listed. Outcome agreement uses the\n`outcome` columns, or the rubric's outcome rule where a file has none."
    )]
    Agree {
        /// The first set of marks (rows of the confusion matrices).
        a: PathBuf,
        /// The second set of marks (columns).
        b: PathBuf,
        #[arg(long, value_enum, default_value_t = crate::review::AgreeFormat::Text)]
        format: crate::review::AgreeFormat,
        /// The rubric whose criteria and levels the files use (default: the built-in one).
        #[arg(long)]
        rubric: Option<PathBuf>,
    },
    /// Choose submissions for second marking from a marked folder (for moderators).
    #[command(
        after_help = "Examples:\n  peermark sample marked --size 12\n  peermark sample marked --size 12 --seed 7 --out sample.csv\n\nReads DIR/results.json. The sample holds every not-yet-achieved submission, then the\nachieved ones nearest the outcome boundary, then a random draw across score bands; the\nsame seed always gives the same sample. Writes CSV: submission,reason,outcome,score,detail."
    )]
    Sample {
        /// The output folder of `peermark mark` (holding results.json).
        dir: PathBuf,
        /// How many submissions (default: the rubric's [moderation] size and share).
        #[arg(long)]
        size: Option<usize>,
        /// Seed of the random part (default: the rubric's [moderation] seed, else 2026).
        #[arg(long)]
        seed: Option<u64>,
        /// The rubric the folder was marked with (default: the built-in rubric).
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// Write the CSV here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Put grades and feedback back into an LMS (Moodle or Canvas).
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Rubric tools (for course leads).
    Rubric {
        #[command(subcommand)]
        command: RubricCommand,
    },
    /// Explain a criterion (e.g. personal_story) or a language rule (e.g. L56).
    #[command(after_help = "Examples:\n  peermark explain personal_story\n  peermark explain L56")]
    Explain {
        id: String,
        #[arg(long)]
        rubric: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum RubricCommand {
    /// Validate a rubric file; errors name the field and line.
    #[command(after_help = "Example:\n  peermark rubric check rubrics/recovery-story-essay.toml")]
    Check { rubric: PathBuf },
}

/// A kind of learner sheet `mark` writes.
#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum SheetKind {
    /// `feedback/<submission>.md`.
    Md,
    /// `feedback/<submission>.docx`.
    Docx,
    /// `annotated/<submission>.docx`: the essay with margin comments.
    Annotated,
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// Fill Moodle's offline grading worksheet (Grade, Feedback comments) and write
    /// DIR/moodle-feedback.zip for "Upload multiple feedback files in a zip".
    #[command(
        after_help = "Example:\n  peermark export moodle --worksheet Grades.csv --results marked\n  peermark export moodle --worksheet Grades.csv --results marked --scale \"achieved=Competent,not_yet_achieved=Not yet competent\"\n\nOnly the Grade and Feedback comments cells of marked learners change; every other\nbyte (BOM, header, quoting, Last modified (grade), learners not marked) stays as\ndownloaded, so Moodle imports every row. Writes to --out, else DIR/<worksheet name>."
    )]
    Moodle {
        /// The grading worksheet downloaded from Moodle (CSV).
        #[arg(long, value_name = "W.csv")]
        worksheet: PathBuf,
        /// The folder `peermark mark --out` wrote.
        #[arg(long, value_name = "DIR")]
        results: PathBuf,
        /// Where to write the filled worksheet (default DIR/<worksheet file name>).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// For a worksheet with a Scale column: the scale item for each outcome.
        #[arg(long, value_name = "achieved=ITEM,not_yet_achieved=ITEM")]
        scale: Option<String>,
        /// The rubric marked with (for the support line that ends the feedback).
        #[arg(long)]
        rubric: Option<PathBuf>,
    },
    /// Fill one assignment column of a Canvas gradebook export by ID.
    #[command(
        after_help = "Example:\n  peermark export canvas --gradebook canvas-gradebook.csv --assignment \"Recovery story essay (40721)\" --results marked\n\nThe Points Possible row and every other cell stay as exported; scores are scaled to the\nassignment's points possible. Writes to --out, else DIR/<gradebook file name>."
    )]
    Canvas {
        /// The gradebook exported from Canvas (CSV).
        #[arg(long, value_name = "G.csv")]
        gradebook: PathBuf,
        /// The assignment column: "Title (id)", its title, or its id.
        #[arg(long)]
        assignment: String,
        /// The folder `peermark mark --out` wrote.
        #[arg(long, value_name = "DIR")]
        results: PathBuf,
        /// Where to write the filled gradebook (default DIR/<gradebook file name>).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum CheckFormat {
    Text,
    Json,
}

/// How a command ended, for the exit code.
#[derive(Debug, PartialEq, Eq)]
pub enum Done {
    /// Exit 0.
    Ok,
    /// Exit 2: done, but some files could not be marked.
    SomeFailed,
    /// Exit 3: `check --strict` and not yet achieved.
    NotYetAchieved,
}

/// A usage, rubric or output error: exit 1, one line on stderr.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

fn load(rubric: Option<&PathBuf>) -> Result<crate::rubric::Rubric, UsageError> {
    crate::load_rubric(rubric.map(|p| p.as_path())).map_err(|e| UsageError(format!("{e}")))
}

fn use_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub fn run(cli: Cli) -> Result<Done, UsageError> {
    match cli.command {
        Command::Check {
            file,
            rubric,
            format,
            strict,
            sheet,
            limits,
        } => check(file, rubric, format, strict, sheet, &limits.limits()),
        Command::Mark {
            paths,
            roster,
            anonymous,
            rubric,
            out,
            jobs,
            quiet,
            sheets,
            review,
            shared_output,
            limits,
        } => {
            report::files::set_shared_output(shared_output);
            mark(
                paths,
                rubric,
                out,
                jobs,
                quiet,
                sheets,
                LmsOptions { roster, anonymous },
                review,
                &limits.limits(),
            )
        }
        Command::Override {
            submission,
            criterion,
            level,
            reason,
            assessor,
            out,
            rubric,
        } => {
            let r = load(rubric.as_ref())?;
            crate::review::override_command(
                &r,
                &submission,
                &criterion,
                &level,
                &reason,
                &assessor,
                &out,
            )
        }
        Command::Agree {
            a,
            b,
            format,
            rubric,
        } => {
            let r = load(rubric.as_ref())?;
            crate::review::agree_command(&r, &a, &b, format)
        }
        Command::Sample {
            dir,
            size,
            seed,
            rubric,
            out,
        } => sample(dir, size, seed, rubric, out),
        Command::Export { command } => export(command),
        Command::Rubric {
            command: RubricCommand::Check { rubric },
        } => {
            let r = crate::load_rubric(Some(&rubric)).map_err(|e| UsageError(e.to_string()))?;
            let failures = r.language.run_examples();
            if !failures.is_empty() {
                for f in &failures {
                    eprintln!("{}: {f}", rubric.display());
                }
                return Err(UsageError(format!(
                    "{}: {} language rule example(s) do not behave as the rule says",
                    rubric.display(),
                    failures.len()
                )));
            }
            println!(
                "{}: ok — rubric {:?}, {} criteria, {} measures, {} language rules (every rule example passes), sha256 {}",
                rubric.display(),
                r.id,
                r.criteria.len(),
                r.measures.len(),
                r.language.rules().len(),
                r.sha256
            );
            Ok(Done::Ok)
        }
        Command::Explain { id, rubric } => {
            let r = load(rubric.as_ref())?;
            println!("{}", explain(&r, &id)?);
            Ok(Done::Ok)
        }
    }
}

/// The text of `peermark explain ID`.
pub fn explain(r: &crate::rubric::Rubric, id: &str) -> Result<String, UsageError> {
    if let Some(c) = r.criterion(id) {
        let mut s = format!("{} — {} (weight {})\n\nLevels:\n", c.id, c.title, c.weight);
        for (i, d) in c.descriptors.iter().enumerate() {
            s.push_str(&format!("  {i} {}: {d}\n", r.level_names[i]));
        }
        s.push_str("\nWhat peermark looks for, level by level:\n");
        for (i, reqs) in c.levels.iter().enumerate() {
            s.push_str(&format!("  level {}:\n", i + 1));
            for req in reqs {
                let cond = &req.condition;
                let op = cond.op.symbol();
                s.push_str(&format!(
                    "    - {} {op} {} — {}\n",
                    cond.measure, cond.value, req.advice
                ));
            }
        }
        return Ok(s.trim_end().to_string());
    }
    let upper = id.to_uppercase();
    if let Some(rule) = r.language.rule(&upper) {
        return Ok(rule.explain().trim_end().to_string());
    }
    let ids: Vec<&str> = r.criteria.iter().map(|c| c.id.as_str()).collect();
    Err(UsageError(format!(
        "no criterion or language rule {id:?}; criteria are {}, language rules are L01–L78 (try `peermark explain L56`)",
        ids.join(", ")
    )))
}

fn check(
    file: PathBuf,
    rubric: Option<PathBuf>,
    format: CheckFormat,
    strict: bool,
    sheet: Option<PathBuf>,
    limits: &peermark_ingest::Limits,
) -> Result<Done, UsageError> {
    let r = load(rubric.as_ref())?;
    let ctx = crate::report_context(&r);
    let (doc, submission, shown) = if file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(limits.max_file_size.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| UsageError(format!("cannot read standard input: {e}")))?;
        (
            crate::read_stdin_text_with(&bytes, limits),
            "stdin".to_string(),
            "-".to_string(),
        )
    } else {
        if !file.exists() {
            return Err(UsageError(format!(
                "{}: no such file; check the path",
                file.display()
            )));
        }
        let Some(fmt) = peermark_ingest::Format::from_path(&file) else {
            return Err(UsageError(format!(
                "{}: not an essay format peermark reads; save it as .docx, .odt, .pdf, .txt or .md",
                file.display()
            )));
        };
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("essay")
            .to_string();
        (
            peermark_ingest::read_file_with(&file, fmt, limits),
            stem,
            file.display().to_string(),
        )
    };
    let (result, doc) = match doc {
        Ok(d) => (crate::check_document(&r, &d, &submission, &shown), Some(d)),
        Err(e) => (
            MarkResult::error(&submission, &shown, r.reference(), e.to_string()),
            None,
        ),
    };
    let out = match format {
        CheckFormat::Json => report::json::result_json(&result),
        CheckFormat::Text => report::text::render_check(&result, doc.as_ref(), &ctx, use_color()),
    };
    if let Some(path) = &sheet {
        let bytes = report::sheet_docx::sheet_docx(&result, &ctx, &report::sheet_docx::today());
        report::write_atomically(path, &bytes).map_err(|e| UsageError(e.to_string()))?;
    }
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", out.trim_end())
        .map_err(|e| UsageError(format!("cannot write the report: {e}")))?;
    if result.status == Status::Error {
        eprintln!(
            "{}: {}",
            shown,
            result.message.as_deref().unwrap_or("could not be marked")
        );
        return Ok(Done::SomeFailed);
    }
    if strict && result.outcome != Some(Outcome::Achieved) {
        return Ok(Done::NotYetAchieved);
    }
    Ok(Done::Ok)
}

/// `mark`'s LMS options.
struct LmsOptions {
    roster: Option<PathBuf>,
    anonymous: bool,
}

fn export(command: ExportCommand) -> Result<Done, UsageError> {
    let usage = |e: crate::lms::ExportError| UsageError(e.to_string());
    match command {
        ExportCommand::Moodle {
            worksheet,
            results,
            out,
            scale,
            rubric,
        } => {
            let r = load(rubric.as_ref())?;
            let s = crate::lms::moodle::export(&crate::lms::moodle::MoodleExport {
                worksheet,
                results,
                out,
                scale,
                support_line: r.safeguarding_settings.support_line.clone(),
            })
            .map_err(usage)?;
            eprintln!(
                "filled {} worksheet row(s); {} left as downloaded → {}",
                s.filled,
                s.untouched,
                s.out.display()
            );
            if let Some(z) = &s.zip {
                eprintln!(
                    "{} feedback file(s) for \"Upload multiple feedback files in a zip\" → {}",
                    s.zipped,
                    z.display()
                );
            }
            report_unfilled(&s.without_row, &s.not_marked, "worksheet");
        }
        ExportCommand::Canvas {
            gradebook,
            assignment,
            results,
            out,
        } => {
            let s = crate::lms::canvas::export(&crate::lms::canvas::CanvasExport {
                gradebook,
                assignment,
                results,
                out,
            })
            .map_err(usage)?;
            eprintln!(
                "filled {} learner(s) in \"{}\"; {} row(s) left as exported → {}",
                s.filled,
                s.column,
                s.untouched,
                s.out.display()
            );
            report_unfilled(&s.without_row, &s.not_marked, "gradebook");
        }
    }
    Ok(Done::Ok)
}

fn report_unfilled(without_row: &[String], not_marked: &[String], what: &str) {
    if !without_row.is_empty() {
        eprintln!(
            "no {what} row for: {} (check that the {what} is for the same assignment)",
            without_row.join(", ")
        );
    }
    if !not_marked.is_empty() {
        eprintln!(
            "not filled, could not be marked: {} (mark these by hand)",
            not_marked.join(", ")
        );
    }
}

/// `mark` while streaming: per-learner files and the results objects are written as each
/// result finishes; returns the slimmed results (see [`MarkResult::slim`]), sorted, with
/// similar submissions noted.
fn mark_streaming(
    rubric: &crate::rubric::Rubric,
    submissions: &[peermark_ingest::Submission],
    limits: &peermark_ingest::Limits,
    progress: &(dyn Fn() + Sync),
    exporters: &[Box<dyn Exporter>],
    ctx: &report::ReportContext,
    out: &std::path::Path,
) -> Result<Vec<MarkResult>, UsageError> {
    // Sheet names come from every submission id, as a batch would give them.
    let mut ids: Vec<&str> = submissions.iter().map(|s| s.id.as_str()).collect();
    ids.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    let names: std::collections::HashMap<&str, String> = ids
        .iter()
        .copied()
        .zip(report::files::unique_file_names(ids.iter().copied()))
        .collect();
    let learner: Vec<&dyn Exporter> = exporters
        .iter()
        .filter(|e| e.per_learner())
        .map(|e| e.as_ref())
        .collect();
    let mut spool =
        report::json::ResultsSpool::create(out).map_err(|e| UsageError(e.to_string()))?;
    let mut kept: Vec<MarkResult> = Vec::with_capacity(submissions.len());
    let mut failed: Option<report::ReportError> = None;
    crate::mark_each_with(rubric, submissions, limits, progress, |mut result| {
        if failed.is_none() {
            let name = names
                .get(result.submission.as_str())
                .cloned()
                .unwrap_or_else(|| report::files::safe_file_name(&result.submission));
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
    crate::finish_cohort(rubric, &mut kept);
    Ok(kept)
}

#[allow(clippy::too_many_arguments)] // one per option group of `mark`
fn mark(
    paths: Vec<PathBuf>,
    rubric: Option<PathBuf>,
    out: PathBuf,
    jobs: Option<usize>,
    quiet: bool,
    sheets: Vec<SheetKind>,
    lms: LmsOptions,
    review_args: crate::review::ReviewArgs,
    limits: &peermark_ingest::Limits,
) -> Result<Done, UsageError> {
    let r = load(rubric.as_ref())?;
    let ctx = crate::report_context(&r);
    let mut review = crate::review::Review::load(&r, &out, &review_args)?;
    let roster = match &lms.roster {
        Some(p) => {
            Some(crate::lms::roster::Roster::load(p).map_err(|e| UsageError(e.to_string()))?)
        }
        None => None,
    };
    let mut found = peermark_ingest::discover(&paths).map_err(|e| UsageError(e.to_string()))?;
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
    report::files::create_dir_all(&out).map_err(|e| {
        UsageError(format!(
            "{}: cannot create the output folder: {e}",
            out.display()
        ))
    })?;
    report::files::remove_stale_temp_files(&out);
    let sheets = if sheets.is_empty() {
        vec![SheetKind::Md, SheetKind::Docx, SheetKind::Annotated]
    } else {
        sheets
    };
    let mut exporters: Vec<Box<dyn Exporter>> = vec![
        Box::new(report::gradebook::Gradebook),
        Box::new(report::json::ResultsJson),
        Box::new(report::html::CohortReport::for_rubric(&r)),
    ];
    if sheets.contains(&SheetKind::Md) {
        exporters.push(Box::new(report::sheet_md::MarkdownSheets));
    }
    if sheets.contains(&SheetKind::Docx) {
        exporters.push(Box::new(report::sheet_docx::DocxSheets::today()));
    }
    if sheets.contains(&SheetKind::Annotated) {
        exporters.push(Box::new(report::annotate::AnnotatedCopies::new(
            &found.submissions,
        )));
    }
    exporters.push(Box::new(report::notes::AssessorNotes));
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
                &out,
            )
        })?;
        bar.finish_and_clear();
        for e in exporters
            .iter()
            .filter(|e| !e.per_learner() && !e.is_results_json())
        {
            e.export(&results, &ctx, &out)
                .map_err(|e| UsageError(e.to_string()))?;
        }
        results
    } else {
        let mut results =
            pool.install(|| crate::mark_batch_with(&r, &found.submissions, limits, &progress));
        bar.finish_and_clear();
        review.apply(&r, &mut results, &review_args, quiet)?;
        for e in &exporters {
            e.export(&results, &ctx, &out)
                .map_err(|e| UsageError(e.to_string()))?;
        }
        results
    };
    review.after_export(&out)?;
    let failed = results.iter().filter(|r| r.status == Status::Error).count();
    let with_notes = report::notes::count_with_notes(&results);
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
    if with_safeguarding > 0 && sheets.contains(&SheetKind::Annotated) {
        eprintln!("{with_safeguarding} annotated copies are not written: a copy would repeat the sentences in the assessor notes");
    }
    if with_safeguarding > 0 && !ctx.safeguarding_contact.is_empty() {
        eprintln!("safeguarding contact: {}", ctx.safeguarding_contact);
    }
    Ok(if failed > 0 {
        Done::SomeFailed
    } else {
        Done::Ok
    })
}

/// `peermark sample DIR`: the moderation sample as CSV.
fn sample(
    dir: PathBuf,
    size: Option<usize>,
    seed: Option<u64>,
    rubric: Option<PathBuf>,
    out: Option<PathBuf>,
) -> Result<Done, UsageError> {
    use crate::moderation;
    let r = load(rubric.as_ref())?;
    let path = dir.join("results.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        UsageError(format!(
            "{}: cannot read it ({e}); give the output folder of `peermark mark`",
            path.display()
        ))
    })?;
    let rubric_ids: std::collections::BTreeSet<String> =
        serde_json::from_str::<Vec<serde_json::Value>>(&text)
            .map(|v| {
                v.iter()
                    .filter_map(|x| x["rubric"]["id"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
    if let Some(other) = rubric_ids.iter().find(|id| **id != r.id) {
        return Err(UsageError(format!(
            "{}: marked with rubric {other:?}, not {:?}; pass the same rubric with --rubric FILE",
            path.display(),
            r.id
        )));
    }
    let cands = moderation::candidates_from_json(&text).map_err(|e| {
        UsageError(format!(
            "{}: not a peermark results file ({e}); run `peermark mark` again",
            path.display()
        ))
    })?;
    let marked = cands.iter().filter(|c| c.marked).count();
    let size = size.unwrap_or_else(|| moderation::size_for(r.moderation.as_ref(), marked));
    let seed = seed.unwrap_or_else(|| moderation::seed_for(r.moderation.as_ref()));
    let s = moderation::select(&cands, &r.achieved_when, size, seed);
    let csv = moderation::sample_csv(&s);
    match out {
        Some(p) => {
            report::write_atomically(&p, csv.as_bytes()).map_err(|e| UsageError(e.to_string()))?
        }
        None => std::io::stdout()
            .lock()
            .write_all(csv.as_bytes())
            .map_err(|e| UsageError(format!("cannot write the sample: {e}")))?,
    }
    if s.over_size > 0 {
        eprintln!(
            "the sample holds {} submissions, {} more than --size {size}: every not-yet-achieved submission is included",
            s.picks.len(),
            s.over_size
        );
    }
    Ok(Done::Ok)
}
