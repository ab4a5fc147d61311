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
        #[command(flatten)]
        limits: crate::cli_limits::LimitArgs,
    },
    /// Mark every submission under the paths, in parallel (for assessors).
    #[command(
        after_help = "Examples:\n  peermark mark samples/\n  peermark mark cohort/ late/ --out marked --jobs 2\n\nWrites DIR/gradebook.csv, DIR/results.json, DIR/feedback/<submission>.md and\nDIR/assessor-notes.csv (for the assessor only), readable by you only (folders 0700,\nfiles 0600) unless --shared-output is given. Nothing is written outside DIR."
    )]
    Mark {
        /// Files and folders to mark (folders are searched recursively).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
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
            limits,
        } => check(file, rubric, format, strict, &limits.limits()),
        Command::Mark {
            paths,
            rubric,
            out,
            jobs,
            quiet,
            shared_output,
            limits,
        } => {
            report::files::set_shared_output(shared_output);
            mark(paths, rubric, out, jobs, quiet, &limits.limits())
        }
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

fn mark(
    paths: Vec<PathBuf>,
    rubric: Option<PathBuf>,
    out: PathBuf,
    jobs: Option<usize>,
    quiet: bool,
    limits: &peermark_ingest::Limits,
) -> Result<Done, UsageError> {
    let r = load(rubric.as_ref())?;
    let ctx = crate::report_context(&r);
    let found = peermark_ingest::discover(&paths).map_err(|e| UsageError(e.to_string()))?;
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
    let results =
        pool.install(|| crate::mark_batch_with(&r, &found.submissions, limits, &|| bar.inc(1)));
    bar.finish_and_clear();

    report::files::create_dir_all(&out).map_err(|e| {
        UsageError(format!(
            "{}: cannot create the output folder: {e}",
            out.display()
        ))
    })?;
    report::files::remove_stale_temp_files(&out);
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
