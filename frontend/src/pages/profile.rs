//! "My profile": the talent's or the startup's own profile, checked here with the same
//! validation as the server so every wrong field is marked at once, then saved.

use super::RequireRole;
use super::detail::EntityView;
use crate::api::{ApiError, ApiErrors};
use crate::components::{
    Choice, ComuneSelect, ErrorList, Labelled, MultiChoice, SkillsPicker, TextArea, TextInput, enum_options, field_id,
    key_of,
};
use crate::i18n::{self, Lang, T};
use crate::session::use_session;
use crocevia_domain::{Cefr, LegalForm, OfferKind, Sector, Startup, StartupStage, Talent, Validate, ValidationErrors};
use leptos::prelude::*;
use serde_json::{Map, Value, json};

const FORM: &str = "profile";

#[component]
pub fn ProfilePage() -> impl IntoView {
    let session = use_session();
    view! {
        <RequireRole allowed=|u| u.is_talent() || u.is_startup()>
            {move || match session.user.get() {
                Some(u) if u.is_startup() => view! { <StartupForm /> }.into_any(),
                _ => view! { <TalentForm /> }.into_any(),
            }}
        </RequireRole>
    }
}

/// Turns the validator's errors into the API's shape, so one display serves both.
pub fn validation_errors(prefix: &str, errors: ValidationErrors) -> ApiErrors {
    ApiErrors(
        errors
            .0
            .into_iter()
            .map(|e| ApiError {
                code: "BAD_USER_INPUT".into(),
                message: e.message,
                field: Some(format!("{prefix}.{}", e.field)),
            })
            .collect(),
    )
}

/// Checks a form's JSON as the domain type, with a placeholder id and owner: first the
/// fields that must be filled, then the types (a wrong one is named by its path), then the
/// domain's own validation, so the user sees the same field names the server would send.
pub fn check<E: serde::de::DeserializeOwned + Validate>(
    prefix: &str,
    mut data: Value,
    placeholders: &[(&str, Value)],
    required: &[&str],
    lang: Lang,
) -> Result<(), ApiErrors> {
    let missing: Vec<ApiError> = required
        .iter()
        .filter(|k| match data.get(**k) {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s.trim().is_empty(),
            Some(Value::Array(a)) => a.is_empty(),
            _ => false,
        })
        .map(|k| ApiError {
            code: "BAD_USER_INPUT".into(),
            message: lang.pick("Campo obbligatorio", "Required").into(),
            field: Some(format!("{prefix}.{k}")),
        })
        .collect();
    if !missing.is_empty() {
        return Err(ApiErrors(missing));
    }
    if let Some(o) = data.as_object_mut() {
        for (k, v) in placeholders {
            o.entry(k.to_string()).or_insert(v.clone());
        }
    }
    let entity: E = serde_path_to_error::deserialize(data).map_err(|e| {
        let message = lang.pick("Valore non valido", "Invalid value");
        ApiErrors::one(ApiError {
            code: "BAD_USER_INPUT".into(),
            message: format!("{message}: {}", e.inner()),
            field: Some(format!("{prefix}.{}", e.path())),
        })
    })?;
    entity.validate().map_err(|e| validation_errors(prefix, e))
}

pub const NIL: &str = "00000000-0000-0000-0000-000000000000";

