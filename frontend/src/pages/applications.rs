//! Applications: a talent's or startup's own, with their stages, withdrawal (an accepted
//! startup's too, which frees its place in the cohort) and why each was decided; for a
//! startup, the cohort of the programme it applied to. For an organisation, the ones it
//! received, moved and scored on the ranking page. Kept current by the `myApplicationsChanged`
//! subscription.

use super::RequireRole;
use super::selection::{CohortFacts, list_name};
use crate::api::ApiErrors;
use crate::components::{Explanation, Factor, WelcomePath};
use crate::format;
use crate::i18n::{self, T};
use crate::live;
use crate::queries::{COHORT, MY_DECISION};
use crate::route::Route;
use crate::session::{Session, use_session};
use crocevia_api::wire::enum_name;
use crocevia_api::{ApplicationStage, CohortView, DecisionExplanationView};
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
    // Whether there is anything to list (`None` while loading).
    let shown = Memo::new(move |_| list.with(|l| l.as_ref().map(|l| !l.is_empty())));
    let rows = move || list.get().unwrap_or_default();
    let accepted = move || {
        list.get().unwrap_or_default().into_iter().filter(|a| a.stage == ApplicationStage::Accepted).collect::<Vec<_>>()
    };
    view! {
        <section class="applications">
            <h1>{move || session.t(if is_org() { T::Applications } else { T::MyApplications })}</h1>
            <p class="error" role="alert">{move || error.get()}</p>
            {move || match shown.get() {
                None => view! { <p>{move || session.t(T::Loading)}</p> }.into_any(),
                Some(false) => view! { <p class="empty">{move || session.t(T::NoApplications)}</p> }.into_any(),
                Some(true) => view! {
                    <table class="table">
                        <thead><tr>
                            <th scope="col">{move || session.t(if is_org() { T::Applicant } else { T::Target })}</th>
                            {move || is_org().then(|| view! { <th scope="col">{session.t(T::Target)}</th> })}
                            <th scope="col">{move || session.t(T::Stage)}</th>
                            // The score is the organisation's own assessment; the server
                            // gives it to nobody else.
                            {move || is_org().then(|| view! { <th scope="col">{session.t(T::Score)}</th> })}
                            <th scope="col"><span class="visually-hidden">{move || session.t(T::Edit)}</span></th>
                        </tr></thead>
                        <tbody>
                            // A row is built again only when its application changed, so an open
                            // panel or a confirmation survives a refresh of the list.
                            <For each=rows key=|a| format!("{a:?}") children=move |a| view! {
                                <Row a=a is_org=is_org withdraw=withdraw />
                            } />
                        </tbody>
                    </table>
                }.into_any(),
            }}
            // An accepted applicant from outside the EU: the welcome path (nothing otherwise).
            {move || (!is_org()).then(|| view! {
                <For each=accepted key=|a| a.id.clone() children=move |a| view! { <WelcomePath application=a.id /> } />
            })}
        </section>
    }
}

