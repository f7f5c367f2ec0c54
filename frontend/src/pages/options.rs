//! The choices the forms offer: domain enum values (as their storage keys) with their labels.

use crate::components::enum_options;
use crate::i18n::{self, Lang};
use crocevia_api::{
    ContractType, LegalForm, OfferKind, ProgrammeModel, ProgrammePhase, RemotePolicy, Sector, StartupStage,
};

type Options = Vec<(String, String)>;

pub fn sectors(lang: Lang) -> Options {
    enum_options(&Sector::ALL, lang, i18n::sector)
}

pub fn offer_kinds(lang: Lang) -> Options {
    let kinds = [OfferKind::Job, OfferKind::Internship, OfferKind::PhdPosition, OfferKind::Fellowship];
    enum_options(&kinds, lang, i18n::offer_kind)
}

/// The kinds of offer a startup posts.
pub fn startup_offer_kinds(lang: Lang) -> Options {
    enum_options(&[OfferKind::Job, OfferKind::Internship], lang, i18n::offer_kind)
}

pub fn startup_stages(lang: Lang) -> Options {
    use StartupStage as S;
    enum_options(&[S::Idea, S::PreSeed, S::Seed, S::SeriesA, S::Growth], lang, i18n::startup_stage)
}

pub fn legal_forms(lang: Lang) -> Options {
    use LegalForm as F;
    let forms = [F::NotIncorporated, F::Srl, F::InnovativeStartup, F::Spa, F::Cooperative, F::Other];
    enum_options(&forms, lang, i18n::legal_form)
}

pub fn remote_policies(lang: Lang) -> Options {
    enum_options(&[RemotePolicy::OnSite, RemotePolicy::Hybrid, RemotePolicy::Remote], lang, i18n::remote)
}

pub fn contracts(lang: Lang) -> Options {
    use ContractType as C;
    let all =
        [C::Permanent, C::FixedTerm, C::Apprenticeship, C::Internship, C::PhdScholarship, C::Fellowship, C::Freelance];
    enum_options(&all, lang, i18n::contract)
}

/// The languages an offer's text may be written in.
pub fn text_languages(lang: Lang) -> Options {
    ["it", "en"].iter().map(|c| ((*c).to_owned(), i18n::language_name(lang, c))).collect()
}

pub fn models(lang: Lang) -> Options {
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

pub fn phases(lang: Lang) -> Options {
    use ProgrammePhase as P;
    enum_options(&[P::PreIncubation, P::Incubation, P::Acceleration, P::ScaleUp], lang, i18n::phase)
}
