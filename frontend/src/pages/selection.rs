//! A programme's selection, for its organisation: the review panel (and its blind first
//! round), the applications ranked by the panel's raw and calibrated scores side by side with
//! each reviewer's leniency, the decisions on them (waitlisting included, with a reason, and
//! "against the ranking" only with one), the cohort with its waitlist, and the decision
//! records with a replay of each ranking shown.
//!
//! Every rule is the server's: the page offers only the moves the domain allows, and shows
//! the server's refusals (a full cohort, a reviewer outside the organisation) next to the
//! control that caused them.

use super::RequireRole;
use super::applications::follow_applications;
use super::fairness::FairnessSection;
use super::ranking::allowed_moves;
use crate::api::{ApiErrors, Saved};
use crate::application_form::answer_row;
use crate::format;
use crate::i18n::{self, Lang, T};
use crate::queries::{COHORT, DECISION_RECORDS, ENTITY, EntityVariables, REPLAY_RANKING, SELECTION_RANKING};
use crate::route::Route;
use crate::session::{Session, use_session};
use crocevia_api::wire::{enum_name, parse_enum};
use crocevia_api::{
    AnswerView, ApplicationStage, CohortView, DecisionExportView, DecisionRecordView, EntityKind, EntityView,
    NamedView, Question, RankedApplicationView, RankingRecordView, RankingReplayView, ReviewerLeniencyView,
    SelectionRankingView,
};
use leptos::prelude::*;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

type Loaded<V> = RwSignal<Option<Result<V, ApiErrors>>>;

#[component]
pub fn Selection(id: String) -> impl IntoView {
    view! {
        <RequireRole allowed=|u| u.is_organisation()>
            <SelectionView id=id.clone() />
        </RequireRole>
    }
}

/// The panel form's errors, each naming the reviewer it is about (`reviewers[1]` is the
/// second one sent), by name when the page knows it.
pub fn panel_errors(errors: &ApiErrors, sent: &[String], names: &BTreeMap<String, String>) -> Vec<String> {
    errors
        .0
        .iter()
        .map(|e| {
            let index = e
                .field
                .as_deref()
                .and_then(|f| f.strip_prefix("reviewers["))
                .and_then(|rest| rest.split(']').next())
                .and_then(|i| i.parse::<usize>().ok());
            match index.and_then(|i| sent.get(i)) {
                Some(id) => format!("{}: {}", names.get(id).unwrap_or(id), e.message),
                None => e.message.clone(),
            }
        })
        .collect()
}

/// A score on 0-100 with one decimal, or a dash when there is none.
fn score(lang: Lang, value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format::number(lang, v, 1))
}

