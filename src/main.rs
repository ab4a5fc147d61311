//! The `peermark` binary: parse the command line, run it, map the result to an exit code
//! (0 done, 1 usage/rubric/output error, 2 some files could not be marked, 3 `check
//! --strict` not yet achieved).

use clap::Parser;
use peermark::cli::{run, Cli, Done};
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
