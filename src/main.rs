use clap::Parser as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    pactum::cli::run(pactum::cli::Cli::parse())
}