/// A field of an entity's JSON as form text (numbers included; absent is empty).
pub(super) fn text(data: &Value, key: &str) -> String {
    match data.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn flag(data: &Value, key: &str) -> bool {
    data.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// A list of strings of an entity's JSON.
pub(super) fn list(data: &Value, key: &str) -> Vec<String> {
    data.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// An optional string: empty means absent.
pub fn opt(s: String) -> Value {
    let s = s.trim().to_owned();
    if s.is_empty() { Value::Null } else { Value::String(s) }
}

/// A whole number typed in a form; text that is not one stays text, so the check names it.
pub fn num(s: String) -> Value {
    let s = s.trim().to_owned();
    if s.is_empty() {
        return Value::Null;
    }
    s.parse::<u64>().map(Value::from).unwrap_or(Value::String(s))
}

pub fn sector_options(lang: Lang) -> Vec<(String, String)> {
    enum_options(&Sector::ALL, lang, i18n::sector)
}

fn seeking_options(lang: Lang) -> Vec<(String, String)> {
    let kinds = [OfferKind::Job, OfferKind::Internship, OfferKind::PhdPosition, OfferKind::Fellowship];
    enum_options(&kinds, lang, i18n::offer_kind)
}

pub const COMMON_LANGUAGES: [&str; 11] = ["it", "en", "fr", "de", "es", "pt", "zh", "ar", "hi", "ru", "ro"];

/// Rows of language and CEFR level.
#[component]
pub fn LanguagesEditor(
    form: &'static str,
    rows: RwSignal<Vec<(String, String)>>,
    errors: RwSignal<ApiErrors>,
) -> impl IntoView {
    let session = use_session();
    view! {
        <fieldset class="field languages" class:invalid=move || errors.with(|e| e.for_field("languages").is_some())>
            <legend>{move || session.t(T::Languages)}</legend>
            {move || {
                let lang = session.lang.get();
                (0..rows.with(Vec::len)).map(|i| {
                    let (code, level) = rows.with_untracked(|r| r[i].clone());
                    let code_id = format!("{form}-language-{i}");
                    let level_id = format!("{form}-level-{i}");
                    view! {
                        <div class="language-row">
                            <label for=code_id.clone() class="visually-hidden">{session.t(T::Language)}</label>
                            <select id=code_id on:change=move |ev| rows.update(|r| r[i].0 = event_target_value(&ev))>
                                {COMMON_LANGUAGES.iter().map(|c| view! {
                                    <option value=*c selected=code == *c>{i18n::language_name(lang, c)}</option>
                                }).collect_view()}
                            </select>
                            <label for=level_id.clone() class="visually-hidden">{session.t(T::Level)}</label>
                            <select id=level_id on:change=move |ev| rows.update(|r| r[i].1 = event_target_value(&ev))>
                                {Cefr::ALL.iter().map(|c| {
                                    let key = key_of(c);
                                    view! { <option value=key.clone() selected=level == key>{i18n::cefr(lang, *c)}</option> }
                                }).collect_view()}
                            </select>
                            <button type="button" class="link" on:click=move |_| rows.update(|r| { r.remove(i); })>
                                {session.t(T::Remove)}
                            </button>
                        </div>
                    }
                }).collect_view()
            }}
            <button type="button" id=format!("{form}-add-language")
                on:click=move |_| rows.update(|r| r.push(("en".into(), "B2".into())))>
                {move || session.t(T::AddLanguage)}
            </button>
            <p class="field-error" role="alert">{move || errors.with(|e| e.for_field("languages"))}</p>
        </fieldset>
    }
}

pub(super) fn language_rows(data: &Value) -> Vec<(String, String)> {
    data.get("languages")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|l| (text(l, "language"), text(l, "level"))).collect())
        .unwrap_or_default()
}

pub(super) fn language_json(rows: Vec<(String, String)>) -> Value {
    Value::Array(rows.into_iter().map(|(l, level)| json!({"language": l, "level": level})).collect())
}

/// Loads my profile's data (or nothing yet) into `apply`.
fn load_mine(apply: impl Fn(&Value) + 'static) -> RwSignal<bool> {
    let session = use_session();
    let loaded = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        let query = "query { myProfile { id version data } }";
        if let Ok(Some(view)) = session.call::<Option<EntityView>>(query, Value::Null, "myProfile").await {
            apply(&view.data);
        }
        loaded.set(true);
    });
    loaded
}

/// Validates, saves, and reports, for both profile kinds.
fn save<E: serde::de::DeserializeOwned + Validate>(
    data: Value,
    placeholders: Vec<(&'static str, Value)>,
    required: &[&str],
    errors: RwSignal<ApiErrors>,
    status: RwSignal<Option<T>>,
) {
    let session = use_session();
    if let Err(e) = check::<E>(FORM, data.clone(), &placeholders, required, session.lang.get_untracked()) {
        errors.set(e);
        status.set(None);
        focus_first_error();
        return;
    }
    errors.set(ApiErrors::default());
    status.set(Some(T::Saving));
    leptos::task::spawn_local(async move {
        let query = "mutation($p: JSON!) { saveProfile(profile: $p) { id version } }";
        match session.call::<Value>(query, json!({"p": data}), "saveProfile").await {
            Ok(_) => status.set(Some(T::ProfileSaved)),
            Err(e) => {
                errors.set(e);
                status.set(None);
                focus_first_error();
            }
        }
    });
}

/// Keyboard and screen-reader users land on the first field to fix.
pub fn focus_first_error() {
    let run = wasm_bindgen::closure::Closure::once_into_js(|| {
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(".invalid input, .invalid select, .invalid textarea").ok().flatten());
        if let Some(el) = element.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok()) {
            let _ = el.focus();
        }
    });
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(wasm_bindgen::JsCast::unchecked_ref(&run), 0);
    }
}