/// A reviewer's offset from the round's mean, signed.
fn offset(lang: Lang, value: f64) -> String {
    let text = format::number(lang, value, 1);
    if value > 0.05 { format!("+{text}") } else { text }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shown {
    Loading,
    Failed,
    Empty,
    Table,
}

#[component]
fn SelectionView(id: String) -> impl IntoView {
    let session = use_session();
    let id = StoredValue::new(id);
    let ranking: Loaded<SelectionRankingView> = RwSignal::new(None);
    let cohort: Loaded<CohortView> = RwSignal::new(None);
    let records: Loaded<DecisionExportView> = RwSignal::new(None);
    // The ranking first: showing it records it, and the records then list it.
    let refresh = move || {
        leptos::task::spawn_local(async move {
            let vars = json!({"programme": id.get_value()});
            ranking.set(Some(session.call(SELECTION_RANKING, vars.clone(), "selectionRanking").await));
            cohort.set(Some(session.call(COHORT, vars, "cohort").await));
            let vars = json!({"target": id.get_value()});
            records.set(Some(session.call(DECISION_RECORDS, vars, "decisionRecords").await));
        });
    };
    refresh();
    // The programme's form, for the questions the applications' answers answer.
    let questions = RwSignal::new(Vec::<Question>::new());
    leptos::task::spawn_local(async move {
        let vars = EntityVariables { kind: EntityKind::Programme, id: id.get_value() };
        if let Ok(EntityView::Programme(p)) = session.call::<EntityView>(ENTITY, vars, "entity").await {
            questions.set(p.form);
        }
    });
    // A withdrawal moves the waitlist up: the page follows the programme's applications.
    follow_applications(session, refresh);
    let title = move || cohort.with(|c| c.as_ref().and_then(|c| c.as_ref().ok()).map(|c| c.title.clone()));
    // Names of the startups and reviewers the records mention by id.
    let names = Memo::new(move |_| {
        let mut out = BTreeMap::new();
        if let Some(Ok(r)) = ranking.get() {
            for a in &r.applications {
                out.insert(a.applicant.id.to_string(), a.applicant_name.clone());
            }
            for p in &r.panel {
                out.insert(p.id.to_string(), p.name.clone());
            }
            for l in &r.reviewers {
                out.insert(l.reviewer_id.to_string(), l.reviewer_name.clone());
            }
        }
        if let Some(u) = session.user.get() {
            out.insert(u.id.to_string(), u.display_name.clone());
        }
        out
    });
    // What the ranking section shows; the table itself is not rebuilt on a refresh, so a
    // reason being typed in one row survives a change in another.
    let shown = Memo::new(move |_| {
        ranking.with(|r| match r {
            None => Shown::Loading,
            Some(Err(_)) => Shown::Failed,
            Some(Ok(r)) if r.applications.is_empty() && r.withheld == 0 => Shown::Empty,
            Some(Ok(_)) => Shown::Table,
        })
    });
    view! {
        <section class="selection">
            <h1>{move || session.t(T::SelectionTitle)}</h1>
            <p class="subtitle" id="selection-title">{title}</p>
            <p><a href=Route::Ranking(id.get_value()).href()>{move || session.t(T::Ranking)}</a></p>
            {move || match ranking.get() {
                Some(Err(e)) => Some(view! { <p class="error" role="alert" id="selection-error">{e.summary()}</p> }),
                _ => None,
            }}
            <PanelForm programme=id.get_value() ranking=ranking on_change=refresh />
            <section aria-labelledby="panel-ranking-title">
                <h2 id="panel-ranking-title">{move || session.t(T::PanelRanking)}</h2>
                <p class="hint">{move || session.t(T::RawVsCalibrated)}</p>
                {move || match shown.get() {
                    Shown::Loading => view! { <p>{move || session.t(T::Loading)}</p> }.into_any(),
                    Shown::Failed => ().into_any(),
                    Shown::Empty => view! { <p class="empty">{move || session.t(T::NoApplications)}</p> }.into_any(),
                    Shown::Table => view! { <RankingTable rows=ranking questions=questions on_change=refresh /> }.into_any(),
                }}
            </section>
            {move || match ranking.get() {
                Some(Ok(r)) if !r.reviewers.is_empty() => Some(view! { <LeniencyTable reviewers=r.reviewers /> }),
                _ => None,
            }}
            <CohortSection cohort=cohort />
            <FairnessSection target=id.get_value() />
            <Records records=records names=names />
        </section>
    }
}

/// The panel: reviewers by id, the blind first round, and ending it.
#[component]
fn PanelForm(
    programme: String,
    ranking: Loaded<SelectionRankingView>,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let session = use_session();
    let programme = StoredValue::new(programme);
    // The organisation's members, to choose the panel from; the chosen ones, by id.
    let members = RwSignal::new(None::<Result<Vec<NamedView>, ApiErrors>>);
    if let Some(org) = session.user.get_untracked().and_then(|u| u.organisation_id) {
        leptos::task::spawn_local(async move {
            let query = "query($o: ID!) { organisationMembers(organisation: $o) { id name } }";
            members.set(Some(session.call(query, json!({"o": org.to_string()}), "organisationMembers").await));
        });
    }
    let chosen = RwSignal::new(BTreeSet::<String>::new());
    let blind = RwSignal::new(false);
    // Filled from the server once, and again after each save; a choice is never overwritten.
    let filled = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(r)) = ranking.get()
            && !filled.get_untracked()
        {
            chosen.set(r.panel.iter().map(|p| p.id.to_string()).collect());
            blind.set(r.blind_first_round);
            filled.set(true);
        }
    });
    let names = move || {
        members.with_untracked(|m| match m {
            Some(Ok(m)) => m.iter().map(|m| (m.id.to_string(), m.name.clone())).collect(),
            _ => BTreeMap::new(),
        })
    };
    let errors = RwSignal::new(Vec::<String>::new());
    let status = RwSignal::new(None::<T>);
    let busy = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let sent: Vec<String> = chosen.get_untracked().into_iter().collect();
        let query = "mutation($p: ID!, $r: [ID!]!, $b: Boolean!) { setReviewPanel(programme: $p, reviewers: $r, blindFirstRound: $b) { id version } }";
        let vars = json!({"p": programme.get_value(), "r": sent, "b": blind.get_untracked()});
        busy.set(true);
        leptos::task::spawn_local(async move {
            match session.call::<Saved>(query, vars, "setReviewPanel").await {
                Ok(_) => {
                    errors.set(vec![]);
                    status.set(Some(T::PanelSaved));
                    filled.set(false);
                    on_change();
                }
                Err(e) => {
                    status.set(None);
                    errors.set(panel_errors(&e, &sent, &names()));
                }
            }
            busy.set(false);
        });
    };
    let end_blind = move |_| {
        let query = "mutation($p: ID!) { endBlindRound(programme: $p) { id version } }";
        leptos::task::spawn_local(async move {
            match session.call::<Saved>(query, json!({"p": programme.get_value()}), "endBlindRound").await {
                Ok(_) => {
                    errors.set(vec![]);
                    on_change();
                }
                Err(e) => errors.set(vec![e.summary()]),
            }
        });
    };
    let loaded = move || ranking.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).cloned());
    view! {
        <section class="panel" aria-labelledby="panel-title">
            <h2 id="panel-title">{move || session.t(T::ReviewPanel)}</h2>
            {move || loaded().map(|r| {
                let state = match (r.blind_first_round, r.blind_round_ended) {
                    (false, _) => ("none", T::BlindNone),
                    (true, false) => ("ongoing", T::BlindOngoing),
                    (true, true) => ("ended", T::BlindEnded),
                };
                view! {
                    {if r.panel.is_empty() {
                        view! { <p class="empty" id="panel">{move || session.t(T::NoPanel)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="chips" id="panel">
                                {r.panel.into_iter().map(|p| view! {
                                    <li class="chip" data-id=p.id.to_string()>{p.name}</li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    <p id="blind-status" data-state=state.0>
                        {move || session.t(T::BlindRound)} ": " {move || session.t(state.1)}
                        {(state.0 == "ongoing").then(|| view! {
                            " " <button type="button" id="end-blind-round" on:click=end_blind>{move || session.t(T::EndBlindRound)}</button>
                        })}
                    </p>
                }
            })}
            <form id="panel-form" on:submit=save>
                <fieldset id="panel-reviewers">
                    <legend>{move || session.t(T::ChooseReviewers)}</legend>
                    {move || match members.get() {
                        None => view! { <p class="loading">{move || session.t(T::Loading)}</p> }.into_any(),
                        Some(Err(e)) => view! { <p class="error" role="alert">{e.summary()}</p> }.into_any(),
                        Some(Ok(list)) => list.into_iter().map(|m| {
                            let id = m.id.to_string();
                            let key = StoredValue::new(id.clone());
                            let input = format!("reviewer-{id}");
                            view! {
                                <div class="check reviewer" data-id=id>
                                    <input type="checkbox" id=input.clone()
                                        prop:checked=move || chosen.with(|c| c.contains(&key.get_value()))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            chosen.update(|c| {
                                                if on { c.insert(key.get_value()); } else { c.remove(&key.get_value()); }
                                            });
                                        } />
                                    <label for=input>{m.name}</label>
                                </div>
                            }
                        }).collect_view().into_any(),
                    }}
                </fieldset>
                <div class="check">
                    <input type="checkbox" id="panel-blind" prop:checked=move || blind.get()
                        on:change=move |ev| blind.set(event_target_checked(&ev)) />
                    <label for="panel-blind">{move || session.t(T::BlindFirstRound)}</label>
                </div>
                <div class="save-bar">
                    <button type="submit" class="primary" id="panel-save" disabled=move || busy.get()>{move || session.t(T::SavePanel)}</button>
                    <span class="ok" id="panel-status" role="status">{move || status.get().map(|t| session.t(t))}</span>
                </div>
                <ul class="errors" id="panel-errors" role="alert">
                    {move || errors.get().into_iter().map(|e| view! { <li class="error">{e}</li> }).collect_view()}
                </ul>
            </form>
        </section>
    }
}

/// The applications in calibrated order, raw beside calibrated, each with its decision.
#[component]
fn RankingTable(
    rows: Loaded<SelectionRankingView>,
    questions: RwSignal<Vec<Question>>,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let session = use_session();
    let lang = move || session.lang.get();
    let loaded =
        move |f: fn(&SelectionRankingView) -> i32| rows.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map_or(0, f));
    let withheld = move || loaded(|r| r.withheld);
    // Rows keep their typed reason across a refresh unless what they show changed.
    let list = move || {
        rows.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(|r| r.applications.clone()).unwrap_or_default())
    };
    view! {
        {move || (withheld() > 0).then(|| view! {
            <p class="hint" id="withheld">{move || session.t(T::Withheld).replace("{n}", &withheld().to_string())}</p>
        })}
        <div class="table-wrap">
            <table class="table" id="selection-ranking">
                <thead><tr>
                    <th scope="col">{move || session.t(T::CalibratedRank)}</th>
                    <th scope="col">{move || session.t(T::Startups)}</th>
                    <th scope="col">{move || session.t(T::Stage)}</th>
                    <th scope="col" class="num">{move || session.t(T::Reviews)}</th>
                    <th scope="col" class="num">{move || session.t(T::Calibrated)}</th>
                    <th scope="col" class="num">{move || session.t(T::Raw)}</th>
                    <th scope="col" class="num">{move || session.t(T::RawRank)}</th>
                    <th scope="col">{move || session.t(T::Decision)}</th>
                </tr></thead>
                <tbody>
                    <For each=list key=|a| format!("{a:?}") children=move |a: RankedApplicationView| {
                        let stage = a.stage;
                        let (raw, calibrated) = (a.raw, a.calibrated);
                        view! {
                            <tr data-id=a.application_id.to_string() data-applicant=a.applicant.id.to_string()
                                data-stage=enum_name(&stage).unwrap_or_default()
                                data-calibrated-rank=a.calibrated_rank data-raw-rank=a.raw_rank
                                data-calibrated=calibrated data-raw=raw>
                                <td class="rank">{a.calibrated_rank}</td>
                                <th scope="row" class="name">
                                    {a.applicant_name.clone()}
                                    <ApplicationText motivation=a.motivation.clone() answers=a.answers.clone() questions=questions />
                                </th>
                                <td class="stage">{move || i18n::application_stage(lang(), stage)}</td>
                                <td class="num">{a.reviews}</td>
                                <td class="num calibrated">{move || if a.reviews == 0 { session.t(T::NotReviewedYet).to_owned() } else { score(lang(), calibrated) }}</td>
                                <td class="num raw">{move || score(lang(), raw)}</td>
                                <td class="num raw-rank">{a.raw_rank}</td>
                                <td><Decide application=a.application_id.to_string() stage=stage on_change=on_change /></td>
                            </tr>
                        }
                    } />
                </tbody>
            </table>
        </div>
    }
}

/// What the startup wrote (its motivation and its answers to the form), folded under its
/// name.
#[component]
fn ApplicationText(motivation: String, answers: Vec<AnswerView>, questions: RwSignal<Vec<Question>>) -> impl IntoView {
    let session = use_session();
    (!motivation.trim().is_empty() || !answers.is_empty()).then(|| {
        view! {
            <details class="application-text">
                <summary>{move || session.t(T::FormAnswers)}</summary>
                {(!motivation.trim().is_empty()).then(|| view! {
                    <h3>{move || session.t(T::Motivation)}</h3>
                    <p class="motivation">{motivation.clone()}</p>
                })}
                <dl class="answers">
                    {move || questions.with(|q| answers.iter().map(|a| answer_row(session, q, a)).collect_view())}
                </dl>
            </details>
        }
    })
}

/// Moving one application: the stages the domain allows from its own, an optional reason,
/// and "against the ranking", which needs one.
#[component]
fn Decide(
    application: String,
    stage: ApplicationStage,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let session = use_session();
    let moves = allowed_moves(stage, true);
    if moves.is_empty() {
        return ().into_any();
    }
    let application = StoredValue::new(application);
    let next = RwSignal::new(moves[0]);
    let reason = RwSignal::new(String::new());
    let against = RwSignal::new(false);
    let error = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let base = format!("decide-{}", application.get_value());
    let go = move |_| {
        let (to, why, against_it) = (next.get_untracked(), reason.get_untracked(), against.get_untracked());
        if against_it && why.trim().is_empty() {
            error.set(session.t(T::AgainstRankingNeedsReason).to_owned());
            return;
        }
        let query = "mutation($id: ID!, $s: ApplicationStage!, $r: String!, $a: Boolean!) \
                     { moveApplication(id: $id, stage: $s, reason: $r, againstRanking: $a) { id version } }";
        let vars = json!({"id": application.get_value(), "s": enum_name(&to).unwrap_or_default(), "r": why.trim(), "a": against_it});
        busy.set(true);
        leptos::task::spawn_local(async move {
            match session.call::<Saved>(query, vars, "moveApplication").await {
                Ok(_) => {
                    error.set(String::new());
                    on_change();
                }
                Err(e) => error.set(move_error(session, &e, to)),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="decide">
            <label for=format!("{base}-stage") class="visually-hidden">{move || session.t(T::MoveTo)}</label>
            <select id=format!("{base}-stage") class="stage-choice" on:change=move |ev| {
                if let Ok(s) = parse_enum(&event_target_value(&ev)) {
                    next.set(s);
                }
            }>
                {moves.into_iter().map(|s| view! {
                    <option value=enum_name(&s).unwrap_or_default()>{move || i18n::application_stage(session.lang.get(), s)}</option>
                }).collect_view()}
            </select>
            <label for=format!("{base}-reason") class="visually-hidden">{move || session.t(T::ReasonOptional)}</label>
            <input id=format!("{base}-reason") class="reason" type="text" maxlength="2000"
                placeholder=move || session.t(T::ReasonOptional)
                prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
            <span class="check">
                <input type="checkbox" id=format!("{base}-against") class="against" prop:checked=move || against.get()
                    on:change=move |ev| against.set(event_target_checked(&ev)) />
                <label for=format!("{base}-against")>{move || session.t(T::AgainstRanking)}</label>
            </span>
            <button type="button" class="move" disabled=move || busy.get() on:click=go>{move || session.t(T::Move)}</button>
            <p class="error decide-error" role="alert">{move || error.get()}</p>
        </div>
    }
    .into_any()
}

/// Why a move was refused, in the reader's language where the page knows the rule.
fn move_error(session: Session, e: &ApiErrors, to: ApplicationStage) -> String {
    if to == ApplicationStage::Accepted && e.for_field("stage").is_some() && e.summary().contains("full") {
        return session.t(T::CohortFull).to_owned();
    }
    if e.for_field("reason").is_some() {
        return session.t(T::AgainstRankingNeedsReason).to_owned();
    }
    e.summary()
}

#[component]
fn LeniencyTable(reviewers: Vec<ReviewerLeniencyView>) -> impl IntoView {
    let session = use_session();
    let lang = move || session.lang.get();
    view! {
        <section aria-labelledby="leniency-title">
            <h2 id="leniency-title">{move || session.t(T::Leniency)}</h2>
            <p class="hint">{move || session.t(T::LeniencyHint)}</p>
            <table class="table" id="leniency">
                <thead><tr>
                    <th scope="col">{move || session.t(T::Reviewer)}</th>
                    <th scope="col" class="num">{move || session.t(T::Reviews)}</th>
                    <th scope="col" class="num">{move || session.t(T::MeanLabel)}</th>
                    <th scope="col" class="num">{move || session.t(T::Offset)}</th>
                </tr></thead>
                <tbody>
                    {reviewers.into_iter().map(|r| {
                        let (mean, off) = (r.mean, r.offset);
                        let kind = if off > 0.05 { Some(T::Lenient) } else if off < -0.05 { Some(T::Strict) } else { None };
                        view! {
                            <tr data-id=r.reviewer_id.to_string() data-offset=off>
                                <th scope="row">{r.reviewer_name}</th>
                                <td class="num">{r.reviews}</td>
                                <td class="num">{move || format::number(lang(), mean, 1)}</td>
                                <td class="num offset">
                                    {move || offset(lang(), off)}
                                    {kind.map(|k| view! { " (" {move || session.t(k)} ")" })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn CohortSection(cohort: Loaded<CohortView>) -> impl IntoView {
    let session = use_session();
    view! {
        <section class="cohort" aria-labelledby="cohort-title" id="cohort">
            <h2 id="cohort-title">{move || session.t(T::Cohort)}</h2>
            {move || match cohort.get() {
                None => view! { <p>{move || session.t(T::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.summary()}</p> }.into_any(),
                Some(Ok(c)) => view! { <CohortFacts cohort=c /> }.into_any(),
            }}
        </section>
    }
}

/// What an organisation and a startup alike read of a cohort: dates, places, members, and the
/// waitlist (named for the organisation; for a startup, its own place).
#[component]
pub fn CohortFacts(cohort: CohortView) -> impl IntoView {
    let session = use_session();
    let lang = move || session.lang.get();
    let (start, end) = (cohort.cohort_start.0, cohort.cohort_end.0);
    let taken = cohort.members.len();
    let capacity = cohort.capacity;
    let waiting = cohort.waitlisted;
    let position = cohort.my_waitlist_position;
    let named_waitlist = !cohort.waitlist.is_empty();
    view! {
        <dl class="facts">
            <dt>{move || session.t(T::CohortDates)}</dt>
            <dd class="dates">{move || format!("{} – {}", format::date(lang(), start), format::date(lang(), end))}</dd>
            <dt>{move || session.t(T::Capacity)}</dt>
            <dd class="places" data-taken=taken data-capacity=capacity>
                {move || session.t(T::PlacesTaken).replace("{n}", &taken.to_string()).replace("{capacity}", &capacity.to_string())}
            </dd>
            <dt>{move || session.t(T::WaitingCount)}</dt>
            <dd class="waiting" data-count=waiting>{waiting}</dd>
            {cohort.my_stage.map(|s| view! {
                <dt>{move || session.t(T::Stage)}</dt>
                <dd class="my-stage" data-stage=enum_name(&s).unwrap_or_default()>{move || i18n::application_stage(lang(), s)}</dd>
            })}
            {position.map(|p| view! {
                <dt>{move || session.t(T::MyWaitlistPosition)}</dt>
                <dd class="my-position" data-position=p>{p}</dd>
            })}
        </dl>
        <h3>{move || session.t(T::CohortMembers)}</h3>
        {if cohort.members.is_empty() {
            view! { <p class="empty">{move || session.t(T::NoMembers)}</p> }.into_any()
        } else {
            view! {
                <ul class="cohort-members">
                    {cohort.members.into_iter().map(|m| view! { <li data-id=m.id.to_string()>{m.name}</li> }).collect_view()}
                </ul>
            }.into_any()
        }}
        {named_waitlist.then(|| view! {
            <h3>{move || session.t(T::Waitlist)}</h3>
            <ol class="waitlist">
                {cohort.waitlist.into_iter().map(|m| view! { <li data-id=m.id.to_string()>{m.name}</li> }).collect_view()}
            </ol>
        })}
    }
}

/// The decisions, oldest first, and the rankings shown, newest first, each replayable.
#[component]
fn Records(records: Loaded<DecisionExportView>, names: Memo<BTreeMap<String, String>>) -> impl IntoView {
    let session = use_session();
    view! {
        <section class="records" aria-labelledby="records-title" id="decision-records">
            <h2 id="records-title">{move || session.t(T::DecisionRecords)}</h2>
            <p class="hint">{move || session.t(T::DecisionRecordsHint)}</p>
            {move || match records.get() {
                None => view! { <p>{move || session.t(T::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.summary()}</p> }.into_any(),
                Some(Ok(r)) => view! {
                    <h3>{move || session.t(T::Decisions)}</h3>
                    <DecisionTable decisions=r.decisions names=names />
                    <h3>{move || session.t(T::RankingsShown)}</h3>
                    <ul class="ranking-records">
                        {r.rankings.into_iter().map(|k| view! { <RankingRecord ranking=k names=names /> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn DecisionTable(decisions: Vec<DecisionRecordView>, names: Memo<BTreeMap<String, String>>) -> impl IntoView {
    let session = use_session();
    let lang = move || session.lang.get();
    if decisions.is_empty() {
        return view! { <p class="empty">{move || session.t(T::NoDecisions)}</p> }.into_any();
    }
    let name = move |id: Option<String>| id.map(|i| names.with(|n| n.get(&i).cloned().unwrap_or(i)));
    view! {
        <div class="table-wrap">
            <table class="table" id="decisions">
                <thead><tr>
                    <th scope="col">{move || session.t(T::When)}</th>
                    <th scope="col">{move || session.t(T::Startups)}</th>
                    <th scope="col">{move || session.t(T::Change)}</th>
                    <th scope="col" class="num">{move || session.t(T::RankSeen)}</th>
                    <th scope="col">{move || session.t(T::AgainstRanking)}</th>
                    <th scope="col">{move || session.t(T::Reason)}</th>
                    <th scope="col">{move || session.t(T::DecidedBy)}</th>
                </tr></thead>
                <tbody>
                    {decisions.into_iter().map(|d| {
                        let (from, to, at) = (d.from_stage, d.to_stage, d.decided_at.0.to_rfc3339());
                        let applicant = d.applicant_id.as_ref().map(|id| id.as_str().to_owned());
                        let applicant_attr = applicant.clone();
                        let by = d.decided_by.as_ref().map(|id| id.as_str().to_owned());
                        let platform = by.is_none();
                        view! {
                            <tr data-id=d.id.to_string() data-applicant=applicant_attr
                                data-to-stage=enum_name(&to).unwrap_or_default()
                                data-rank-seen=d.rank_seen data-against=d.against_ranking.to_string()>
                                <td>{move || format::timestamp(lang(), &at)}</td>
                                <td>{move || name(applicant.clone()).unwrap_or_default()}</td>
                                <td>{move || format!("{} → {}", i18n::application_stage(lang(), from), i18n::application_stage(lang(), to))}</td>
                                <td class="num">{d.rank_seen}</td>
                                <td>{d.against_ranking.then(|| view! { <strong>{move || session.t(T::AgainstRanking)}</strong> })}</td>
                                <td class="reason">{d.reason}</td>
                                <td>{move || if platform { session.t(T::ThePlatform).to_owned() } else { name(by.clone()).unwrap_or_default() }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// One ranking as it was shown, and its replay.
#[component]
fn RankingRecord(ranking: RankingRecordView, names: Memo<BTreeMap<String, String>>) -> impl IntoView {
    let session = use_session();
    let lang = move || session.lang.get();
    let id = StoredValue::new(ranking.id.to_string());
    let replay = RwSignal::new(None::<Result<RankingReplayView, ApiErrors>>);
    let run = move |_| {
        leptos::task::spawn_local(async move {
            replay.set(Some(session.call(REPLAY_RANKING, json!({"id": id.get_value()}), "replayRanking").await));
        });
    };
    let at = ranking.shown_at.0.to_rfc3339();
    let list = list_name(&ranking.list);
    let count = ranking.entries.len();
    let selection = ranking.list == "selection";
    view! {
        <li class="ranking-record" data-id=id.get_value() data-list=ranking.list.clone()>
            <details>
                <summary>
                    {move || format::timestamp(lang(), &at)} " · " {move || session.t(list)} " · " {count} " " {move || session.t(T::EntriesCount)}
                </summary>
                <p class="hint">{ranking.engine_version.clone()}</p>
                <ol class="entries">
                    {ranking.entries.into_iter().map(|e| {
                        let who = e.counterpart_id.as_ref().map(|id| id.as_str().to_owned());
                        let (value, raw) = (e.score, e.raw);
                        view! {
                            <li data-position=e.position>
                                {move || who.clone().map(|w| names.with(|n| n.get(&w).cloned().unwrap_or(w))).unwrap_or_else(|| "—".into())}
                                " · "
                                {move || if selection {
                                    format!("{} {} · {} {}", session.t(T::Calibrated), score(lang(), Some(value)), session.t(T::Raw), score(lang(), raw))
                                } else {
                                    format!("{} {}", session.t(T::Fit), format::percent(lang(), value))
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ol>
                <button type="button" class="replay" on:click=run>{move || session.t(T::Replay)}</button>
                <span class="replay-result" role="status">
                    {move || replay.get().map(|r| match r {
                        Ok(r) if r.same => view! { <span class="ok" data-same="true">{move || session.t(T::ReplaySame)}</span> }.into_any(),
                        Ok(r) => {
                            let order = r.replayed_order.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
                            view! { <span class="error" data-same="false">{move || session.t(T::ReplayDifferent)} " " {order.clone()}</span> }.into_any()
                        }
                        Err(e) => view! { <span class="error">{e.summary()}</span> }.into_any(),
                    })}
                </span>
            </details>
        </li>
    }
}

/// What a recorded list is, in words.
pub fn list_name(list: &str) -> T {
    match list {
        "selection" => T::ListSelection,
        "candidates" => T::ListCandidates,
        _ => T::ListStartups,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiError;

    #[test]
    fn a_panel_error_names_the_id_it_is_about() {
        let e = ApiErrors(vec![
            ApiError {
                code: "BAD_USER_INPUT".into(),
                message: "is not a member of the programme's organisation".into(),
                field: Some("reviewers[1]".into()),
                reasons: vec![],
            },
            ApiError::network("down"),
        ]);
        let sent = vec!["x".to_owned(), "y".to_owned(), "z".to_owned()];
        let names = BTreeMap::from([("y".to_owned(), "Ylenia".to_owned())]);
        assert_eq!(
            panel_errors(&e, &sent, &names),
            ["Ylenia: is not a member of the programme's organisation", "down"]
        );
        let e = ApiErrors(vec![ApiError { field: Some("reviewers[2]".into()), ..e.0[0].clone() }]);
        assert_eq!(panel_errors(&e, &sent, &names), ["z: is not a member of the programme's organisation"]);
    }

    #[test]
    fn offsets_carry_their_sign() {
        assert_eq!(offset(Lang::En, 12.34), "+12.3");
        assert_eq!(offset(Lang::It, -8.0), "-8,0");
        assert_eq!(offset(Lang::En, 0.0), "0.0");
        assert_eq!(score(Lang::En, None), "—");
    }
}
