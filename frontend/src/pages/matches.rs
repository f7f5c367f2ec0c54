//! "My matches": the ranked offers (for a talent) or programmes (for a startup), each with
//! its explanation, kept current by the `myMatchesChanged` subscription.

use super::RequireRole;
use crate::components::{Explanation, Factor, Verdict, VerdictBadge};
use crate::format;
use crate::i18n::T;
use crate::live;
use crate::queries::MY_PROFILE;
use crate::route::Route;
use crate::session::{Session, use_session};
use crocevia_api::ProfileView;
use leptos::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Match {
    pub counterpart_id: String,
    pub kind: String,
    pub title: String,
    pub rank: i64,
    pub score: f64,
    pub mutual: f64,
    pub verdict: Option<Verdict>,
    pub factors: Vec<Factor>,
}

pub const MATCHES: &str = "query($s: ID!) { matches(subject: $s) { counterpartId kind title rank score mutual
    verdict { status reasons { rule it en } } factors { key weight value reasonIt reasonEn } } }";

pub async fn load_matches(session: Session, subject: &str) -> Result<Vec<Match>, crate::api::ApiErrors> {
    session.call(MATCHES, json!({"s": subject}), "matches").await
}

pub fn counterpart_route(m: &Match) -> Option<Route> {
    match m.kind.as_str() {
        "OFFER" => Some(Route::Offer(m.counterpart_id.clone())),
        "PROGRAMME" => Some(Route::Programme(m.counterpart_id.clone())),
        _ => None,
    }
}

/// One ranked match with its explanation folded in a `<details>`.
#[component]
pub fn MatchCard(m: Match) -> impl IntoView {
    let session = use_session();
    let lang = move || session.lang.get();
    let href = counterpart_route(&m).map(|r| r.href());
    view! {
        <li class="match" data-id=m.counterpart_id.clone() data-rank=m.rank>
            <span class="rank">{m.rank}</span>
            <div class="match-body">
                <h3>
                    {match href {
                        Some(h) => view! { <a href=h>{m.title.clone()}</a> }.into_any(),
                        None => view! { <span>{m.title.clone()}</span> }.into_any(),
                    }}
                </h3>
                <p class="scores">
                    {move || session.t(T::Score)} ": " <strong>{move || format::percent(lang(), m.score)}</strong>
                    " · " {move || session.t(T::Mutual)} ": " {move || format::percent(lang(), m.mutual)}
                </p>
                {m.verdict.clone().map(|v| view! { <VerdictBadge verdict=v /> })}
                <details>
                    <summary>{move || session.t(T::WhyMatch)}</summary>
                    <Explanation factors=m.factors.clone() />
                </details>
            </div>
        </li>
    }
}

#[component]
pub fn MatchesPage() -> impl IntoView {
    view! {
        <RequireRole allowed=|u| u.is_talent() || u.is_startup()>
            <MyMatches />
        </RequireRole>
    }
}

#[component]
fn MyMatches() -> impl IntoView {
    let session = use_session();
    let subject = RwSignal::new(None::<Option<String>>);
    let list = RwSignal::new(None::<Vec<Match>>);
    let connected = RwSignal::new(false);
    let updated = RwSignal::new(String::new());
    let error = RwSignal::new(String::new());

    let refresh = move || {
        let Some(Some(id)) = subject.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            match load_matches(session, &id).await {
                Ok(l) => {
                    list.set(Some(l));
                    let now = js_sys::Date::new_0();
                    updated.set(format!("{:02}:{:02}:{:02}", now.get_hours(), now.get_minutes(), now.get_seconds()));
                }
                Err(e) => error.set(e.summary()),
            }
        });
    };

    leptos::task::spawn_local(async move {
        let mine = session.call::<Option<ProfileView>>(MY_PROFILE, Value::Null, "myProfile").await;
        let id = mine.ok().flatten().map(|p| match p {
            ProfileView::Talent(t) => t.id.to_string(),
            ProfileView::Startup(s) => s.id.to_string(),
        });
        subject.set(Some(id));
        refresh();
    });

    // The subscription lives as long as the page.
    let token = session.token().unwrap_or_default();
    live::follow(
        &token,
        "subscription { myMatchesChanged { subject } }",
        move |_| refresh(),
        move |up| {
            connected.set(up);
            if up {
                // Changes while disconnected were missed: catch up.
                refresh();
            }
        },
    );

    view! {
        <section class="matches">
            <h1>{move || session.t(T::MyMatches)}</h1>
            <p class="live" id="live-status" data-connected=move || connected.get().to_string()>
                <span class="dot" aria-hidden="true"></span>
                {move || session.t(T::LiveUpdates)} ": "
                {move || session.t(if connected.get() { T::LiveConnected } else { T::LiveDisconnected })}
                {move || (!updated.get().is_empty()).then(|| format!(" · {} {}", session.t(T::UpdatedAt), updated.get()))}
            </p>
            <p class="error" role="alert">{move || error.get()}</p>
            {move || match (subject.get(), list.get()) {
                (Some(None), _) => view! {
                    <p><a href=Route::Profile.href()>{move || session.t(T::CreateProfileFirst)}</a></p>
                }.into_any(),
                (_, None) => view! { <p>{move || session.t(T::Loading)}</p> }.into_any(),
                (_, Some(l)) if l.is_empty() => view! { <p class="empty">{move || session.t(T::NoMatchesYet)}</p> }.into_any(),
                (_, Some(l)) => view! {
                    <ol class="match-list" aria-live="polite">{l.into_iter().map(|m| view! { <MatchCard m=m /> }).collect_view()}</ol>
                }.into_any(),
            }}
        </section>
    }
}
