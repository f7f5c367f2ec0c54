//! An offer or a programme: what it is, and for a logged-in talent or startup, "your match"
//! with its explanation (and for programmes the eligibility verdict), then applying.

mod facts;

use crate::api::{ApiErrors, Saved};
use crate::application_form::{AnswerState, Answers, FormQuestions, answer_inputs, unclaimed};
use crate::components::{ApplicationRefusal, Explanation, Factor, Reason, ReasonList, Verdict, VerdictBadge};
use crate::format;
use crate::i18n::T;
use crate::queries::{ENTITY, EntityVariables};
use crate::route::Route;
use crate::session::use_session;
use crocevia_api::{DraftView, EntityKind, EntityView, OfferView, ProgrammeView, Question};
use facts::{OfferFacts, ProgrammeFacts};
use leptos::prelude::*;
use serde::Deserialize;
use serde_json::json;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Offer,
    Programme,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PairMatch {
    pub score: f64,
    pub mutual: f64,
    pub rank: Option<i64>,
    pub excluded: bool,
    pub exclusion_reasons: Vec<Reason>,
    pub verdict: Option<Verdict>,
    pub factors: Vec<Factor>,
}

pub const PAIR_FIELDS: &str = "score mutual rank excluded exclusionReasons { rule it en }
    verdict { status reasons { rule it en } } factors { key weight value reasonIt reasonEn }";

#[derive(Clone, Debug, PartialEq)]
enum Loaded {
    Offer(Box<OfferView>),
    Programme(Box<ProgrammeView>),
}

impl Loaded {
    /// The posting the page asked for, or what else the server answered.
    fn of(kind: Kind, view: EntityView) -> Result<Self, String> {
        match (kind, view) {
            (Kind::Offer, EntityView::Offer(o)) => Ok(Loaded::Offer(Box::new(o))),
            (Kind::Programme, EntityView::Programme(p)) => Ok(Loaded::Programme(Box::new(p))),
            (Kind::Offer, other) => Err(format!("{} is not an offer", other.id())),
            (Kind::Programme, other) => Err(format!("{} is not a programme", other.id())),
        }
    }

    /// Whether it takes applications today.
    fn open(&self) -> bool {
        let today = format::today();
        match self {
            Loaded::Offer(o) => o.not_open_on(today).is_none(),
            Loaded::Programme(p) => p.not_open_on(today).is_none(),
        }
    }

    fn id(&self) -> String {
        match self {
            Loaded::Offer(o) => o.id.to_string(),
            Loaded::Programme(p) => p.id.to_string(),
        }
    }

    /// A programme's application form (none for offers).
    fn form(&self) -> Vec<Question> {
        match self {
            Loaded::Offer(_) => Vec::new(),
            Loaded::Programme(p) => p.form.clone(),
        }
    }

    /// Who posted it: an offer names its employer itself; a programme its organisation, whose
    /// name is read apart.
    fn organisation(&self) -> Option<String> {
        match self {
            Loaded::Offer(_) => None,
            Loaded::Programme(p) => Some(p.organisation_id.to_string()),
        }
    }

    /// Whether `user` may edit it and see its ranking: a member of its organisation, or the
    /// startup that posted it (the offer's startup is the one whose profile is the user's).
    fn owned_by(&self, user: &crate::session::User, my_startup: Option<&str>) -> bool {
        let organisation = match self {
            Loaded::Offer(o) => o.organisation_id.as_ref().map(|id| id.to_string()),
            Loaded::Programme(p) => Some(p.organisation_id.to_string()),
        };
        let startup = match self {
            Loaded::Offer(o) => o.startup_id.as_ref().map(|id| id.to_string()),
            Loaded::Programme(_) => None,
        };
        let member = organisation.is_some_and(|o| user.organisation_id.as_ref().is_some_and(|mine| mine.as_str() == o));
        member || (user.is_startup() && startup.is_some() && startup.as_deref() == my_startup)
    }
}

