//! The `peermark` binary: parse the command line, run one command, map how it ended to an
//! exit code (0 done, 1 usage/rubric/output error, 2 some files could not be marked, 3 `check
//! --strict` not yet achieved). Everything else is in the crates under `crates/`.

mod cache;
mod cli;
mod commands;
mod limits;

use clap::Parser;
use cli::{Cli, Command, Done, RubricCommand, UsageError};
use std::process::ExitCode;

fn main() -> ExitCode {
    // A command-line error is a usage error: exit 1 (clap's own default would be 2, which
    // means "some files could not be marked").
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 1 } else { 0 });
        }
    };
    // Ctrl-C: no temporary file is left, and one line says what was kept.
    let _ = ctrlc::set_handler(|| {
        eprintln!("peermark: {}", peermark_files::interrupt::clean_up());
        std::process::exit(130);
    });
    match run(cli) {
        Ok(Done::Ok) => ExitCode::from(0),
        Ok(Done::SomeFailed) => ExitCode::from(2),
        Ok(Done::NotYetAchieved) => ExitCode::from(3),
        Err(e) => {
            eprintln!("peermark: {e}");
            ExitCode::from(1)
        }
    }
}

/// Runs one command.
fn run(cli: Cli) -> Result<Done, UsageError> {
    if cli.no_cache {
        cache::turn_off();
    }
    match cli.command {
        Command::Check {
            file,
            rubric,
            format,
            strict,
            sheet,
            force,
            limits,
        } => commands::check::check(file, rubric, format, strict, sheet, force, &limits.limits()),
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
            force,
            limits,
        } => {
            peermark_files::write::set_shared_output(shared_output);
            commands::mark::mark(
                paths,
                rubric,
                out,
                jobs,
                quiet,
                sheets,
                commands::mark::LmsOptions { roster, anonymous },
                review,
                force,
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
            force,
        } => {
            let r = commands::load(rubric.as_ref())?;
            commands::assessor_override::override_command(
                &r,
                &commands::assessor_override::NewOverride {
                    submission: &submission,
                    criterion: &criterion,
                    level: &level,
                    reason: &reason,
                    assessor: &assessor,
                },
                &out,
                force,
            )
        }
        Command::Agree {
            a,
            b,
            format,
            rubric,
        } => {
            let r = commands::load(rubric.as_ref())?;
            commands::agree::agree_command(&r, &a, &b, format)
        }
        Command::Sample {
            dir,
            size,
            seed,
            rubric,
            out,
            force,
        } => commands::sample::sample(dir, size, seed, rubric, out, force),
        Command::Export { command } => commands::export::export(command),
        Command::Rubric {
            command: RubricCommand::Check { rubric },
        } => commands::rubric::check(&rubric),
        Command::Rubric {
            command: RubricCommand::Init { folder },
        } => commands::rubric::init(&folder),
        Command::Rubric {
            command:
                RubricCommand::Fit {
                    essays,
                    marks,
                    rubric,
                    out,
                    force,
                },
        } => commands::rubric::fit(essays, &marks, rubric, &out, force),
        Command::Explain { id, rubric } => {
            let r = commands::load(rubric.as_ref())?;
            commands::print_out(
                &format!("{}\n", commands::explain::explain(&r, &id)?),
                "explanation",
            )?;
            Ok(Done::Ok)
        }
    }
}
