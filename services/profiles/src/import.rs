//! `crocevia import DIR`: loads a data folder (the Torino demo set, or an organisation's
//! export) through the same validated write path as every other write.
//!
//! A bad entity is reported with its file, index and field and skipped, and nothing of it is
//! written. Importing the same folder twice changes nothing. The skills taxonomy is not part
//! of a data folder: it is reference data the platform loads itself (`crocevia_domain::
//! taxonomy`), before an import. A `skills.json` of an older folder is ignored. Skills may be
//! given as concept ids (`python`) or as text, as an export or a CV has them ("Python
//! (avanzato)", "modelli predittivi"): text is mapped to its concept with the taxonomy's one
//! normaliser ([`SkillTaxonomy::resolve`]), and text that names no concept is refused with
//! its field.
//!
//! Memory and speed: each file is parsed as a stream on a blocking thread, an element at a
//! time, into a queue of at most [`QUEUE`] elements, so a folder of a million talents is never
//! held whole; the writer validates and writes [`BATCH`] entities per transaction (one commit,
//! one fsync, instead of one per entity). A batch that fails for another reason than a bad
//! entity is written again one entity per transaction, so one entity's trouble stays its own.

use crate::error::ProfilesError;
use crate::service::Profiles;
use anyhow::Context;
use crocevia_domain::{Entity, EntityKind, SkillId, SkillTaxonomy};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

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

/// Where data folders before the reference taxonomy kept it; ignored, with a notice.
pub const OLD_SKILLS_FILE: &str = "skills.json";

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
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub failures: Vec<ImportFailure>,
}

/// Elements parsed ahead of the writer, at most (a talent is a few kilobytes).
pub const QUEUE: usize = 2_000;
/// Entities written per transaction.
pub const BATCH: usize = 500;
/// How often progress is logged when standard error is not a terminal.
const LOG_EVERY: Duration = Duration::from_secs(5);

struct Item {
    file: &'static str,
    index: usize,
    kind: EntityKind,
    value: serde_json::Value,
}

/// Imports `dir`; `progress` shows a bar on a terminal, and progress lines are logged every few
/// seconds otherwise.
pub async fn import_dir(
    profiles: &Profiles,
    dir: &Path,
    skills: &SkillTaxonomy,
    progress: bool,
) -> anyhow::Result<ImportReport> {
    if !dir.is_dir() {
        anyhow::bail!("{} is not a folder", dir.display());
    }
    let mut report = ImportReport::default();
    if dir.join(OLD_SKILLS_FILE).exists() {
        tracing::info!(
            file = OLD_SKILLS_FILE,
            "ignored: the skills taxonomy is the platform's reference data, not part of a data folder"
        );
    }
    let files: Vec<(&'static str, EntityKind, PathBuf)> =
        FILES.into_iter().map(|(file, kind)| (file, kind, dir.join(file))).filter(|(_, _, p)| p.exists()).collect();
    let total: u64 = files.iter().filter_map(|(_, _, p)| std::fs::metadata(p).ok()).map(|m| m.len()).sum();
    let bar = if progress { ProgressBar::new(total) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{spinner} importing {msg:<24} [{bar:30}] {percent}% (eta {eta})")
            .map_err(|e| anyhow::anyhow!("progress template: {e}"))?
            .progress_chars("=> "),
    );
    let mut meter = Meter {
        bar,
        read: Arc::new(AtomicU64::new(0)),
        before: 0,
        logged: Instant::now(),
        started: Instant::now(),
        total,
    };
    for (file, kind, path) in files {
        import_file(profiles, file, kind, &path, skills, &mut meter, &mut report).await?;
        meter.before += std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        meter.read.store(0, Ordering::Relaxed);
    }
    meter.bar.finish_and_clear();
    Ok(report)
}

/// Progress in bytes of the folder's files, and entities written.
struct Meter {
    bar: ProgressBar,
    /// Bytes of the current file the parser has read.
    read: Arc<AtomicU64>,
    /// Bytes of the files before it.
    before: u64,
    logged: Instant,
    started: Instant,
    total: u64,
}

impl Meter {
    fn show(&mut self, report: &ImportReport, kind: EntityKind) {
        let done = self.before + self.read.load(Ordering::Relaxed);
        let entities = report.created + report.updated + report.unchanged + report.failures.len();
        self.bar.set_position(done);
        self.bar.set_message(format!("{kind} ({entities} entities)"));
        if self.bar.is_hidden() && self.logged.elapsed() >= LOG_EVERY {
            self.logged = Instant::now();
            let per_s = entities as f64 / self.started.elapsed().as_secs_f64().max(0.001);
            tracing::info!(
                entities,
                percent = (done * 100).checked_div(self.total).unwrap_or(100),
                per_s = per_s.round() as u64,
                failed = report.failures.len(),
                "importing"
            );
        }
    }
}

/// Streams one file's array into batches of writes.
async fn import_file(
    profiles: &Profiles,
    file: &'static str,
    kind: EntityKind,
    path: &Path,
    skills: &SkillTaxonomy,
    meter: &mut Meter,
    report: &mut ImportReport,
) -> anyhow::Result<()> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Item>(QUEUE);
    let (source, read) = (path.to_owned(), meter.read.clone());
    let parser = tokio::task::spawn_blocking(move || {
        stream_array(&source, read, |index, value| tx.blocking_send(Item { file, index, kind, value }).is_ok())
    });
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        let room = BATCH - batch.len();
        let more = rx.recv_many(&mut batch, room).await > 0;
        if batch.len() == BATCH || (!more && !batch.is_empty()) {
            for item in &mut batch {
                name_skills(item.kind, &mut item.value, skills);
            }
            write_batch(profiles, std::mem::take(&mut batch), report).await;
            meter.show(report, kind);
        }
        if !more {
            break;
        }
    }
    parser.await.context("the parser thread")?
}