#[component]
pub fn Detail(kind: Kind, id: String) -> impl IntoView {
    let session = use_session();
    let loaded = RwSignal::new(None::<Result<Loaded, String>>);
    let org_name = RwSignal::new(String::new());
    let my_startup = RwSignal::new(None::<String>);
    let id = StoredValue::new(id);
    leptos::task::spawn_local(async move {
        let entity_kind = if kind == Kind::Offer { EntityKind::Offer } else { EntityKind::Programme };
        let asked = EntityVariables { kind: entity_kind, id: id.get_value() };
        let result = session.call::<EntityView>(ENTITY, asked, "entity").await;
        let parsed = result.map_err(|e| e.summary()).and_then(|view| Loaded::of(kind, view));
        match &parsed {
            Ok(Loaded::Offer(o)) => org_name.set(o.employer.name.clone()),
            Ok(l) => {
                if let Some(id) = l.organisation() {
                    let asked = EntityVariables { kind: EntityKind::Organisation, id };
                    if let Ok(EntityView::Organisation(o)) = session.call::<EntityView>(ENTITY, asked, "entity").await {
                        org_name.set(o.name);
                    }
                }
            }
            Err(_) => {}
        }
        // A startup's own offers: its profile id says which are its own.
        if session.user.get_untracked().is_some_and(|u| u.is_startup())
            && let Ok(Some(crocevia_api::ProfileView::Startup(s))) = session
                .call::<Option<crocevia_api::ProfileView>>(
                    crate::queries::MY_PROFILE,
                    serde_json::Value::Null,
                    "myProfile",
                )
                .await
        {
            my_startup.set(Some(s.id.to_string()));
        }
        loaded.set(Some(parsed));
    });
    view! {
        <article class="detail">
            {move || match loaded.get() {
                None => view! { <p>{move || session.t(T::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Some(Ok(l)) => {
                    let open = l.open();
                    let form = l.form();
                    let posting = StoredValue::new(l.clone());
                    let is_owner = move || session.user.get().is_some_and(|u| posting.with_value(|p| p.owned_by(&u, my_startup.get().as_deref())));
                    let ranking = Route::Ranking(l.id());
                    let edit = match &l {
                        Loaded::Offer(_) => Route::EditOffer(l.id()),
                        Loaded::Programme(_) => Route::EditProgramme(l.id()),
                    };
                    view! {
                        {match l {
                            Loaded::Offer(o) => view! { <OfferFacts offer=*o org=org_name /> }.into_any(),
                            Loaded::Programme(p) => view! { <ProgrammeFacts programme=*p org=org_name /> }.into_any(),
                        }}
                        <Show when=is_owner>
                            <p class="owner-actions">
                                <a class="button" href=edit.href()>{move || session.t(T::Edit)}</a>
                                " "
                                <a class="button" href=ranking.href()>{move || session.t(T::Ranking)}</a>
                            </p>
                        </Show>
                        {if open {
                            view! { <YourMatch kind=kind target=id.get_value() form=form /> }.into_any()
                        } else {
                            view! { <p class="closed" id="closed" role="status">{move || session.t(T::ClosedForApplications)}</p> }.into_any()
                        }}
                    }
                    .into_any()
                }
            }}
        </article>
    }
}

/// The logged-in talent's or startup's match with this target, and the apply form.
#[component]
fn YourMatch(kind: Kind, target: String, form: Vec<Question>) -> impl IntoView {
    let session = use_session();
    let form = StoredValue::new(form);
    let pair = RwSignal::new(None::<Result<PairMatch, ApiErrors>>);
    let target = StoredValue::new(target);
    let pairs_with = move |u: &crate::session::User| match kind {
        Kind::Offer => u.is_talent(),
        Kind::Programme => u.is_startup(),
    };
    Effect::new(move |_| {
        let Some(user) = session.user.get() else { return };
        if !pairs_with(&user) {
            return;
        }
        leptos::task::spawn_local(async move {
            let query = format!("query($t: ID!) {{ myMatchWith(target: $t) {{ {PAIR_FIELDS} }} }}");
            let result = session.call::<PairMatch>(&query, json!({"t": target.get_value()}), "myMatchWith").await;
            pair.set(Some(result));
        });
    });
    view! {
        <section class="your-match" aria-labelledby="your-match-title">
            <h2 id="your-match-title">{move || session.t(T::YourMatch)}</h2>
            {move || match (session.user.get(), pair.get()) {
                (None, _) => view! {
                    <p><a href=Route::Login.href()>{move || session.t(T::LoginToSeeMatch)}</a></p>
                }.into_any(),
                (Some(u), _) if !pairs_with(&u) => ().into_any(),
                (Some(_), None) => view! { <p>{move || session.t(T::Loading)}</p> }.into_any(),
                (Some(_), Some(Err(e))) if e.has_code("NOT_FOUND") || e.has_code("BAD_USER_INPUT") || e.has_code("FORBIDDEN") => view! {
                    <p><a href=Route::Profile.href()>{move || session.t(T::CreateProfileFirst)}</a></p>
                    <p class="hint">{e.summary()}</p>
                }.into_any(),
                (Some(_), Some(Err(e))) => view! { <p class="error" role="alert">{e.summary()}</p> }.into_any(),
                (Some(_), Some(Ok(m))) => {
                    let verdict = m.verdict.clone();
                    view! { <PairView pair=m /> <ApplyForm target=target.get_value() verdict=verdict form=form.get_value() /> }.into_any()
                }
            }}
        </section>
    }
}

/// Score, rank, exclusion or verdict, and the factors. With a verdict (a startup and a
/// programme) the score is the fit, and is named so: it says nothing of eligibility.
#[component]
pub fn PairView(pair: PairMatch) -> impl IntoView {
    let session = use_session();
    let lang = move || session.lang.get();
    let reasons = pair.exclusion_reasons.clone();
    let fit = pair.verdict.is_some();
    let score_label = if fit { T::Fit } else { T::Score };
    view! {
        <div class="pair" data-excluded=pair.excluded.to_string()>
            {pair.excluded.then(|| view! {
                <div class="verdict not-eligible">
                    <strong>{move || session.t(T::Excluded)}</strong>
                    <ul>{reasons.into_iter().map(|r| view! { <li data-rule=r.rule.clone()>{move || lang().pick(&r.it, &r.en).to_owned()}</li> }).collect_view()}</ul>
                </div>
            })}
            {pair.verdict.clone().map(|v| view! { <VerdictBadge verdict=v /> })}
            <p class="scores">
                <span class="score">{move || session.t(score_label)} ": " <strong id="match-score">{move || format::percent(lang(), pair.score)}</strong></span>
                // A startup's mutual score is its fit: shown once.
                {(!fit).then(|| view! {
                    " · " <span>{move || session.t(T::Mutual)} ": " {move || format::percent(lang(), pair.mutual)}</span>
                })}
                {pair.rank.map(|r| view! { " · " <span>{move || session.t(T::RankInList)} ": " {r}</span> })}
            </p>
            <h3>{move || session.t(T::WhyMatch)}</h3>
            <Explanation factors=pair.factors.clone() />
        </div>
    }
}

/// The apply form. A NOT_ELIGIBLE verdict disables it and says why next to the button;
/// ELIGIBLE_IF lists the conditions the application is recorded with. Whatever the page
/// knew, the server decides: a refusal shows every reason it gives, never a success.
#[component]
fn ApplyForm(target: String, verdict: Option<Verdict>, form: Vec<Question>) -> impl IntoView {
    let session = use_session();
    let motivation = RwSignal::new(String::new());
    let status = RwSignal::new(None::<Result<(), ApiErrors>>);
    // A programme's form: the answers as the inputs hold them, the errors each question
    // shows, and whether the last thing done was saving the draft.
    let answers = RwSignal::new(Answers::new());
    let errors = RwSignal::new(ApiErrors::default());
    let draft_saved = RwSignal::new(false);
    let has_form = !form.is_empty();
    let questions = StoredValue::new(form.clone());
    let busy = RwSignal::new(false);
    let target = StoredValue::new(target);
    let blocked = verdict.as_ref().filter(|v| v.refuses()).map(|v| v.reasons.clone());
    let conditions = verdict.as_ref().filter(|v| v.is_conditional()).map(|v| v.reasons.clone());
    let refused = blocked.is_some();
    if has_form && !refused {
        leptos::task::spawn_local(async move {
            let query = "query($p: ID!) { myApplicationDraft(programme: $p) { programmeId motivation savedAt
                answers { key text choices number file fileBytes } } }";
            let draft =
                session.call::<Option<DraftView>>(query, json!({"p": target.get_value()}), "myApplicationDraft").await;
            if let Ok(Some(d)) = draft {
                motivation.set(d.motivation);
                answers.set(d.answers.iter().map(|a| (a.key.clone(), AnswerState::of(a))).collect());
            }
        });
    }
    // The answers to send, or the questions to fix before anything is sent.
    let read_answers = move || {
        let read = answer_inputs(&questions.get_value(), &answers.get_untracked(), session.lang.get_untracked());
        if let Err(e) = &read {
            errors.set(e.clone());
            status.set(Some(Err(e.clone())));
            crate::form::focus_first_error();
        }
        read.ok()
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if refused || busy.get_untracked() {
            return;
        }
        status.set(None);
        draft_saved.set(false);
        let answers = if has_form {
            match read_answers() {
                Some(a) => Some(a),
                None => return,
            }
        } else {
            None
        };
        errors.set(ApiErrors::default());
        busy.set(true);
        leptos::task::spawn_local(async move {
            let query = "mutation($t: ID!, $m: String!, $a: [AnswerInput!]) { apply(target: $t, motivation: $m, answers: $a) { id version } }";
            let vars = json!({"t": target.get_value(), "m": motivation.get_untracked(), "a": answers});
            let result = session.call::<Saved>(query, vars, "apply").await.map(|_| ());
            if let Err(e) = &result {
                errors.set(e.clone());
                crate::form::focus_first_error();
            }
            status.set(Some(result));
            busy.set(false);
        });
    };
    let save_draft = move |_| {
        if refused || busy.get_untracked() {
            return;
        }
        status.set(None);
        draft_saved.set(false);
        let Some(answers) = read_answers() else { return };
        errors.set(ApiErrors::default());
        busy.set(true);
        leptos::task::spawn_local(async move {
            let query = "mutation($p: ID!, $m: String!, $a: [AnswerInput!]!) { saveApplicationDraft(programme: $p, motivation: $m, answers: $a) { savedAt } }";
            let vars = json!({"p": target.get_value(), "m": motivation.get_untracked(), "a": answers});
            match session.call::<serde_json::Value>(query, vars, "saveApplicationDraft").await {
                Ok(_) => draft_saved.set(true),
                Err(e) => {
                    errors.set(e.clone());
                    status.set(Some(Err(e)));
                    crate::form::focus_first_error();
                }
            }
            busy.set(false);
        });
    };
    let described = refused.then_some("apply-blocked");
    view! {
        <form class="apply" novalidate on:submit=submit data-blocked=refused.to_string()>
            {blocked.map(|reasons| view! {
                <div class="verdict not-eligible" id="apply-blocked">
                    <p>{move || session.t(T::NotEligibleCannotApply)}</p>
                    <ReasonList reasons=reasons />
                </div>
            })}
            {conditions.filter(|c| !c.is_empty()).map(|reasons| view! {
                <div class="verdict eligible-if" id="apply-conditions">
                    <p>{move || session.t(T::ApplyWithConditions)}</p>
                    <ReasonList reasons=reasons />
                </div>
            })}
            {has_form.then(|| view! {
                <fieldset class="application-form" id="application-form">
                    <legend>{move || session.t(T::ApplicationFormTitle)}</legend>
                    <p class="hint">{move || session.t(T::ApplicationFormHint)}</p>
                    <FormQuestions form=form answers=answers errors=errors disabled=refused />
                </fieldset>
            })}
            <label for="apply-motivation">{move || session.t(T::Motivation)}</label>
            <textarea id="apply-motivation" rows="3" prop:value=move || motivation.get() disabled=refused
                on:input=move |ev| motivation.set(event_target_value(&ev))></textarea>
            <button type="submit" class="primary" id="apply-submit" disabled=move || refused || busy.get()
                aria-describedby=described>{move || session.t(T::Apply)}</button>
            {has_form.then(|| view! {
                " "
                <button type="button" id="apply-save-draft" disabled=move || refused || busy.get() on:click=save_draft>
                    {move || session.t(T::SaveDraft)}
                </button>
            })}
            <div id="apply-status" role="status" aria-live="polite">
                {move || match status.get() {
                    Some(Ok(())) => view! { <p class="ok" id="apply-sent">{move || session.t(T::Applied)}</p> }.into_any(),
                    // Errors a question shows next to it are not repeated here.
                    Some(Err(e)) if has_form && unclaimed(&e, &questions.get_value()).is_empty() => view! {
                        <p class="error" id="apply-fix-answers">{move || session.t(T::FixErrors)}</p>
                    }.into_any(),
                    Some(Err(e)) => view! { <ApplicationRefusal errors=e id="apply-refused" /> }.into_any(),
                    None if draft_saved.get() => view! { <p class="ok" id="draft-saved">{move || session.t(T::DraftSaved)}</p> }.into_any(),
                    None => ().into_any(),
                }}
            </div>
        </form>
    }
}
