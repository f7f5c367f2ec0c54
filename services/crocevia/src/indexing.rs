//! Glue between profiles and search: the taxonomy both load, and building a search index
//! from the profiles database (first start of the embedded mode, and `crocevia reindex`).

use anyhow::Context;
use crocevia_domain::{EntityKind, SkillConcept};
use crocevia_profiles::{Profiles, store};
use crocevia_search::service::Rebuilder;
use crocevia_search::taxonomy::Taxonomy;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;
use std::sync::Arc;

/// Kinds the search index holds.
pub const SEARCHABLE: [EntityKind; 5] =
    [EntityKind::Organisation, EntityKind::Talent, EntityKind::Startup, EntityKind::Programme, EntityKind::Offer];

pub fn read_taxonomy(path: &Path) -> anyhow::Result<Vec<SkillConcept>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading the taxonomy {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not a skills taxonomy", path.display()))
}

pub fn taxonomy(concepts: Vec<SkillConcept>) -> Arc<Taxonomy> {
    Arc::new(Taxonomy::new(concepts))
}

fn bar(total: u64, show: bool) -> ProgressBar {
    let bar = if show { ProgressBar::new(total) } else { ProgressBar::hidden() };
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} indexing {msg:<13} [{bar:30}] {pos}/{len} ({per_sec}, eta {eta})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Builds a new index from every searchable entity and makes it current; a running search
/// service swaps to it without downtime. Returns (index name, documents).
pub async fn rebuild(
    profiles: &Profiles,
    root: &Path,
    taxonomy: Arc<Taxonomy>,
    show_progress: bool,
) -> anyhow::Result<(String, u64)> {
    let mut total = 0;
    for kind in SEARCHABLE {
        total += profiles.count(kind).await?;
    }
    let bar = bar(total, show_progress);
    let root = root.to_owned();
    let mut builder = tokio::task::spawn_blocking(move || Rebuilder::create(&root, taxonomy)).await??;
    for kind in SEARCHABLE {
        bar.set_message(kind.as_str());
        let mut after = None;
        loop {
            let page = store::list(profiles.db(), kind, after, 1000).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.entity.id());
            let n = page.len() as u64;
            builder = tokio::task::spawn_blocking(move || -> anyhow::Result<Rebuilder> {
                for stored in page {
                    builder.add(stored.entity, stored.version)?;
                }
                Ok(builder)
            })
            .await??;
            bar.inc(n);
        }
    }
    bar.set_message("merging");
    let done = tokio::task::spawn_blocking(move || builder.finish()).await??;
    bar.finish_and_clear();
    Ok(done)
}
