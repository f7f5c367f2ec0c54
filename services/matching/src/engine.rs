//! The matching state: a replica of the entities that match, their retrieval index, and the
//! top-k list of every talent, offer, startup and programme, kept up to date change by change.
//!
//! A changed entity gets its own list recomputed in full (retrieval plus scoring), and every
//! counterpart it was scored against gets its list updated with the new pair score, so both
//! directions follow a change without recomputing everything. Blocking: use from a blocking
//! thread.
//!
//! Memory: a list is held as its ranking numbers only ([`Ranked`], 40 bytes a place), and so
//! is it stored. A place keeps the text relevance (BM25) it was scored with, so its bilingual
//! explanation is written when it is read, from the two entities and that number, and says
//! exactly what the stored score says. Explanations held and stored for every place were most
//! of a 10^5 platform's memory and of a catch-up's writes (about 1 KB a place, 2 million).

use crate::eligibility::Verdict;
use crate::explain::Explained;
use crate::retrieve::{POSTINGS_BUDGET, Retriever, Words};
use crate::scoring;
use crate::text::{self, QueryTerms, Stats, TextProfile, Vocabulary};
use crocevia_domain::{Entity, EntityKind, Offer, Programme, Startup, Status, Talent};
use crocevia_proto::envelope::{Change, EventMeta};
use crocevia_search::DocKind;
use crocevia_search::index::{Applied, SearchIndex};
use crocevia_search::taxonomy::Taxonomy;
use serde::{Deserialize, Serialize};
// Every scored pair looks its two sides up in these maps: a fast hasher (the keys are ids).
use foldhash::{HashMap, HashMapExt, HashSet};
use std::collections::BTreeSet;
use std::sync::Arc;
use uuid::Uuid;

pub mod fill;

pub const TOP_K: usize = 20;
/// Candidates retrieved through tantivy for one talent or offer.
pub const CANDIDATES: usize = 300;

/// One ranked match in a subject's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub counterpart: Uuid,
    /// The score this list ranks by: fit for an offer's or programme's list, appeal for a
    /// talent's, fit for a startup's.
    pub score: f64,
    /// Both sides combined (geometric mean of fit and appeal).
    pub mutual: f64,
    pub verdict: Option<Verdict>,
    pub explanation: Explained,
}

/// The class of an entry without a verdict (talents and offers): above every verdict but
/// "eligible".
const UNCONDITIONAL: u8 = 2;

/// What a list ranks by: class (eligible first), score, counterpart.
pub type Key = (u8, f64, Uuid);

impl Entry {
    pub fn class(&self) -> u8 {
        self.verdict.as_ref().map_or(UNCONDITIONAL, Verdict::class)
    }
}

/// One place in a subject's list as the engine holds it: what ranks it and what a match event
/// reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    pub counterpart: Uuid,
    pub score: f64,
    pub mutual: f64,
    /// Eligibility class (see [`Verdict::class`]); talent–offer pairs rank above every verdict
    /// but "eligible".
    pub class: u8,
    /// The text relevance the pair was scored with: with the two entities, all its
    /// explanation needs.
    pub bm25: f32,
}

/// What a list ranks by.
pub trait Ranks {
    fn key(&self) -> Key;
}

impl Ranks for Entry {
    fn key(&self) -> Key {
        (self.class(), self.score, self.counterpart)
    }
}

impl Ranks for Ranked {
    fn key(&self) -> Key {
        (self.class, self.score, self.counterpart)
    }
}

/// Eligible before ineligible, then by score, then by id so equal scores order the same way
/// every time.
fn order(a: &Key, b: &Key) -> std::cmp::Ordering {
    b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2))
}

/// Ranks a list and keeps the top k.
pub fn rank<T: Ranks>(list: &mut Vec<T>) {
    list.sort_by(|a, b| order(&a.key(), &b.key()));
    list.truncate(TOP_K);
}

/// What a new score of a counterpart does to a subject's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Neither in the list before nor after: nothing to write (most scored pairs).
    Untouched,
    Leaves,
    /// In the list after: its entry, explained, goes in.
    Enters,
}

/// Whether `counterpart`, at `key` (`None`: excluded), enters, stays in or leaves the ranked
/// `list`, decided on the numbers before any explanation is written. Agrees with putting the
/// entry in and ranking again (see the tests).
fn fate(list: &[Ranked], counterpart: Uuid, key: Option<(u8, f64)>) -> Fate {
    let had = list.iter().any(|e| e.counterpart == counterpart);
    let Some((class, score)) = key else { return if had { Fate::Leaves } else { Fate::Untouched } };
    if list.len() - usize::from(had) < TOP_K {
        return Fate::Enters;
    }
    match list.iter().rev().find(|e| e.counterpart != counterpart) {
        Some(worst) if order(&(class, score, counterpart), &worst.key()).is_gt() => {
            if had {
                Fate::Leaves
            } else {
                Fate::Untouched
            }
        }
        _ => Fate::Enters,
    }
}

