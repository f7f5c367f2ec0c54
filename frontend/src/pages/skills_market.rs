//! Skills demand against supply on the observatory: paired bars per skill (open offers that
//! require it, talents who have it), overall or for one sector, from the open datasets
//! `skills_demand_supply` and `skills_demand_supply_by_sector`. Every figure is already k-safe
//! (both sides at least k); the page only picks rows.

use crate::components::Bilingual;
use crate::format;
use crate::i18n::{self, T};
use crate::open_data::{Dataset, OpenData, Row};
use crate::session::use_session;
use crocevia_domain::Sector;
use leptos::prelude::*;

pub const OVERALL: &str = "skills_demand_supply";
pub const BY_SECTOR: &str = "skills_demand_supply_by_sector";
pub const BY_COMUNE: &str = "skills_demand_supply_by_comune";
/// Separates the sector from the skill in a split table's keys (`ict/python`).
const SEPARATOR: char = '/';

/// One skill's pair of figures.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    pub skill: String,
    pub label: Bilingual,
    pub demand: u64,
    pub supply: u64,
}

fn supply(row: &Row) -> u64 {
    row.value.map_or(0, |v| v.round().max(0.0) as u64)
}

/// The pairs of the whole area (`sector` `None`) or of one sector, largest demand first and
/// the merged `other` last; a skill's label comes from the overall table.
pub fn pairs(overall: &Dataset, by_sector: Option<&Dataset>, sector: Option<&str>) -> Vec<Pair> {
    let label_of = |skill: &str, row: &Row| {
        overall
            .rows
            .iter()
            .find(|r| r.key == skill)
            .map_or_else(|| Bilingual::new(&row.label_it, &row.label_en), |r| Bilingual::new(&r.label_it, &r.label_en))
    };
    let mut pairs: Vec<Pair> = match (sector, by_sector) {
        (None, _) => overall
            .rows
            .iter()
            .map(|r| Pair { skill: r.key.clone(), label: label_of(&r.key, r), demand: r.count, supply: supply(r) })
            .collect(),
        (Some(sector), Some(split)) => split
            .rows
            .iter()
            .filter_map(|r| {
                let (group, skill) = r.key.split_once(SEPARATOR)?;
                (group == sector).then(|| Pair {
                    skill: skill.to_owned(),
                    label: label_of(skill, r),
                    demand: r.count,
                    supply: supply(r),
                })
            })
            .collect(),
        (Some(_), None) => Vec::new(),
    };
    pairs.sort_by(|a, b| (a.skill == "other").cmp(&(b.skill == "other")).then(b.demand.cmp(&a.demand)));
    pairs
}

