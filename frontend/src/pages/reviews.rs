//! "To review", for an organisation member on a programme's review panel: the applications
//! to review as the server packs them (in a blind first round, a label instead of anything
//! that names the startup), a rubric to review each once, the others' reviews after one's
//! own, and declaring a conflict of interest with an applicant without learning who it is.

use super::RequireRole;
use crate::api::{ApiErrors, Saved};
use crate::application_form::answer_row;
use crate::components::{RubricEditor, rubric_input, rubric_rows};
use crate::format;
use crate::i18n::{self, T};
use crate::queries::{ENTITY, EntityVariables, REVIEW_QUEUE};
use crate::session::use_session;
use crocevia_api::wire::enum_name;
use crocevia_api::{EntityKind, EntityView, Question, ReviewPacketView, ReviewView};
use leptos::prelude::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

#[component]
pub fn ReviewsPage() -> impl IntoView {
    view! {
        <RequireRole allowed=|u| u.is_organisation()>
            <ReviewQueue />
        </RequireRole>
    }
}

#[component]
fn ReviewQueue() -> impl IntoView {
    let session = use_session();
    let queue = RwSignal::new(None::<Result<Vec<ReviewPacketView>, ApiErrors>>);
    let notice = RwSignal::new(None::<T>);
    // Each programme's form, for the questions the answers in its packets answer.
    let forms = RwSignal::new(BTreeMap::<String, Vec<Question>>::new());
    let refresh = move || {
        leptos::task::spawn_local(async move {
            let loaded: Result<Vec<ReviewPacketView>, ApiErrors> =
                session.call(REVIEW_QUEUE, Value::Null, "reviewQueue").await;
            let programmes: BTreeSet<String> =
                loaded.as_ref().map(|l| l.iter().map(|p| p.programme_id.to_string()).collect()).unwrap_or_default();
            queue.set(Some(loaded));
            for id in programmes.into_iter().filter(|id| !forms.with_untracked(|f| f.contains_key(id))) {
                let vars = EntityVariables { kind: EntityKind::Programme, id: id.clone() };
                if let Ok(EntityView::Programme(p)) = session.call::<EntityView>(ENTITY, vars, "entity").await {
                    forms.update(|f| {
                        f.insert(id, p.form);
                    });
                }
            }
        });
    };
    refresh();
    let packets = move || queue.with(|q| q.as_ref().and_then(|q| q.as_ref().ok()).cloned().unwrap_or_default());
    let state = Memo::new(move |_| {
        queue.with(|q| match q {
            None => 0,
            Some(Err(_)) => 1,
            Some(Ok(l)) if l.is_empty() => 2,
            Some(Ok(_)) => 3,
        })
    });
    let on_conflict = move || {
        notice.set(Some(T::ConflictDeclared));
        refresh();
    };
    view! {
        <section class="reviews">
            <h1>{move || session.t(T::ToReview)}</h1>
            <p class="ok" id="reviews-notice" role="status">{move || notice.get().map(|t| session.t(t))}</p>
            {move || match state.get() {
                0 => view! { <p>{move || session.t(T::Loading)}</p> }.into_any(),
                1 => view! {
                    <p class="error" role="alert">{move || queue.with(|q| q.as_ref().and_then(|q| q.as_ref().err()).map(ApiErrors::summary))}</p>
                }.into_any(),
                2 => view! { <p class="empty" id="reviews-empty">{move || session.t(T::ReviewQueueEmpty)}</p> }.into_any(),
                _ => view! {
                    <ul class="packets">
                        // A packet is built again only when what it shows changed, so a rubric being
                        // filled in survives another packet's change.
                        <For each=packets key=|p| format!("{p:?}") children=move |p| view! {
                            <Packet packet=p forms=forms on_reviewed=refresh on_conflict=on_conflict />
                        } />
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

/// One application to review: what the reviewer may know of it, then the review or the form.
#[component]
fn Packet(
    packet: ReviewPacketView,
    forms: RwSignal<BTreeMap<String, Vec<Question>>>,
    on_reviewed: impl Fn() + Copy + Send + Sync + 'static,
    on_conflict: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let session = use_session();
    let lang = move || session.lang.get();
    let id = StoredValue::new(packet.application_id.to_string());
    let prefix = format!("packet-{}", id.get_value());
    let p = packet;
    let (stage, startup_stage, legal_form) = (p.stage, p.startup_stage, p.legal_form);
    let sectors = p.sectors.clone();
    let funding = p.funding_raised_eur;
    let in_area = p.seat_in_metro_area;
    // Blind: the label only. Otherwise the startup's name, with the label that named it so far.
    let heading = match (&p.applicant_name, p.blind) {
        (Some(name), false) => format!("{name} ({})", p.label),
        _ => p.label.clone(),
    };
    view! {
        <li class="packet application" data-id=id.get_value() data-blind=p.blind.to_string()
            data-reviewed=p.my_review.is_some().to_string() data-stage=enum_name(&stage).unwrap_or_default()>
            <span class="hit-kind">{p.programme_title.clone()}</span>
            <h2 class="packet-label">{heading}</h2>
            {p.blind.then(|| view! {
                <p class="badge blind"><strong>{move || session.t(T::BlindReview)}</strong> " " {move || session.t(T::BlindReviewHint)}</p>
            })}
            <dl class="facts">
                <dt>{move || session.t(T::Stage)}</dt>
                <dd>{move || i18n::application_stage(lang(), stage)}</dd>
                <dt>{move || session.t(T::Sectors)}</dt>
                <dd>{move || sectors.iter().map(|s| i18n::sector(lang(), *s)).collect::<Vec<_>>().join(", ")}</dd>
                <dt>{move || session.t(T::LegalFormLabel)}</dt>
                <dd>{move || format!("{} · {}", i18n::startup_stage(lang(), startup_stage), i18n::legal_form(lang(), legal_form))}</dd>
                <dt>{move || session.t(T::TeamSize)}</dt>
                <dd>{p.team_size}</dd>
                <dt>{move || session.t(T::FundingRaised)}</dt>
                <dd>{move || format::euros(lang(), funding)}</dd>
                {p.founded_year.map(|y| view! { <dt>{move || session.t(T::FoundedYear)}</dt><dd>{y}</dd> })}
                <dt>{move || session.t(T::RuleSeat)}</dt>
                <dd>{move || session.t(if in_area { T::Yes } else { T::No })}</dd>
            </dl>
            <h3>{move || session.t(T::Description)}</h3>
            <p class="description">{p.description.clone()}</p>
            {(!p.motivation.trim().is_empty()).then(|| view! {
                <h3>{move || session.t(T::Motivation)}</h3>
                <p class="motivation">{p.motivation.clone()}</p>
            })}
            {(!p.answers.is_empty()).then(|| {
                let programme = p.programme_id.to_string();
                let answers = p.answers.clone();
                view! {
                    <h3>{move || session.t(T::FormAnswers)}</h3>
                    <dl class="answers">
                        {move || {
                            let questions = forms.with(|f| f.get(&programme).cloned().unwrap_or_default());
                            answers.iter().map(|a| answer_row(session, &questions, a)).collect_view()
                        }}
                    </dl>
                }
            })}
            {match p.my_review.clone() {
                Some(mine) => view! {
                    <section class="my-review">
                        <h3>{move || session.t(T::YourReview)}</h3>
                        <ReviewLine review=mine />
                        <h3>{move || session.t(T::OtherReviews)}</h3>
                        {if p.other_reviews.is_empty() {
                            view! { <p class="empty">{move || session.t(T::NoOtherReviews)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="other-reviews">
                                    {p.other_reviews.clone().into_iter().map(|r| view! { <li><ReviewLine review=r /></li> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                }.into_any(),
                None => view! { <ReviewForm application=id.get_value() prefix=prefix.clone() on_done=on_reviewed /> }.into_any(),
            }}
            <ConflictForm application=id.get_value() prefix=prefix on_done=on_conflict />
        </li>
    }
}

/// A review: who gave it (unless it is mine), its round, its total and its rubric.
#[component]
fn ReviewLine(review: ReviewView) -> impl IntoView {
    let session = use_session();
    let lang = move || session.lang.get();
    let total = review.total;
    let round = review.round;
    let lines = review
        .rubric
        .iter()
        .map(|l| format!("{} {}/{}", l.criterion, l.points, l.max_points))
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <p class="review" data-total=total data-mine=review.mine.to_string()>
            {(!review.mine).then(|| view! { <strong class="reviewer">{review.reviewer_name.clone()}</strong> ": " })}
            <span class="total">{move || format::number(lang(), total, 0)} "/100"</span>
            " · " {move || session.t(T::Round)} " " {round}
            " · " <span class="rubric-lines">{lines}</span>
        </p>
    }
}

/// The rubric, submitted once.
#[component]
fn ReviewForm(application: String, prefix: String, on_done: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let session = use_session();
    let application = StoredValue::new(application);
    let rows = RwSignal::new(rubric_rows());
    let error = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let rubric = rows.with_untracked(|r| rubric_input(r));
        let query = "mutation($id: ID!, $r: [RubricInput!]!) { scoreApplication(id: $id, rubric: $r) { id version } }";
        busy.set(true);
        leptos::task::spawn_local(async move {
            match session
                .call::<Saved>(query, json!({"id": application.get_value(), "r": rubric}), "scoreApplication")
                .await
            {
                Ok(_) => {
                    error.set(String::new());
                    on_done();
                }
                Err(e) => error.set(e.summary()),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="rubric review-form" on:submit=submit>
            <fieldset>
                <legend>{move || session.t(T::ScoreWithRubric)}</legend>
                <p class="hint">{move || session.t(T::ReviewFinal)}</p>
                <RubricEditor prefix=prefix rows=rows />
                <button type="submit" class="primary submit-review" disabled=move || busy.get()>{move || session.t(T::SubmitReview)}</button>
                <p class="error" role="alert">{move || error.get()}</p>
            </fieldset>
        </form>
    }
}

/// Declares a conflict of interest with the application's applicant, named to nobody.
#[component]
fn ConflictForm(
    application: String,
    prefix: String,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let session = use_session();
    let application = StoredValue::new(application);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(String::new());
    let declare = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let query = "mutation($a: ID!, $r: String!) { declareConflict(with: {application: $a}, reason: $r) }";
        let vars = json!({"a": application.get_value(), "r": reason.get_untracked().trim()});
        leptos::task::spawn_local(async move {
            match session.call::<bool>(query, vars, "declareConflict").await {
                Ok(_) => on_done(),
                Err(e) => error.set(e.summary()),
            }
        });
    };
    let field = format!("{prefix}-conflict-reason");
    view! {
        <details class="conflict">
            <summary>{move || session.t(T::DeclareConflict)}</summary>
            <form on:submit=declare>
                <p class="hint">{move || session.t(T::ConflictHint)}</p>
                <label for=field.clone()>{move || session.t(T::ReasonOptional)}</label>
                <input id=field type="text" class="conflict-reason" maxlength="500"
                    prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                <button type="submit" class="declare">{move || session.t(T::Declare)}</button>
                <p class="error" role="alert">{move || error.get()}</p>
            </form>
        </details>
    }
}
