//! `crocevia-bench`: parses its arguments, loads the same configuration as `crocevia`, and
//! runs the benchmarks (see the library).

use clap::Parser;
use crocevia_bench::{Args, Options};
use crocevia_kit::config::Settings;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let result = async {
        let settings = Settings::load(args.config.as_deref())?;
        crocevia_kit::telemetry::init(&settings.telemetry);
        crocevia_bench::run(&settings, Options::from(args)).await
    }
    .await;
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
