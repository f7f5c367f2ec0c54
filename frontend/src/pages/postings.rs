//! For organisations: their offers and programmes, and the forms that post and edit them.

use super::RequireRole;
use super::detail::{ENTITY, EntityView};
use super::profile::{
    LanguagesEditor, NIL, check, focus_first_error, language_json, language_rows, list, num, opt, sector_options, text,
};
use crate::api::ApiErrors;
use crate::components::{
    Check, Choice, ComuneSelect, ErrorList, Labelled, MultiChoice, SkillsPicker, TextArea, TextInput, enum_options,
    field_id,
};
use crate::i18n::{self, Lang, T};
use crate::route::Route;
use crate::session::use_session;
use crocevia_domain::{
    ContractType, Offer, OfferKind, Programme, ProgrammeModel, ProgrammePhase, RemotePolicy, StartupStage,
};
use leptos::prelude::*;
use serde_json::{Value, json};

pub const MY_POSTINGS: &str = "query { myPostings { id kind version data } }";

#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
struct Posting {
    id: String,
    kind: String,
    version: i64,
    data: Value,
}

#[component]
pub fn Postings() -> impl IntoView {
    view! {
        <RequireRole allowed=|u| u.is_organisation()>
            <PostingList />
        </RequireRole>
    }
}

#[component]
fn PostingList() -> impl IntoView {
    let session = use_session();
    let list = RwSignal::new(None::<Vec<Posting>>);
    let error = RwSignal::new(String::new());
    let refresh = move || {
        leptos::task::spawn_local(async move {
            match session.call::<Vec<Posting>>(MY_POSTINGS, Value::Null, "myPostings").await {
                Ok(l) => list.set(Some(l)),
                Err(e) => error.set(e.summary()),
            }
        });
    };
    refresh();
    let close = move |kind: String, id: String| {
        leptos::task::spawn_local(async move {
            let op = if kind == "OFFER" { "closeOffer" } else { "closeProgramme" };
            let query = format!("mutation($id: ID!) {{ {op}(id: $id) {{ id }} }}");
            match session.call::<Value>(&query, json!({"id": id}), op).await {
                Ok(_) => refresh(),
                Err(e) => error.set(e.summary()),
            }
        });
    };
    view! {
        <section class="postings">
            <h1>{move || session.t(T::MyPostings)}</h1>
            <p class="actions">
                <a class="button primary" id="new-offer" href=Route::NewOffer.href()>{move || session.t(T::NewOffer)}</a>
                " "
                <a class="button primary" id="new-programme" href=Route::NewProgramme.href()>{move || session.t(T::NewProgramme)}</a>
            </p>
            <p class="error" role="alert">{move || error.get()}</p>
            {move || list.get().map(|l| view! {
                <ul class="posting-list">
                    {l.into_iter().map(|p| {
                        let title = p.data.get("title").and_then(Value::as_str).unwrap_or_default().to_owned();
                        let open = p.data.get("status").and_then(Value::as_str) != Some("closed");
                        let is_offer = p.kind == "OFFER";
                        let (view_route, edit) = if is_offer {
                            (Route::Offer(p.id.clone()), Route::EditOffer(p.id.clone()))
                        } else {
                            (Route::Programme(p.id.clone()), Route::EditProgramme(p.id.clone()))
                        };
                        let (kind, id) = (p.kind.clone(), p.id.clone());
                        view! {
                            <li data-id=p.id.clone() data-kind=p.kind.clone()>
                                <span class="hit-kind">{move || session.t(if is_offer { T::Offers } else { T::Programmes })}</span>
                                <a href=view_route.href()>{title}</a>
                                <span class="status">{move || session.t(if open { T::Open } else { T::Closed })}</span>
                                <a href=Route::Ranking(p.id.clone()).href()>{move || session.t(T::Ranking)}</a>
                                <a href=edit.href()>{move || session.t(T::Edit)}</a>
                                {open.then(|| view! {
                                    <button type="button" class="link" on:click=move |_| close(kind.clone(), id.clone())>
                                        {move || session.t(T::Close)}
                                    </button>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}

/// Loads a posting into a form, or leaves a new one empty.
fn load_posting(kind: &'static str, id: Option<String>, apply: impl Fn(&Value, i64) + 'static) -> RwSignal<bool> {
    let session = use_session();
    let loaded = RwSignal::new(id.is_none());
    if let Some(id) = id {
        leptos::task::spawn_local(async move {
            if let Ok(v) = session.call::<EntityView>(ENTITY, json!({"kind": kind, "id": id}), "entity").await {
                apply(&v.data, v.version);
            }
            loaded.set(true);
        });
    }
    loaded
}

/// Posts or updates, then opens the ranking of the saved posting.
fn submit_posting(
    kind: &'static str,
    id: Option<String>,
    version: Option<i64>,
    data: Value,
    errors: RwSignal<ApiErrors>,
    busy: RwSignal<bool>,
) {
    let session = use_session();
    busy.set(true);
    leptos::task::spawn_local(async move {
        let (op, arg) = match (kind, id.is_some()) {
            ("OFFER", false) => ("postOffer", "offer"),
            ("OFFER", true) => ("updateOffer", "offer"),
            (_, false) => ("postProgramme", "programme"),
            (_, true) => ("updateProgramme", "programme"),
        };
        let (query, vars) = match &id {
            None => (format!("mutation($d: JSON!) {{ {op}({arg}: $d) {{ id }} }}"), json!({"d": data})),
            Some(id) => (
                format!(
                    "mutation($id: ID!, $d: JSON!, $v: Int) {{ {op}(id: $id, {arg}: $d, expectedVersion: $v) {{ id }} }}"
                ),
                json!({"id": id, "d": data, "v": version}),
            ),
        };
        match session.call::<Value>(&query, vars, op).await {
            Ok(saved) => {
                let id = saved.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
                crate::navigate(&Route::Ranking(id));
            }
            Err(e) => errors.set(e),
        }
        busy.set(false);
    });
}

fn kind_options(lang: Lang) -> Vec<(String, String)> {
    enum_options(
        &[OfferKind::Job, OfferKind::Internship, OfferKind::PhdPosition, OfferKind::Fellowship],
        lang,
        i18n::offer_kind,
    )
}
fn remote_options(lang: Lang) -> Vec<(String, String)> {
    enum_options(&[RemotePolicy::OnSite, RemotePolicy::Hybrid, RemotePolicy::Remote], lang, i18n::remote)
}
fn contract_options(lang: Lang) -> Vec<(String, String)> {
    use ContractType as C;
    let all =
        [C::Permanent, C::FixedTerm, C::Apprenticeship, C::Internship, C::PhdScholarship, C::Fellowship, C::Freelance];
    enum_options(&all, lang, i18n::contract)
}
fn text_language_options(lang: Lang) -> Vec<(String, String)> {
    ["it", "en"].iter().map(|c| ((*c).to_owned(), i18n::language_name(lang, c))).collect()
}

const OFFER_FIELDS: &[&str] = &[
    "kind",
    "title",
    "description",
    "text_language",
    "required_skills",
    "nice_to_have_skills",
    "languages",
    "comune",
    "remote",
    "contract",
    "min_experience_years",
    "salary_min_eur",
    "salary_max_eur",
    "starts_on",
    "deadline",
    "sectors",
];

#[component]
pub fn OfferForm(id: Option<String>) -> impl IntoView {
    view! {
        <RequireRole allowed=|u| u.is_organisation()>
            <OfferEditor id=id.clone() />
        </RequireRole>
    }
}

#[component]
fn OfferEditor(id: Option<String>) -> impl IntoView {
    let session = use_session();
    const FORM: &str = "offer";
    let s = || RwSignal::new(String::new());
    let (title, description, min_exp, salary_min, salary_max, starts, deadline) = (s(), s(), s(), s(), s(), s(), s());
    let kind = RwSignal::new("job".to_owned());
    let text_language = RwSignal::new(session.lang.get_untracked().code().to_owned());
    let comune = RwSignal::new("torino".to_owned());
    let remote = RwSignal::new("hybrid".to_owned());
    let contract = RwSignal::new("permanent".to_owned());
    let (required, nice) = (RwSignal::new(Vec::<String>::new()), RwSignal::new(Vec::<String>::new()));
    let languages = RwSignal::new(Vec::<(String, String)>::new());
    let sectors = RwSignal::new(Vec::<String>::new());
    let sponsors = RwSignal::new(false);
    let posted = RwSignal::new(crate::format::today().format("%Y-%m-%d").to_string());
    let version = RwSignal::new(None::<i64>);
    let errors = RwSignal::new(ApiErrors::default());
    let busy = RwSignal::new(false);
    let loaded = load_posting("OFFER", id.clone(), move |d, v| {
        version.set(Some(v));
        kind.set(text(d, "kind"));
        title.set(text(d, "title"));
        description.set(text(d, "description"));
        text_language.set(text(d, "text_language"));
        required.set(list(d, "required_skills"));
        nice.set(list(d, "nice_to_have_skills"));
        languages.set(language_rows(d));
        comune.set(text(d, "comune"));
        remote.set(text(d, "remote"));
        contract.set(text(d, "contract"));
        min_exp.set(text(d, "min_experience_years"));
        salary_min.set(text(d, "salary_min_eur"));
        salary_max.set(text(d, "salary_max_eur"));
        posted.set(text(d, "posted_on"));
        starts.set(text(d, "starts_on"));
        deadline.set(text(d, "deadline"));
        sponsors.set(d.get("sponsors_work_permit").and_then(Value::as_bool).unwrap_or(false));
        sectors.set(list(d, "sectors"));
    });
    let id = StoredValue::new(id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let data = json!({
            "kind": kind.get_untracked(),
            "title": title.get_untracked().trim(),
            "description": description.get_untracked().trim(),
            "text_language": text_language.get_untracked(),
            "required_skills": required.get_untracked(),
            "nice_to_have_skills": nice.get_untracked(),
            "languages": language_json(languages.get_untracked()),
            "comune": comune.get_untracked(),
            "remote": remote.get_untracked(),
            "contract": contract.get_untracked(),
            "min_experience_years": num(min_exp.get_untracked()).as_u64().map_or(json!(0), Value::from),
            "salary_min_eur": num(salary_min.get_untracked()),
            "salary_max_eur": num(salary_max.get_untracked()),
            "posted_on": posted.get_untracked(),
            "starts_on": opt(starts.get_untracked()),
            "deadline": opt(deadline.get_untracked()),
            "sponsors_work_permit": sponsors.get_untracked(),
            "sectors": sectors.get_untracked(),
        });
        let owner = json!(session.user.get_untracked().and_then(|u| u.organisation_id).unwrap_or_else(|| NIL.into()));
        let required = ["title", "posted_on"];
        let placeholders = [("id", json!(NIL)), ("organisation_id", owner)];
        if let Err(e) = check::<Offer>("offer", data.clone(), &placeholders, &required, session.lang.get_untracked()) {
            errors.set(e);
            focus_first_error();
            return;
        }
        submit_posting("OFFER", id.get_value(), version.get_untracked(), data, errors, busy);
    };
    view! {
        <section class="posting-form">
            <h1>{move || session.t(if id.with_value(Option::is_some) { T::Edit } else { T::NewOffer })}</h1>
            <Show when=move || loaded.get() fallback=move || view! { <p>{session.t(T::Loading)}</p> }>
                <form on:submit=submit novalidate id="offer-form">
                    <ErrorList errors=errors known=OFFER_FIELDS />
                    <Choice form=FORM field="kind" label=T::Kind value=kind errors=errors options=kind_options />
                    <TextInput form=FORM field="title" label=T::Title value=title errors=errors />
                    <TextArea form=FORM field="description" label=T::Description value=description errors=errors />
                    <Choice form=FORM field="text_language" label=T::TextLanguage value=text_language errors=errors options=text_language_options />
                    <Labelled form=FORM field="required_skills" label=T::RequiredSkills errors=errors>
                        <SkillsPicker id=field_id(FORM, "required_skills") selected=required />
                    </Labelled>
                    <Labelled form=FORM field="nice_to_have_skills" label=T::NiceToHaveSkills errors=errors>
                        <SkillsPicker id=field_id(FORM, "nice_to_have_skills") selected=nice />
                    </Labelled>
                    <LanguagesEditor form=FORM rows=languages errors=errors />
                    <Labelled form=FORM field="comune" label=T::Comune errors=errors>
                        <ComuneSelect id=field_id(FORM, "comune") value=comune />
                    </Labelled>
                    <Choice form=FORM field="remote" label=T::Remote value=remote errors=errors options=remote_options />
                    <Choice form=FORM field="contract" label=T::Contract value=contract errors=errors options=contract_options />
                    <TextInput form=FORM field="min_experience_years" label=T::MinExperience value=min_exp errors=errors kind="number" />
                    <TextInput form=FORM field="salary_min_eur" label=T::SalaryMin value=salary_min errors=errors kind="number" />
                    <TextInput form=FORM field="salary_max_eur" label=T::SalaryMax value=salary_max errors=errors kind="number" />
                    <TextInput form=FORM field="starts_on" label=T::StartsOn value=starts errors=errors kind="date" />
                    <TextInput form=FORM field="deadline" label=T::Deadline value=deadline errors=errors kind="date" />
                    <Check id=field_id(FORM, "sponsors_work_permit") label=T::SponsorsPermit checked=sponsors />
                    <MultiChoice form=FORM field="sectors" label=T::Sectors values=sectors errors=errors options=sector_options />
                    <button type="submit" class="primary" id="offer-save" disabled=move || busy.get()>{move || session.t(T::Save)}</button>
                </form>
            </Show>
        </section>
    }
}

fn model_options(lang: Lang) -> Vec<(String, String)> {
    use ProgrammeModel as M;
    let all = [
        M::Incubation,
        M::Acceleration,
        M::VentureBuilding,
        M::CorporateAcceleration,
        M::OpenInnovationChallenge,
        M::Bootcamp,
    ];
    enum_options(&all, lang, i18n::model)
}
fn phase_options(lang: Lang) -> Vec<(String, String)> {
    use ProgrammePhase as P;
    enum_options(&[P::PreIncubation, P::Incubation, P::Acceleration, P::ScaleUp], lang, i18n::phase)
}
fn stage_options(lang: Lang) -> Vec<(String, String)> {
    use StartupStage as S;
    enum_options(&[S::Idea, S::PreSeed, S::Seed, S::SeriesA, S::Growth], lang, i18n::startup_stage)
}

const PROGRAMME_FIELDS: &[&str] = &[
    "title",
    "description",
    "model",
    "phases",
    "sectors",
    "eligibility",
    "comune",
    "cohort_start",
    "cohort_end",
    "application_deadline",
    "capacity",
    "languages",
];

#[component]
pub fn ProgrammeForm(id: Option<String>) -> impl IntoView {
    view! {
        <RequireRole allowed=|u| u.is_organisation()>
            <ProgrammeEditor id=id.clone() />
        </RequireRole>
    }
}

/// The programme editor offers the common eligibility rules as plain controls; the rules it
/// does not show are kept as they were.
#[component]
fn ProgrammeEditor(id: Option<String>) -> impl IntoView {
    let session = use_session();
    const FORM: &str = "programme";
    let s = || RwSignal::new(String::new());
    let (title, description, start, end, deadline, capacity, languages) = (s(), s(), s(), s(), s(), s(), s());
    let model = RwSignal::new("acceleration".to_owned());
    let phases = RwSignal::new(vec!["acceleration".to_owned()]);
    let sectors = RwSignal::new(Vec::<String>::new());
    let comune = RwSignal::new("torino".to_owned());
    languages.set("it, en".into());
    capacity.set("10".into());
    // Eligibility rules with controls here.
    let rule_stages = RwSignal::new(Vec::<String>::new());
    let rule_sectors = RwSignal::new(Vec::<String>::new());
    let rule_seat = RwSignal::new(false);
    let rule_relocation = RwSignal::new(true);
    let rule_max_age = s();
    let (team_min, team_max) = (s(), s());
    let other_rules = StoredValue::new(Vec::<Value>::new());
    let version = RwSignal::new(None::<i64>);
    let errors = RwSignal::new(ApiErrors::default());
    let busy = RwSignal::new(false);
    let loaded = load_posting("PROGRAMME", id.clone(), move |d, v| {
        version.set(Some(v));
        title.set(text(d, "title"));
        description.set(text(d, "description"));
        model.set(text(d, "model"));
        phases.set(list(d, "phases"));
        sectors.set(list(d, "sectors"));
        comune.set(text(d, "comune"));
        start.set(text(d, "cohort_start"));
        end.set(text(d, "cohort_end"));
        deadline.set(text(d, "application_deadline"));
        capacity.set(text(d, "capacity"));
        languages.set(list(d, "languages").join(", "));
        let mut others = Vec::new();
        for rule in d.get("eligibility").and_then(Value::as_array).cloned().unwrap_or_default() {
            match rule.get("rule").and_then(Value::as_str) {
                Some("stage_in") => rule_stages.set(list(&rule, "stages")),
                Some("sector_in") => rule_sectors.set(list(&rule, "sectors")),
                Some("seat_in_metro_area") => {
                    rule_seat.set(true);
                    rule_relocation.set(rule.get("allow_relocation").and_then(Value::as_bool).unwrap_or(false));
                }
                Some("max_age_months") => rule_max_age.set(text(&rule, "months")),
                Some("team_size") => {
                    team_min.set(text(&rule, "min"));
                    team_max.set(text(&rule, "max"));
                }
                _ => others.push(rule),
            }
        }
        other_rules.set_value(others);
    });
    let id = StoredValue::new(id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut rules = Vec::new();
        if !rule_stages.get_untracked().is_empty() {
            rules.push(json!({"rule": "stage_in", "stages": rule_stages.get_untracked()}));
        }
        if !rule_sectors.get_untracked().is_empty() {
            rules.push(json!({"rule": "sector_in", "sectors": rule_sectors.get_untracked()}));
        }
        if rule_seat.get_untracked() {
            rules.push(json!({"rule": "seat_in_metro_area", "allow_relocation": rule_relocation.get_untracked()}));
        }
        let max_age = num(rule_max_age.get_untracked());
        if !max_age.is_null() {
            rules.push(json!({"rule": "max_age_months", "months": max_age}));
        }
        let (tmin, tmax) = (num(team_min.get_untracked()), num(team_max.get_untracked()));
        if !tmin.is_null() || !tmax.is_null() {
            rules.push(json!({"rule": "team_size", "min": tmin, "max": tmax}));
        }
        rules.extend(other_rules.get_value());
        let data = json!({
            "title": title.get_untracked().trim(),
            "description": description.get_untracked().trim(),
            "model": model.get_untracked(),
            "phases": phases.get_untracked(),
            "sectors": sectors.get_untracked(),
            "eligibility": rules,
            "comune": comune.get_untracked(),
            "cohort_start": start.get_untracked(),
            "cohort_end": end.get_untracked(),
            "application_deadline": deadline.get_untracked(),
            "capacity": num(capacity.get_untracked()),
            "languages": languages.get_untracked().split([',', ' ']).map(str::trim).filter(|l| !l.is_empty()).map(str::to_lowercase).collect::<Vec<_>>(),
        });
        let owner = json!(session.user.get_untracked().and_then(|u| u.organisation_id).unwrap_or_else(|| NIL.into()));
        let required =
            ["title", "phases", "application_deadline", "cohort_start", "cohort_end", "capacity", "languages"];
        let placeholders = [("id", json!(NIL)), ("organisation_id", owner)];
        let lang = session.lang.get_untracked();
        if let Err(e) = check::<Programme>("programme", data.clone(), &placeholders, &required, lang) {
            errors.set(e);
            focus_first_error();
            return;
        }
        submit_posting("PROGRAMME", id.get_value(), version.get_untracked(), data, errors, busy);
    };
    view! {
        <section class="posting-form">
            <h1>{move || session.t(if id.with_value(Option::is_some) { T::Edit } else { T::NewProgramme })}</h1>
            <Show when=move || loaded.get() fallback=move || view! { <p>{session.t(T::Loading)}</p> }>
                <form on:submit=submit novalidate id="programme-form">
                    <ErrorList errors=errors known=PROGRAMME_FIELDS />
                    <TextInput form=FORM field="title" label=T::Title value=title errors=errors />
                    <TextArea form=FORM field="description" label=T::Description value=description errors=errors />
                    <Choice form=FORM field="model" label=T::Model value=model errors=errors options=model_options />
                    <MultiChoice form=FORM field="phases" label=T::Phases values=phases errors=errors options=phase_options />
                    <MultiChoice form=FORM field="sectors" label=T::Sectors values=sectors errors=errors options=sector_options />
                    <Labelled form=FORM field="comune" label=T::Comune errors=errors>
                        <ComuneSelect id=field_id(FORM, "comune") value=comune />
                    </Labelled>
                    <TextInput form=FORM field="application_deadline" label=T::ApplicationDeadline value=deadline errors=errors kind="date" />
                    <TextInput form=FORM field="cohort_start" label=T::CohortStart value=start errors=errors kind="date" />
                    <TextInput form=FORM field="cohort_end" label=T::CohortEnd value=end errors=errors kind="date" />
                    <TextInput form=FORM field="capacity" label=T::Capacity value=capacity errors=errors kind="number" />
                    <TextInput form=FORM field="languages" label=T::ProgrammeLanguages value=languages errors=errors />
                    <fieldset class="field rules" class:invalid=move || errors.with(|e| e.for_field("eligibility").is_some())>
                        <legend>{move || session.t(T::Eligibility)}</legend>
                        <MultiChoice form=FORM field="rule_stages" label=T::RuleStages values=rule_stages errors=errors options=stage_options />
                        <MultiChoice form=FORM field="rule_sectors" label=T::RuleSectors values=rule_sectors errors=errors options=sector_options />
                        <Check id=field_id(FORM, "rule_seat") label=T::RuleSeat checked=rule_seat />
                        <Check id=field_id(FORM, "rule_relocation") label=T::AllowRelocation checked=rule_relocation />
                        <TextInput form=FORM field="rule_max_age" label=T::RuleMaxAge value=rule_max_age errors=errors kind="number" />
                        <TextInput form=FORM field="rule_team_min" label=T::RuleTeam value=team_min errors=errors kind="number" />
                        <TextInput form=FORM field="rule_team_max" label=T::Max value=team_max errors=errors kind="number" />
                        <p class="field-error" role="alert">{move || errors.with(|e| e.for_field("eligibility"))}</p>
                    </fieldset>
                    <button type="submit" class="primary" id="programme-save" disabled=move || busy.get()>{move || session.t(T::Save)}</button>
                </form>
            </Show>
        </section>
    }
}