/// The numbers of one talent–offer pair: enough to rank it and to see whether it enters a
/// list. Its explanations are written only when it does.
#[derive(Debug, Clone, Copy)]
struct PairScore {
    fit: f64,
    appeal: f64,
    mutual: f64,
    bm25: f32,
}

impl PairScore {
    /// Its place in a list ranked by `score` (fit or appeal), naming `counterpart`.
    fn place(&self, counterpart: Uuid, score: f64) -> Ranked {
        Ranked { counterpart, score, mutual: self.mutual, class: UNCONDITIONAL, bm25: self.bm25 }
    }
}

/// Both sides of a talent and an offer combined: the geometric mean of fit and appeal,
/// rounded so equal data gives byte-equal scores.
pub fn mutual(fit: f64, appeal: f64) -> f64 {
    ((fit * appeal).sqrt() * 1e6).round() / 1e6
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Talent,
    Offer,
    Startup,
    Programme,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Talent => "talent",
            Side::Offer => "offer",
            Side::Startup => "startup",
            Side::Programme => "programme",
        }
    }

    /// The side [`Side::as_str`] names.
    pub fn parse(name: &str) -> Option<Side> {
        [Side::Talent, Side::Offer, Side::Startup, Side::Programme].into_iter().find(|s| s.as_str() == name)
    }

    pub fn counterpart(self) -> Side {
        match self {
            Side::Talent => Side::Offer,
            Side::Offer => Side::Talent,
            Side::Startup => Side::Programme,
            Side::Programme => Side::Startup,
        }
    }
}

/// A list before and after a recomputation.
#[derive(Debug, Clone, PartialEq)]
pub struct ListChange {
    pub subject: Uuid,
    pub side: Side,
    pub old: Vec<Ranked>,
    pub new: Vec<Ranked>,
    /// The places of `new` that this recomputation wrote (entered or scored again); the
    /// others are stored already.
    pub written: Vec<Ranked>,
}

impl ListChange {
    /// Counterparts in the old list and not in the new one.
    pub fn left(&self) -> impl Iterator<Item = Uuid> + '_ {
        self.old.iter().map(|e| e.counterpart).filter(|c| !self.new.iter().any(|e| e.counterpart == *c))
    }
}

/// What one recomputation touched: each list as it was before, and the places it scored.
#[derive(Default)]
struct Touched {
    before: HashMap<Uuid, (Side, Vec<Ranked>)>,
    /// Places scored again (subject, counterpart): stored at the end, for those still in
    /// their list then.
    written: HashSet<(Uuid, Uuid)>,
    /// Subjects that lost a place (its counterpart erased, closed or now excluded): refilled
    /// from the next candidates at the end of the recomputation.
    short: BTreeSet<Uuid>,
}

pub struct Engine {
    index: SearchIndex,
    taxonomy: Arc<Taxonomy>,
    talents: HashMap<Uuid, Talent>,
    offers: HashMap<Uuid, Offer>,
    startups: HashMap<Uuid, Startup>,
    programmes: HashMap<Uuid, Programme>,
    profiles: HashMap<Uuid, TextProfile>,
    queries: HashMap<Uuid, QueryTerms>,
    /// The terms of `profiles` and `queries`, numbered.
    vocabulary: Vocabulary,
    versions: HashMap<Uuid, u64>,
    lists: HashMap<Uuid, Vec<Ranked>>,
    /// counterpart -> subjects whose list holds it.
    holders: HashMap<Uuid, HashSet<Uuid>>,
    /// The index statistics of the last recomputation, kept while the index is not committed
    /// again.
    stats: Option<Stats>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("talents", &self.talents.len())
            .field("offers", &self.offers.len())
            .field("lists", &self.lists.len())
            .finish_non_exhaustive()
    }
}

impl Engine {
    pub fn new(index: SearchIndex) -> Self {
        let taxonomy = index.taxonomy().clone();
        Self {
            index,
            taxonomy,
            talents: HashMap::new(),
            offers: HashMap::new(),
            startups: HashMap::new(),
            programmes: HashMap::new(),
            profiles: HashMap::new(),
            queries: HashMap::new(),
            vocabulary: Vocabulary::default(),
            versions: HashMap::new(),
            lists: HashMap::new(),
            holders: HashMap::new(),
            stats: None,
        }
    }

    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    pub fn version_of(&self, id: Uuid) -> Option<u64> {
        self.versions.get(&id).copied()
    }

    /// Forgets what a failed batch applied: each id back to the version it held before (in
    /// reverse order of applying), so the redelivered batch is applied again instead of
    /// skipped as stale. What the batch changed otherwise is overwritten when it is.
    pub fn restore_versions(&mut self, before: Vec<(Uuid, Option<u64>)>) {
        for (id, version) in before.into_iter().rev() {
            match version {
                Some(v) => self.versions.insert(id, v),
                None => self.versions.remove(&id),
            };
        }
    }

