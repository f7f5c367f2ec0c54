//! Match events: one per counterpart that entered, left or moved in a subject's list.

use crate::engine::{ListChange, Ranked};
use chrono::Utc;
use crocevia_proto::v1::MatchChanged;
use prost::Message;
use std::collections::BTreeSet;

fn find(list: &[Ranked], id: uuid::Uuid) -> (u32, f64) {
    list.iter().position(|e| e.counterpart == id).map_or((0, 0.0), |i| (i as u32 + 1, list[i].score))
}

/// The events of one list change, keyed by subject id.
pub fn of(change: &ListChange, correlation_id: &str) -> Vec<(String, MatchChanged)> {
    let now = Utc::now();
    let ids: BTreeSet<uuid::Uuid> = change.old.iter().chain(&change.new).map(|e| e.counterpart).collect();
    let mut out = Vec::new();
    for id in ids {
        let ((old_rank, old_score), (new_rank, new_score)) = (find(&change.old, id), find(&change.new, id));
        if old_rank == new_rank && old_score == new_score {
            continue;
        }
        let event = MatchChanged {
            event_id: uuid::Uuid::now_v7().to_string(),
            subject_kind: change.side.as_str().to_owned(),
            subject_id: change.subject.to_string(),
            counterpart_kind: change.side.counterpart().as_str().to_owned(),
            counterpart_id: id.to_string(),
            old_rank,
            new_rank,
            old_score,
            new_score,
            occurred_at: Some(timestamp(now)),
            correlation_id: correlation_id.to_owned(),
        };
        out.push((change.subject.to_string(), event));
    }
    out
}

/// `at` to the nanosecond, as the profiles events' `occurred_at`: events of one second keep
/// their order for a reader that sorts by time.
fn timestamp(at: chrono::DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp { seconds: at.timestamp(), nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or(0) }
}

/// The events of a change that only scored the same places again: a counterpart that moved to
/// another rank is news, a score that moved in its place is not.
pub fn moves(change: &ListChange, correlation_id: &str) -> Vec<(String, MatchChanged)> {
    of(change, correlation_id).into_iter().filter(|(_, e)| e.old_rank != e.new_rank).collect()
}

pub fn encode(event: &MatchChanged) -> Vec<u8> {
    event.encode_to_vec()
}

pub fn decode(bytes: &[u8]) -> Result<MatchChanged, prost::DecodeError> {
    MatchChanged::decode(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn event_times_keep_their_fraction_of_a_second() {
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 123_456_789).unwrap_or_default();
        let ts = super::timestamp(at);
        assert_eq!((ts.seconds, ts.nanos), (1_800_000_000, 123_456_789));
    }
}
