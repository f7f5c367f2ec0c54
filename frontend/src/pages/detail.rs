//! An offer or a programme: what it is, and for a logged-in talent or startup, "your match"
//! with its explanation (and for programmes the eligibility verdict), then applying.

use crate::api::ApiErrors;
use crate::components::{Explanation, Factor, Reason, SkillNames, Verdict, VerdictBadge};
use crate::format;
use crate::i18n::{self, T};
use crate::route::Route;
use crate::session::use_session;
use crocevia_domain::{Offer, Programme};
use leptos::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

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

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct EntityView {
    pub id: String,
    pub version: i64,
    pub data: Value,
}

pub const ENTITY: &str = "query($kind: EntityKind!, $id: ID!) { entity(kind: $kind, id: $id) { id version data } }";

#[derive(Clone, Debug, PartialEq)]
enum Loaded {
    Offer(Box<Offer>),
    Programme(Box<Programme>),
}

impl Loaded {
    /// Whether it takes applications today: the domain's rule, the one the server applies
    /// to `apply`.
    fn open(&self) -> bool {
        let today = format::today();
        match self {
            Loaded::Offer(o) => o.not_open_on(today).is_none(),
            Loaded::Programme(p) => p.not_open_on(today).is_none(),
        }
    }

    fn organisation(&self) -> String {
        match self {
            Loaded::Offer(o) => o.organisation_id.to_string(),
            Loaded::Programme(p) => p.organisation_id.to_string(),
        }
    }
}

