//! The `peermark` binary: parse the command line, run one command, map how it ended to an
//! exit code (0 done, 1 usage/rubric/output error, 2 some files could not be marked, 3 `check
//! --strict` not yet achieved). Everything else is in the crates under `crates/`.

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
    match cli.command {
        Command::Check {
            file,
            rubric,
            format,
            strict,
            sheet,
            limits,
        } => commands::check::check(file, rubric, format, strict, sheet, &limits.limits()),
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
            let r = commands::load(rubric.as_ref())?;
            commands::assessor_override::override_command(
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
            let r = commands::load(rubric.as_ref())?;
            commands::agree::agree_command(&r, &a, &b, format)
        }
        Command::Sample {
            dir,
            size,
            seed,
            rubric,
            out,
        } => commands::sample::sample(dir, size, seed, rubric, out),
        Command::Export { command } => commands::export::export(command),
        Command::Rubric {
            command: RubricCommand::Check { rubric },
        } => commands::rubric::check(&rubric),
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
