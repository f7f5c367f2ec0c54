//! Deterministic synthetic Torino-like data sets of any size, for benchmarks and load tests.
//!
//! The same seed and size always give byte-identical output: a home-made PRNG
//! ([`rng`]) draws everything, each entity kind from its own stream. Proportions per `N`
//! talents: `max(20, N/50)` organisations, `N/20` startups, `max(10, N/200)` programmes and
//! `N/10` offers (startups and offers at least one when `N >= 1`). Every entity passes the
//! domain's validation, refers only to generated organisations and to concepts of the given
//! taxonomy, and is written in the format of `data/demo`, so `crocevia import DIR` loads it.

mod ids;
mod names;
mod offers;
mod organisations;
mod places;
mod profiles;
mod programmes;
mod rng;
mod startups;
mod talents;
mod text;

use crate::ids::IdGen;
use crate::places::Comuni;
use crate::profiles::Skills;
use crate::rng::Rng;
use anyhow::Context;
use crocevia_domain::{Entity, LanguageCode, Offer, Organisation, Programme, SkillConcept, Startup, Talent};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// How big a data set to make, and from which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthConfig {
    pub talents: usize,
    pub seed: u64,
}

/// A generated data set, in import order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    pub organisations: Vec<Organisation>,
    pub talents: Vec<Talent>,
    pub startups: Vec<Startup>,
    pub programmes: Vec<Programme>,
    pub offers: Vec<Offer>,
}

/// How many entities of each kind a data set of `talents` talents has.
#[derive(Debug, Clone, Copy)]
struct Counts {
    organisations: usize,
    talents: usize,
    startups: usize,
    programmes: usize,
    offers: usize,
}

impl Counts {
    fn for_talents(n: usize) -> Self {
        let at_least_one = |x: usize| if n >= 1 { x.max(1) } else { x };
        Self {
            organisations: (n / 50).max(20),
            talents: n,
            startups: at_least_one(n / 20),
            programmes: (n / 200).max(10),
            offers: at_least_one(n / 10),
        }
    }

    fn total(&self) -> u64 {
        (self.organisations + self.talents + self.startups + self.programmes + self.offers) as u64
    }
}

/// Reference data every generator draws from.
#[derive(Debug)]
pub(crate) struct World<'a> {
    pub comuni: Comuni,
    pub skills: Skills<'a>,
    pub it: LanguageCode,
    pub en: LanguageCode,
}

impl<'a> World<'a> {
    fn new(concepts: &'a [SkillConcept]) -> Option<Self> {
        Some(Self {
            comuni: Comuni::new()?,
            skills: Skills::new(concepts),
            it: LanguageCode::new("it").ok()?,
            en: LanguageCode::new("en").ok()?,
        })
    }

    pub(crate) fn code(&self, lang: text::Lang) -> LanguageCode {
        match lang {
            text::Lang::It => self.it.clone(),
            text::Lang::En => self.en.clone(),
        }
    }
}

/// Counts generated entities and reports every so often, not on each one: the callback may
/// redraw a terminal progress bar.
pub(crate) struct Progress<'p> {
    done: u64,
    total: u64,
    report: &'p mut dyn FnMut(u64, u64),
}

impl Progress<'_> {
    pub(crate) fn tick(&mut self) {
        self.done += 1;
        if self.done.is_multiple_of(1024) || self.done == self.total {
            (self.report)(self.done, self.total);
        }
    }
}

impl std::fmt::Debug for Progress<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress").field("done", &self.done).field("total", &self.total).finish()
    }
}

impl Dataset {
    /// Generates; `skills` is the taxonomy (the reference taxonomy, `crocevia_domain::taxonomy::reference`). `progress(done, total)` is called now and then.
    pub fn generate(config: &SynthConfig, skills: &[SkillConcept], progress: &mut dyn FnMut(u64, u64)) -> Dataset {
        let counts = Counts::for_talents(config.talents);
        // The comuni table and the two language codes are static; without them nothing valid can be made.
        let Some(world) = World::new(skills) else {
            return Dataset::default();
        };
        let seed = config.seed;
        let mut ids = IdGen::new(seed);
        let mut progress = Progress { done: 0, total: counts.total(), report: progress };
        (progress.report)(0, progress.total);
        let organisations = organisations::generate(
            &world,
            &mut Rng::stream(seed, "organisations"),
            &mut ids,
            counts.organisations,
            &mut progress,
        );
        let talents =
            talents::generate(&world, &mut Rng::stream(seed, "talents"), &mut ids, counts.talents, &mut progress);
        let startups =
            startups::generate(&world, &mut Rng::stream(seed, "startups"), &mut ids, counts.startups, &mut progress);
        let programmes = programmes::generate(
            &world,
            &mut Rng::stream(seed, "programmes"),
            &mut ids,
            counts.programmes,
            &organisations,
            &mut progress,
        );
        let offers = offers::generate(
            &world,
            &mut Rng::stream(seed, "offers"),
            &mut ids,
            counts.offers,
            &organisations,
            &mut progress,
        );
        Dataset { organisations, talents, startups, programmes, offers }
    }

    /// Writes organisations.json, talents.json, startups.json, programmes.json, offers.json into `dir`, in the same format as data/demo (the taxonomy is the platform's reference data, not part of the folder).
    pub fn write_dir(&self, dir: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        write_json(&dir.join("organisations.json"), &self.organisations)?;
        write_json(&dir.join("talents.json"), &self.talents)?;
        write_json(&dir.join("startups.json"), &self.startups)?;
        write_json(&dir.join("programmes.json"), &self.programmes)?;
        write_json(&dir.join("offers.json"), &self.offers)?;
        Ok(())
    }

    /// Every entity, in import order (organisations first: the others refer to them).
    pub fn into_entities(self) -> Vec<Entity> {
        let mut all = Vec::with_capacity(self.entity_count());
        all.extend(self.organisations.into_iter().map(Entity::Organisation));
        all.extend(self.talents.into_iter().map(Entity::Talent));
        all.extend(self.startups.into_iter().map(Entity::Startup));
        all.extend(self.programmes.into_iter().map(Entity::Programme));
        all.extend(self.offers.into_iter().map(Entity::Offer));
        all
    }

    pub fn entity_count(&self) -> usize {
        self.organisations.len() + self.talents.len() + self.startups.len() + self.programmes.len() + self.offers.len()
    }
}

/// Pretty-printed like the demo files, so a generated folder diffs and reads the same way.
fn write_json<T: Serialize>(path: &Path, items: &[T]) -> anyhow::Result<()> {
    let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    serde_json::to_writer_pretty(&mut out, items).with_context(|| format!("writing {}", path.display()))?;
    out.write_all(b"\n").and_then(|()| out.flush()).with_context(|| format!("writing {}", path.display()))
}
