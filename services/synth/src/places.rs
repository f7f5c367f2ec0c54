//! Comuni drawn by population, and the calendar the data set lives in.

use crate::rng::Rng;
use chrono::{Days, NaiveDate};
use crocevia_domain::{ComuneId, place};

/// The comuni of the metro area with cumulative populations, for weighted draws in O(log n).
#[derive(Debug)]
pub(crate) struct Comuni {
    ids: Vec<ComuneId>,
    cumulative: Vec<u64>,
}

impl Comuni {
    /// `None` only if the domain's comuni table were empty.
    pub(crate) fn new() -> Option<Self> {
        let (mut ids, mut cumulative, mut total) = (Vec::new(), Vec::new(), 0u64);
        for c in place::all() {
            if let Ok(id) = ComuneId::new(c.id) {
                total += u64::from(c.population.max(1));
                ids.push(id);
                cumulative.push(total);
            }
        }
        (!ids.is_empty()).then_some(Self { ids, cumulative })
    }

    pub(crate) fn pick(&self, rng: &mut Rng) -> ComuneId {
        let total = self.cumulative.last().copied().unwrap_or(1);
        let r = rng.between(0, total - 1);
        // `new` refuses an empty table, so the index is always in range.
        self.ids[self.cumulative.partition_point(|&c| c <= r).min(self.ids.len() - 1)].clone()
    }

    /// The display name of a comune id, e.g. "Settimo Torinese".
    pub(crate) fn name(id: &ComuneId) -> &'static str {
        id.comune().name
    }
}

pub(crate) fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

/// The data set's "today": offers are posted before it, deadlines and cohorts come after.
pub(crate) fn today() -> NaiveDate {
    ymd(2026, 11, 29)
}

pub(crate) fn plus_days(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).unwrap_or(date)
}

pub(crate) fn minus_days(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_sub_days(Days::new(days)).unwrap_or(date)
}

/// A uniform date in `from..=to`.
pub(crate) fn date_between(rng: &mut Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = u64::try_from((to - from).num_days()).unwrap_or(0);
    plus_days(from, rng.between(0, span))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torino_gets_about_half_and_names_resolve() {
        let comuni = Comuni::new().unwrap();
        let mut rng = Rng::new(5);
        let torino = (0..10_000).filter(|_| comuni.pick(&mut rng).as_str() == "torino").count();
        assert!((4_000..6_000).contains(&torino), "{torino}");
        assert_eq!(Comuni::name(&ComuneId::new("settimo-torinese").unwrap()), "Settimo Torinese");
    }

    #[test]
    fn dates_stay_in_range() {
        let mut rng = Rng::new(5);
        let (from, to) = (ymd(2026, 12, 1), ymd(2027, 9, 30));
        assert!((0..1000).map(|_| date_between(&mut rng, from, to)).all(|d| d >= from && d <= to));
        assert_eq!(date_between(&mut rng, to, from), to);
    }
}