    pub fn list(&self, subject: Uuid) -> &[Ranked] {
        self.lists.get(&subject).map_or(&[], Vec::as_slice)
    }

    pub fn side_of(&self, id: Uuid) -> Option<Side> {
        if self.talents.contains_key(&id) {
            Some(Side::Talent)
        } else if self.offers.contains_key(&id) {
            Some(Side::Offer)
        } else if self.startups.contains_key(&id) {
            Some(Side::Startup)
        } else if self.programmes.contains_key(&id) {
            Some(Side::Programme)
        } else {
            None
        }
    }

    pub fn startup(&self, id: Uuid) -> Option<&Startup> {
        self.startups.get(&id)
    }

    pub fn programme(&self, id: Uuid) -> Option<&Programme> {
        self.programmes.get(&id)
    }

    pub fn talent(&self, id: Uuid) -> Option<&Talent> {
        self.talents.get(&id)
    }

    /// An open offer.
    pub fn offer(&self, id: Uuid) -> Option<&Offer> {
        self.offers.get(&id)
    }

    /// Every open offer, in no particular order.
    pub fn open_offers(&self) -> impl Iterator<Item = &Offer> {
        self.offers.values()
    }

    pub fn taxonomy(&self) -> &Arc<Taxonomy> {
        &self.taxonomy
    }

    /// The analysed text of an offer or programme, as scoring queries it.
    pub fn query_terms(&self, id: Uuid) -> Option<&QueryTerms> {
        self.queries.get(&id)
    }

    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    pub fn subjects(&self, side: Side) -> Vec<Uuid> {
        let mut ids: Vec<Uuid> = match side {
            Side::Talent => self.talents.keys().copied().collect(),
            Side::Offer => self.offers.keys().copied().collect(),
            Side::Startup => self.startups.keys().copied().collect(),
            Side::Programme => self.programmes.keys().copied().collect(),
        };
        ids.sort();
        ids
    }

    /// Restores a stored list (at start-up), ranked.
    pub fn restore_list(&mut self, subject: Uuid, mut list: Vec<Ranked>) {
        rank(&mut list);
        for e in &list {
            self.holders.entry(e.counterpart).or_default().insert(subject);
        }
        self.lists.insert(subject, list);
    }

    /// Records an entity at `version` (or its erasure) if newer than what is held; returns
    /// whether it changed anything that matches.
    pub fn apply(&mut self, meta: &EventMeta, change: &Change) -> anyhow::Result<bool> {
        let relevant = matches!(
            meta.entity_kind,
            EntityKind::Talent | EntityKind::Offer | EntityKind::Startup | EntityKind::Programme
        );
        if !relevant || self.versions.get(&meta.entity_id).is_some_and(|v| *v >= meta.entity_version) {
            return Ok(false);
        }
        let applied = self.index.apply(meta, change)?;
        self.versions.insert(meta.entity_id, meta.entity_version);
        let id = meta.entity_id;
        self.talents.remove(&id);
        self.offers.remove(&id);
        self.startups.remove(&id);
        self.programmes.remove(&id);
        self.profiles.remove(&id);
        self.queries.remove(&id);
        if let (Change::Upserted(entity), Applied::Indexed | Applied::Stale) = (change, applied) {
            self.insert(entity.clone());
        }
        Ok(true)
    }

    /// Holds `entity` in memory (replica load and upserts).
    pub fn insert(&mut self, entity: Entity) {
        let id = entity.id();
        match &entity {
            Entity::Talent(_) | Entity::Startup(_) => {
                self.profiles.insert(id, text::profile(&entity, &self.taxonomy, &mut self.vocabulary));
            }
            Entity::Offer(_) | Entity::Programme(_) => {
                self.queries.insert(id, text::query(&entity, &self.taxonomy, &mut self.vocabulary));
            }
            _ => {}
        }
        match entity {
            Entity::Talent(t) => drop(self.talents.insert(id, t)),
            Entity::Offer(o) if o.status == Status::Open => drop(self.offers.insert(id, o)),
            Entity::Startup(s) => drop(self.startups.insert(id, s)),
            Entity::Programme(p) if p.status == Status::Open => drop(self.programmes.insert(id, p)),
            _ => {}
        }
    }

    pub fn set_version(&mut self, id: Uuid, version: u64) {
        self.versions.insert(id, version);
    }

    pub fn commit_index(&self) -> anyhow::Result<()> {
        self.index.commit()
    }

    /// Recomputes what the changed entities affect; returns every list that changed.
    pub fn recompute(&mut self, changed: &[Uuid]) -> anyhow::Result<Vec<ListChange>> {
        Ok(self.recompute_until(changed, usize::MAX)?.0)
    }

