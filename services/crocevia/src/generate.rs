//! `crocevia generate`: writes a synthetic data set with a progress bar.

use crate::indexing;
use crocevia_kit::config::Settings;
use crocevia_synth::{Dataset, SynthConfig};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;

pub fn make(settings: &Settings, talents: usize, seed: u64, show_progress: bool) -> anyhow::Result<Dataset> {
    let skills = indexing::read_taxonomy(settings)?;
    let bar = if show_progress { ProgressBar::new(0) } else { ProgressBar::hidden() };
    if let Ok(style) = ProgressStyle::with_template("{spinner} generating [{bar:30}] {pos}/{len} ({per_sec})") {
        bar.set_style(style.progress_chars("=> "));
    }
    let dataset = Dataset::generate(&SynthConfig { talents, seed }, skills.concepts(), &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    });
    bar.finish_and_clear();
    Ok(dataset)
}

#[expect(clippy::print_stdout, reason = "the summary is the command's output")]
pub fn run(settings: &Settings, talents: usize, seed: u64, out: &Path) -> anyhow::Result<()> {
    let dataset = make(settings, talents, seed, std::io::stderr().is_terminal())?;
    // The set names concepts of the platform's taxonomy, which `crocevia import` loads
    // itself: the folder holds entities only.
    dataset.write_dir(out)?;
    println!(
        "wrote {} entities to {} ({} organisations, {} talents, {} startups, {} programmes, {} offers); load them with: crocevia import {}",
        dataset.entity_count(),
        out.display(),
        dataset.organisations.len(),
        dataset.talents.len(),
        dataset.startups.len(),
        dataset.programmes.len(),
        dataset.offers.len(),
        out.display()
    );
    Ok(())
}
