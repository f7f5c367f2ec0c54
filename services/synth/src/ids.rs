//! Deterministic v7 UUIDs: a fixed base time plus a strictly increasing offset keeps every id
//! unique and time-ordered without a set of issued ids; the remaining bits come from the seed.

use crate::rng::Rng;
use uuid::{Builder, Uuid};

/// 2026-11-01T08:00:00Z, a few weeks before the data set's "today" (2026-11-29).
const BASE_MILLIS: u64 = 1_793_520_000_000;

#[derive(Debug)]
pub(crate) struct IdGen {
    rng: Rng,
    millis: u64,
}

impl IdGen {
    pub(crate) fn new(seed: u64) -> Self {
        Self { rng: Rng::stream(seed, "ids"), millis: BASE_MILLIS }
    }

    pub(crate) fn next(&mut self) -> Uuid {
        // A small random step looks like real creation times and still never repeats.
        self.millis += 1 + self.rng.between(0, 40);
        let mut bytes = [0u8; 10];
        self.rng.fill_bytes(&mut bytes);
        Builder::from_unix_timestamp_millis(self.millis, &bytes).into_uuid()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_v7_increasing_and_seeded() {
        let mut ids = IdGen::new(1);
        let (a, b) = (ids.next(), ids.next());
        assert_eq!(a.get_version_num(), 7);
        assert_eq!(a.get_variant(), uuid::Variant::RFC4122);
        assert!(a < b);
        assert_ne!(IdGen::new(1).next(), IdGen::new(2).next());
        assert_eq!(IdGen::new(3).next(), IdGen::new(3).next());
    }
}
