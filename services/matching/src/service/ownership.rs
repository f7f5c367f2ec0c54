//! Which subjects' lists this member keeps, when matching runs as several members.
//!
//! Every member applies every change (it reads every partition of the profiles topic in a
//! consumer group of its own), so each holds the whole corpus and computes every list as a
//! single member would. What the members split is what follows from a list: storing it,
//! writing its match events, and publishing them. A member's share is every n-th partition
//! among the n live members of the group ([`crate::members`]), and a subject belongs to
//! partition `crc32(id) mod partitions`; when a member leaves, or dies and its session
//! ends, the others' shares grow and they store from then on (after catching up:
//! [`super::MatchingService::take_over`]).
//!
//! One member, the one holding partition 0, publishes the match outbox (every member writes
//! its lists' events into it): one publisher keeps the topic in outbox order, each event once.

use std::collections::BTreeSet;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ownership {
    /// The only member (the embedded mode, or a single `serve matching`).
    All,
    /// A member of a group: `held` of `partitions`. Empty while the group rebalances.
    Share { partitions: u32, held: BTreeSet<u32> },
}

impl Ownership {
    /// The partition a subject's list belongs to.
    pub fn partition(subject: Uuid, partitions: u32) -> u32 {
        crc32fast::hash(subject.as_bytes()) % partitions.max(1)
    }

    pub fn owns(&self, subject: Uuid) -> bool {
        match self {
            Ownership::All => true,
            Ownership::Share { partitions, held } => held.contains(&Self::partition(subject, *partitions)),
        }
    }

    /// Whether this member publishes the match outbox.
    pub fn publishes(&self) -> bool {
        match self {
            Ownership::All => true,
            Ownership::Share { held, .. } => held.contains(&0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_holding_every_partition_between_them_own_each_subject_once() {
        let shares = [BTreeSet::from([0, 2, 4]), BTreeSet::from([1, 3, 5])];
        let members: Vec<Ownership> =
            shares.iter().map(|held| Ownership::Share { partitions: 6, held: held.clone() }).collect();
        for _ in 0..1000 {
            let subject = Uuid::now_v7();
            assert_eq!(members.iter().filter(|m| m.owns(subject)).count(), 1);
        }
        assert_eq!(members.iter().filter(|m| m.publishes()).count(), 1);
        let rebalancing = Ownership::Share { partitions: 6, held: BTreeSet::new() };
        assert!(!rebalancing.owns(Uuid::now_v7()) && !rebalancing.publishes());
        assert!(Ownership::All.owns(Uuid::now_v7()) && Ownership::All.publishes());
    }
}
