//! The observatory (`#/insights`), public: the open-data aggregates as headline figures and
//! charts, with every dataset's downloads and the licence. It reads only the public `openData`
//! query, so nothing here depends on who is logged in.

use crate::api::{self, ApiErrors};
use crate::components::{BarChart, Bilingual, TrendChart};
use crate::format;
use crate::i18n::{Lang, T};
use crate::open_data::{self, Dataset, OpenData};
use crate::session::use_session;
use leptos::prelude::*;
use serde_json::Value;

#[component]
pub fn InsightsPage() -> impl IntoView {
    let session = use_session();
    let data = RwSignal::new(None::<Result<OpenData, ApiErrors>>);
    let load = move || {
        data.set(None);
        leptos::task::spawn_local(async move {
            data.set(Some(api::fetch(open_data::QUERY, Value::Null, None, "openData").await));
        });
    };
    load();
    view! {
        <section class="insights" aria-labelledby="insights-title">
            <h1 id="insights-title">{move || session.t(T::Insights)}</h1>
            <p class="tagline">{move || session.t(T::InsightsIntro)}</p>
            {move || match data.get() {
                None => view! { <p aria-live="polite">{move || session.t(T::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! {
                    <div class="message">
                        <p class="error" role="alert">{e.summary()}</p>
                        <button type="button" on:click=move |_| load()>{move || session.t(T::Retry)}</button>
                    </div>
                }
                .into_any(),
                Some(Ok(d)) => view! { <InsightsReport data=d /> }.into_any(),
            }}
        </section>
    }
}

/// A figure, formatted in the reader's language when shown.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Figure {
    Count(u64),
    Share(f64),
    Hours(f64),
}

impl Figure {
    fn show(self, lang: Lang) -> String {
        match self {
            Figure::Count(n) => format::number(lang, n as f64, 0),
            Figure::Share(s) => format::percent(lang, s),
            Figure::Hours(h) => open_data::hours(lang, h),
        }
    }

    /// A dataset's headline: hours for the time to a first match, otherwise a share or rate.
    fn headline(d: &Dataset) -> Option<Figure> {
        let h = d.headline?;
        Some(if d.id == "offers_time_to_first_match" { Figure::Hours(h) } else { Figure::Share(h) })
    }
}

/// The total of the first of `ids` the catalogue has.
fn total(data: &OpenData, ids: &[&str]) -> Option<Figure> {
    ids.iter().find_map(|id| data.dataset(id)).and_then(|d| d.total).map(Figure::Count)
}

fn headline(data: &OpenData, id: &str) -> Option<Figure> {
    data.dataset(id).and_then(Figure::headline)
}

/// What a dataset's headline means, in the page's words (the API's own text, written for the
/// data dictionary, names the 0–1 scale that the page shows as a percentage).
fn headline_label(d: &Dataset) -> Option<Bilingual> {
    let known = match d.id.as_str() {
        "talents_by_origin" => Some(T::InternationalShare),
        "offers_time_to_first_match" => Some(T::MedianTimeToMatch),
        id if id.starts_with("applications_") => Some(T::AcceptanceRate),
        id if id.starts_with("graduates_retention_") => Some(T::RetentionShare),
        "hires_by_origin" => Some(T::InternationalHires),
        _ => None,
    };
    match known {
        Some(t) => Some(Bilingual::new(t.get(Lang::It), t.get(Lang::En))),
        None => d.headline_text(),
    }
}

/// Everything the page draws from one `openData` answer.
#[component]
pub fn InsightsReport(data: OpenData) -> impl IntoView {
    let session = use_session();
    let k = data.k;
    let tiles = vec![
        ("talents", T::TalentsTotal, total(&data, &["talents_by_origin", "talents_by_field"])),
        ("international", T::InternationalShare, headline(&data, "talents_by_origin")),
        ("offers", T::OffersTotal, total(&data, &["offers_by_kind", "offers_by_sector"])),
        ("startups", T::StartupsTotal, total(&data, &["startups_by_stage", "startups_by_sector"])),
        ("time-to-match", T::MedianTimeToMatch, headline(&data, "offers_time_to_first_match")),
        ("acceptance", T::AcceptanceRate, headline(&data, "applications_by_model")),
    ];
    let (licence, licence_url) = (data.licence.clone(), data.licence_url.clone());
    let cards = |ids: &[&str], style: Style| {
        ids.iter()
            .filter_map(|id| data.dataset(id).cloned())
            .map(|d| view! { <DatasetCard dataset=d style=style k=k /> })
            .collect_view()
    };
    let sectors = cards(&open_data::BY_SECTOR, Style::Bars);
    let comuni = cards(&open_data::BY_COMUNE, Style::Ranked);
    let trend = cards(&[open_data::OVER_TIME], Style::Trend);
    let talenti = cards(&open_data::TALENTI, Style::Bars);
    let talenti_tiles = vec![
        ("retention", T::RetentionShare, headline(&data, "graduates_retention_by_institution")),
        ("international-hires", T::InternationalHires, headline(&data, "hires_by_origin")),
    ];
    let others = data
        .others()
        .cloned()
        .map(|d| {
            let style = if d.dimension == "comune" { Style::Ranked } else { Style::Bars };
            view! { <DatasetCard dataset=d style=style k=k /> }
        })
        .collect_view();
    let refreshed = data.refreshed_at.clone();
    let k_note = move || session.t(T::KNote).replace("{k}", &k.to_string());
    view! {
        <section aria-labelledby="insights-glance">
            <h2 id="insights-glance">{move || session.t(T::AtAGlance)}</h2>
            <ul class="tiles">
                {tiles.into_iter().map(|(id, label, figure)| view! { <Tile id=id label=label figure=figure /> }).collect_view()}
            </ul>
        </section>
        <section id="insights-sectors" aria-labelledby="insights-sectors-title">
            <h2 id="insights-sectors-title">{move || session.t(T::BySector)}</h2>
            <div class="dataset-grid">{sectors}</div>
        </section>
        <section id="insights-comuni" aria-labelledby="insights-comuni-title">
            <h2 id="insights-comuni-title">{move || session.t(T::ByComune)}</h2>
            <div class="dataset-grid">{comuni}</div>
        </section>
        <section id="insights-talenti" aria-labelledby="insights-talenti-title">
            <h2 id="insights-talenti-title">{move || session.t(T::TalentiSection)}</h2>
            <ul class="tiles">
                {talenti_tiles.into_iter().map(|(id, label, figure)| view! { <Tile id=id label=label figure=figure /> }).collect_view()}
            </ul>
            <div class="dataset-grid">{talenti}</div>
        </section>
        <super::skills_market::SkillsMarket data=data.clone() />
        <section id="insights-time" aria-labelledby="insights-time-title">
            <h2 id="insights-time-title">{move || session.t(T::OverTime)}</h2>
            {trend}
        </section>
        <section id="insights-more" aria-labelledby="insights-more-title">
            <h2 id="insights-more-title">{move || session.t(T::MoreData)}</h2>
            <div class="dataset-grid">{others}</div>
        </section>
        <section class="licence" aria-labelledby="insights-licence-title">
            <h2 id="insights-licence-title">{move || session.t(T::LicenceAndMethod)}</h2>
            <p>
                {move || session.t(T::Licence)} ": "
                <a id="insights-licence" href=licence_url rel="license">{licence}</a>
            </p>
            <p id="insights-k">{k_note}</p>
            <p id="insights-refreshed">
                {move || session.t(T::RefreshedAt)} " "
                <time datetime=refreshed.clone()>{let r = refreshed.clone(); move || format::timestamp(session.lang.get(), &r)}</time>
            </p>
            <ul class="links">
                <li><a id="insights-dictionary" href="/open-data/v1/dictionary.json">{move || session.t(T::Dictionary)}</a></li>
                <li><a href="/open-data/v1/">{move || session.t(T::Catalogue)}</a></li>
            </ul>
        </section>
    }
}

#[component]
fn Tile(id: &'static str, label: T, figure: Option<Figure>) -> impl IntoView {
    let session = use_session();
    let published = figure.is_some();
    view! {
        <li class="tile" id=format!("tile-{id}") data-published=published.to_string()>
            <span class="tile-label">{move || session.t(label)}</span>
            <span class="tile-value">{move || figure.map_or_else(|| "—".to_owned(), |f| f.show(session.lang.get()))}</span>
            {figure.is_none().then(|| view! { <span class="tile-note">{move || session.t(T::BelowK)}</span> })}
        </li>
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Bars,
    Ranked,
    Trend,
}

/// One dataset: its title, total and description, its chart, and its downloads.
#[component]
fn DatasetCard(dataset: Dataset, style: Style, k: u32) -> impl IntoView {
    let session = use_session();
    let heading = format!("ds-{}-title", dataset.id);
    let labelledby = heading.clone();
    let (title, description) = (dataset.title(), dataset.description());
    let label = title.clone();
    let headline = Figure::headline(&dataset).zip(headline_label(&dataset));
    let total = dataset.total;
    let body = if total.is_none() || dataset.rows.is_empty() {
        view! { <p class="below-k">{move || session.t(if total.is_none() { T::BelowK } else { T::NoData })}</p> }
            .into_any()
    } else {
        match style {
            Style::Bars => view! { <BarChart rows=dataset.bars() labelledby=heading.clone() /> }.into_any(),
            Style::Ranked => {
                view! { <BarChart rows=dataset.bars() ranked=true labelledby=heading.clone() /> }.into_any()
            }
            Style::Trend => {
                let other = dataset.trend_other().map(|n| {
                    let text = move || {
                        let lang = session.lang.get();
                        T::TrendOther
                            .get(lang)
                            .replace("{k}", &k.to_string())
                            .replace("{n}", &format::number(lang, n as f64, 0))
                    };
                    view! { <p class="trend-other" id="offers-trend-other" data-count=n.to_string()>{text}</p> }
                });
                view! { <TrendChart points=dataset.trend() title=title.clone() k=k id="offers-trend" /> {other} }
                    .into_any()
            }
        }
    };
    let download = move |format: &'static str| {
        let label = label.clone();
        move || format!("{} {format}: {}", session.t(T::DownloadAs), label.get(session.lang.get()))
    };
    view! {
        <article class="dataset" class:wide=style == Style::Trend data-dataset=dataset.id.clone() aria-labelledby=labelledby>
            <h3 id=heading>{move || title.get(session.lang.get()).to_owned()}</h3>
            <p class="dataset-meta">
                {total.map(|n| view! {
                    <span class="dataset-total">{move || session.t(T::Total)} ": " {move || format::number(session.lang.get(), n as f64, 0)}</span>
                })}
                {headline.map(|(f, h)| view! {
                    <span class="dataset-headline">{move || h.get(session.lang.get()).to_owned()} ": " <strong>{move || f.show(session.lang.get())}</strong></span>
                })}
            </p>
            <p class="hint">{move || description.get(session.lang.get()).to_owned()}</p>
            {body}
            <p class="downloads">
                <a href=dataset.csv_url.clone() download="" aria-label=download("CSV") class="download">"CSV"</a>
                <a href=dataset.json_url.clone() aria-label=download("JSON") class="download">"JSON"</a>
            </p>
        </article>
    }
}
