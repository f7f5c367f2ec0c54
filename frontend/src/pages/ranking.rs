//! For an organisation's offer or programme: the recommended candidates (talents or
//! startups) ranked with explanations, and the applications received, moved between stages
//! and scored with a rubric.

use super::RequireRole;
use super::applications::{Application, follow_applications, load};
use super::detail::{PAIR_FIELDS, PairMatch, PairView};
use super::fairness::FairnessSection;
use super::matches::{Match, MatchCard, load_matches};
use crate::api::ApiErrors;
use crate::components::{RubricEditor, WelcomePath, rubric_input, rubric_rows};
use crate::format;
use crate::i18n::{self, T};
use crate::live;
use crate::queries::MY_POSTINGS;
use crate::route::Route;
use crate::session::use_session;
use crocevia_api::wire::{enum_name, parse_enum};
use crocevia_api::{ApplicationStage, PostingView};
use leptos::prelude::*;
use serde_json::{Value, json};

const STAGES: [ApplicationStage; 7] = [
    ApplicationStage::Screening,
    ApplicationStage::Interview,
    ApplicationStage::Offered,
    ApplicationStage::Waitlisted,
    ApplicationStage::Accepted,
    ApplicationStage::Rejected,
    ApplicationStage::Submitted,
];

/// The stages an organisation may move an application to a programme (`programme`) or an
/// offer to from `current`: the domain's own transition rule (the one the server applies), so
/// the page never offers a move the server would refuse. Withdrawing is the applicant's, not
/// the organisation's.
pub(super) fn allowed_moves(current: ApplicationStage, programme: bool) -> Vec<ApplicationStage> {
    STAGES.into_iter().filter(|to| current.can_move_to_for(*to, programme)).collect()
}

#[component]
pub fn Ranking(id: String) -> impl IntoView {
    view! {
        <RequireRole allowed=|u| u.is_organisation() || u.is_startup()>
            <RankingView id=id.clone() />
        </RequireRole>
    }
}

