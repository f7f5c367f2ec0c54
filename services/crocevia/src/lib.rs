//! What the `crocevia` command runs. `main.rs` only parses arguments and reports errors.

pub mod cli;
mod indexing;
mod platform;

use cli::{Cli, Command};
use crocevia_kit::config::Settings;

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut settings = Settings::load(cli.config.as_deref())?;
    crocevia_kit::telemetry::init(&settings.telemetry);
    match cli.command {
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
        Command::Reindex => platform::reindex(&settings).await,
        Command::Migrate => {
            platform::open_database(&settings).await?;
            Ok(())
        }
    }
}
