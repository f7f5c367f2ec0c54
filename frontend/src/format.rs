//! Dates, numbers and money in the reader's locale: `29 nov 2026` and `1.234,5` in Italian,
//! `29 Nov 2026` and `1,234.5` in English. Pure Rust, so the same rules hold in every browser.

use crate::i18n::Lang;
use chrono::{Datelike, NaiveDate};

const MONTHS_IT: [&str; 12] = ["gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"];
const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Today in the browser's time zone.
pub fn today() -> NaiveDate {
    let d = js_sys::Date::new_0();
    NaiveDate::from_ymd_opt(d.get_full_year() as i32, d.get_month() + 1, d.get_date()).unwrap_or_default()
}

pub fn date(lang: Lang, d: NaiveDate) -> String {
    let months = match lang {
        Lang::It => &MONTHS_IT,
        Lang::En => &MONTHS_EN,
    };
    let month = months.get(d.month0() as usize).copied().unwrap_or("");
    format!("{} {} {}", d.day(), month, d.year())
}

/// Formats an ISO date (`YYYY-MM-DD`) from the API; anything else is shown as it came.
pub fn iso_date(lang: Lang, iso: &str) -> String {
    match NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
        Ok(d) => date(lang, d),
        Err(_) => iso.to_owned(),
    }
}

/// A number with `decimals` digits after the separator and grouped thousands.
pub fn number(lang: Lang, value: f64, decimals: usize) -> String {
    let (group, point) = match lang {
        Lang::It => ('.', ','),
        Lang::En => (',', '.'),
    };
    let text = format!("{:.*}", decimals, value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((text.as_str(), ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(c);
    }
    let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    if frac.is_empty() { format!("{sign}{grouped}") } else { format!("{sign}{grouped}{point}{frac}") }
}

/// A share from 0 to 1 as a whole percentage.
pub fn percent(lang: Lang, share: f64) -> String {
    format!("{}%", number(lang, (share * 100.0).clamp(0.0, 100.0), 0))
}

pub fn km(lang: Lang, km: f64) -> String {
    format!("{} km", number(lang, km, if km < 10.0 { 1 } else { 0 }))
}

pub fn euros(lang: Lang, amount: f64) -> String {
    match lang {
        Lang::It => format!("{} €", number(lang, amount, 0)),
        Lang::En => format!("€{}", number(lang, amount, 0)),
    }
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
    fn money_distance_and_shares() {
        assert_eq!(euros(Lang::It, 32000.0), "32.000 €");
        assert_eq!(euros(Lang::En, 32000.0), "€32,000");
        assert_eq!(km(Lang::It, 3.25), "3,2 km");
        assert_eq!(km(Lang::En, 12.6), "13 km");
        assert_eq!(percent(Lang::It, 0.876), "88%");
        assert_eq!(percent(Lang::En, 1.7), "100%");
    }
}
