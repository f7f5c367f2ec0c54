//! The first fill: every list computed at once, from both directions, once every entity is
//! held.
//!
//! Fed change by change, a first start after an import recomputed each entity's list as it
//! arrived, against a corpus that did not hold its counterparts yet: talents come before
//! offers, so a talent's own retrieval found nothing and its list was only what offers pushed
//! in later (71% of the places of a 10^5 fill differed from a rematch), and every arrival
//! rewrote dozens of lists (about 3 million list changes and their events for 10^5 talents).
//! The fill instead retrieves once per offer, talent and programme against the whole corpus
//! and keeps, for every list, the best places found from either side; each list is stored once.
//!
//! A list then holds the best of every pair either side's retrieval found, which is what a
//! rematch keeps too (it only scores pairs among those again): a rematch right after a fill
//! changes nothing (see the service's tests).

use super::{CANDIDATES, Engine, ListChange, Ranked, Ranks, Side, TOP_K, order, rank};
use crate::text::Stats;
use foldhash::HashMap;
use std::collections::BTreeSet;
use uuid::Uuid;

/// Pairs scored under one hold of the engine, at most (an offer or a talent counts for its
/// [`CANDIDATES`], a programme for every startup): a chunk's places before they are kept or
/// dropped are about 20 MB (64 bytes a place, two a pair), and a hold lasts about a second.
/// Counted in subjects, a chunk of programmes held every startup's place for each of them:
/// 5 million places, 320 MB, at 10^5.
pub const FILL_PAIRS: usize = 150_000;

/// The best places found so far for each subject's list, from either side's retrieval:
/// [`TOP_K`] places (40 bytes each) per subject at most, the lists the engine then holds.
#[derive(Debug, Default)]
pub struct Tops {
    lists: HashMap<Uuid, (Side, Vec<Ranked>)>,
}

impl Tops {
    /// Keeps `place` in `subject`'s list if the list has room or it ranks above its last. A
    /// pair found from both sides is scored the same both times: the first is kept.
    pub fn offer(&mut self, subject: Uuid, side: Side, place: Ranked) {
        let (_, list) = self.lists.entry(subject).or_insert_with(|| (side, Vec::with_capacity(TOP_K)));
        if list.iter().any(|p| p.counterpart == place.counterpart) {
            return;
        }
        if list.len() < TOP_K {
            list.push(place);
            return;
        }
        let worst = list.iter().enumerate().max_by(|a, b| order(&a.1.key(), &b.1.key())).map(|(i, _)| i);
        if let Some(i) = worst
            && order(&place.key(), &list[i].key()).is_lt()
        {
            list[i] = place;
        }
    }

    /// Takes `subject`'s list out, ranked.
    fn take(&mut self, subject: Uuid) -> Option<(Side, Vec<Ranked>)> {
        let (side, mut list) = self.lists.remove(&subject)?;
        rank(&mut list);
        Some((side, list))
    }
}

impl Engine {
    /// The subjects a fill retrieves for (offers, talents, programmes), in chunks of at most
    /// [`FILL_PAIRS`] pairs (one subject at least).
    pub fn fill_chunks(&self) -> Vec<Vec<Uuid>> {
        let startups = self.startups.len().max(1);
        let (mut chunks, mut chunk, mut pairs) = (Vec::new(), Vec::new(), 0);
        for side in [Side::Offer, Side::Talent, Side::Programme] {
            let cost = if side == Side::Programme { startups } else { CANDIDATES };
            for subject in self.subjects(side) {
                if !chunk.is_empty() && pairs + cost > FILL_PAIRS {
                    chunks.push(std::mem::take(&mut chunk));
                    pairs = 0;
                }
                chunk.push(subject);
                pairs += cost;
            }
        }
        if !chunk.is_empty() {
            chunks.push(chunk);
        }
        chunks
    }

    /// The statistics of the committed index, one copy per scoring thread (each keeps its own
    /// cache of term statistics, bounded by the vocabulary).
    pub fn fill_stats(&mut self, threads: usize) -> Vec<Stats> {
        let stats = self.current_stats();
        let mut all = vec![stats.clone(); threads.max(1) - 1];
        all.push(stats);
        all
    }

