//! Glue between profiles and search: the taxonomy both load, and building a search index
//! from the profiles database (first start of the embedded mode, and `crocevia reindex`).

use anyhow::Context;
use crocevia_domain::{EntityKind, SkillTaxonomy};
use crocevia_kit::config::Settings;
use crocevia_profiles::{Profiles, store};
use crocevia_search::service::Rebuilder;
use crocevia_search::taxonomy::Taxonomy;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;
use std::sync::Arc;

/// Kinds the search index holds.
pub const SEARCHABLE: [EntityKind; 5] =
    [EntityKind::Organisation, EntityKind::Talent, EntityKind::Startup, EntityKind::Programme, EntityKind::Offer];

/// The skills taxonomy of this deployment: the reference taxonomy built into the binary, or
/// the folder `taxonomy_dir` names; checked as a whole either way.
pub fn read_taxonomy(settings: &Settings) -> anyhow::Result<SkillTaxonomy> {
    match &settings.taxonomy_dir {
        None => Ok(crocevia_domain::taxonomy::reference()?),
        Some(dir) => read_taxonomy_dir(dir),
    }
}

/// Every `*.json` file of `dir` (`core.json` first, then by name) and its `VERSION`, as one
/// taxonomy.
pub fn read_taxonomy_dir(dir: &Path) -> anyhow::Result<SkillTaxonomy> {
    let read = |path: &Path| std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()));
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading the taxonomy folder {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") && path.is_file() {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            files.push((name, read(&path)?));
        }
    }
    if files.is_empty() {
        anyhow::bail!("the taxonomy folder {} has no *.json file", dir.display());
    }
    // core.json first, as in the built-in taxonomy: on a tie, `resolve` prefers it.
    files.sort_by(|a, b| (a.0 != "core.json", &a.0).cmp(&(b.0 != "core.json", &b.0)));
    let version = read(&dir.join("VERSION"))?;
    SkillTaxonomy::load(&version, files.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .with_context(|| format!("loading the taxonomy folder {}", dir.display()))
}

/// The taxonomy as search and matching use it (phrase detection, labels by id).
pub fn taxonomy(skills: &SkillTaxonomy) -> Arc<Taxonomy> {
    Arc::new(Taxonomy::new(skills.concepts().to_vec()))
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
