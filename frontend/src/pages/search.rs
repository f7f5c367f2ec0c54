//! Search: words in Italian or English, kinds, facets, distance from a comune, sort, and
//! highlighted results; the whole state is in the URL.

use crate::api::ApiErrors;
use crate::components::ComuneSelect;
use crate::format;
use crate::i18n::{self, T};
use crate::route::{Route, SearchQuery};
use crate::session::{Session, use_session};
use leptos::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hit {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub snippet: String,
    pub distance_km: Option<f64>,
    pub deadline: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct FacetValue {
    pub value: String,
    pub count: i64,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Facet {
    pub name: String,
    pub values: Vec<FacetValue>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Results {
    pub total: i64,
    pub hits: Vec<Hit>,
    pub facets: Vec<Facet>,
    pub next_cursor: Option<String>,
}

const QUERY: &str = "query($input: SearchInput!) { search(input: $input) {
    total nextCursor hits { id kind title snippet distanceKm deadline }
    facets { name values { value count } } } }";

/// The facets the page counts.
const FACETS: [&str; 7] = ["offer_kind", "employer", "sector", "comune", "remote", "model", "deadline"];

/// The filter behind "From an AcceleraTO startup": offers a startup of the platform posted.
pub const FROM_STARTUP: &str = "employer:startup";

pub fn to_input(q: &SearchQuery, cursor: Option<String>, limit: u32, facets: &[&str]) -> Value {
    let near = q.near.as_ref().map(|c| json!({"comune": c, "withinKm": q.within_km.map(f64::from)}));
    let sort = if q.sort.is_empty() { "RELEVANCE".to_owned() } else { q.sort.to_uppercase() };
    json!({
        "kinds": q.kinds.iter().map(|k| k.to_uppercase()).collect::<Vec<_>>(),
        "text": q.text,
        "filters": q.filters,
        "facets": facets,
        "near": near,
        "sort": sort,
        "cursor": cursor,
        "limit": limit,
    })
}

pub async fn run_search(
    session: Session,
    q: &SearchQuery,
    cursor: Option<String>,
    limit: u32,
    facets: &[&str],
) -> Result<Results, ApiErrors> {
    session.call(QUERY, json!({"input": to_input(q, cursor, limit, facets)}), "search").await
}

pub fn hit_route(hit: &Hit) -> Option<Route> {
    match hit.kind.as_str() {
        "OFFER" => Some(Route::Offer(hit.id.clone())),
        "PROGRAMME" => Some(Route::Programme(hit.id.clone())),
        _ => None,
    }
}

#[component]
pub fn HitCard(hit: Hit) -> impl IntoView {
    let session = use_session();
    let href = hit_route(&hit).map(|r| r.href());
    let kind = hit.kind.to_lowercase();
    let kind_attr = kind.clone();
    let (deadline, distance) = (hit.deadline.clone(), hit.distance_km);
    view! {
        <li class="hit" data-kind=kind_attr data-id=hit.id.clone()>
            <span class="hit-kind">{move || i18n::search_kind(session.lang.get(), &kind)}</span>
            <h3>
                {match href {
                    Some(h) => view! { <a href=h>{hit.title.clone()}</a> }.into_any(),
                    None => view! { <span>{hit.title.clone()}</span> }.into_any(),
                }}
            </h3>
            // The API escapes the text and marks the matched words with <b>.
            <p class="snippet" inner_html=hit.snippet.clone()></p>
            <p class="meta">
                {deadline.map(|d| view! {
                    <span class="deadline">{move || session.t(T::Deadline)} ": " {move || format::iso_date(session.lang.get(), &d)}</span>
                })}
                {distance.map(|km| view! { <span class="distance">{move || format::km(session.lang.get(), km)}</span> })}
            </p>
        </li>
    }
}

/// The search form; submitting opens the search page for it.
#[component]
pub fn SearchBox(initial: SearchQuery) -> impl IntoView {
    let session = use_session();
    let text = RwSignal::new(initial.text.clone());
    let kinds = RwSignal::new(initial.kinds.clone());
    let near = RwSignal::new(initial.near.clone().unwrap_or_default());
    let km = RwSignal::new(initial.within_km.map(|k| k.to_string()).unwrap_or_default());
    let sort = RwSignal::new(if initial.sort.is_empty() { "relevance".to_owned() } else { initial.sort.clone() });
    // "From an AcceleraTO startup" is the `employer:startup` filter, kept with the others.
    let from_startup = RwSignal::new(initial.filters.iter().any(|f| f == FROM_STARTUP));
    let filters: Vec<String> = initial.filters.iter().filter(|f| *f != FROM_STARTUP).cloned().collect();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let near = Some(near.get_untracked()).filter(|n| !n.is_empty());
        let mut filters = filters.clone();
        if from_startup.get_untracked() {
            filters.push(FROM_STARTUP.to_owned());
        }
        let q = SearchQuery {
            text: text.get_untracked().trim().to_owned(),
            kinds: kinds.get_untracked(),
            filters,
            within_km: near.as_ref().and_then(|_| km.get_untracked().trim().parse().ok()),
            near,
            sort: sort.get_untracked(),
        };
        crate::navigate(&Route::Search(q));
    };
    let may_see_talents = move || session.user.get().is_some_and(|u| u.is_organisation() || u.is_admin());
    let kind_box = move |kind: &'static str| {
        let id = format!("search-kind-{kind}");
        view! {
            <span class="check">
                <input type="checkbox" id=id.clone()
                    prop:checked=move || kinds.with(|k| k.iter().any(|x| x == kind))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        kinds.update(|k| {
                            k.retain(|x| x != kind);
                            if on { k.push(kind.to_owned()); }
                        });
                    } />
                <label for=id>{move || i18n::search_kind(session.lang.get(), kind)}</label>
            </span>
        }
    };
    view! {
        <form class="search-box" role="search" on:submit=submit>
            <label for="search-text" class="visually-hidden">{move || session.t(T::SearchWhat)}</label>
            <div class="search-row">
                <input id="search-text" type="search" name="q"
                    placeholder=move || session.t(T::SearchPlaceholder)
                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev)) />
                <button type="submit" class="primary" id="search-submit">{move || session.t(T::Search)}</button>
            </div>
            <fieldset class="search-options">
                <legend class="visually-hidden">{move || session.t(T::Kind)}</legend>
                {kind_box("offer")}
                {kind_box("programme")}
                {kind_box("startup")}
                {kind_box("organisation")}
                {move || may_see_talents().then(|| kind_box("talent"))}
                <span class="check">
                    <input type="checkbox" id="search-from-startup"
                        prop:checked=move || from_startup.get()
                        on:change=move |ev| from_startup.set(event_target_checked(&ev)) />
                    <label for="search-from-startup">{move || session.t(T::FromAcceleraToStartup)}</label>
                </span>
            </fieldset>
            <div class="search-options">
                <span class="inline-field">
                    <label for="search-near">{move || session.t(T::Near)}</label>
                    <ComuneSelect id="search-near".into() value=near none_label=T::AnyPlace />
                </span>
                <span class="inline-field">
                    <label for="search-km">{move || session.t(T::WithinKm)}</label>
                    <input id="search-km" type="number" min="1" max="200" inputmode="numeric" class="short"
                        prop:value=move || km.get() on:input=move |ev| km.set(event_target_value(&ev)) />
                </span>
                <span class="inline-field">
                    <label for="search-sort">{move || session.t(T::Sort)}</label>
                    <select id="search-sort" prop:value=move || sort.get() on:change=move |ev| sort.set(event_target_value(&ev))>
                        <option value="relevance">{move || session.t(T::SortRelevance)}</option>
                        <option value="distance">{move || session.t(T::SortDistance)}</option>
                        <option value="deadline">{move || session.t(T::SortDeadline)}</option>
                        <option value="newest">{move || session.t(T::SortNewest)}</option>
                    </select>
                </span>
            </div>
        </form>
    }
}

