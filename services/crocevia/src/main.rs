//! The `crocevia` command. Parsing and start-up live in the library; see `crocevia --help`.

use clap::Parser;

/// jemalloc gives freed memory back to the system (see Cargo.toml); glibc's arenas kept it.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Everything this process creates (the database, the bus log, the indexes, the key) holds
    // personal data or secrets: owner-only from the first byte, whatever the shell's umask.
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o077));
    let cli = crocevia::cli::Cli::parse();
    match crocevia::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
