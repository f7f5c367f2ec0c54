//! What the `crocevia` command runs. `main.rs` only parses arguments and reports errors.

pub mod bounds;
pub mod cli;
mod data_dir;
pub mod generate;
pub mod indexing;
mod open_data;
mod platform;
mod remote;
mod resync;

use cli::{Cli, Command};
use crocevia_kit::config::Settings;

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load(cli.config.as_deref())?;
    let service = match &cli.command {
        Command::Serve { role, .. } => format!("crocevia-{}", format!("{role:?}").to_lowercase()),
        _ => "crocevia".to_owned(),
    };
    let telemetry = crocevia_kit::telemetry::init(&settings.telemetry, &service);
    let outcome = command(cli.command, settings).await;
    telemetry.shutdown();
    outcome
}

async fn command(command: Command, mut settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve { role, host, port, demo_data } => {
            if let Some(host) = host {
                settings.http.host = host;
            }
            if let Some(port) = port {
                settings.http.port = port;
            }
            if demo_data.is_some() {
                settings.profiles.import_on_first_start = demo_data;
            }
            platform::serve(settings, role).await
        }
        Command::Import { dir } => platform::import(&settings, &dir).await,
        Command::Generate { talents, seed, out } => generate::run(&settings, talents, seed, &out),
        Command::AddUser { role, email, display_name, organisation } => {
            platform::add_user(&settings, role, &email, &display_name, organisation).await
        }
        Command::Rematch => platform::rematch(&settings).await,
        Command::Reindex => platform::reindex(&settings).await,
        Command::RebuildInsights => open_data::rebuild(&settings).await,
        Command::CheckConfig => {
            check_config(&settings);
            Ok(())
        }
        Command::Bounds => {
            print_bounds(&settings);
            Ok(())
        }
        Command::Outbox { to, json, limit } => platform::outbox(&settings, to.as_deref(), json, limit).await,
        Command::Migrate => {
            platform::open_database(&settings).await?;
            Ok(())
        }
    }
}

/// `crocevia check-config`: loading already validated everything; say so.
#[expect(clippy::print_stdout, reason = "the verdict is the command's output")]
fn check_config(settings: &Settings) {
    println!("configuration is valid: bus {:?}, listening on {}", settings.bus.kind, settings.http_addr());
}

/// `crocevia bounds`.
#[expect(clippy::print_stdout, reason = "the table is the command's output")]
fn print_bounds(settings: &Settings) {
    print!("{}", bounds::table(&bounds::all(settings)));
}