    /// As [`Self::recompute`], stopping after the entity that brings the lists touched to
    /// `max_lists` or more (a programme alone touches every startup's list); returns the lists
    /// that changed and how many of `changed` it recomputed (at least one).
    pub fn recompute_until(&mut self, changed: &[Uuid], max_lists: usize) -> anyhow::Result<(Vec<ListChange>, usize)> {
        let mut stats = self.current_stats();
        let mut touched = Touched::default();
        let mut consumed = 0;
        for id in changed {
            if touched.before.len() >= max_lists {
                break;
            }
            consumed += 1;
            if !self.recompute_one(*id, &mut stats, &mut touched)? {
                self.remove(*id, &mut touched);
            }
        }
        // A list that lost a place takes the next candidate in, in this batch, instead of
        // staying short until its subject changes. One round: a refill's own losses wait.
        let short = std::mem::take(&mut touched.short);
        let changed = &changed[..consumed];
        for subject in short {
            if changed.contains(&subject) || self.list(subject).len() >= TOP_K {
                continue;
            }
            self.recompute_one(subject, &mut stats, &mut touched)?;
        }
        let Touched { before, written, .. } = touched;
        let mut changes = Vec::new();
        for (subject, (side, old)) in before {
            let new = self.lists.get(&subject).cloned().unwrap_or_default();
            let written: Vec<Ranked> =
                new.iter().filter(|e| written.contains(&(subject, e.counterpart))).copied().collect();
            if old != new || !written.is_empty() {
                changes.push(ListChange { subject, side, old, new, written });
            }
        }
        changes.sort_by_key(|c| c.subject);
        self.stats = Some(stats);
        Ok((changes, consumed))
    }

    /// The index statistics of the current commit (those of the last recomputation while the
    /// index is not committed again).
    fn current_stats(&mut self) -> Stats {
        match self.stats.take() {
            Some(stats) if stats.is_current(&self.index) => stats,
            _ => Stats::new(&self.index),
        }
    }

    /// The corpus statistics scores are computed with now (see [`text::moved`]).
    pub fn corpus(&mut self) -> [f32; 5] {
        let stats = self.current_stats();
        let corpus = stats.corpus();
        self.stats = Some(stats);
        corpus
    }

    /// Scores the places of `subjects`' lists again with the current statistics, keeping their
    /// counterparts (no retrieval): bounds how far a list nobody touched drifts from its live
    /// scores as the corpus moves. Returns the lists whose numbers changed.
    pub fn rescore(&mut self, subjects: &[Uuid]) -> Vec<ListChange> {
        let mut stats = self.current_stats();
        let mut changes = Vec::new();
        for &subject in subjects {
            let Some(side) = self.side_of(subject) else { continue };
            let old = self.list(subject).to_vec();
            let mut new: Vec<Ranked> =
                old.iter().filter_map(|place| self.place_now(subject, side, place.counterpart, &mut stats)).collect();
            rank(&mut new);
            if new != old {
                let written = new.iter().filter(|p| !old.contains(p)).copied().collect();
                self.unlink(subject);
                self.link(subject, new.clone());
                changes.push(ListChange { subject, side, old, new, written });
            }
        }
        self.stats = Some(stats);
        changes
    }

    /// The live place of `counterpart` in `subject`'s list (`None`: now excluded).
    fn place_now(&self, subject: Uuid, side: Side, counterpart: Uuid, stats: &mut Stats) -> Option<Ranked> {
        match side {
            Side::Talent => {
                let pair = self.pair_score(self.talents.get(&subject)?, self.offers.get(&counterpart)?, stats)?;
                Some(pair.place(counterpart, pair.appeal))
            }
            Side::Offer => {
                let pair = self.pair_score(self.talents.get(&counterpart)?, self.offers.get(&subject)?, stats)?;
                Some(pair.place(counterpart, pair.fit))
            }
            Side::Startup => {
                let (startup, programme) = (self.startups.get(&subject)?, self.programmes.get(&counterpart)?);
                Some(Ranked { counterpart, ..self.startup_place(startup, programme, stats) })
            }
            Side::Programme => {
                let (startup, programme) = (self.startups.get(&counterpart)?, self.programmes.get(&subject)?);
                Some(Ranked { counterpart, ..self.startup_place(startup, programme, stats) })
            }
        }
    }

    /// Recomputes the list of `id` and its counterparts' places; false if `id` is open to
    /// matching on no side (erased or closed).
    fn recompute_one(&mut self, id: Uuid, stats: &mut Stats, touched: &mut Touched) -> anyhow::Result<bool> {
        match self.side_of(id) {
            Some(Side::Talent) => self.recompute_talent(id, stats, touched)?,
            Some(Side::Offer) => self.recompute_offer(id, stats, touched)?,
            Some(Side::Startup) => self.recompute_startup(id, stats, touched),
            Some(Side::Programme) => self.recompute_programme(id, stats, touched)?,
            None => return Ok(false),
        }
        Ok(true)
    }