/// Replaces skills given as text in a talent's `skills[].skill` or an offer's
/// `required_skills` and `nice_to_have_skills` with the id of the concept the text names.
/// Ids of the taxonomy stay; text that names nothing stays too, and is refused when the
/// entity is decoded or validated, with its field.
fn name_skills(kind: EntityKind, value: &mut serde_json::Value, skills: &SkillTaxonomy) {
    let name = |slot: &mut serde_json::Value| {
        let Some(text) = slot.as_str() else { return };
        if SkillId::new(text).is_ok_and(|id| skills.concept(&id).is_some()) {
            return;
        }
        if let Some(concept) = skills.resolve(text) {
            *slot = concept.id.as_str().into();
        }
    };
    match kind {
        EntityKind::Talent => {
            for skill in value.get_mut("skills").and_then(|s| s.as_array_mut()).into_iter().flatten() {
                if let Some(slot) = skill.get_mut("skill") {
                    name(slot);
                }
            }
        }
        EntityKind::Offer => {
            for field in ["required_skills", "nice_to_have_skills"] {
                for slot in value.get_mut(field).and_then(|s| s.as_array_mut()).into_iter().flatten() {
                    name(slot);
                }
            }
        }
        _ => {}
    }
}

/// Reads the JSON array in `path` one element at a time, counting the bytes read into `read`;
/// `each(index, element)` returns false to stop early.
fn stream_array(
    path: &Path,
    read: Arc<AtomicU64>,
    each: impl FnMut(usize, serde_json::Value) -> bool,
) -> anyhow::Result<()> {
    use serde::de::Deserializer as _;
    let file = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let reader = std::io::BufReader::with_capacity(1 << 16, Counting { inner: file, read });
    let mut de = serde_json::Deserializer::from_reader(reader);
    (&mut de)
        .deserialize_seq(Elements { each, index: 0 })
        .and_then(|()| de.end())
        .with_context(|| format!("{} is not a JSON array", path.display()))
}

/// A reader that counts what it reads.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: std::io::Read> std::io::Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Visits a JSON array, handing each element over as it is parsed.
struct Elements<F> {
    each: F,
    index: usize,
}

impl<'de, F: FnMut(usize, serde_json::Value) -> bool> serde::de::Visitor<'de> for Elements<F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while let Some(value) = seq.next_element::<serde_json::Value>()? {
            if !(self.each)(self.index, value) {
                return Err(serde::de::Error::custom("the import stopped"));
            }
            self.index += 1;
        }
        Ok(())
    }
}

/// Writes a batch in one transaction; a bad entity is a failure of its own and the others
/// still go in. If the transaction itself fails (busy, storage), each entity is written again
/// on its own.
async fn write_batch(profiles: &Profiles, items: Vec<Item>, report: &mut ImportReport) {
    let mut outcomes = Vec::with_capacity(items.len());
    let together = async {
        let mut work = profiles.work().await?;
        // Decoded first; the decodable ones are written together (`Work::upsert_many`).
        let mut decoded = Vec::with_capacity(items.len());
        let mut slots = Vec::with_capacity(items.len());
        for item in &items {
            match decode_entity(item.kind, &item.value) {
                Ok(entity) => {
                    slots.push(Ok(decoded.len()));
                    decoded.push(entity);
                }
                Err((field, message)) => slots.push(Err(failure(item, field, message))),
            }
        }
        let mut written = work.upsert_many(decoded, "import").await?.into_iter();
        for (item, slot) in items.iter().zip(slots) {
            outcomes.push(match slot {
                Ok(_) => match written.next() {
                    Some(Ok(outcome)) => Ok(outcome),
                    Some(Err(e)) => Err(refusal(item, e)),
                    None => return Err(ProfilesError::Other(anyhow::anyhow!("a batch answered too few entities"))),
                },
                Err(failure) => Err(failure),
            });
        }
        work.commit().await.map(|_| ())
    }
    .await;
    if let Err(e) = together {
        tracing::warn!(error = %e, entities = items.len(), "a batch of the import failed; writing it one entity at a time");
        outcomes = Vec::with_capacity(items.len());
        for item in &items {
            outcomes.push(import_one(profiles, item).await);
        }
    }
    for outcome in outcomes {
        match outcome {
            Ok(outcome) if !outcome.changed => report.unchanged += 1,
            Ok(outcome) if outcome.created => report.created += 1,
            Ok(_) => report.updated += 1,
            Err(failure) => {
                tracing::warn!(%failure, "entity not imported");
                report.failures.push(failure);
            }
        }
    }
}

fn failure(item: &Item, field: Option<String>, message: String) -> ImportFailure {
    ImportFailure { file: item.file.to_owned(), index: item.index, field, message }
}

fn refusal(item: &Item, e: ProfilesError) -> ImportFailure {
    match e {
        ProfilesError::Invalid { errors, .. } => {
            failure(item, errors.first_field().map(str::to_owned), errors.to_string())
        }
        other => failure(item, None, other.to_string()),
    }
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
    let entity = decode_entity(item.kind, &item.value).map_err(|(field, message)| failure(item, field, message))?;
    profiles.upsert(entity, None, "import").await.map_err(|e| refusal(item, e))
}
