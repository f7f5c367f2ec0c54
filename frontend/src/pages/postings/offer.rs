//! The form that posts or edits an offer.

use super::{load_posting, submit_posting};
use crate::api::ApiErrors;
use crate::components::{
    Check, Choice, ComuneSelect, ErrorList, Labelled, LanguagesEditor, MultiChoice, SkillsPicker, TextArea, TextInput,
    field_id, key_of, language_rows,
};
use crate::form::{FormReader, date_text, keys, number_text};
use crate::i18n::T;
use crate::pages::{RequireRole, options};
use crate::session::use_session;
use crocevia_api::{ContractType, Date, EntityKind, EntityView, OfferInput, OfferKind, RemotePolicy, Status};
use crocevia_domain::{Employer, OfferId, OrganisationId, StartupId};
use leptos::prelude::*;

const FORM: &str = "offer";

const FIELDS: &[&str] = &[
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
        <RequireRole allowed=|u| u.is_organisation() || u.is_startup()>
            <OfferEditor id=id.clone() />
        </RequireRole>
    }
}

#[component]
fn OfferEditor(id: Option<String>) -> impl IntoView {
    let session = use_session();
    let s = || RwSignal::new(String::new());
    let (title, description, min_exp, salary_min, salary_max, starts, deadline) = (s(), s(), s(), s(), s(), s(), s());
    let kind = RwSignal::new(key_of(&OfferKind::Job));
    let text_language = RwSignal::new(session.lang.get_untracked().code().to_owned());
    let comune = RwSignal::new("torino".to_owned());
    let remote = RwSignal::new(key_of(&RemotePolicy::Hybrid));
    let contract = RwSignal::new(key_of(&ContractType::Permanent));
    let (required, nice) = (RwSignal::new(Vec::<String>::new()), RwSignal::new(Vec::<String>::new()));
    let languages = RwSignal::new(Vec::<(String, String)>::new());
    let sectors = RwSignal::new(Vec::<String>::new());
    let sponsors = RwSignal::new(false);
    // Kept as it was when editing; a new offer is posted today (the server's default).
    let posted = RwSignal::new(None::<Date>);
    let version = RwSignal::new(None::<i64>);
    let errors = RwSignal::new(ApiErrors::default());
    let busy = RwSignal::new(false);
    // A startup posts jobs and internships: the form offers those kinds only, and checks them
    // as the server does (with a stand-in employer: the server knows the real one).
    let startup = session.user.get_untracked().is_some_and(|u| u.is_startup());
    let kinds = if startup { options::startup_offer_kinds } else { options::offer_kinds };
    let loaded = load_posting(EntityKind::Offer, id.clone(), move |view| {
        let EntityView::Offer(o) = view else { return };
        version.set(Some(o.version));
        kind.set(key_of(&o.kind));
        title.set(o.title);
        description.set(o.description);
        text_language.set(o.text_language);
        required.set(o.required_skills);
        nice.set(o.nice_to_have_skills);
        languages.set(language_rows(&o.languages));
        comune.set(o.comune);
        remote.set(key_of(&o.remote));
        contract.set(key_of(&o.contract));
        min_exp.set(o.min_experience_years.to_string());
        salary_min.set(number_text(o.salary_min_eur));
        salary_max.set(number_text(o.salary_max_eur));
        posted.set(Some(o.posted_on));
        starts.set(date_text(o.starts_on));
        deadline.set(date_text(o.deadline));
        sponsors.set(o.sponsors_work_permit);
        sectors.set(keys(&o.sectors));
    });
    let read = move || {
        let mut f = FormReader::new("offer", session.lang.get_untracked());
        let input = OfferInput {
            kind: f.choice("kind", &kind.get_untracked(), OfferKind::Job),
            title: f.required("title", &title.get_untracked()),
            description: description.get_untracked().trim().to_owned(),
            text_language: text_language.get_untracked(),
            required_skills: required.get_untracked(),
            nice_to_have_skills: nice.get_untracked(),
            languages: f.languages("languages", &languages.get_untracked()),
            comune: comune.get_untracked(),
            remote: f.choice("remote", &remote.get_untracked(), RemotePolicy::Hybrid),
            contract: f.choice("contract", &contract.get_untracked(), ContractType::Permanent),
            min_experience_years: f.number("minExperienceYears", &min_exp.get_untracked()).unwrap_or(0),
            salary_min_eur: f.number("salaryMinEur", &salary_min.get_untracked()),
            salary_max_eur: f.number("salaryMaxEur", &salary_max.get_untracked()),
            posted_on: posted.get_untracked(),
            starts_on: f.date("startsOn", &starts.get_untracked()),
            deadline: f.date("deadline", &deadline.get_untracked()),
            sponsors_work_permit: sponsors.get_untracked(),
            sectors: f.choices("sectors", &sectors.get_untracked()),
        };
        let nil = uuid::Uuid::nil();
        let today = crate::format::today();
        let employer = if startup {
            Employer::Startup(StartupId::from_uuid(nil))
        } else {
            Employer::Organisation(OrganisationId::from_uuid(nil))
        };
        f.finish(input, |i| i.into_domain(OfferId::from_uuid(nil), employer, Status::Open, today))
    };
    let id = StoredValue::new(id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit_posting("Offer", read(), id.get_value(), version.get_untracked(), errors, busy);
    };
    view! {
        <section class="posting-form">
            <h1>{move || session.t(if id.with_value(Option::is_some) { T::Edit } else { T::NewOffer })}</h1>
            <Show when=move || loaded.get() fallback=move || view! { <p>{session.t(T::Loading)}</p> }>
                <form on:submit=submit novalidate id="offer-form">
                    <ErrorList errors=errors known=FIELDS />
                    <Choice form=FORM field="kind" label=T::Kind value=kind errors=errors options=kinds />
                    <TextInput form=FORM field="title" label=T::Title value=title errors=errors />
                    <TextArea form=FORM field="description" label=T::Description value=description errors=errors />
                    <Choice form=FORM field="text_language" label=T::TextLanguage value=text_language errors=errors options=options::text_languages />
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
                    <Choice form=FORM field="remote" label=T::Remote value=remote errors=errors options=options::remote_policies />
                    <Choice form=FORM field="contract" label=T::Contract value=contract errors=errors options=options::contracts />
                    <TextInput form=FORM field="min_experience_years" label=T::MinExperience value=min_exp errors=errors kind="number" />
                    <TextInput form=FORM field="salary_min_eur" label=T::SalaryMin value=salary_min errors=errors kind="number" />
                    <TextInput form=FORM field="salary_max_eur" label=T::SalaryMax value=salary_max errors=errors kind="number" />
                    <TextInput form=FORM field="starts_on" label=T::StartsOn value=starts errors=errors kind="date" />
                    <TextInput form=FORM field="deadline" label=T::Deadline value=deadline errors=errors kind="date" />
                    <Check id=field_id(FORM, "sponsors_work_permit") label=T::SponsorsPermit checked=sponsors />
                    <MultiChoice form=FORM field="sectors" label=T::Sectors values=sectors errors=errors options=options::sectors />
                    <button type="submit" class="primary" id="offer-save" disabled=move || busy.get()>{move || session.t(T::Save)}</button>
                </form>
            </Show>
        </section>
    }
}
