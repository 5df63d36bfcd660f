//! The `driftledger` command line: argument parsing and printing only. Every
//! command is one call into a library crate; this crate maps the result to
//! text or JSON and to the exit codes of the design contract:
//! 0 ok, 1 verification found a problem, 2 usage or input error, 3 I/O or
//! internal error.
//!
//! [`run`] takes the arguments and output streams, so tests drive the CLI
//! in-process:
//!
//! ```
//! let mut out = Vec::new();
//! let mut err = Vec::new();
//! let code = cli::run(["driftledger", "--version"], &mut out, &mut err);
//! assert_eq!(code, std::process::ExitCode::SUCCESS);
//! assert!(String::from_utf8(out).unwrap().starts_with("driftledger "));
//! ```
#![deny(missing_docs)]

mod args;
mod baseline_cmd;
mod demo;
mod drift_cmd;
mod generate_cmd;
mod ingest_cmd;
mod keys_cmd;
mod ledger_cmd;
mod verify_cmd;

use args::{Cli, Command};
use clap::Parser;
use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

/// Exit codes of the design contract.
pub mod exit {
    /// Everything checked out.
    pub const OK: u8 = 0;
    /// Verification found a problem.
    pub const PROBLEM_FOUND: u8 = 1;
    /// Usage or input error; nothing was written.
    pub const USAGE: u8 = 2;
    /// I/O or internal error.
    pub const IO: u8 = 3;
}

/// A failed command: what to print and which exit code to use.
#[derive(Debug)]
pub(crate) struct Failure {
    code: u8,
    error: anyhow::Error,
}

pub(crate) type Outcome = Result<u8, Failure>;

impl From<ledger::LedgerError> for Failure {
    fn from(error: ledger::LedgerError) -> Self {
        use ledger::LedgerError as E;
        let code = match &error {
            E::Io { .. } | E::Locked { .. } | E::Tlog(_) => exit::IO,
            E::Corrupt { .. } => exit::PROBLEM_FOUND,
            _ => exit::USAGE,
        };
        Failure {
            code,
            error: error.into(),
        }
    }
}

impl Failure {
    pub(crate) fn usage(error: impl Into<anyhow::Error>) -> Self {
        Failure {
            code: exit::USAGE,
            error: error.into(),
        }
    }
    pub(crate) fn problem(error: impl Into<anyhow::Error>) -> Self {
        Failure {
            code: exit::PROBLEM_FOUND,
            error: error.into(),
        }
    }
    pub(crate) fn io(error: impl Into<anyhow::Error>) -> Self {
        Failure {
            code: exit::IO,
            error: error.into(),
        }
    }
}

/// Runs the command line `args` (the first item is the program name).
pub fn run<I, T>(args: I, stdout: &mut dyn Write, stderr: &mut dyn Write) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let rendered = e.render().to_string();
            let code = if e.use_stderr() {
                let _ = write!(stderr, "{rendered}");
                exit::USAGE
            } else {
                let _ = write!(stdout, "{rendered}");
                exit::OK
            };
            return ExitCode::from(code);
        }
    };
    let outcome = dispatch(&cli, stdout, stderr);
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            let _ = writeln!(stderr, "error: {:#}", failure.error);
            ExitCode::from(failure.code)
        }
    }
}

fn dispatch(cli: &Cli, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    let store = cli.store.as_path();
    match &cli.command {
        Command::Init { key_name } => ledger_cmd::init(store, key_name, cli.json, out),
        Command::Keys(command) => keys_cmd::run(store, command, cli.json, out),
        Command::Generate(command) => generate_cmd::run(command, cli.json, out),
        Command::Ingest(args) => ingest_cmd::run(store, args, cli.json, out),
        Command::Baseline(command) => baseline_cmd::run(store, command, cli.json, out),
        Command::Score(args) => baseline_cmd::score(store, args, cli.json, out),
        Command::Scores(args) => baseline_cmd::scores(store, args, cli.json, out),
        Command::Explain { event_id } => baseline_cmd::explain(store, event_id, cli.json, out),
        Command::Report(args) => baseline_cmd::report(store, args, cli.json, out),
        Command::Drift(command) => drift_cmd::run(store, command, cli.json, out),
        Command::Ledger(command) => ledger_cmd::run(store, command, cli.json, out, err),
        Command::Verify(args) => verify_cmd::run(store, args, cli.json, out),
        Command::Demo => demo::run(store, out),
    }
}

/// Writes to an output stream, turning a broken pipe into an I/O failure.
pub(crate) fn emit(out: &mut dyn Write, text: impl std::fmt::Display) -> Result<(), Failure> {
    writeln!(out, "{text}").map_err(Failure::io)
}
