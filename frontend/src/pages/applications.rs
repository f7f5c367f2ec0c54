//! Applications: a talent's or startup's own, with their stages (and withdrawal); for an
//! organisation, the ones it received, moved and scored on the ranking page. Kept current by
//! the `myApplicationsChanged` subscription.

use super::RequireRole;
use crate::api::ApiErrors;
use crate::format;
use crate::i18n::{self, T};
use crate::live;
use crate::route::Route;
use crate::session::{Session, use_session};
use crocevia_api::ApplicationStage;
use crocevia_api::wire::enum_name;
use leptos::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub id: String,
    pub applicant_id: String,
    pub applicant_name: String,
    pub target_id: String,
    pub target_title: String,
    #[serde(with = "crocevia_api::wire::enumeration")]
    pub stage: ApplicationStage,
    pub score: Option<i64>,
}

pub const APPLICATIONS: &str =
    "query { myApplications { id applicantId applicantName targetId targetTitle stage score } }";

pub async fn load(session: Session) -> Result<Vec<Application>, ApiErrors> {
    session.call(APPLICATIONS, Value::Null, "myApplications").await
}

/// Re-runs `refresh` whenever one of my applications changes, while the page lives.
pub fn follow_applications(session: Session, refresh: impl Fn() + Clone + 'static) {
    let token = session.token().unwrap_or_default();
    let again = refresh.clone();
    live::follow(
        &token,
        "subscription { myApplicationsChanged { id stage } }",
        move |_| refresh(),
        move |up| {
            if up {
                again();
            }
        },
    );
}

#[component]
pub fn ApplicationsPage() -> impl IntoView {
    view! {
        <RequireRole allowed=|_| true>
            <Applications />
        </RequireRole>
    }
}

#[component]
fn Applications() -> impl IntoView {
    let session = use_session();
    let list = RwSignal::new(None::<Vec<Application>>);
    let error = RwSignal::new(String::new());
    let refresh = move || {
        leptos::task::spawn_local(async move {
            match load(session).await {
                Ok(l) => list.set(Some(l)),
                Err(e) => error.set(e.summary()),
            }
        });
    };
    refresh();
    follow_applications(session, refresh);
    let is_org = move || session.user.get().is_some_and(|u| u.is_organisation());
    let withdraw = move |id: String| {
        leptos::task::spawn_local(async move {
            let query = "mutation($id: ID!) { moveApplication(id: $id, stage: WITHDRAWN) { id } }";
            match session.call::<Value>(query, json!({"id": id}), "moveApplication").await {
                Ok(_) => refresh(),
                Err(e) => error.set(e.summary()),
            }
        });
    };
    view! {
        <section class="applications">
            <h1>{move || session.t(if is_org() { T::Applications } else { T::MyApplications })}</h1>
            <p class="error" role="alert">{move || error.get()}</p>
            {move || match list.get() {
                None => view! { <p>{move || session.t(T::Loading)}</p> }.into_any(),
                Some(l) if l.is_empty() => view! { <p class="empty">{move || session.t(T::NoApplications)}</p> }.into_any(),
                Some(l) => view! {
                    <table class="table">
                        <thead><tr>
                            <th scope="col">{move || session.t(if is_org() { T::Applicant } else { T::Target })}</th>
                            {move || is_org().then(|| view! { <th scope="col">{session.t(T::Target)}</th> })}
                            <th scope="col">{move || session.t(T::Stage)}</th>
                            <th scope="col">{move || session.t(T::Score)}</th>
                            <th scope="col"><span class="visually-hidden">{move || session.t(T::Edit)}</span></th>
                        </tr></thead>
                        <tbody>
                            {l.into_iter().map(|a| {
                                let stage = a.stage;
                                let open = !stage.is_final();
                                let id = a.id.clone();
                                // Startups apply to programmes, talents to offers.
                                let target_route = if session.user.get_untracked().is_some_and(|u| u.is_startup()) {
                                    Route::Programme(a.target_id.clone())
                                } else {
                                    Route::Offer(a.target_id.clone())
                                };
                                let target_link = view! { <a href=target_route.href()>{a.target_title.clone()}</a> };
                                view! {
                                    <tr data-id=a.id.clone() data-stage=enum_name(&stage).unwrap_or_default()>
                                        {move || if is_org() {
                                            view! { <td>{a.applicant_name.clone()}</td><td><a href=Route::Ranking(a.target_id.clone()).href()>{a.target_title.clone()}</a></td> }.into_any()
                                        } else {
                                            view! { <td>{target_link.clone()}</td> }.into_any()
                                        }}
                                        <td class="stage">{move || i18n::application_stage(session.lang.get(), stage)}</td>
                                        <td>{a.score.map(|s| view! { {move || format::number(session.lang.get(), s as f64, 0)} "/100" })}</td>
                                        <td>{(open && !is_org()).then(|| {
                                            let id = id.clone();
                                            view! { <button type="button" on:click=move |_| withdraw(id.clone())>{move || session.t(T::Withdraw)}</button> }
                                        })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
        </section>
    }
}
