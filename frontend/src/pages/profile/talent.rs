//! A talent's profile form.

use super::{FORM, SaveBar, load_mine, save};
use crate::api::ApiErrors;
use crate::components::{
    Check, EducationEditor, EducationRow, ErrorList, Labelled, LanguagesEditor, MultiChoice, PlaceFieldNames,
    PlaceFields, PlaceValue, SkillsPicker, TextArea, TextInput, education_input, education_rows, field_id,
    language_rows,
};
use crate::form::{FormReader, date_text, keys, optional};
use crate::i18n::T;
use crate::pages::options;
use crate::session::use_session;
use crocevia_api::{ProfileInput, ProfileView, TalentInput, TalentSkill};
use crocevia_domain::TalentId;
use leptos::prelude::*;
use std::collections::HashMap;

const RESIDENCE: PlaceFieldNames =
    PlaceFieldNames { comune: "residence.comune", city: "residence.city", country: "residence.country" };

const FIELDS: &[&str] = &[
    "display_name",
    "headline",
    "bio",
    "contact_email",
    "country_of_origin",
    "residence.comune",
    "residence.city",
    "residence.country",
    "field_of_study",
    "education",
    "skills",
    "languages",
    "experience_years",
    "available_from",
    "sectors",
    "seeking",
];

#[component]
pub(super) fn TalentForm() -> impl IntoView {
    let session = use_session();
    let s = || RwSignal::new(String::new());
    let (name, headline, bio, email, country, study, years, available) = (s(), s(), s(), s(), s(), s(), s(), s());
    let residence = PlaceValue::new();
    let education = RwSignal::new(Vec::<EducationRow>::new());
    let skills = RwSignal::new(Vec::<String>::new());
    // The picker chooses skills only; the years of the ones already held are kept.
    let skill_years = StoredValue::new(HashMap::<String, i32>::new());
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
    let loaded = load_mine(move |view| {
        let ProfileView::Talent(t) = view else { return };
        name.set(t.display_name);
        headline.set(t.headline);
        bio.set(t.bio);
        // My own profile always shows the address; the account's stays if it did not.
        if let Some(e) = t.contact_email {
            email.set(e);
        }
        country.set(t.country_of_origin);
        residence.load(t.residence, session.lang.get_untracked());
        study.set(t.field_of_study.unwrap_or_default());
        education.set(education_rows(&t.education));
        years.set(t.experience_years.to_string());
        available.set(date_text(t.available_from));
        skills.set(t.skills.iter().map(|s| s.skill.clone()).collect());
        skill_years.set_value(t.skills.into_iter().map(|s| (s.skill, s.years)).collect());
        languages.set(language_rows(&t.languages));
        relocate.set(t.willing_to_relocate);
        remote.set(t.open_to_remote);
        permit.set(t.needs_work_permit);
        sectors.set(keys(&t.sectors));
        seeking.set(keys(&t.seeking));
    });
    let read = move || {
        let mut f = FormReader::new("profile.talent", session.lang.get_untracked());
        let known_years = skill_years.get_value();
        let input = TalentInput {
            display_name: f.required("displayName", &name.get_untracked()),
            headline: headline.get_untracked().trim().to_owned(),
            bio: bio.get_untracked().trim().to_owned(),
            contact_email: f.required("contactEmail", &email.get_untracked()),
            // A name ("India") or a code: the conversion keeps the code.
            country_of_origin: f.required("countryOfOrigin", &country.get_untracked()),
            residence: residence.input(),
            field_of_study: optional(&study.get_untracked()),
            education: education_input(&mut f, &education.get_untracked()),
            skills: skills
                .get_untracked()
                .into_iter()
                .map(|skill| TalentSkill { years: known_years.get(&skill).copied().unwrap_or(0), skill })
                .collect(),
            languages: f.languages("languages", &languages.get_untracked()),
            experience_years: f.number("experienceYears", &years.get_untracked()).unwrap_or(0),
            available_from: f.date("availableFrom", &available.get_untracked()),
            willing_to_relocate: relocate.get_untracked(),
            open_to_remote: remote.get_untracked(),
            needs_work_permit: permit.get_untracked(),
            sectors: f.choices("sectors", &sectors.get_untracked()),
            seeking: f.choices("seeking", &seeking.get_untracked()),
        };
        f.finish(input, |i| i.into_domain(TalentId::from_uuid(uuid::Uuid::nil()), None))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save(read().map(ProfileInput::Talent), errors, status);
    };
    view! {
        <section class="profile">
            <h1>{move || session.t(T::MyProfile)}</h1>
            <Show when=move || loaded.get() fallback=move || view! { <p>{session.t(T::Loading)}</p> }>
                <form on:submit=submit novalidate id="talent-form">
                    <ErrorList errors=errors known=FIELDS />
                    <TextInput form=FORM field="display_name" label=T::DisplayName value=name errors=errors />
                    <TextInput form=FORM field="headline" label=T::Headline value=headline errors=errors />
                    <TextArea form=FORM field="bio" label=T::Bio value=bio errors=errors />
                    <TextInput form=FORM field="contact_email" label=T::ContactEmail value=email errors=errors kind="email" />
                    <TextInput form=FORM field="country_of_origin" label=T::CountryOfOrigin value=country errors=errors />
                    <PlaceFields form=FORM names=RESIDENCE label=T::Residence value=residence errors=errors />
                    <TextInput form=FORM field="field_of_study" label=T::FieldOfStudy value=study errors=errors />
                    <EducationEditor form=FORM rows=education errors=errors />
                    <Labelled form=FORM field="skills" label=T::Skills errors=errors>
                        <SkillsPicker id=field_id(FORM, "skills") selected=skills />
                    </Labelled>
                    <LanguagesEditor form=FORM rows=languages errors=errors />
                    <TextInput form=FORM field="experience_years" label=T::ExperienceYears value=years errors=errors kind="number" />
                    <TextInput form=FORM field="available_from" label=T::AvailableFrom value=available errors=errors kind="date" />
                    <Check id=field_id(FORM, "willing_to_relocate") label=T::WillingToRelocate checked=relocate />
                    <Check id=field_id(FORM, "open_to_remote") label=T::OpenToRemote checked=remote />
                    <Check id=field_id(FORM, "needs_work_permit") label=T::NeedsWorkPermit checked=permit />
                    <MultiChoice form=FORM field="sectors" label=T::Sectors values=sectors errors=errors options=options::sectors />
                    <MultiChoice form=FORM field="seeking" label=T::Seeking values=seeking errors=errors options=options::offer_kinds />
                    <SaveBar status=status />
                </form>
                <super::retention::CheckInConsent />
            </Show>
        </section>
    }
}
