use clap::Parser as _;
use std::process::ExitCode;

/// mimalloc instead of the system allocator: the build allocates and frees
/// many small strings and JSON values on every core, where glibc's malloc
/// showed as a fifth of all CPU samples (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    pactum::cli::run(pactum::cli::Cli::parse())
}