#[component]
pub fn Detail(kind: Kind, id: String) -> impl IntoView {
    let session = use_session();
    let loaded = RwSignal::new(None::<Result<Loaded, String>>);
    let org_name = RwSignal::new(String::new());
    let id = StoredValue::new(id);
    leptos::task::spawn_local(async move {
        let kind_name = if kind == Kind::Offer { "OFFER" } else { "PROGRAMME" };
        let result =
            session.call::<EntityView>(ENTITY, json!({"kind": kind_name, "id": id.get_value()}), "entity").await;
        let parsed = match result {
            Ok(view) => match kind {
                Kind::Offer => serde_json::from_value(view.data).map(|o| Loaded::Offer(Box::new(o))),
                Kind::Programme => serde_json::from_value(view.data).map(|p| Loaded::Programme(Box::new(p))),
            }
            .map_err(|e| e.to_string()),
            Err(e) => Err(e.summary()),
        };
        if let Ok(l) = &parsed {
            let org = l.organisation();
            if let Ok(v) =
                session.call::<EntityView>(ENTITY, json!({"kind": "ORGANISATION", "id": org}), "entity").await
            {
                org_name.set(v.data.get("name").and_then(Value::as_str).unwrap_or_default().to_owned());
            }
        }
        loaded.set(Some(parsed));
    });
    view! {
        <article class="detail">
            {move || match loaded.get() {
                None => view! { <p>{move || session.t(T::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Some(Ok(l)) => {
                    let owner = l.organisation();
                    let open = l.open();
                    let is_owner = move || session.user.get().is_some_and(|u| u.organisation_id.as_deref() == Some(owner.as_str()));
                    let (edit, ranking) = match &l {
                        Loaded::Offer(o) => (Route::EditOffer(o.id.to_string()), Route::Ranking(o.id.to_string())),
                        Loaded::Programme(p) => (Route::EditProgramme(p.id.to_string()), Route::Ranking(p.id.to_string())),
                    };
                    view! {
                        {match l.clone() {
                            Loaded::Offer(o) => view! { <OfferFacts offer=*o org=org_name /> }.into_any(),
                            Loaded::Programme(p) => view! { <ProgrammeFacts programme=*p org=org_name /> }.into_any(),
                        }}
                        <Show when=is_owner.clone()>
                            <p class="owner-actions">
                                <a class="button" href=edit.href()>{move || session.t(T::Edit)}</a>
                                " "
                                <a class="button" href=ranking.href()>{move || session.t(T::Ranking)}</a>
                            </p>
                        </Show>
                        {if open {
                            view! { <YourMatch kind=kind target=id.get_value() /> }.into_any()
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

fn skill_ids(ids: &[crocevia_domain::SkillId]) -> Vec<String> {
    ids.iter().map(ToString::to_string).collect()
}

#[component]
fn OfferFacts(offer: Offer, org: RwSignal<String>) -> impl IntoView {
    let session = use_session();
    let o = StoredValue::new(offer);
    let lang = move || session.lang.get();
    let comune = o.with_value(|o| o.comune.comune().name);
    view! {
        <header>
            <p class="kind">{move || o.with_value(|o| i18n::offer_kind(lang(), o.kind))}</p>
            <h1 lang=o.with_value(|o| o.text_language.to_string())>{o.with_value(|o| o.title.clone())}</h1>
            <p class="org">{move || org.get()}</p>
        </header>
        <p class="description" lang=o.with_value(|o| o.text_language.to_string())>{o.with_value(|o| o.description.clone())}</p>
        <dl class="facts">
            <dt>{move || session.t(T::Comune)}</dt><dd>{comune}</dd>
            <dt>{move || session.t(T::Remote)}</dt><dd>{move || o.with_value(|o| i18n::remote(lang(), o.remote))}</dd>
            <dt>{move || session.t(T::Contract)}</dt><dd>{move || o.with_value(|o| i18n::contract(lang(), o.contract))}</dd>
            <dt>{move || session.t(T::Languages)}</dt>
            <dd>{move || o.with_value(|o| o.languages.iter().map(|l| format!("{} {}", i18n::language_name(lang(), l.language.as_str()), i18n::cefr(lang(), l.level))).collect::<Vec<_>>().join(", "))}</dd>
            <dt>{move || session.t(T::RequiredSkills)}</dt><dd class="skills"><SkillNames ids=o.with_value(|o| skill_ids(&o.required_skills)) /></dd>
            <dt>{move || session.t(T::PostedOn)}</dt><dd>{move || o.with_value(|o| format::date(lang(), o.posted_on))}</dd>
            {o.with_value(|o| o.deadline).map(|d| view! { <dt>{move || session.t(T::Deadline)}</dt><dd>{move || format::date(lang(), d)}</dd> })}
            {o.with_value(|o| o.salary_min_eur.zip(o.salary_max_eur)).map(|(a, b)| view! {
                <dt>{move || session.t(T::SalaryMin)}</dt>
                <dd>{move || format!("{} – {}", format::euros(lang(), f64::from(a)), format::euros(lang(), f64::from(b)))}</dd>
            })}
            {o.with_value(|o| o.sponsors_work_permit).then(|| view! { <dt>{move || session.t(T::SponsorsPermit)}</dt><dd>"✓"</dd> })}
        </dl>
    }
}

#[component]
fn ProgrammeFacts(programme: Programme, org: RwSignal<String>) -> impl IntoView {
    let session = use_session();
    let p = StoredValue::new(programme);
    let lang = move || session.lang.get();
    view! {
        <header>
            <p class="kind">{move || p.with_value(|p| i18n::model(lang(), p.model))}</p>
            <h1>{p.with_value(|p| p.title.clone())}</h1>
            <p class="org">{move || org.get()}</p>
        </header>
        <p class="description">{p.with_value(|p| p.description.clone())}</p>
        <dl class="facts">
            <dt>{move || session.t(T::Comune)}</dt><dd>{p.with_value(|p| p.comune.comune().name)}</dd>
            <dt>{move || session.t(T::Phases)}</dt>
            <dd>{move || p.with_value(|p| p.phases.iter().map(|x| i18n::phase(lang(), *x)).collect::<Vec<_>>().join(", "))}</dd>
            <dt>{move || session.t(T::Sectors)}</dt>
            <dd>{move || p.with_value(|p| p.sectors.iter().map(|s| i18n::sector(lang(), *s)).collect::<Vec<_>>().join(", "))}</dd>
            <dt>{move || session.t(T::ApplicationDeadline)}</dt><dd>{move || p.with_value(|p| format::date(lang(), p.application_deadline))}</dd>
            <dt>{move || session.t(T::CohortStart)}</dt><dd>{move || p.with_value(|p| format::date(lang(), p.cohort_start))}</dd>
            <dt>{move || session.t(T::Capacity)}</dt><dd>{move || p.with_value(|p| format::number(lang(), f64::from(p.capacity), 0))}</dd>
            <dt>{move || session.t(T::Languages)}</dt>
            <dd>{move || p.with_value(|p| p.languages.iter().map(|l| i18n::language_name(lang(), l.as_str())).collect::<Vec<_>>().join(", "))}</dd>
        </dl>
    }
}

/// The logged-in talent's or startup's match with this target, and the apply form.
#[component]
fn YourMatch(kind: Kind, target: String) -> impl IntoView {
    let session = use_session();
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
                (Some(_), Some(Ok(m))) if m.verdict.as_ref().is_some_and(Verdict::refuses) => view! {
                    <PairView pair=m />
                    <p class="hint" id="not-eligible-no-apply">{move || session.t(T::NotEligibleCannotApply)}</p>
                }.into_any(),
                (Some(_), Some(Ok(m))) => view! { <PairView pair=m /> <ApplyForm target=target.get_value() /> }.into_any(),
            }}
        </section>
    }
}

/// Score, rank, exclusion or verdict, and the factors.
#[component]
pub fn PairView(pair: PairMatch) -> impl IntoView {
    let session = use_session();
    let lang = move || session.lang.get();
    let reasons = pair.exclusion_reasons.clone();
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
                <span class="score">{move || session.t(T::Score)} ": " <strong id="match-score">{move || format::percent(lang(), pair.score)}</strong></span>
                " · "
                <span>{move || session.t(T::Mutual)} ": " {move || format::percent(lang(), pair.mutual)}</span>
                {pair.rank.map(|r| view! { " · " <span>{move || session.t(T::RankInList)} ": " {r}</span> })}
            </p>
            <h3>{move || session.t(T::WhyMatch)}</h3>
            <Explanation factors=pair.factors.clone() />
        </div>
    }
}

#[component]
fn ApplyForm(target: String) -> impl IntoView {
    let session = use_session();
    let motivation = RwSignal::new(String::new());
    let status = RwSignal::new(None::<Result<(), ApiErrors>>);
    let target = StoredValue::new(target);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            let query = "mutation($t: ID!, $m: String!) { apply(target: $t, motivation: $m) { id } }";
            let result = session
                .call::<Value>(query, json!({"t": target.get_value(), "m": motivation.get_untracked()}), "apply")
                .await
                .map(|_| ());
            status.set(Some(result));
        });
    };
    view! {
        <form class="apply" on:submit=submit>
            <label for="apply-motivation">{move || session.t(T::Motivation)}</label>
            <textarea id="apply-motivation" rows="3" prop:value=move || motivation.get()
                on:input=move |ev| motivation.set(event_target_value(&ev))></textarea>
            <button type="submit" class="primary" id="apply-submit">{move || session.t(T::Apply)}</button>
            <p role="status" aria-live="polite">
                {move || match status.get() {
                    Some(Ok(())) => session.t(T::Applied).to_owned(),
                    Some(Err(e)) => e.summary(),
                    None => String::new(),
                }}
            </p>
        </form>
    }
}
