//! Numbers, money, dates and language names as people read them in Italian and English:
//! `1.234,5`, `50.000 €`, `1 mar 2027` and `inglese` against `1,234.5`, `€50,000`,
//! `1 Mar 2027` and `English`. The services write their reasons with these and the web app
//! draws its pages with them, so an amount reads the same wherever it is shown.

use chrono::{Datelike, NaiveDate};

/// A reader's language; Italian first, as in Torino.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    It,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::It => "it",
            Lang::En => "en",
        }
    }

    /// The language of a code such as `it`, `en-GB` or `IT`.
    pub fn from_code(code: &str) -> Option<Self> {
        match code.get(..2).map(str::to_ascii_lowercase).as_deref() {
            Some("it") => Some(Lang::It),
            Some("en") => Some(Lang::En),
            _ => None,
        }
    }

    pub fn other(self) -> Self {
        match self {
            Lang::It => Lang::En,
            Lang::En => Lang::It,
        }
    }

    /// Picks the Italian or the English of a pair, as the API sends bilingual reasons.
    pub fn pick<'a>(self, it: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::It => it,
            Lang::En => en,
        }
    }
}

const MONTHS_IT: [&str; 12] = ["gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"];
const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A month's short name (`month0`: 0 for January); empty past December.
pub fn month_short(lang: Lang, month0: u32) -> &'static str {
    let months = match lang {
        Lang::It => &MONTHS_IT,
        Lang::En => &MONTHS_EN,
    };
    months.get(month0 as usize).copied().unwrap_or("")
}

/// `1 mar 2027`, `1 Mar 2027`.
pub fn date(lang: Lang, d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), month_short(lang, d.month0()), d.year())
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

/// Whole euros: `50.000 €`, `€50,000`.
pub fn euros(lang: Lang, amount: f64) -> String {
    match lang {
        Lang::It => format!("{} €", number(lang, amount, 0)),
        Lang::En => format!("€{}", number(lang, amount, 0)),
    }
}

/// A language's name from its ISO 639-1 code (`en`: `inglese`, `English`); a code without
/// a name here is shown in capitals.
pub fn language(lang: Lang, code: &str) -> String {
    let [it, en] = match code {
        "it" => ["italiano", "Italian"],
        "en" => ["inglese", "English"],
        "fr" => ["francese", "French"],
        "de" => ["tedesco", "German"],
        "es" => ["spagnolo", "Spanish"],
        "pt" => ["portoghese", "Portuguese"],
        "zh" => ["cinese", "Chinese"],
        "ar" => ["arabo", "Arabic"],
        "hi" => ["hindi", "Hindi"],
        "ru" => ["russo", "Russian"],
        "ro" => ["rumeno", "Romanian"],
        other => return other.to_uppercase(),
    };
    lang.pick(it, en).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(say: impl Fn(Lang) -> String) -> (String, String) {
        (say(Lang::It), say(Lang::En))
    }

    #[test]
    fn amounts_dates_and_languages_read_as_each_language_writes_them() {
        assert_eq!(both(|l| euros(l, 50_000.0)), ("50.000 €".to_owned(), "€50,000".to_owned()));
        assert_eq!(both(|l| number(l, -1234.5, 1)), ("-1.234,5".to_owned(), "-1,234.5".to_owned()));
        assert_eq!(number(Lang::It, -0.01, 0), "0", "no minus before a zero");
        let d = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        assert_eq!(both(|l| date(l, d)), ("1 mar 2027".to_owned(), "1 Mar 2027".to_owned()));
        assert_eq!(both(|l| language(l, "en")), ("inglese".to_owned(), "English".to_owned()));
        assert_eq!(language(Lang::En, "sw"), "SW");
        assert_eq!(Lang::from_code("en-GB"), Some(Lang::En));
    }
}
