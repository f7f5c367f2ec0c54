//! `crocevia import DIR`: loads a data folder (the Torino demo set, or an organisation's
//! export) through the same validated write path as every other write.
//!
//! Each entity is its own transaction: a bad one is reported with its file, index and field
//! and skipped, and nothing of it is written. Importing the same folder twice changes nothing.

use crate::error::ProfilesError;
use crate::service::Profiles;
use anyhow::Context;
use crocevia_domain::{Entity, EntityKind, SkillConcept};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};

/// The files of a data folder, in dependency order. Missing files are skipped.
pub const FILES: [(&str, EntityKind); 8] = [
    ("organisations.json", EntityKind::Organisation),
    ("users.json", EntityKind::User),
    ("consents.json", EntityKind::Consent),
    ("talents.json", EntityKind::Talent),
    ("startups.json", EntityKind::Startup),
    ("programmes.json", EntityKind::Programme),
    ("offers.json", EntityKind::Offer),
    ("applications.json", EntityKind::Application),
];

pub const SKILLS_FILE: &str = "skills.json";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportFailure {
    pub file: String,
    pub index: usize,
    pub field: Option<String>,
    pub message: String,
}

impl std::fmt::Display for ImportFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}[{}]", self.file, self.index)?;
        if let Some(field) = &self.field {
            write!(f, ".{field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

#[derive(Debug, Default)]
pub struct ImportReport {
    pub skills: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub failures: Vec<ImportFailure>,
}

struct Item {
    file: &'static str,
    index: usize,
    kind: EntityKind,
    value: serde_json::Value,
}

fn read_array(path: &Path) -> anyhow::Result<Vec<serde_json::Value>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not a JSON array", path.display()))
}

/// Imports `dir`; `progress` shows a bar on a terminal.
pub async fn import_dir(profiles: &Profiles, dir: &Path, progress: bool) -> anyhow::Result<ImportReport> {
    if !dir.is_dir() {
        anyhow::bail!("{} is not a folder", dir.display());
    }
    let mut report = ImportReport::default();
    let skills_path = dir.join(SKILLS_FILE);
    if skills_path.exists() {
        let concepts: Vec<SkillConcept> = parse_all(&skills_path)?;
        profiles.upsert_skills(&concepts).await.map_err(|e| anyhow::anyhow!("{SKILLS_FILE}: {e}"))?;
        report.skills = concepts.len();
    }
    let mut items = Vec::new();
    for (file, kind) in FILES {
        let path: PathBuf = dir.join(file);
        if path.exists() {
            items.extend(read_array(&path)?.into_iter().enumerate().map(|(index, value)| Item {
                file,
                index,
                kind,
                value,
            }));
        }
    }
    let bar = if progress { ProgressBar::new(items.len() as u64) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{spinner} importing {msg:<14} [{bar:30}] {pos}/{len} ({per_sec}, eta {eta})")
            .map_err(|e| anyhow::anyhow!("progress template: {e}"))?
            .progress_chars("=> "),
    );
    for item in items {
        bar.set_message(item.kind.as_str());
        match import_one(profiles, &item).await {
            Ok(outcome) if !outcome.changed => report.unchanged += 1,
            Ok(outcome) if outcome.created => report.created += 1,
            Ok(_) => report.updated += 1,
            Err(failure) => {
                bar.suspend(|| tracing::warn!(%failure, "entity not imported"));
                report.failures.push(failure);
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(report)
}

fn parse_all<T: serde::de::DeserializeOwned>(path: &Path) -> anyhow::Result<Vec<T>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let de = &mut serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(de)
        .map_err(|e| anyhow::anyhow!("{}: {} at {}", path.display(), e.inner(), e.path()))
}

/// Decodes one item into its concrete type, so a problem is reported with its field path.
fn decode<T: serde::de::DeserializeOwned>(value: &serde_json::Value) -> Result<T, (Option<String>, String)> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        (Some(path).filter(|p| !p.is_empty() && p != "."), e.inner().to_string())
    })
}

fn decode_entity(kind: EntityKind, value: &serde_json::Value) -> Result<Entity, (Option<String>, String)> {
    Ok(match kind {
        EntityKind::User => Entity::User(decode(value)?),
        EntityKind::Consent => Entity::Consent(decode(value)?),
        EntityKind::Organisation => Entity::Organisation(decode(value)?),
        EntityKind::Talent => Entity::Talent(decode(value)?),
        EntityKind::Startup => Entity::Startup(decode(value)?),
        EntityKind::Programme => Entity::Programme(decode(value)?),
        EntityKind::Offer => Entity::Offer(decode(value)?),
        EntityKind::Application => Entity::Application(decode(value)?),
    })
}

async fn import_one(profiles: &Profiles, item: &Item) -> Result<crate::WriteOutcome, ImportFailure> {
    let fail = |field: Option<String>, message: String| ImportFailure {
        file: item.file.to_owned(),
        index: item.index,
        field,
        message,
    };
    let entity = decode_entity(item.kind, &item.value).map_err(|(field, message)| fail(field, message))?;
    profiles.upsert(entity, None, "import").await.map_err(|e| match e {
        ProfilesError::Invalid { errors, .. } => fail(errors.first_field().map(str::to_owned), errors.to_string()),
        other => fail(None, other.to_string()),
    })
}