    /// A subject's list, explained: each place from the two entities and the relevance it was
    /// scored with, so each explanation's score is the place's own.
    pub fn explained_list(&self, subject: Uuid) -> Vec<Entry> {
        let Some(side) = self.side_of(subject) else { return Vec::new() };
        let mut entries = Vec::new();
        for place in self.list(subject) {
            match self.explain(subject, side, place) {
                Some(entry) => entries.push(entry),
                // Lists name only held entities (an erased one leaves them): not reached.
                None => {
                    tracing::error!(%subject, counterpart = %place.counterpart, "a listed pair cannot be explained")
                }
            }
        }
        entries
    }

    fn explain(&self, subject: Uuid, side: Side, place: &Ranked) -> Option<Entry> {
        let counterpart = place.counterpart;
        let pair = PairScore { fit: place.score, appeal: place.score, mutual: place.mutual, bm25: place.bm25 };
        match side {
            Side::Talent => {
                let (talent, offer) = (self.talents.get(&subject)?, self.offers.get(&counterpart)?);
                Some(self.appeal_entry(talent, offer, pair))
            }
            Side::Offer => {
                let (talent, offer) = (self.talents.get(&counterpart)?, self.offers.get(&subject)?);
                Some(self.fit_entry(talent, offer, pair))
            }
            Side::Startup => {
                let (startup, programme) = (self.startups.get(&subject)?, self.programmes.get(&counterpart)?);
                Some(Entry { counterpart, ..self.startup_entry(startup, programme, place.bm25) })
            }
            Side::Programme => {
                let (startup, programme) = (self.startups.get(&counterpart)?, self.programmes.get(&subject)?);
                Some(Entry { counterpart, ..self.startup_entry(startup, programme, place.bm25) })
            }
        }
    }

    fn set_list(&mut self, subject: Uuid, side: Side, list: Vec<Ranked>, touched: &mut Touched) {
        let old = self.unlink(subject);
        touched.before.entry(subject).or_insert((side, old));
        for place in &list {
            touched.written.insert((subject, place.counterpart));
        }
        self.link(subject, list);
    }

    /// Takes `subject`'s list out of the lists and out of its counterparts' holders.
    fn unlink(&mut self, subject: Uuid) -> Vec<Ranked> {
        let old = self.lists.remove(&subject).unwrap_or_default();
        for e in &old {
            if let Some(h) = self.holders.get_mut(&e.counterpart) {
                h.remove(&subject);
            }
        }
        old
    }

    /// Ranks `list` and puts it in as `subject`'s list, linked from its counterparts.
    fn link(&mut self, subject: Uuid, mut list: Vec<Ranked>) {
        rank(&mut list);
        for e in &list {
            self.holders.entry(e.counterpart).or_default().insert(subject);
        }
        if !list.is_empty() {
            self.lists.insert(subject, list);
        }
    }

    /// Puts `entry` into `subject`'s list (or takes the counterpart out when `None`).
    ///
    /// The list is copied once per recompute, for `touched.before`.
    fn update_entry(
        &mut self,
        subject: Uuid,
        side: Side,
        counterpart: Uuid,
        entry: Option<Ranked>,
        touched: &mut Touched,
    ) {
        let had = self.lists.get(&subject).is_some_and(|l| l.iter().any(|e| e.counterpart == counterpart));
        if entry.is_none() && !had {
            return;
        }
        let mut list = self.unlink(subject);
        touched.before.entry(subject).or_insert_with(|| (side, list.clone()));
        list.retain(|e| e.counterpart != counterpart);
        match entry {
            Some(entry) => {
                list.push(entry);
                touched.written.insert((subject, counterpart));
            }
            None => drop(touched.short.insert(subject)),
        }
        self.link(subject, list);
    }

    fn related_ids(&self, id: Uuid) -> BTreeSet<Uuid> {
        let mut ids: BTreeSet<Uuid> = self.holders.get(&id).map(|h| h.iter().copied().collect()).unwrap_or_default();
        ids.extend(self.list(id).iter().map(|e| e.counterpart));
        ids
    }

    /// Fit (offer's side) and appeal (talent's side) of one pair, or `None` if excluded.
    fn pair_score(&self, talent: &Talent, offer: &Offer, stats: &mut Stats) -> Option<PairScore> {
        let (profile, query) = (self.profiles.get(&talent.id.as_uuid())?, self.queries.get(&offer.id.as_uuid())?);
        let bm25 = stats.bm25(query, profile, &self.vocabulary);
        let fit = scoring::talent_offer_score(&self.taxonomy, talent, offer, bm25)?;
        let appeal = scoring::offer_appeal_score(talent, offer, bm25);
        Some(PairScore { fit, appeal, mutual: mutual(fit, appeal), bm25 })
    }

    /// The offer's entry for `talent`, ranked by fit, explained.
    fn fit_entry(&self, talent: &Talent, offer: &Offer, pair: PairScore) -> Entry {
        let explanation = scoring::talent_offer_explained(&self.taxonomy, talent, offer, pair.bm25);
        Entry {
            counterpart: talent.id.as_uuid(),
            score: explanation.score,
            mutual: pair.mutual,
            verdict: None,
            explanation,
        }
    }