#[component]
fn SaveBar(status: RwSignal<Option<T>>) -> impl IntoView {
    let session = use_session();
    view! {
        <div class="save-bar">
            <button type="submit" class="primary" id="profile-save">{move || session.t(T::Save)}</button>
            <p role="status" aria-live="polite" id="profile-status">{move || status.get().map(|t| session.t(t))}</p>
        </div>
    }
}

const TALENT_FIELDS: &[&str] = &[
    "display_name",
    "headline",
    "bio",
    "contact_email",
    "country_of_origin",
    "residence",
    "field_of_study",
    "skills",
    "languages",
    "experience_years",
    "available_from",
    "sectors",
    "seeking",
];

#[component]
fn TalentForm() -> impl IntoView {
    let session = use_session();
    let s = || RwSignal::new(String::new());
    let (name, headline, bio, email, country, residence, study, years, available) =
        (s(), s(), s(), s(), s(), s(), s(), s(), s());
    let skills = RwSignal::new(Vec::<String>::new());
    let skill_years = StoredValue::new(Map::new());
    let languages = RwSignal::new(vec![("it".to_owned(), "B1".to_owned())]);
    let (relocate, remote, permit) = (RwSignal::new(false), RwSignal::new(true), RwSignal::new(false));
    let sectors = RwSignal::new(Vec::<String>::new());
    let seeking = RwSignal::new(Vec::<String>::new());
    let errors = RwSignal::new(ApiErrors::default());
    let status = RwSignal::new(None::<T>);
    if let Some(u) = session.user.get_untracked() {
        name.set(u.display_name.clone());
        email.set(u.email.clone());
    }
    let loaded = load_mine(move |d| {
        name.set(text(d, "display_name"));
        headline.set(text(d, "headline"));
        bio.set(text(d, "bio"));
        email.set(text(d, "contact_email"));
        country.set(text(d, "country_of_origin"));
        residence.set(text(d, "residence"));
        study.set(text(d, "field_of_study"));
        years.set(text(d, "experience_years"));
        available.set(text(d, "available_from"));
        let held: Vec<&Value> =
            d.get("skills").and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
        skills.set(held.iter().map(|s| text(s, "skill")).collect());
        skill_years
            .set_value(held.iter().map(|s| (text(s, "skill"), s.get("years").cloned().unwrap_or(json!(0)))).collect());
        languages.set(language_rows(d));
        relocate.set(flag(d, "willing_to_relocate"));
        remote.set(flag(d, "open_to_remote"));
        permit.set(flag(d, "needs_work_permit"));
        sectors.set(list(d, "sectors"));
        seeking.set(list(d, "seeking"));
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let known_years = skill_years.get_value();
        let data = json!({
            "display_name": name.get_untracked().trim(),
            "headline": headline.get_untracked().trim(),
            "bio": bio.get_untracked().trim(),
            "contact_email": email.get_untracked().trim(),
            "country_of_origin": country.get_untracked().trim().to_uppercase(),
            "residence": opt(residence.get_untracked()),
            "field_of_study": opt(study.get_untracked()),
            "skills": skills.get_untracked().into_iter()
                .map(|s| json!({"skill": s, "years": known_years.get(&s).cloned().unwrap_or(json!(0))}))
                .collect::<Vec<_>>(),
            "languages": language_json(languages.get_untracked()),
            "experience_years": num(years.get_untracked()).as_u64().map_or(json!(0), Value::from),
            "available_from": opt(available.get_untracked()),
            "willing_to_relocate": relocate.get_untracked(),
            "open_to_remote": remote.get_untracked(),
            "needs_work_permit": permit.get_untracked(),
            "sectors": sectors.get_untracked(),
            "seeking": seeking.get_untracked(),
        });
        save::<Talent>(
            data,
            vec![("id", json!(NIL))],
            &["display_name", "contact_email", "country_of_origin"],
            errors,
            status,
        );
    };
    view! {
        <section class="profile">
            <h1>{move || session.t(T::MyProfile)}</h1>
            <Show when=move || loaded.get() fallback=move || view! { <p>{session.t(T::Loading)}</p> }>
                <form on:submit=submit novalidate id="talent-form">
                    <ErrorList errors=errors known=TALENT_FIELDS />
                    <TextInput form=FORM field="display_name" label=T::DisplayName value=name errors=errors />
                    <TextInput form=FORM field="headline" label=T::Headline value=headline errors=errors />
                    <TextArea form=FORM field="bio" label=T::Bio value=bio errors=errors />
                    <TextInput form=FORM field="contact_email" label=T::ContactEmail value=email errors=errors kind="email" />
                    <TextInput form=FORM field="country_of_origin" label=T::CountryOfOrigin value=country errors=errors />
                    <Labelled form=FORM field="residence" label=T::Residence errors=errors>
                        <ComuneSelect id=field_id(FORM, "residence") value=residence none_label=T::NotInArea />
                    </Labelled>
                    <TextInput form=FORM field="field_of_study" label=T::FieldOfStudy value=study errors=errors />
                    <Labelled form=FORM field="skills" label=T::Skills errors=errors>
                        <SkillsPicker id=field_id(FORM, "skills") selected=skills />
                    </Labelled>
                    <LanguagesEditor form=FORM rows=languages errors=errors />
                    <TextInput form=FORM field="experience_years" label=T::ExperienceYears value=years errors=errors kind="number" />
                    <TextInput form=FORM field="available_from" label=T::AvailableFrom value=available errors=errors kind="date" />
                    <crate::components::Check id=field_id(FORM, "willing_to_relocate") label=T::WillingToRelocate checked=relocate />
                    <crate::components::Check id=field_id(FORM, "open_to_remote") label=T::OpenToRemote checked=remote />
                    <crate::components::Check id=field_id(FORM, "needs_work_permit") label=T::NeedsWorkPermit checked=permit />
                    <MultiChoice form=FORM field="sectors" label=T::Sectors values=sectors errors=errors options=sector_options />
                    <MultiChoice form=FORM field="seeking" label=T::Seeking values=seeking errors=errors options=seeking_options />
                    <SaveBar status=status />
                </form>
            </Show>
        </section>
    }
}

const STARTUP_FIELDS: &[&str] = &[
    "name",
    "description",
    "sectors",
    "stage",
    "legal_form",
    "founded_on",
    "seat",
    "team_size",
    "funding_raised_eur",
    "contact_email",
    "website",
];

fn stage_options(lang: Lang) -> Vec<(String, String)> {
    let stages =
        [StartupStage::Idea, StartupStage::PreSeed, StartupStage::Seed, StartupStage::SeriesA, StartupStage::Growth];
    enum_options(&stages, lang, i18n::startup_stage)
}

fn legal_form_options(lang: Lang) -> Vec<(String, String)> {
    let forms = [
        LegalForm::NotIncorporated,
        LegalForm::Srl,
        LegalForm::InnovativeStartup,
        LegalForm::Spa,
        LegalForm::Cooperative,
        LegalForm::Other,
    ];
    enum_options(&forms, lang, i18n::legal_form)
}

#[component]
fn StartupForm() -> impl IntoView {
    let session = use_session();
    let s = || RwSignal::new(String::new());
    let (name, description, founded, seat, team, funding, email, website) = (s(), s(), s(), s(), s(), s(), s(), s());
    let stage = RwSignal::new("idea".to_owned());
    let legal = RwSignal::new("not_incorporated".to_owned());
    let sectors = RwSignal::new(Vec::<String>::new());
    let (relocate, female, young, spinoff) =
        (RwSignal::new(false), RwSignal::new(false), RwSignal::new(false), RwSignal::new(false));
    let errors = RwSignal::new(ApiErrors::default());
    let status = RwSignal::new(None::<T>);
    team.set("1".into());
    if let Some(u) = session.user.get_untracked() {
        name.set(u.display_name.clone());
        email.set(u.email.clone());
    }
    let loaded = load_mine(move |d| {
        name.set(text(d, "name"));
        description.set(text(d, "description"));
        sectors.set(list(d, "sectors"));
        stage.set(text(d, "stage"));
        legal.set(text(d, "legal_form"));
        founded.set(text(d, "founded_on"));
        seat.set(text(d, "seat"));
        relocate.set(flag(d, "willing_to_relocate"));
        team.set(text(d, "team_size"));
        funding.set(text(d, "funding_raised_eur"));
        let founders = d.get("founders").cloned().unwrap_or(Value::Null);
        female.set(flag(&founders, "female_led"));
        young.set(flag(&founders, "under_35"));
        spinoff.set(flag(&founders, "university_spinoff"));
        email.set(text(d, "contact_email"));
        website.set(text(d, "website"));
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let data = json!({
            "name": name.get_untracked().trim(),
            "description": description.get_untracked().trim(),
            "sectors": sectors.get_untracked(),
            "stage": stage.get_untracked(),
            "legal_form": legal.get_untracked(),
            "founded_on": opt(founded.get_untracked()),
            "seat": opt(seat.get_untracked()),
            "willing_to_relocate": relocate.get_untracked(),
            "team_size": num(team.get_untracked()),
            "funding_raised_eur": num(funding.get_untracked()).as_u64().map_or(json!(0), Value::from),
            "founders": {"female_led": female.get_untracked(), "under_35": young.get_untracked(), "university_spinoff": spinoff.get_untracked()},
            "contact_email": email.get_untracked().trim(),
            "website": opt(website.get_untracked()),
        });
        save::<Startup>(data, vec![("id", json!(NIL))], &["name", "contact_email", "team_size"], errors, status);
    };
    view! {
        <section class="profile">
            <h1>{move || session.t(T::MyProfile)}</h1>
            <Show when=move || loaded.get() fallback=move || view! { <p>{session.t(T::Loading)}</p> }>
                <form on:submit=submit novalidate id="startup-form">
                    <ErrorList errors=errors known=STARTUP_FIELDS />
                    <TextInput form=FORM field="name" label=T::StartupName value=name errors=errors />
                    <TextArea form=FORM field="description" label=T::Description value=description errors=errors />
                    <MultiChoice form=FORM field="sectors" label=T::Sectors values=sectors errors=errors options=sector_options />
                    <Choice form=FORM field="stage" label=T::Stage value=stage errors=errors options=stage_options />
                    <Choice form=FORM field="legal_form" label=T::LegalFormLabel value=legal errors=errors options=legal_form_options />
                    <TextInput form=FORM field="founded_on" label=T::FoundedOn value=founded errors=errors kind="date" />
                    <Labelled form=FORM field="seat" label=T::Seat errors=errors>
                        <ComuneSelect id=field_id(FORM, "seat") value=seat none_label=T::NotInArea />
                    </Labelled>
                    <crate::components::Check id=field_id(FORM, "willing_to_relocate") label=T::WillingToRelocate checked=relocate />
                    <TextInput form=FORM field="team_size" label=T::TeamSize value=team errors=errors kind="number" />
                    <TextInput form=FORM field="funding_raised_eur" label=T::FundingRaised value=funding errors=errors kind="number" />
                    <crate::components::Check id=field_id(FORM, "female_led") label=T::FemaleLed checked=female />
                    <crate::components::Check id=field_id(FORM, "under_35") label=T::Under35 checked=young />
                    <crate::components::Check id=field_id(FORM, "university_spinoff") label=T::UniversitySpinoff checked=spinoff />
                    <TextInput form=FORM field="contact_email" label=T::ContactEmail value=email errors=errors kind="email" />
                    <TextInput form=FORM field="website" label=T::Website value=website errors=errors kind="url" />
                    <SaveBar status=status />
                </form>
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crocevia_domain::Programme;

    fn programme() -> Value {
        json!({
            "title": "Seed", "model": "acceleration", "phases": ["acceleration"], "comune": "torino",
            "cohort_start": "2027-03-01", "cohort_end": "2027-07-31", "application_deadline": "2027-02-15",
            "capacity": 8, "languages": ["it"], "eligibility": [],
        })
    }

    const REQUIRED: [&str; 3] = ["title", "cohort_start", "capacity"];
    fn placeholders() -> [(&'static str, Value); 2] {
        [("id", json!(NIL)), ("organisation_id", json!(NIL))]
    }

    #[test]
    fn a_complete_form_passes() {
        check::<Programme>("programme", programme(), &placeholders(), &REQUIRED, Lang::En).unwrap();
    }

    #[test]
    fn empty_required_fields_are_each_named() {
        let mut p = programme();
        p["title"] = json!(" ");
        p["cohort_start"] = json!("");
        let e = check::<Programme>("programme", p, &placeholders(), &REQUIRED, Lang::It).unwrap_err();
        assert_eq!(e.for_field("title").as_deref(), Some("Campo obbligatorio"));
        assert!(e.for_field("cohort_start").is_some());
        assert!(e.for_field("capacity").is_none());
    }

    #[test]
    fn a_wrong_type_names_its_path_and_domain_rules_apply() {
        let mut p = programme();
        p["capacity"] = json!("eight");
        let e = check::<Programme>("programme", p, &placeholders(), &REQUIRED, Lang::En).unwrap_err();
        assert!(e.for_field("capacity").unwrap().starts_with("Invalid value"), "{e:?}");
        let mut p = programme();
        p["cohort_end"] = json!("2027-01-01");
        let e = check::<Programme>("programme", p, &placeholders(), &REQUIRED, Lang::En).unwrap_err();
        assert!(e.for_field("cohort_end").is_some(), "{e:?}");
    }
}