/// One application; for the applicant, withdrawing it (an accepted place only after a
/// confirmation), and below it the cohort (a startup's programme) and why it was decided.
#[component]
fn Row(
    a: Application,
    is_org: impl Fn() -> bool + Copy + Send + Sync + 'static,
    withdraw: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let session = use_session();
    let stage = a.stage;
    let open = !stage.is_final();
    let id = StoredValue::new(a.id.clone());
    // Startups apply to programmes, talents to offers.
    let startup = session.user.get_untracked().is_some_and(|u| u.is_startup());
    let target_route = if startup { Route::Programme(a.target_id.clone()) } else { Route::Offer(a.target_id.clone()) };
    let target_link = view! { <a href=target_route.href()>{a.target_title.clone()}</a> };
    let confirming = RwSignal::new(false);
    let panel = RwSignal::new(None::<Panel>);
    let toggle = move |which: Panel| panel.update(|p| *p = if *p == Some(which) { None } else { Some(which) });
    let programme = StoredValue::new(a.target_id.clone());
    // A decision is there to explain once the application left its first stage.
    let decided = stage != ApplicationStage::Submitted;
    let applicant_view = !is_org();
    let more_id = format!("more-{}", a.id);
    view! {
        <tr data-id=a.id.clone() data-stage=enum_name(&stage).unwrap_or_default()>
            {move || if is_org() {
                view! { <td>{a.applicant_name.clone()}</td><td><a href=Route::Ranking(a.target_id.clone()).href()>{a.target_title.clone()}</a></td> }.into_any()
            } else {
                view! { <td>{target_link.clone()}</td> }.into_any()
            }}
            <td class="stage">{move || i18n::application_stage(session.lang.get(), stage)}</td>
            {move || is_org().then(|| view! {
                <td>{a.score.map(|s| view! { {move || format::number(session.lang.get(), s as f64, 0)} "/100" })}</td>
            })}
            <td class="row-actions">
                // Withdrawing cannot be undone: it is confirmed first, and an accepted place
                // says so in the question.
                {(open && applicant_view).then(|| {
                    let accepted = stage == ApplicationStage::Accepted;
                    view! {
                        {move || if confirming.get() {
                            view! {
                                <button type="button" class="confirm-withdraw" on:click=move |_| withdraw(id.get_value())>
                                    {move || session.t(if accepted { T::ConfirmWithdraw } else { T::ConfirmWithdrawApplication })}
                                </button>
                                <button type="button" class="link" on:click=move |_| confirming.set(false)>{move || session.t(T::Cancel)}</button>
                            }.into_any()
                        } else {
                            view! {
                                <button type="button" class="withdraw" on:click=move |_| confirming.set(true)>
                                    {move || session.t(T::Withdraw)}
                                </button>
                            }.into_any()
                        }}
                    }
                })}
                {(applicant_view && startup).then(|| view! {
                    <button type="button" class="link show-cohort" aria-controls=more_id.clone()
                        aria-expanded=move || (panel.get() == Some(Panel::Cohort)).to_string()
                        on:click=move |_| toggle(Panel::Cohort)>{move || session.t(T::Cohort)}</button>
                })}
                {(applicant_view && decided).then(|| view! {
                    <button type="button" class="link why-decision" aria-controls=more_id.clone()
                        aria-expanded=move || (panel.get() == Some(Panel::Why)).to_string()
                        on:click=move |_| toggle(Panel::Why)>{move || session.t(T::WhyDecision)}</button>
                })}
            </td>
        </tr>
        {move || panel.get().map(|which| view! {
            <tr class="more" id=more_id.clone()>
                <td colspan="3">
                    {match which {
                        Panel::Cohort => view! { <MyCohort programme=programme.get_value() /> }.into_any(),
                        Panel::Why => view! { <WhyDecision application=id.get_value() /> }.into_any(),
                    }}
                </td>
            </tr>
        })}
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Panel {
    Cohort,
    Why,
}

/// The cohort of the programme a startup applied to: members, dates, its own place.
#[component]
fn MyCohort(programme: String) -> impl IntoView {
    let session = use_session();
    let cohort = RwSignal::new(None::<Result<CohortView, ApiErrors>>);
    leptos::task::spawn_local(async move {
        cohort.set(Some(session.call(COHORT, json!({"programme": programme}), "cohort").await));
    });
    view! {
        <section class="my-cohort">
            <h2>{move || session.t(T::Cohort)}</h2>
            {move || match cohort.get() {
                None => view! { <p>{move || session.t(T::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.summary()}</p> }.into_any(),
                Some(Ok(c)) => view! { <CohortFacts cohort=c /> }.into_any(),
            }}
        </section>
    }
}

/// Why my application stands where it does: each decision with its reason, and the ranking
/// the last of them followed (my place in it, and for a matching list the factors it used for
/// me), in the reader's language.
#[component]
fn WhyDecision(application: String) -> impl IntoView {
    let session = use_session();
    let lang = move || session.lang.get();
    let why = RwSignal::new(None::<Result<DecisionExplanationView, ApiErrors>>);
    leptos::task::spawn_local(async move {
        why.set(Some(session.call(MY_DECISION, json!({"application": application}), "myDecision").await));
    });
    view! {
        <section class="why-decision">
            <h2>{move || session.t(T::WhyDecision)}</h2>
            {move || match why.get() {
                None => view! { <p>{move || session.t(T::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.summary()}</p> }.into_any(),
                Some(Ok(w)) => {
                    let selection = w.list.as_deref() == Some("selection");
                    let ranking = w.list.clone().map(|list| {
                        let place = w.rank_seen.zip(w.list_length);
                        let value = w.score;
                        let named = list_name(&list);
                        view! {
                            <p class="ranking-used" data-list=list>
                                <strong>{move || session.t(named)}</strong>
                                {place.map(|(rank, n)| view! {
                                    ". " <span class="place" data-rank=rank data-of=n>
                                        {move || session.t(T::PlaceInRanking).replace("{rank}", &rank.to_string()).replace("{n}", &n.to_string())}
                                    </span>
                                })}
                                {value.map(|v| view! {
                                    " · " {move || session.t(T::Score)} ": "
                                    {move || if selection { format!("{}/100", format::number(lang(), v, 1)) } else { format::percent(lang(), v) }}
                                })}
                            </p>
                        }
                    });
                    let factors: Vec<Factor> = w.factors.iter().map(|f| Factor {
                        key: f.key.clone(),
                        weight: f.weight,
                        value: f.value,
                        reason_it: f.reason_it.clone(),
                        reason_en: f.reason_en.clone(),
                    }).collect();
                    view! {
                        {match ranking {
                            Some(r) => r.into_any(),
                            None => view! { <p class="hint">{move || session.t(T::NoRankingUsed)}</p> }.into_any(),
                        }}
                        {(!factors.is_empty()).then(|| view! {
                            <h3>{move || session.t(T::FactorsUsed)}</h3>
                            <Explanation factors=factors />
                        })}
                        <h3>{move || session.t(T::Decisions)}</h3>
                        {if w.decisions.is_empty() {
                            view! { <p class="empty">{move || session.t(T::NoDecisions)}</p> }.into_any()
                        } else {
                            view! {
                                <ol class="decisions">
                                    {w.decisions.into_iter().map(|d| {
                                        let (from, to, at) = (d.from_stage, d.to_stage, d.decided_at.0.to_rfc3339());
                                        let reason = d.reason.clone();
                                        let given = !reason.trim().is_empty();
                                        view! {
                                            <li data-to-stage=enum_name(&to).unwrap_or_default()>
                                                <span class="when">{move || format::timestamp(lang(), &at)}</span> ": "
                                                {move || format!("{} → {}", i18n::application_stage(lang(), from), i18n::application_stage(lang(), to))}
                                                " · "
                                                {if given {
                                                    view! { <q class="reason">{reason}</q> }.into_any()
                                                } else {
                                                    view! { <span class="reason none">{move || session.t(T::NoReasonGiven)}</span> }.into_any()
                                                }}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ol>
                            }.into_any()
                        }}
                    }.into_any()
                }
            }}
        </section>
    }
}