    /// The talent's entry for `offer`, ranked by appeal, explained.
    fn appeal_entry(&self, talent: &Talent, offer: &Offer, pair: PairScore) -> Entry {
        let explanation = scoring::offer_appeal(talent, offer, pair.bm25);
        Entry {
            counterpart: offer.id.as_uuid(),
            score: explanation.score,
            mutual: pair.mutual,
            verdict: None,
            explanation,
        }
    }

    fn fate(&self, subject: Uuid, counterpart: Uuid, key: Option<(u8, f64)>) -> Fate {
        fate(self.list(subject), counterpart, key)
    }

    /// The best `TOP_K` of `scored` by `score`, best first.
    fn best(scored: &[(Uuid, Option<PairScore>)], score: impl Fn(&PairScore) -> f64) -> Vec<(Uuid, PairScore)> {
        let mut best: Vec<(Uuid, PairScore)> = scored.iter().filter_map(|(id, s)| Some((*id, (*s)?))).collect();
        best.sort_by(|a, b| order(&(UNCONDITIONAL, score(&a.1), a.0), &(UNCONDITIONAL, score(&b.1), b.0)));
        best.truncate(TOP_K);
        best
    }

    /// The live verdict and fit of a startup for a programme (`counterpart` left nil).
    pub fn startup_pair(&self, startup: &Startup, programme: &Programme, stats: &mut Stats) -> Entry {
        self.startup_entry(startup, programme, self.startup_bm25(startup, programme, stats))
    }

    fn startup_bm25(&self, startup: &Startup, programme: &Programme, stats: &mut Stats) -> f32 {
        match (self.profiles.get(&startup.id.as_uuid()), self.queries.get(&programme.id.as_uuid())) {
            (Some(p), Some(q)) => stats.bm25(q, p, &self.vocabulary),
            _ => 0.0,
        }
    }

    fn startup_entry(&self, startup: &Startup, programme: &Programme, bm25: f32) -> Entry {
        let (verdict, fit) = scoring::startup_programme(startup, programme, bm25);
        Entry {
            counterpart: Uuid::nil(),
            score: fit.score,
            mutual: fit.score,
            verdict: Some(verdict),
            explanation: fit,
        }
    }

    /// A startup–programme pair's place (`counterpart` left nil).
    fn startup_place(&self, startup: &Startup, programme: &Programme, stats: &mut Stats) -> Ranked {
        let bm25 = self.startup_bm25(startup, programme, stats);
        let entry = self.startup_entry(startup, programme, bm25);
        Ranked { counterpart: Uuid::nil(), score: entry.score, mutual: entry.mutual, class: entry.class(), bm25 }
    }

    /// The talents an offer's candidate query retrieves, and with `related` those in its list
    /// or holding it in theirs, each with its pair's numbers (`None`: excluded).
    fn offer_candidates(
        &self,
        id: Uuid,
        offer: &Offer,
        related: bool,
        stats: &mut Stats,
    ) -> anyhow::Result<Vec<(Uuid, Option<PairScore>)>> {
        let words = match self.queries.get(&id) {
            Some(query) => self.words([query.terms(0), query.terms(1)], stats),
            None => Words::default(),
        };
        let skills: Vec<_> = offer.skills().cloned().collect();
        let mut candidates: BTreeSet<Uuid> =
            Retriever::new(&self.index).candidates(DocKind::Talent, &skills, &words, CANDIDATES)?.into_iter().collect();
        if related {
            candidates.extend(self.related_ids(id));
        }
        Ok(candidates
            .into_iter()
            .filter_map(|talent_id| Some((talent_id, self.pair_score(self.talents.get(&talent_id)?, offer, stats))))
            .collect())
    }

    /// The offers a talent's candidate query retrieves, and with `related` those in its list
    /// or holding it in theirs, each with its pair's numbers (`None`: excluded).
    fn talent_candidates(
        &self,
        id: Uuid,
        talent: &Talent,
        related: bool,
        stats: &mut Stats,
    ) -> anyhow::Result<Vec<(Uuid, Option<PairScore>)>> {
        let words = match self.profiles.get(&id) {
            Some(profile) => self.words([&profile.terms(0), &profile.terms(1)], stats),
            None => Words::default(),
        };
        let skills: Vec<_> = talent.skills.iter().map(|s| s.skill.clone()).collect();
        let mut candidates: BTreeSet<Uuid> =
            Retriever::new(&self.index).candidates(DocKind::Offer, &skills, &words, CANDIDATES)?.into_iter().collect();
        if related {
            candidates.extend(self.related_ids(id));
        }
        Ok(candidates
            .into_iter()
            .filter_map(|offer_id| Some((offer_id, self.pair_score(talent, self.offers.get(&offer_id)?, stats))))
            .collect())
    }