/// The filters a deadline bucket stands for, from `today` (YYYY-MM-DD).
pub fn deadline_filters(bucket: &str, today: chrono::NaiveDate) -> Vec<String> {
    let day = |n: i64| (today + chrono::Duration::days(n)).format("%Y-%m-%d").to_string();
    match bucket {
        "past" => vec![format!("deadline<={}", day(-1))],
        "within_7_days" => vec![format!("deadline>={}", day(0)), format!("deadline<={}", day(7))],
        "within_30_days" => vec![format!("deadline>={}", day(0)), format!("deadline<={}", day(30))],
        "within_90_days" => vec![format!("deadline>={}", day(0)), format!("deadline<={}", day(90))],
        _ => vec![format!("deadline>={}", day(91))],
    }
}

#[component]
pub fn SearchPage(query: SearchQuery) -> impl IntoView {
    let session = use_session();
    let results = RwSignal::new(None::<Results>);
    let errors = RwSignal::new(ApiErrors::default());
    let more_busy = RwSignal::new(false);
    let drawer = RwSignal::new(false);
    let q = StoredValue::new(query.clone());
    leptos::task::spawn_local(async move {
        match run_search(session, &q.get_value(), None, 20, &FACETS).await {
            Ok(r) => results.set(Some(r)),
            Err(e) => errors.set(e),
        }
    });
    let load_more = move |_| {
        let Some(cursor) = results.with_untracked(|r| r.as_ref().and_then(|r| r.next_cursor.clone())) else { return };
        more_busy.set(true);
        leptos::task::spawn_local(async move {
            if let Ok(next) = run_search(session, &q.get_value(), Some(cursor), 20, &[]).await {
                results.update(|r| {
                    if let Some(r) = r {
                        r.hits.extend(next.hits);
                        r.next_cursor = next.next_cursor;
                    }
                });
            }
            more_busy.set(false);
        });
    };
    let with_filters = move |filters: Vec<String>| {
        let mut next = q.get_value();
        for f in filters {
            if !next.filters.contains(&f) {
                next.filters.push(f);
            }
        }
        Route::Search(next).href()
    };
    let without = move |filter: String| {
        let mut next = q.get_value();
        next.filters.retain(|f| *f != filter);
        Route::Search(next).href()
    };
    let active_filters = query.filters.clone();
    view! {
        <section class="search-page">
            <h1>{move || session.t(T::Search)}</h1>
            <SearchBox initial=query />
            {(!active_filters.is_empty()).then(|| view! {
                <ul class="active-filters" aria-label=move || session.t(T::ActiveFilters)>
                    {active_filters.into_iter().map(|f| {
                        let label = match f.split_once(':') {
                            Some((facet, value)) => format!("{}: {}",
                                i18n::facet_name(session.lang.get_untracked(), facet),
                                i18n::facet_value(session.lang.get_untracked(), facet, value)),
                            None => f.clone(),
                        };
                        let remove = format!("{} {label}", session.t(T::RemoveFilter));
                        view! { <li><a class="chip" href=without(f) aria-label=remove>{label} " ×"</a></li> }
                    }).collect_view()}
                </ul>
            })}
            <p class="error" role="alert">{move || errors.with(|e| (!e.is_empty()).then(|| e.summary()))}</p>
            <div class="search-layout">
                <button type="button" class="facets-toggle" id="facets-toggle" aria-controls="facets"
                    aria-expanded=move || drawer.get().to_string() on:click=move |_| drawer.update(|o| *o = !*o)>
                    {move || session.t(T::Filters)}
                </button>
                <div class="results" aria-live="polite">
                    {move || match results.get() {
                        // A refused search (a filter the API does not know) says so above.
                        None if errors.with(|e| !e.is_empty()) => ().into_any(),
                        None => view! { <p>{move || session.t(T::Loading)}</p> }.into_any(),
                        Some(r) if r.hits.is_empty() => view! { <p class="empty">{move || session.t(T::NoResults)}</p> }.into_any(),
                        Some(r) => view! {
                            // The results' heading: the hits' titles (h3) sit under it.
                            <h2 class="total" id="result-total">
                                {move || format::number(session.lang.get(), r.total as f64, 0)} " " {move || session.t(T::Results)}
                            </h2>
                            <ul class="hits">{r.hits.into_iter().map(|h| view! { <HitCard hit=h /> }).collect_view()}</ul>
                            {r.next_cursor.map(|_| view! {
                                <button type="button" on:click=load_more disabled=move || more_busy.get()>{move || session.t(T::LoadMore)}</button>
                            })}
                        }.into_any(),
                    }}
                </div>
                // After the results in reading order (a keyboard reaches the first result
                // without 19 filters before it); beside them on a wide screen, in a drawer
                // behind "Filtri" on a phone.
                <aside class="facets" id="facets" class:open=move || drawer.get() aria-label=move || session.t(T::Filters)>
                    <button type="button" class="facets-close" on:click=move |_| drawer.set(false)>{move || session.t(T::Close)}</button>
                    {move || results.get().map(|r| r.facets.into_iter().filter(|f| f.values.iter().any(|v| v.count > 0)).map(|f| {
                        let name = f.name.clone();
                        view! {
                            <section class="facet" data-facet=name.clone()>
                                <h2>{let n = name.clone(); move || i18n::facet_name(session.lang.get(), &n)}</h2>
                                <ul>
                                    {f.values.into_iter().filter(|v| v.count > 0).take(12).map(|v| {
                                        let filters = if name == "deadline" { deadline_filters(&v.value, format::today()) } else { vec![format!("{}:{}", name, v.value)] };
                                        let (facet, value) = (name.clone(), v.value.clone());
                                        view! {
                                            <li><a href=with_filters(filters)>
                                                {move || i18n::facet_value(session.lang.get(), &facet, &value)}
                                                " " <span class="count">{move || format::number(session.lang.get(), v.count as f64, 0)}</span>
                                            </a></li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </section>
                        }
                    }).collect_view())}
                </aside>
            </div>
        </section>
    }
}