    /// Retrieves and scores the pairs of `subjects` on one thread per `stats`, and offers
    /// every pair's two places to `tops`. Reads the engine only. Gives up, offering nothing,
    /// once `stopped()` (checked before each subject: a chunk takes seconds in a debug build).
    pub fn fill_chunk(
        &self,
        subjects: &[Uuid],
        stats: &mut [Stats],
        tops: &mut Tops,
        stopped: &(dyn Fn() -> bool + Sync),
    ) -> anyhow::Result<()> {
        let per = subjects.len().div_ceil(stats.len().max(1)).max(1);
        let found: Vec<anyhow::Result<Vec<(Uuid, Side, Ranked)>>> = std::thread::scope(|scope| {
            let workers: Vec<_> = subjects
                .chunks(per)
                .zip(stats.iter_mut())
                .map(|(part, stats)| {
                    scope.spawn(move || {
                        let mut places = Vec::new();
                        for &subject in part {
                            if stopped() {
                                anyhow::bail!("stopping: the fill starts again at the next start");
                            }
                            self.found(subject, stats, &mut places)?;
                        }
                        Ok(places)
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().unwrap_or_else(|_| Err(anyhow::anyhow!("a fill thread panicked"))))
                .collect()
        });
        for places in found {
            for (subject, side, place) in places? {
                tops.offer(subject, side, place);
            }
        }
        Ok(())
    }

    /// The two places of every pair `subject`'s retrieval finds (every startup, for a
    /// programme): (list's subject, its side, place).
    fn found(&self, subject: Uuid, stats: &mut Stats, out: &mut Vec<(Uuid, Side, Ranked)>) -> anyhow::Result<()> {
        match self.side_of(subject) {
            Some(Side::Offer) => {
                let Some(offer) = self.offers.get(&subject) else { return Ok(()) };
                for (talent, pair) in self.offer_candidates(subject, offer, false, stats)? {
                    if let Some(pair) = pair {
                        out.push((subject, Side::Offer, pair.place(talent, pair.fit)));
                        out.push((talent, Side::Talent, pair.place(subject, pair.appeal)));
                    }
                }
            }
            Some(Side::Talent) => {
                let Some(talent) = self.talents.get(&subject) else { return Ok(()) };
                for (offer, pair) in self.talent_candidates(subject, talent, false, stats)? {
                    if let Some(pair) = pair {
                        out.push((subject, Side::Talent, pair.place(offer, pair.appeal)));
                        out.push((offer, Side::Offer, pair.place(subject, pair.fit)));
                    }
                }
            }
            Some(Side::Programme) => {
                let Some(programme) = self.programmes.get(&subject) else { return Ok(()) };
                for (&startup_id, startup) in &self.startups {
                    let place = self.startup_place(startup, programme, stats);
                    out.push((subject, Side::Programme, Ranked { counterpart: startup_id, ..place }));
                    out.push((startup_id, Side::Startup, Ranked { counterpart: subject, ..place }));
                }
            }
            Some(Side::Startup) | None => {}
        }
        Ok(())
    }

    /// Every subject whose list a fill sets: each one matching holds, and each that holds a
    /// list but is gone (erased or closed since a fill that was cut short), whose list empties.
    pub fn fill_targets(&self) -> Vec<Uuid> {
        let mut all: BTreeSet<Uuid> = self.lists.keys().copied().collect();
        for side in [Side::Talent, Side::Offer, Side::Startup, Side::Programme] {
            all.extend(self.subjects(side));
        }
        all.into_iter().collect()
    }

    /// Puts the fill's lists of `subjects` in (an empty one where it found nothing); returns
    /// those that changed, every place written.
    pub fn install(&mut self, subjects: &[Uuid], tops: &mut Tops) -> Vec<ListChange> {
        let mut changes = Vec::new();
        for &subject in subjects {
            let old = self.unlink(subject);
            let (side, new) = tops.take(subject).unwrap_or_else(|| (self.side_of_list(subject, &old), Vec::new()));
            self.link(subject, new.clone());
            if old != new {
                changes.push(ListChange { subject, side, old, written: new.clone(), new });
            }
        }
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(id: u128, score: f64) -> Ranked {
        Ranked { counterpart: Uuid::from_u128(id), score, mutual: score, class: 2, bm25: 0.0 }
    }

    /// Offering places one by one keeps what ranking them all and keeping the top k keeps.
    #[test]
    fn tops_keep_the_best_k_of_everything_offered() {
        let subject = Uuid::from_u128(1_000);
        let mut tops = Tops::default();
        let mut all = Vec::new();
        for i in 0..200u128 {
            // Scores in a scrambled order, some equal (ties rank by counterpart).
            let p = place(i, ((i * 37) % 101) as f64 / 100.0);
            all.push(p);
            tops.offer(subject, Side::Offer, p);
            tops.offer(subject, Side::Offer, p);
        }
        rank(&mut all);
        assert_eq!(tops.take(subject).map(|(_, l)| l), Some(all));
    }
}