/// The sectors the split table publishes a skill for, in the taxonomy's order of sectors.
pub fn sectors(by_sector: &Dataset) -> Vec<String> {
    let mut keys: Vec<String> = by_sector
        .rows
        .iter()
        .filter_map(|r| r.key.split_once(SEPARATOR).map(|(g, _)| g.to_owned()))
        .filter(|g| g != "other")
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

#[component]
pub fn SkillsMarket(data: OpenData) -> impl IntoView {
    let session = use_session();
    let k = data.k;
    let Some(overall) = data.dataset(OVERALL).cloned() else { return ().into_any() };
    let by_sector = data.dataset(BY_SECTOR).cloned();
    let by_comune = data.dataset(BY_COMUNE).cloned();
    let sector = RwSignal::new(None::<String>);
    let choices = by_sector.as_ref().map(sectors).unwrap_or_default();
    let intro = move || session.t(T::SkillsDemandSupplyIntro).replace("{k}", &k.to_string());
    let (overall_rows, split) = (overall.clone(), by_sector.clone());
    let chart = move || {
        let pairs = pairs(&overall_rows, split.as_ref(), sector.get().as_deref());
        if pairs.is_empty() {
            let text = if overall_rows.total.is_none() { T::BelowK } else { T::NoData };
            return view! { <p class="below-k">{move || session.t(text)}</p> }.into_any();
        }
        let max = pairs.iter().map(|p| p.demand.max(p.supply)).max().unwrap_or(0);
        let width = move |n: u64| format!("width: {:.1}%", crate::components::bar_width(n, max));
        let items = pairs
            .into_iter()
            .map(|p| {
                let (demand, supply, label) = (p.demand, p.supply, p.label);
                view! {
                    <li class="pair-row" class:other=p.skill == "other" data-key=p.skill.clone()
                        data-demand=demand.to_string() data-supply=supply.to_string()>
                        <span class="bar-label">{move || label.get(session.lang.get()).to_owned()}</span>
                        <span class="pair-bars">
                            <span class="pair demand">
                                <span class="bar" aria-hidden="true"><span class="bar-fill" style=width(demand)></span></span>
                                <span class="pair-count demand-count">
                                    <span class="visually-hidden">{move || session.t(T::Demand)} ": "</span>
                                    {move || format::number(session.lang.get(), demand as f64, 0)}
                                </span>
                            </span>
                            <span class="pair supply">
                                <span class="bar" aria-hidden="true"><span class="bar-fill" style=width(supply)></span></span>
                                <span class="pair-count supply-count">
                                    <span class="visually-hidden">{move || session.t(T::Supply)} ": "</span>
                                    {move || format::number(session.lang.get(), supply as f64, 0)}
                                </span>
                            </span>
                        </span>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="pair-chart" aria-labelledby="insights-skills-title">{items}</ul> }.into_any()
    };
    let options = choices
        .into_iter()
        .map(|key| {
            let label_key = key.clone();
            let label = move || {
                let lang = session.lang.get();
                Sector::from_key(&label_key).map_or_else(|| label_key.clone(), |s| i18n::sector(lang, s).to_owned())
            };
            view! { <option value=key>{label}</option> }
        })
        .collect_view();
    let downloads = [Some(overall), by_sector, by_comune]
        .into_iter()
        .flatten()
        .map(|d| {
            let title = d.title();
            let (csv, json) = (d.csv_url.clone(), d.json_url.clone());
            view! {
                <li data-dataset=d.id.clone()>
                    {move || title.get(session.lang.get()).to_owned()} ": "
                    <a href=csv download="" class="download">"CSV"</a> " "
                    <a href=json class="download">"JSON"</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <section id="insights-skills" aria-labelledby="insights-skills-title">
            <h2 id="insights-skills-title">{move || session.t(T::SkillsDemandSupply)}</h2>
            <p class="hint">{intro}</p>
            <p class="pair-controls">
                <label for="skills-sector">{move || session.t(T::SectorFilter)}</label> " "
                <select id="skills-sector" on:change=move |ev| {
                    let value = event_target_value(&ev);
                    sector.set((!value.is_empty()).then_some(value));
                }>
                    <option value="">{move || session.t(T::AllSectors)}</option>
                    {options}
                </select>
                <span class="pair-legend">
                    <span class="legend demand">{move || session.t(T::Demand)}</span>
                    <span class="legend supply">{move || session.t(T::Supply)}</span>
                </span>
            </p>
            {chart}
            <ul class="links downloads">{downloads}</ul>
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, count: u64, supply: f64) -> Row {
        Row { key: key.into(), label_it: key.into(), label_en: key.into(), count, share: None, value: Some(supply) }
    }

    fn dataset(id: &str, rows: Vec<Row>) -> Dataset {
        Dataset {
            id: id.into(),
            population: "offers_and_talents".into(),
            dimension: "skill".into(),
            title_it: String::new(),
            title_en: String::new(),
            description_it: String::new(),
            description_en: String::new(),
            total: Some(20),
            headline: None,
            headline_it: None,
            headline_en: None,
            rows,
            csv_url: String::new(),
            json_url: String::new(),
        }
    }

    #[test]
    fn a_sector_picks_its_rows_with_the_skills_overall_labels() {
        let mut overall = dataset(OVERALL, vec![row("other", 9, 9.0), row("python", 7, 12.0), row("sql", 8, 6.0)]);
        overall.rows[1].label_en = "Python".into();
        let split =
            dataset(BY_SECTOR, vec![row("ict/python", 5, 6.0), row("other/python", 5, 6.0), row("ict/sql", 6, 5.0)]);
        let all = pairs(&overall, Some(&split), None);
        assert_eq!(all.iter().map(|p| p.skill.as_str()).collect::<Vec<_>>(), ["sql", "python", "other"]);
        let ict = pairs(&overall, Some(&split), Some("ict"));
        assert_eq!(
            ict.iter().map(|p| (p.skill.as_str(), p.demand, p.supply)).collect::<Vec<_>>(),
            [("sql", 6, 5), ("python", 5, 6)]
        );
        assert_eq!(ict[1].label.en, "Python");
        assert_eq!(sectors(&split), ["ict"]);
    }
}