    fn recompute_offer(&mut self, id: Uuid, stats: &mut Stats, touched: &mut Touched) -> anyhow::Result<()> {
        let Some(offer) = self.offers.get(&id).cloned() else { return Ok(()) };
        // Scored first, then applied: no candidate is copied to free `self` for the updates.
        let scored = self.offer_candidates(id, &offer, true, stats)?;
        let list: Vec<Ranked> = Self::best(&scored, |s| s.fit)
            .into_iter()
            .map(|(talent_id, pair)| pair.place(talent_id, pair.fit))
            .collect();
        for (talent_id, pair) in scored {
            match self.fate(talent_id, id, pair.map(|p| (UNCONDITIONAL, p.appeal))) {
                Fate::Untouched => {}
                Fate::Leaves => self.update_entry(talent_id, Side::Talent, id, None, touched),
                Fate::Enters => {
                    let place = pair.map(|p| p.place(id, p.appeal));
                    self.update_entry(talent_id, Side::Talent, id, place, touched);
                }
            }
        }
        self.set_list(id, Side::Offer, list, touched);
        Ok(())
    }

    fn recompute_talent(&mut self, id: Uuid, stats: &mut Stats, touched: &mut Touched) -> anyhow::Result<()> {
        let Some(talent) = self.talents.get(&id).cloned() else { return Ok(()) };
        let scored = self.talent_candidates(id, &talent, true, stats)?;
        let list: Vec<Ranked> = Self::best(&scored, |s| s.appeal)
            .into_iter()
            .map(|(offer_id, pair)| pair.place(offer_id, pair.appeal))
            .collect();
        for (offer_id, pair) in scored {
            match self.fate(offer_id, id, pair.map(|p| (UNCONDITIONAL, p.fit))) {
                Fate::Untouched => {}
                Fate::Leaves => self.update_entry(offer_id, Side::Offer, id, None, touched),
                Fate::Enters => {
                    let place = pair.map(|p| p.place(id, p.fit));
                    self.update_entry(offer_id, Side::Offer, id, place, touched);
                }
            }
        }
        self.set_list(id, Side::Talent, list, touched);
        Ok(())
    }

    /// The words of one side's analysed text its candidate query looks for: per language, the
    /// rarest in the index within [`POSTINGS_BUDGET`]. From the terms the engine holds, so a
    /// recomputation analyses no text again.
    fn words(&self, [italian, english]: [&[u32]; 2], stats: &mut Stats) -> Words {
        Words {
            italian: stats.rarest(italian, 0, POSTINGS_BUDGET, &self.vocabulary),
            english: stats.rarest(english, 1, POSTINGS_BUDGET, &self.vocabulary),
        }
    }

    /// Programmes are few: a startup is evaluated against every open one.
    fn recompute_startup(&mut self, id: Uuid, stats: &mut Stats, touched: &mut Touched) {
        let Some(startup) = self.startups.get(&id).cloned() else { return };
        // Ids, not clones: a programme is read where it is held, one at a time.
        let mut programmes: Vec<Uuid> = self.programmes.keys().copied().collect();
        programmes.sort();
        let mut list = Vec::new();
        for pid in programmes {
            let Some(programme) = self.programmes.get(&pid) else { continue };
            let place = self.startup_place(&startup, programme, stats);
            list.push(Ranked { counterpart: pid, ..place });
            // As for a programme's startups: only touch a programme's list when this startup
            // is in it or would enter it. Touching every one (500 at 10^5) made each startup
            // rewrite every programme's list, the slow, memory-heavy tail of a first fill.
            if self.would_hold(pid, id, &place) {
                self.update_entry(pid, Side::Programme, id, Some(Ranked { counterpart: id, ..place }), touched);
            }
        }
        self.set_list(id, Side::Startup, list, touched);
    }

    /// Every startup is evaluated: eligibility must not depend on text retrieval.
    fn recompute_programme(&mut self, id: Uuid, stats: &mut Stats, touched: &mut Touched) -> anyhow::Result<()> {
        let Some(programme) = self.programmes.get(&id).cloned() else { return Ok(()) };
        let mut startups: Vec<Startup> = self.startups.values().cloned().collect();
        startups.sort_by_key(|s| s.id);
        let mut list = Vec::new();
        for startup in startups {
            let sid = startup.id.as_uuid();
            let place = self.startup_place(&startup, &programme, stats);
            list.push(Ranked { counterpart: sid, ..place });
            // Only touch a startup's list when this programme is in it or would enter it.
            if self.would_hold(sid, id, &place) {
                self.update_entry(sid, Side::Startup, id, Some(Ranked { counterpart: id, ..place }), touched);
            }
        }
        // Every startup was scored: keep the top k before the list is linked and explained.
        rank(&mut list);
        self.set_list(id, Side::Programme, list, touched);
        Ok(())
    }

    /// Whether `subject`'s list holds `counterpart` now or would take it at `place`: it has
    /// room, or `place` ranks above its last.
    fn would_hold(&self, subject: Uuid, counterpart: Uuid, place: &Ranked) -> bool {
        let list = self.list(subject);
        list.iter().any(|e| e.counterpart == counterpart)
            || list.len() < TOP_K
            || list.last().is_some_and(|worst| (place.class, place.score) > (worst.class, worst.score))
    }

