//! The deadline facet counted in the query's one pass over its matches: five ranges of the
//! deadline fast field, instead of five more searches of the same query (each a full pass).

use crate::document::days;
use chrono::NaiveDate;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentReader};

/// The buckets' names, in the order of their counts.
pub const NAMES: [&str; 5] = ["past", "within_7_days", "within_30_days", "within_90_days", "later"];

/// Inclusive day ranges (days since 1970) of the buckets, as of `today`.
type Ranges = [(Option<i64>, Option<i64>); 5];

fn ranges(today: NaiveDate) -> Ranges {
    let t = days(today);
    [
        (None, Some(t - 1)),
        (Some(t), Some(t + 7)),
        (Some(t + 8), Some(t + 30)),
        (Some(t + 31), Some(t + 90)),
        (Some(t + 91), None),
    ]
}

fn within(value: i64, (lower, upper): (Option<i64>, Option<i64>)) -> bool {
    lower.is_none_or(|l| value >= l) && upper.is_none_or(|u| value <= u)
}

/// Counts the matches whose deadline falls in each bucket (a match without one in none).
#[derive(Debug, Clone, Copy)]
pub struct DeadlineBuckets {
    ranges: Ranges,
}

impl DeadlineBuckets {
    pub fn new(today: NaiveDate) -> Self {
        Self { ranges: ranges(today) }
    }
}

pub struct SegmentBuckets {
    column: Option<Column<i64>>,
    ranges: Ranges,
    counts: [u64; 5],
}

impl Collector for DeadlineBuckets {
    type Fruit = [u64; 5];
    type Child = SegmentBuckets;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<SegmentBuckets> {
        Ok(SegmentBuckets { column: segment.fast_fields().i64("deadline").ok(), ranges: self.ranges, counts: [0; 5] })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<[u64; 5]>) -> tantivy::Result<[u64; 5]> {
        let mut total = [0; 5];
        for fruit in fruits {
            for (t, n) in total.iter_mut().zip(fruit) {
                *t += n;
            }
        }
        Ok(total)
    }
}

impl SegmentCollector for SegmentBuckets {
    type Fruit = [u64; 5];

    fn collect(&mut self, doc: DocId, _: Score) {
        let Some(column) = &self.column else { return };
        for (count, range) in self.counts.iter_mut().zip(self.ranges) {
            if column.values_for_doc(doc).any(|v| within(v, range)) {
                *count += 1;
            }
        }
    }

    fn harvest(self) -> [u64; 5] {
        self.counts
    }
}
