//! The `driftledger` binary: hands the process's arguments and streams to [`cli::run`].

fn main() -> std::process::ExitCode {
    cli::run(std::env::args_os(), &mut std::io::stdout(), &mut std::io::stderr())
}