#[component]
fn RankingView(id: String) -> impl IntoView {
    let session = use_session();
    let id = StoredValue::new(id);
    let candidates = RwSignal::new(None::<Result<Vec<Match>, ApiErrors>>);
    let applications = RwSignal::new(Vec::<Application>::new());
    let refresh_candidates = move || {
        leptos::task::spawn_local(async move { candidates.set(Some(load_matches(session, &id.get_value()).await)) });
    };
    let refresh_applications = move || {
        leptos::task::spawn_local(async move {
            if let Ok(all) = load(session).await {
                applications.set(all.into_iter().filter(|a| a.target_id == id.get_value()).collect());
            }
        });
    };
    // The posting's title heads the page.
    let title = RwSignal::new(String::new());
    // A programme's selection (panel, calibrated ranking, cohort) has a page of its own.
    let is_programme = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        if let Ok(list) = session.call::<Vec<PostingView>>(MY_POSTINGS, Value::Null, "myPostings").await {
            let wanted = id.get_value();
            let mine = list.into_iter().find_map(|p| match p {
                PostingView::Offer(o) if o.id.as_str() == wanted => Some((o.title, false)),
                PostingView::Programme(p) if p.id.as_str() == wanted => Some((p.title, true)),
                _ => None,
            });
            if let Some((t, programme)) = mine {
                title.set(t);
                is_programme.set(programme);
            }
        }
    });
    refresh_candidates();
    refresh_applications();
    follow_applications(session, refresh_applications);
    // A posting just saved is ranked a moment later, and lists change as profiles do.
    let token = session.token().unwrap_or_default();
    live::follow(
        &token,
        "subscription { myMatchesChanged { subject } }",
        move |data| {
            if data.pointer("/myMatchesChanged/subject").and_then(Value::as_str) == Some(id.get_value().as_str()) {
                refresh_candidates();
            }
        },
        move |up| {
            if up {
                refresh_candidates();
            }
        },
    );
    view! {
        <section class="ranking">
            <h1>{move || session.t(T::Ranking)}</h1>
            <p class="subtitle" id="ranking-title">{move || title.get()}</p>
            {move || is_programme.get().then(|| view! {
                <p><a id="selection-link" href=Route::Selection(id.get_value()).href()>{move || session.t(T::SelectionTitle)}</a></p>
            })}
            <div class="two-columns">
                <section aria-labelledby="candidates-title">
                    <h2 id="candidates-title">{move || session.t(T::Candidates)}</h2>
                    {move || match candidates.get() {
                        None => view! { <p>{move || session.t(T::Loading)}</p> }.into_any(),
                        Some(Err(e)) if e.has_code("NOT_FOUND") => view! { <p class="pending">{move || session.t(T::RankingPending)}</p> }.into_any(),
                        Some(Err(e)) => view! { <p class="error" role="alert">{e.summary()}</p> }.into_any(),
                        Some(Ok(l)) if l.is_empty() => view! { <p class="empty">{move || session.t(T::NoResults)}</p> }.into_any(),
                        Some(Ok(l)) => view! {
                            <ol class="match-list" id="candidates">{l.into_iter().map(|m| view! { <MatchCard m=m /> }).collect_view()}</ol>
                        }.into_any(),
                    }}
                </section>
                <section aria-labelledby="applications-title">
                    <h2 id="applications-title">{move || session.t(T::Applications)}</h2>
                    {move || {
                        let list = applications.get();
                        let programme = is_programme.get();
                        if list.is_empty() {
                            view! { <p class="empty">{move || session.t(T::NoApplications)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="application-list">
                                    {list.into_iter().map(|a| view! { <ApplicationCard a=a programme=programme on_change=refresh_applications /> }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                    }}
                </section>
            </div>
            // A programme's monitor is on its selection page, beside its decisions.
            {move || (!is_programme.get()).then(|| view! { <FairnessSection target=id.get_value() /> })}
        </section>
    }
}

/// One application: applicant, stage, score, explanation, and the organisation's controls.
#[component]
fn ApplicationCard(
    a: Application,
    programme: bool,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let session = use_session();
    let id = StoredValue::new(a.id.clone());
    let explanation = RwSignal::new(None::<Result<PairMatch, ApiErrors>>);
    let moves = allowed_moves(a.stage, programme);
    let next_stage = RwSignal::new(moves.first().copied());
    let error = RwSignal::new(String::new());
    let rubric = RwSignal::new(rubric_rows());
    leptos::task::spawn_local(async move {
        let query = format!("query($id: ID!) {{ applicationMatch(id: $id) {{ {PAIR_FIELDS} }} }}");
        explanation.set(Some(session.call(&query, json!({"id": id.get_value()}), "applicationMatch").await));
    });
    let run = move |query: &'static str, vars: Value, field: &'static str| {
        leptos::task::spawn_local(async move {
            match session.call::<Value>(query, vars, field).await {
                Ok(_) => {
                    error.set(String::new());
                    on_change();
                }
                Err(e) => error.set(e.summary()),
            }
        });
    };
    let move_it = move |_| {
        let query = "mutation($id: ID!, $s: ApplicationStage!) { moveApplication(id: $id, stage: $s) { id } }";
        let stage = next_stage.get_untracked().and_then(|s| enum_name(&s).ok());
        run(query, json!({"id": id.get_value(), "s": stage}), "moveApplication");
    };
    let score_it = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let rows = rubric.with_untracked(|r| rubric_input(r));
        let query = "mutation($id: ID!, $r: [RubricInput!]!) { scoreApplication(id: $id, rubric: $r) { id } }";
        run(query, json!({"id": id.get_value(), "r": rows}), "scoreApplication");
    };
    let stage = a.stage;
    let prefix = format!("app-{}", a.id);
    let p2 = prefix.clone();
    view! {
        <li class="application" data-id=a.id.clone() data-stage=enum_name(&a.stage).unwrap_or_default()>
            <h3>{a.applicant_name.clone()}</h3>
            <p>
                {move || session.t(T::Stage)} ": "
                <strong class="stage">{move || i18n::application_stage(session.lang.get(), stage)}</strong>
                {a.score.map(|s| view! { " · " {move || session.t(T::Score)} ": " {move || format::number(session.lang.get(), s as f64, 0)} "/100" })}
            </p>
            {move || match explanation.get() {
                Some(Ok(p)) => view! { <details><summary>{move || session.t(T::WhyMatch)}</summary><PairView pair=p /></details> }.into_any(),
                Some(Err(e)) => view! { <p class="hint">{e.summary()}</p> }.into_any(),
                None => ().into_any(),
            }}
            {(!moves.is_empty()).then(move || view! {
                <div class="inline-form">
                    <label for=format!("{prefix}-stage")>{move || session.t(T::MoveTo)}</label>
                    <select id=format!("{prefix}-stage") on:change=move |ev| next_stage.set(parse_enum(&event_target_value(&ev)).ok())>
                        {moves.into_iter().map(|s| view! { <option value=enum_name(&s).unwrap_or_default()>{move || i18n::application_stage(session.lang.get(), s)}</option> }).collect_view()}
                    </select>
                    <button type="button" class="move" on:click=move_it>{move || session.t(T::Move)}</button>
                </div>
            })}
            <form class="rubric" on:submit=score_it>
                <fieldset>
                    <legend>{move || session.t(T::ScoreWithRubric)}</legend>
                    <RubricEditor prefix=p2 rows=rubric />
                    <button type="submit">{move || session.t(T::ScoreWithRubric)}</button>
                </fieldset>
            </form>
            <p class="error" role="alert">{move || error.get()}</p>
            // The welcome path of an accepted applicant from outside the EU, read-only.
            {(stage == ApplicationStage::Accepted).then(|| view! { <WelcomePath application=id.get_value() /> })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::allowed_moves;
    use crocevia_api::ApplicationStage::*;

    #[test]
    fn only_moves_the_server_allows_are_offered() {
        assert_eq!(allowed_moves(Submitted, true), vec![Screening, Rejected]);
        assert_eq!(allowed_moves(Screening, true), vec![Interview, Offered, Waitlisted, Rejected]);
        assert_eq!(allowed_moves(Screening, false), vec![Interview, Offered, Rejected], "an offer has no waitlist");
        assert!(allowed_moves(Withdrawn, true).is_empty(), "a final stage offers no move");
        assert!(allowed_moves(Accepted, false).is_empty(), "only the applicant withdraws an accepted application");
    }
}
