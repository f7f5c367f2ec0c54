//! `crocevia-bench`: parses its arguments, loads the same configuration as `crocevia`, and
//! runs the benchmarks (see the library); `crocevia-bench loadgen` is the HTTP load generator
//! the bench runs as its own process, `crocevia-bench measure` the wrapper that reads an
//! import's peak memory.

use clap::Parser;
use crocevia_bench::{Args, Command, Options};
use crocevia_kit::config::Settings;

/// `crocevia`'s allocator: the matching and catch-up sections run its code in this process.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let result = match &args.command {
        Some(Command::Loadgen(load)) => crocevia_bench::http::loadgen::main(load),
        Some(Command::Measure(measured)) => crocevia_bench::scale::measure::main(measured),
        None => benchmarks(args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn benchmarks(args: Args) -> anyhow::Result<()> {
    tokio::runtime::Runtime::new()?.block_on(async {
        let settings = Settings::load(args.config.as_deref())?;
        let _telemetry = crocevia_kit::telemetry::init(&settings.telemetry, "crocevia-bench");
        crocevia_bench::run(&settings, Options::from(args)).await
    })
}
