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
    after_help = "Examples:\n  peermark check my-essay.docx\n  peermark mark submissions/ --out marked\n  peermark rubric check rubrics/recovery-story-essay.toml\n  peermark explain personal_story\n\npeermark works offline and never sends an essay anywhere."
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
        /// The draft (.docx, .txt, .md), or - to read plain text from standard input.
        file: PathBuf,
        /// Rubric file (default: the built-in recovery-story essay rubric).
        #[arg(long)]
        rubric: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Exit with code 3 when the outcome is not yet achieved.
        #[arg(long)]
        strict: bool,
    },
    /// Mark every submission under the paths, in parallel (for assessors).
    #[command(
        after_help = "Examples:\n  peermark mark samples/\n  peermark mark cohort/ late/ --out marked --jobs 2\n  peermark mark \"PSW101-Recovery story essay-88.zip\"          # a Moodle download\n  peermark mark submissions.zip --roster canvas-gradebook.csv  # a Canvas download\n\nWrites DIR/gradebook.csv, DIR/results.json, DIR/feedback/<submission>.md and\nDIR/assessor-notes.csv (for the assessor only).\n\nLMS downloads (Moodle \"Download all submissions\", zipped or unzipped; Canvas\nsubmissions zips) are read in place, nothing extracted: each learner gets the\nsubmission id moodle-<participant> or canvas-<user id> and the gradebook's learner\nand learner_id columns. A learner who handed in several files gets one row: the essay\nis the .docx, else .odt, else .pdf, else .md, else .txt, else online text (.html),\nelse .rtf, else .doc; within one format the largest file; the other files are listed\nin the row's message."
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
        } => check(file, rubric, format, strict),
        Command::Mark {
            paths,
            roster,
            anonymous,
            rubric,
            out,
            jobs,
            quiet,
        } => mark(
            paths,
            rubric,
            out,
            jobs,
            quiet,
            LmsOptions { roster, anonymous },
        ),
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
) -> Result<Done, UsageError> {
    let r = load(rubric.as_ref())?;
    let ctx = crate::report_context(&r);
    let (doc, submission, shown) = if file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| UsageError(format!("cannot read standard input: {e}")))?;
        (
            crate::read_stdin_text(&bytes),
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
                "{}: not an essay format peermark reads; save it as .docx, .txt or .md",
                file.display()
            )));
        };
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("essay")
            .to_string();
        (
            peermark_ingest::read_file(&file, fmt),
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

fn mark(
    paths: Vec<PathBuf>,
    rubric: Option<PathBuf>,
    out: PathBuf,
    jobs: Option<usize>,
    quiet: bool,
    lms: LmsOptions,
) -> Result<Done, UsageError> {
    let r = load(rubric.as_ref())?;
    let ctx = crate::report_context(&r);
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
            "no submissions found under {}; peermark reads .docx, .txt and .md files",
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
    let results = pool.install(|| crate::mark_batch(&r, &found.submissions, &|| bar.inc(1)));
    bar.finish_and_clear();

    std::fs::create_dir_all(&out).map_err(|e| {
        UsageError(format!(
            "{}: cannot create the output folder: {e}",
            out.display()
        ))
    })?;
    let exporters: Vec<Box<dyn Exporter>> = vec![
        Box::new(report::gradebook::Gradebook),
        Box::new(report::json::ResultsJson),
        Box::new(report::sheet_md::MarkdownSheets),
        Box::new(report::notes::AssessorNotes),
    ];
    for e in &exporters {
        e.export(&results, &ctx, &out)
            .map_err(|e| UsageError(e.to_string()))?;
    }
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
    // Always said, even with --quiet: the assessor must not miss it.
    eprintln!(
        "{with_notes} submission(s) have assessor notes: see {} (for the assessor only)",
        out.join("assessor-notes.csv").display()
    );
    if with_notes > 0 && !ctx.safeguarding_contact.is_empty() {
        eprintln!("safeguarding contact: {}", ctx.safeguarding_contact);
    }
    Ok(if failed > 0 {
        Done::SomeFailed
    } else {
        Done::Ok
    })
}
