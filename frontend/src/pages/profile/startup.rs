//! A startup's profile form.

use super::{FORM, SaveBar, load_mine, save};
use crate::api::ApiErrors;
use crate::components::{
    Check, Choice, ErrorList, MultiChoice, PlaceFieldNames, PlaceFields, PlaceValue, TextArea, TextInput, field_id,
    key_of,
};
use crate::form::{FormReader, date_text, keys, optional};
use crate::i18n::T;
use crate::pages::options;
use crate::session::use_session;
use crocevia_api::{Founders, LegalForm, ProfileInput, ProfileView, StartupInput, StartupStage};
use crocevia_domain::StartupId;
use leptos::prelude::*;

const SEAT: PlaceFieldNames = PlaceFieldNames { comune: "seat.comune", city: "seat.city", country: "seat.country" };

const FIELDS: &[&str] = &[
    "name",
    "description",
    "sectors",
    "stage",
    "legal_form",
    "founded_on",
    "seat.comune",
    "seat.city",
    "seat.country",
    "team_size",
    "funding_raised_eur",
    "contact_email",
    "website",
];

#[component]
pub(super) fn StartupForm() -> impl IntoView {
    let session = use_session();
    let s = || RwSignal::new(String::new());
    let (name, description, founded, team, funding, email, website) = (s(), s(), s(), s(), s(), s(), s());
    let seat = PlaceValue::new();
    let stage = RwSignal::new(key_of(&StartupStage::Idea));
    let legal = RwSignal::new(key_of(&LegalForm::NotIncorporated));
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
    let loaded = load_mine(move |view| {
        let ProfileView::Startup(p) = view else { return };
        name.set(p.name);
        description.set(p.description);
        sectors.set(keys(&p.sectors));
        stage.set(key_of(&p.stage));
        legal.set(key_of(&p.legal_form));
        founded.set(date_text(p.founded_on));
        seat.load(p.seat, session.lang.get_untracked());
        relocate.set(p.willing_to_relocate);
        team.set(p.team_size.to_string());
        funding.set(p.funding_raised_eur.to_string());
        female.set(p.founders.female_led);
        young.set(p.founders.under35);
        spinoff.set(p.founders.university_spinoff);
        // My own profile always shows the address; the account's stays if it did not.
        if let Some(e) = p.contact_email {
            email.set(e);
        }
        website.set(p.website.unwrap_or_default());
    });
    let read = move || {
        let mut f = FormReader::new("profile.startup", session.lang.get_untracked());
        let input = StartupInput {
            name: f.required("name", &name.get_untracked()),
            description: description.get_untracked().trim().to_owned(),
            sectors: f.choices("sectors", &sectors.get_untracked()),
            stage: f.choice("stage", &stage.get_untracked(), StartupStage::Idea),
            legal_form: f.choice("legalForm", &legal.get_untracked(), LegalForm::NotIncorporated),
            founded_on: f.date("foundedOn", &founded.get_untracked()),
            seat: seat.input(),
            willing_to_relocate: relocate.get_untracked(),
            team_size: f.required_number("teamSize", &team.get_untracked()),
            funding_raised_eur: f.number("fundingRaisedEur", &funding.get_untracked()).unwrap_or(0),
            founders: Founders {
                female_led: female.get_untracked(),
                under35: young.get_untracked(),
                university_spinoff: spinoff.get_untracked(),
            },
            contact_email: f.required("contactEmail", &email.get_untracked()),
            website: optional(&website.get_untracked()),
        };
        f.finish(input, |i| i.into_domain(StartupId::from_uuid(uuid::Uuid::nil()), None))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save(read().map(ProfileInput::Startup), errors, status);
    };
    view! {
        <section class="profile">
            <h1>{move || session.t(T::MyProfile)}</h1>
            <Show when=move || loaded.get() fallback=move || view! { <p>{session.t(T::Loading)}</p> }>
                <form on:submit=submit novalidate id="startup-form">
                    <ErrorList errors=errors known=FIELDS />
                    <TextInput form=FORM field="name" label=T::StartupName value=name errors=errors />
                    <TextArea form=FORM field="description" label=T::Description value=description errors=errors />
                    <MultiChoice form=FORM field="sectors" label=T::Sectors values=sectors errors=errors options=options::sectors />
                    <Choice form=FORM field="stage" label=T::Stage value=stage errors=errors options=options::startup_stages />
                    <Choice form=FORM field="legal_form" label=T::LegalFormLabel value=legal errors=errors options=options::legal_forms />
                    <TextInput form=FORM field="founded_on" label=T::FoundedOn value=founded errors=errors kind="date" />
                    <PlaceFields form=FORM names=SEAT label=T::Seat value=seat errors=errors />
                    <Check id=field_id(FORM, "willing_to_relocate") label=T::WillingToRelocate checked=relocate />
                    <TextInput form=FORM field="team_size" label=T::TeamSize value=team errors=errors kind="number" />
                    <TextInput form=FORM field="funding_raised_eur" label=T::FundingRaised value=funding errors=errors kind="number" />
                    <Check id=field_id(FORM, "female_led") label=T::FemaleLed checked=female />
                    <Check id=field_id(FORM, "under_35") label=T::Under35 checked=young />
                    <Check id=field_id(FORM, "university_spinoff") label=T::UniversitySpinoff checked=spinoff />
                    <TextInput form=FORM field="contact_email" label=T::ContactEmail value=email errors=errors kind="email" />
                    <TextInput form=FORM field="website" label=T::Website value=website errors=errors kind="url" />
                    <SaveBar status=status />
                </form>
            </Show>
        </section>
    }
}
