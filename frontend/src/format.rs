//! Dates, numbers and money in the reader's locale: `29 nov 2026` and `1.234,5` in Italian,
//! `29 Nov 2026` and `1,234.5` in English. Pure Rust, so the same rules hold in every browser.

use crate::i18n::Lang;
use chrono::{NaiveDate, NaiveDateTime, Timelike};

// The services write their reasons with the same rules.
use crocevia_domain::say::month_short;
pub use crocevia_domain::say::{date, euros, number};

/// Today in the browser's time zone.
pub fn today() -> NaiveDate {
    let d = js_sys::Date::new_0();
    NaiveDate::from_ymd_opt(d.get_full_year() as i32, d.get_month() + 1, d.get_date()).unwrap_or_default()
}

/// A month key (`YYYY-MM`) as its short name and its year, for a chart's axis; `None` for
/// anything else.
pub fn month_parts(lang: Lang, key: &str) -> Option<(&'static str, i32)> {
    let (year, month) = key.split_once('-')?;
    let year: i32 = year.parse().ok()?;
    let month: u32 = month.parse().ok()?;
    let name = month_short(lang, month.checked_sub(1)?);
    (!name.is_empty()).then_some((name, year))
}

/// A month key (`YYYY-MM`) in words: `ott 2026`, `Oct 2026`; anything else as it came.
pub fn month(lang: Lang, key: &str) -> String {
    match month_parts(lang, key) {
        Some((m, y)) => format!("{m} {y}"),
        None => key.to_owned(),
    }
}

/// A moment as the reader's clock shows it: `29 nov 2026, 14:05`.
pub fn date_time(lang: Lang, t: NaiveDateTime) -> String {
    format!("{}, {:02}:{:02}", date(lang, t.date()), t.hour(), t.minute())
}

/// An RFC 3339 timestamp from the API in the browser's time zone, formatted; anything else is
/// shown as it came.
pub fn timestamp(lang: Lang, rfc3339: &str) -> String {
    let Ok(t) = chrono::DateTime::parse_from_rfc3339(rfc3339) else {
        return rfc3339.to_owned();
    };
    let utc = t.naive_utc();
    // The offset in force at that moment, as the browser knows it (minutes behind UTC).
    let behind = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t.timestamp_millis() as f64)).get_timezone_offset();
    let local = utc - chrono::Duration::minutes(behind as i64);
    date_time(lang, local)
}

/// Formats an ISO date (`YYYY-MM-DD`) from the API; anything else is shown as it came.
pub fn iso_date(lang: Lang, iso: &str) -> String {
    match NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
        Ok(d) => date(lang, d),
        Err(_) => iso.to_owned(),
    }
}

/// A share from 0 to 1 as a whole percentage.
pub fn percent(lang: Lang, share: f64) -> String {
    format!("{}%", number(lang, (share * 100.0).clamp(0.0, 100.0), 0))
}

pub fn km(lang: Lang, km: f64) -> String {
    format!("{} km", number(lang, km, if km < 10.0 { 1 } else { 0 }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_follow_the_locale() {
        assert_eq!(date(Lang::It, d(2026, 11, 29)), "29 nov 2026");
        assert_eq!(date(Lang::En, d(2026, 11, 29)), "29 Nov 2026");
        assert_eq!(iso_date(Lang::It, "2027-01-05"), "5 gen 2027");
        assert_eq!(iso_date(Lang::En, "soon"), "soon");
    }

    #[test]
    fn numbers_group_and_separate_by_locale() {
        assert_eq!(number(Lang::It, 1234.5, 1), "1.234,5");
        assert_eq!(number(Lang::En, 1234.5, 1), "1,234.5");
        assert_eq!(number(Lang::It, 1_000_000.0, 0), "1.000.000");
        assert_eq!(number(Lang::En, 999.0, 0), "999");
        assert_eq!(number(Lang::It, -0.04, 1), "0,0");
        assert_eq!(number(Lang::En, -12.0, 0), "-12");
    }

    #[test]
    fn months_and_moments_follow_the_locale() {
        assert_eq!(month(Lang::It, "2026-10"), "ott 2026");
        assert_eq!(month(Lang::En, "2026-10"), "Oct 2026");
        assert_eq!(month_parts(Lang::It, "2027-01"), Some(("gen", 2027)));
        assert_eq!(month(Lang::En, "2026-13"), "2026-13");
        assert_eq!(month(Lang::En, "other"), "other");
        assert_eq!(month_parts(Lang::En, "2026-00"), None);
        let t = d(2026, 11, 29).and_hms_opt(9, 5, 0).unwrap();
        assert_eq!(date_time(Lang::It, t), "29 nov 2026, 09:05");
        assert_eq!(date_time(Lang::En, t), "29 Nov 2026, 09:05");
    }

    #[test]
    fn money_distance_and_shares() {
        assert_eq!(euros(Lang::It, 32000.0), "32.000 €");
        assert_eq!(euros(Lang::En, 32000.0), "€32,000");
        assert_eq!(km(Lang::It, 3.25), "3,2 km");
        assert_eq!(km(Lang::En, 12.6), "13 km");
        assert_eq!(percent(Lang::It, 0.876), "88%");
        assert_eq!(percent(Lang::En, 1.7), "100%");
    }
}
