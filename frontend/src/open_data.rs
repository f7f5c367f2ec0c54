//! The public open-data aggregates (`openData`), as the observatory page reads them. Every
//! published count is at least `k`; a population below `k` comes without total and rows.

use crate::components::{BarRow, Bilingual, TrendPoint};
use crate::format;
use crate::i18n::{Lang, T};
use serde::Deserialize;

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenData {
    pub k: u32,
    pub licence: String,
    pub licence_url: String,
    pub refreshed_at: String,
    pub datasets: Vec<Dataset>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dataset {
    pub id: String,
    pub population: String,
    pub dimension: String,
    pub title_it: String,
    pub title_en: String,
    pub description_it: String,
    pub description_en: String,
    pub total: Option<u64>,
    pub headline: Option<f64>,
    pub headline_it: Option<String>,
    pub headline_en: Option<String>,
    pub rows: Vec<Row>,
    pub csv_url: String,
    pub json_url: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub key: String,
    pub label_it: String,
    pub label_en: String,
    pub count: u64,
    pub share: Option<f64>,
    pub value: Option<f64>,
}

pub const QUERY: &str = "query { openData { k licence licenceUrl refreshedAt datasets { id population dimension \
     titleIt titleEn descriptionIt descriptionEn total headline headlineIt headlineEn csvUrl jsonUrl \
     rows { key labelIt labelEn count share value } } } }";

/// The datasets the page draws by sector, by comune and over time; the rest go under "more data".
pub const BY_SECTOR: [&str; 3] = ["offers_by_sector", "talents_by_field", "startups_by_sector"];
pub const BY_COMUNE: [&str; 2] = ["talents_by_comune", "offers_by_comune"];
pub const OVER_TIME: &str = "offers_by_month";
/// Talenti a Torino: retention of graduates and hires, a section of their own.
pub const TALENTI: [&str; 4] =
    ["graduates_retention_by_institution", "graduates_retention_by_field", "hires_by_sector", "hires_by_origin"];

impl OpenData {
    pub fn dataset(&self, id: &str) -> Option<&Dataset> {
        self.datasets.iter().find(|d| d.id == id)
    }

    /// The datasets not drawn in a section of their own, in catalogue order.
    pub fn others(&self) -> impl Iterator<Item = &Dataset> {
        self.datasets
            .iter()
            .filter(|d| !BY_SECTOR.contains(&d.id.as_str()) && !BY_COMUNE.contains(&d.id.as_str()) && d.id != OVER_TIME)
            // Skills demand and supply has a section of its own (paired bars).
            .filter(|d| d.population != "offers_and_talents")
            .filter(|d| !TALENTI.contains(&d.id.as_str()))
    }
}

/// What a row's `value` means in a dataset, by the contract: a median in hours to the first good
/// match, or an acceptance rate.
fn value_note(id: &str, value: f64, lang: Lang) -> Option<String> {
    if id == "offers_time_to_first_match" {
        Some(format!("{} {}", T::Median.get(lang), hours(lang, value)))
    } else if id.starts_with("applications_") {
        Some(format!("{} {}", format::percent(lang, value), T::Accepted.get(lang)))
    } else if id.starts_with("graduates_retention_") {
        Some(format!("{} {}", format::percent(lang, value), T::StillHere.get(lang)))
    } else {
        None
    }
}

/// A duration given in hours: minutes below an hour, one decimal below ten hours.
pub fn hours(lang: Lang, h: f64) -> String {
    if h < 1.0 {
        let minutes = (h * 60.0).round();
        // Matching runs as an offer is posted: within the minute is the usual case, said in
        // words rather than as a cryptic "< 1 min".
        if minutes < 1.0 {
            match lang {
                Lang::It => "entro un minuto".to_owned(),
                Lang::En => "within a minute".to_owned(),
            }
        } else {
            format!("{} min", format::number(lang, minutes, 0))
        }
    } else {
        format!("{} h", format::number(lang, h, if h < 10.0 { 1 } else { 0 }))
    }
}

impl Dataset {
    pub fn title(&self) -> Bilingual {
        Bilingual::new(&self.title_it, &self.title_en)
    }

    pub fn description(&self) -> Bilingual {
        Bilingual::new(&self.description_it, &self.description_en)
    }

    /// The headline's meaning, when the dataset has one.
    pub fn headline_text(&self) -> Option<Bilingual> {
        Some(Bilingual::new(self.headline_it.clone()?, self.headline_en.clone()?))
    }

    pub fn bars(&self) -> Vec<BarRow> {
        self.rows
            .iter()
            .map(|r| BarRow {
                key: r.key.clone(),
                label: Bilingual::new(&r.label_it, &r.label_en),
                count: r.count,
                share: r.share,
                note: r.value.and_then(|v| {
                    Some(Bilingual::new(value_note(&self.id, v, Lang::It)?, value_note(&self.id, v, Lang::En)?))
                }),
            })
            .collect()
    }

    /// One point per month from the first to the last published one; a month in between
    /// without a row had fewer than k and is shown as such rather than skipped.
    pub fn trend(&self) -> Vec<TrendPoint> {
        let mut months: Vec<(i32, u32, u64)> =
            self.rows.iter().filter_map(|r| parse_month(&r.key).map(|(y, m)| (y, m, r.count))).collect();
        months.sort_unstable();
        let (Some(first), Some(last)) = (months.first().copied(), months.last().copied()) else {
            return Vec::new();
        };
        let mut points = Vec::new();
        let (mut y, mut m) = (first.0, first.1);
        // Bounded, in case of absurd keys: ten years of months.
        while (y, m) <= (last.0, last.1) && points.len() < 120 {
            let count = months.iter().find(|(yy, mm, _)| (*yy, *mm) == (y, m)).map(|(_, _, c)| *c);
            points.push(TrendPoint { key: format!("{y:04}-{m:02}"), count });
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
        points
    }
}

impl Dataset {
    /// What the trend cannot place in a month: the months with fewer than k each, counted
    /// together in the row `other` (so the chart and this add up to the total).
    pub fn trend_other(&self) -> Option<u64> {
        self.rows.iter().find(|r| parse_month(&r.key).is_none()).map(|r| r.count).filter(|c| *c > 0)
    }
}

fn parse_month(key: &str) -> Option<(i32, u32)> {
    let (y, m) = key.split_once('-')?;
    let (y, m) = (y.parse().ok()?, m.parse().ok()?);
    (1..=12).contains(&m).then_some((y, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, count: u64, value: Option<f64>) -> Row {
        Row { key: key.into(), label_it: key.into(), label_en: key.into(), count, share: None, value }
    }

    fn dataset(id: &str, rows: Vec<Row>) -> Dataset {
        Dataset {
            id: id.into(),
            population: "offers".into(),
            dimension: "month".into(),
            title_it: "t".into(),
            title_en: "t".into(),
            description_it: String::new(),
            description_en: String::new(),
            total: Some(rows.iter().map(|r| r.count).sum()),
            headline: None,
            headline_it: None,
            headline_en: None,
            rows,
            csv_url: String::new(),
            json_url: String::new(),
        }
    }

    #[test]
    fn a_trend_runs_month_by_month_and_marks_unpublished_months() {
        let d =
            dataset("offers_by_month", vec![row("2026-11", 6, None), row("2027-02", 9, None), row("other", 5, None)]);
        let points = d.trend();
        let keys: Vec<_> = points.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["2026-11", "2026-12", "2027-01", "2027-02"]);
        assert_eq!(points.iter().map(|p| p.count).collect::<Vec<_>>(), [Some(6), None, None, Some(9)]);
        assert!(dataset("offers_by_month", vec![]).trend().is_empty());
        // The months under k, together: the chart and the note add up to the total.
        assert_eq!(d.trend_other(), Some(5));
        assert_eq!(d.trend().iter().filter_map(|p| p.count).sum::<u64>() + 5, d.total.unwrap());
        assert_eq!(dataset("offers_by_month", vec![row("2026-11", 6, None)]).trend_other(), None);
    }

    #[test]
    fn values_become_notes_in_both_languages() {
        let bars = dataset("applications_by_model", vec![row("acceleration", 8, Some(0.6))]).bars();
        assert_eq!(bars[0].note, Some(Bilingual::new("60% accettate", "60% accepted")));
        let bars = dataset("offers_time_to_first_match", vec![row("ict", 8, Some(4.3))]).bars();
        assert_eq!(bars[0].note, Some(Bilingual::new("mediana 4,3 h", "median 4.3 h")));
        assert_eq!(dataset("offers_by_kind", vec![row("job", 8, Some(1.0))]).bars()[0].note, None);
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(hours(Lang::It, 0.001), "entro un minuto");
        assert_eq!(hours(Lang::En, 0.001), "within a minute");
        assert_eq!(hours(Lang::En, 0.25), "15 min");
        assert_eq!(hours(Lang::It, 2.5), "2,5 h");
        assert_eq!(hours(Lang::En, 1234.0), "1,234 h");
    }

    #[test]
    fn the_contract_decodes() {
        let json = r#"{"k":5,"licence":"CC BY 4.0","licenceUrl":"https://creativecommons.org/licenses/by/4.0/",
            "refreshedAt":"2026-11-29T10:00:00Z","datasets":[{"id":"talents_by_origin","population":"talents",
            "dimension":"country","titleIt":"Talenti per origine","titleEn":"Talents by origin","descriptionIt":"",
            "descriptionEn":"","total":null,"headline":null,"headlineIt":null,"headlineEn":null,"rows":[],
            "csvUrl":"/open-data/v1/talents_by_origin.csv","jsonUrl":"/open-data/v1/talents_by_origin.json"}]}"#;
        let data: OpenData = serde_json::from_str(json).unwrap();
        assert_eq!(data.dataset("talents_by_origin").map(|d| d.total), Some(None));
        assert_eq!(data.others().count(), 1);
    }
}