    /// The side of `subject`'s list `old`, also once `subject` is gone (erased or closed):
    /// the other side of its counterparts'.
    fn side_of_list(&self, subject: Uuid, old: &[Ranked]) -> Side {
        self.side_of(subject)
            .or_else(|| old.first().and_then(|p| self.side_of(p.counterpart)).map(Side::counterpart))
            .unwrap_or(Side::Talent)
    }

    /// An erased or closed entity leaves every list.
    fn remove(&mut self, id: Uuid, touched: &mut Touched) {
        let holders: Vec<Uuid> = self.holders.remove(&id).map(|h| h.into_iter().collect()).unwrap_or_default();
        for subject in holders {
            if let Some(side) = self.side_of(subject) {
                self.update_entry(subject, side, id, None, touched);
            }
        }
        if let Some(old) = self.lists.get(&id) {
            let side = self.side_of_list(id, old);
            self.set_list(id, side, Vec::new(), touched);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(counterpart: u128, class: u8, score: f64) -> Entry {
        let verdict = match class {
            0 => Some(Verdict::NotEligible(vec![])),
            1 => Some(Verdict::EligibleIf(vec![])),
            _ => None,
        };
        Entry {
            counterpart: Uuid::from_u128(counterpart),
            score,
            mutual: score,
            verdict,
            explanation: Explained { score, factors: vec![] },
        }
    }

    /// What a list place costs in memory, as the bounds table says: 20 places of 10^5
    /// subjects are 80 MB.
    #[test]
    fn a_place_is_forty_bytes() {
        assert_eq!(std::mem::size_of::<Ranked>(), 40);
    }

    /// A batch that failed after applying gives its entities back their earlier versions, so
    /// its redelivery is applied again instead of skipped as already held.
    #[test]
    fn restored_versions_let_a_redelivered_batch_apply_again() {
        #![allow(clippy::unwrap_used, reason = "test")]
        let taxonomy = Arc::new(crocevia_search::taxonomy::Taxonomy::new(vec![]));
        let mut engine = Engine::new(SearchIndex::in_ram(taxonomy).unwrap());
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/demo/talents.json");
        let talents: Vec<crocevia_domain::Talent> =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let talent = crocevia_domain::Entity::Talent(talents[0].clone());
        let meta = EventMeta {
            event_id: Uuid::now_v7(),
            entity_kind: crocevia_domain::EntityKind::Talent,
            entity_id: talent.id(),
            entity_version: 1,
            occurred_at: chrono::Utc::now(),
            correlation_id: "t".into(),
        };
        let change = Change::Upserted(talent);
        let before = vec![(meta.entity_id, engine.version_of(meta.entity_id))];
        assert!(engine.apply(&meta, &change).unwrap());
        assert!(!engine.apply(&meta, &change).unwrap(), "held: a redelivery is skipped");
        engine.restore_versions(before);
        assert_eq!(engine.version_of(meta.entity_id), None);
        assert!(engine.apply(&meta, &change).unwrap(), "after a failed batch, applied again");
    }

    proptest! {
        /// Deciding on the numbers gives what putting the entry in and ranking gave: an
        /// untouched list stays as it was, a leaving counterpart is gone, an entering one is in.
        #[test]
        fn fate_agrees_with_inserting_and_ranking(
            others in proptest::collection::vec((0u128..40, 0u8..3, 0u32..20), 0..30),
            counterpart in 0u128..40,
            new in proptest::option::of((0u8..3, 0u32..20)),
        ) {
            let mut list: Vec<Entry> = others.iter().map(|(id, c, s)| entry(*id, *c, f64::from(*s) / 20.0)).collect();
            list.sort_by_key(|e| e.counterpart);
            list.dedup_by_key(|e| e.counterpart);
            rank(&mut list);
            let id = Uuid::from_u128(counterpart);
            let new_entry = new.map(|(c, s)| entry(counterpart, c, f64::from(s) / 20.0));
            let mut ranked = list.clone();
            ranked.retain(|e| e.counterpart != id);
            ranked.extend(new_entry.clone());
            rank(&mut ranked);
            let without: Vec<Entry> = list.iter().filter(|e| e.counterpart != id).cloned().collect();
            let places: Vec<Ranked> = list
                .iter()
                .map(|e| Ranked { counterpart: e.counterpart, score: e.score, mutual: e.mutual, class: e.class(), bm25: 0.0 })
                .collect();
            match fate(&places, id, new_entry.as_ref().map(|e| (e.class(), e.score))) {
                Fate::Untouched => prop_assert_eq!(&ranked, &list),
                Fate::Leaves => prop_assert_eq!(&ranked, &without),
                Fate::Enters => prop_assert!(ranked.iter().any(|e| e.counterpart == id)),
            }
        }
    }
}
