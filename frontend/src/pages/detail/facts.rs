//! What an offer or a programme is, as its view tells.

use crate::components::SkillNames;
use crate::format;
use crate::i18n::{self, T};
use crate::session::use_session;
use crocevia_api::{OfferView, ProgrammeView};
use leptos::prelude::*;

/// A comune's name, or its id if the area does not know it.
fn comune_name(id: &str) -> String {
    crocevia_domain::place::all().iter().find(|c| c.id == id).map_or_else(|| id.to_owned(), |c| c.name.to_owned())
}

#[component]
pub(super) fn OfferFacts(offer: OfferView, org: RwSignal<String>) -> impl IntoView {
    let session = use_session();
    let comune = comune_name(&offer.comune);
    let o = StoredValue::new(offer);
    let lang = move || session.lang.get();
    view! {
        <header>
            <p class="kind">{move || o.with_value(|o| i18n::offer_kind(lang(), o.kind))}</p>
            <h1 lang=o.with_value(|o| o.text_language.clone())>{o.with_value(|o| o.title.clone())}</h1>
            <p class="org">{move || org.get()}</p>
            {o.with_value(|o| o.from_startup).then(|| view! { <p class="badge startup-badge" id="from-startup">{move || session.t(T::StartupBadge)}</p> })}
        </header>
        <p class="description" lang=o.with_value(|o| o.text_language.clone())>{o.with_value(|o| o.description.clone())}</p>
        <dl class="facts">
            <dt>{move || session.t(T::Comune)}</dt><dd>{comune}</dd>
            <dt>{move || session.t(T::Remote)}</dt><dd>{move || o.with_value(|o| i18n::remote(lang(), o.remote))}</dd>
            <dt>{move || session.t(T::Contract)}</dt><dd>{move || o.with_value(|o| i18n::contract(lang(), o.contract))}</dd>
            <dt>{move || session.t(T::Languages)}</dt>
            <dd>{move || o.with_value(|o| o.languages.iter().map(|l| format!("{} {}", i18n::language_name(lang(), &l.language), i18n::cefr(lang(), l.level))).collect::<Vec<_>>().join(", "))}</dd>
            <dt>{move || session.t(T::RequiredSkills)}</dt><dd class="skills"><SkillNames ids=o.with_value(|o| o.required_skills.clone()) /></dd>
            <dt>{move || session.t(T::PostedOn)}</dt><dd>{move || o.with_value(|o| format::date(lang(), o.posted_on.0))}</dd>
            {o.with_value(|o| o.deadline).map(|d| view! { <dt>{move || session.t(T::Deadline)}</dt><dd>{move || format::date(lang(), d.0)}</dd> })}
            {o.with_value(|o| o.salary_min_eur.zip(o.salary_max_eur)).map(|(a, b)| view! {
                <dt>{move || session.t(T::SalaryRange)}</dt>
                <dd class="salary">{move || format!("{} – {}", format::euros(lang(), f64::from(a)), format::euros(lang(), f64::from(b)))}</dd>
            })}
            {o.with_value(|o| o.sponsors_work_permit).then(|| view! { <dt>{move || session.t(T::SponsorsPermit)}</dt><dd>"✓"</dd> })}
        </dl>
    }
}

#[component]
pub(super) fn ProgrammeFacts(programme: ProgrammeView, org: RwSignal<String>) -> impl IntoView {
    let session = use_session();
    let comune = comune_name(&programme.comune);
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
            <dt>{move || session.t(T::Comune)}</dt><dd>{comune}</dd>
            <dt>{move || session.t(T::Phases)}</dt>
            <dd>{move || p.with_value(|p| p.phases.iter().map(|x| i18n::phase(lang(), *x)).collect::<Vec<_>>().join(", "))}</dd>
            <dt>{move || session.t(T::Sectors)}</dt>
            <dd>{move || p.with_value(|p| p.sectors.iter().map(|s| i18n::sector(lang(), *s)).collect::<Vec<_>>().join(", "))}</dd>
            <dt>{move || session.t(T::ApplicationDeadline)}</dt><dd>{move || p.with_value(|p| format::date(lang(), p.application_deadline.0))}</dd>
            <dt>{move || session.t(T::CohortStart)}</dt><dd>{move || p.with_value(|p| format::date(lang(), p.cohort_start.0))}</dd>
            <dt>{move || session.t(T::Capacity)}</dt><dd>{move || p.with_value(|p| format::number(lang(), f64::from(p.capacity), 0))}</dd>
            <dt>{move || session.t(T::Languages)}</dt>
            <dd>{move || p.with_value(|p| p.languages.iter().map(|l| i18n::language_name(lang(), l)).collect::<Vec<_>>().join(", "))}</dd>
        </dl>
    }
}
