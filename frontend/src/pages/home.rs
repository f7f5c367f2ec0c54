//! Home: one search box across offers and programmes, and the newest of both.

use super::search::{Hit, HitCard, SearchBox, run_search};
use crate::i18n::T;
use crate::route::SearchQuery;
use crate::session::use_session;
use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    let session = use_session();
    let latest = RwSignal::new(Vec::<Hit>::new());
    leptos::task::spawn_local(async move {
        let q = SearchQuery {
            kinds: vec!["offer".into(), "programme".into()],
            sort: "newest".into(),
            ..SearchQuery::default()
        };
        if let Ok(results) = run_search(session, &q, None, 6, &[]).await {
            latest.set(results.hits);
        }
    });
    view! {
        <section class="hero">
            <h1>{move || session.t(T::AppName)}</h1>
            <p class="tagline">{move || session.t(T::Tagline)}</p>
            <SearchBox initial=SearchQuery { kinds: vec!["offer".into(), "programme".into()], ..SearchQuery::default() } />
        </section>
        <section class="latest">
            <h2>{move || session.t(T::LatestOffers)}</h2>
            <ul class="hits">{move || latest.get().into_iter().map(|h| view! { <HitCard hit=h /> }).collect_view()}</ul>
        </section>
    }
}
