//! Between the API's types and the domain's: inputs become domain values (naming a bad field
//! in API spelling), domain values become views (and inputs, for clients that edit what they
//! read).

use crate::inputs::*;
use crate::views::*;
use crate::wire::{Date, DateTime, id};
use chrono::NaiveDate;
use crocevia_domain as d;
use crocevia_domain::{FieldError, Validate, ValidationErrors};

/// A domain field path in the API's spelling: `nice_to_have_skills[0]` ->
/// `niceToHaveSkills[0]`, `languages[2].level` stays, with `prefix.` in front when given.
pub fn api_path(prefix: &str, path: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + path.len() + 1);
    if !prefix.is_empty() {
        out.push_str(prefix);
        if !path.is_empty() {
            out.push('.');
        }
    }
    let mut upper = false;
    for c in path.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// The API spelling of every field of `errors`, under `prefix`.
pub fn api_errors(prefix: &str, errors: ValidationErrors) -> ValidationErrors {
    ValidationErrors(
        errors.0.into_iter().map(|e| FieldError { field: api_path(prefix, &e.field), message: e.message }).collect(),
    )
}

/// Collects conversion errors (a number out of range, an unknown comune) before validation.
#[derive(Debug, Default)]
struct Conv {
    errors: Vec<FieldError>,
}

impl Conv {
    fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// An API integer as the domain's width; out of `lo..=hi` is an error naming the field.
    fn int<T: TryFrom<i64> + Default>(&mut self, field: &str, value: i64, lo: i64, hi: i64) -> T {
        match T::try_from(value) {
            Ok(v) if (lo..=hi).contains(&value) => v,
            _ => {
                self.fail(field, format!("must be between {lo} and {hi}"));
                T::default()
            }
        }
    }

    fn opt_int<T: TryFrom<i64> + Default>(&mut self, field: &str, value: Option<i64>, lo: i64, hi: i64) -> Option<T> {
        value.map(|v| self.int(field, v, lo, hi))
    }

    fn comune(&mut self, field: &str, value: &str) -> Option<d::ComuneId> {
        d::ComuneId::new(value).map_err(|e| self.fail(field, e.message)).ok()
    }

    /// A place from the comune, or from the city and the country (a code or a name); errors
    /// name `field.comune`, `field.city` or `field.country`. Nothing given is no place.
    fn place(&mut self, field: &str, value: Option<&PlaceInput>) -> Option<d::Place> {
        let given = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let value = value?;
        match (given(&value.comune), given(&value.city), given(&value.country)) {
            (None, None, None) => None,
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                self.fail(field, "give either a comune or a city and a country, not both");
                None
            }
            (Some(comune), None, None) => match d::ComuneId::find(&comune) {
                Some(c) => Some(d::Place::Metro(c)),
                None => {
                    self.fail(
                        format!("{field}.comune"),
                        format!("'{comune}' is not a comune of the Torino metropolitan area"),
                    );
                    None
                }
            },
            (None, Some(_), None) => {
                self.fail(format!("{field}.country"), "is required with a city");
                None
            }
            (None, None, Some(_)) => {
                self.fail(format!("{field}.city"), "is required with a country");
                None
            }
            (None, Some(city), Some(country)) => {
                let country = self.country(&format!("{field}.country"), &country)?;
                Some(d::Place::elsewhere(&city, country))
            }
        }
    }

    /// A country from its code or its name in Italian or English.
    fn country(&mut self, field: &str, value: &str) -> Option<d::CountryCode> {
        d::CountryCode::resolve(value).map_err(|e| self.fail(field, e.message)).ok()
    }

    fn language(&mut self, field: &str, value: &str) -> Option<d::LanguageCode> {
        d::LanguageCode::new(value).map_err(|e| self.fail(field, e.message)).ok()
    }

    fn skills(&mut self, field: &str, values: &[String]) -> Vec<d::SkillId> {
        values
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                d::SkillId::new(s.as_str()).map_err(|e| self.fail(format!("{field}[{i}]"), e.message)).ok()
            })
            .collect()
    }

    fn levels(&mut self, field: &str, values: &[LanguageLevel]) -> Vec<d::LanguageSkill> {
        values
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                let language = self.language(&format!("{field}[{i}].language"), &l.language)?;
                Some(d::LanguageSkill { language, level: l.level })
            })
            .collect()
    }

    /// The value, validated, or every error found (conversion errors first: a value that did
    /// not convert is not worth validating). `None` is a value a required field kept from
    /// being built, and its error is among those collected.
    /// A form's question; a negative bound is named under `field`.
    fn question(&mut self, field: &str, q: crate::form::Question) -> d::Question {
        let max_chars = q.max_chars.map(|m| self.int(&format!("{field}.maxChars"), m.into(), 0, i64::from(i32::MAX)));
        let max_bytes = q.max_bytes.map(|m| self.int(&format!("{field}.maxBytes"), m.into(), 0, i64::from(i32::MAX)));
        d::Question {
            key: q.key,
            kind: q.kind,
            label_it: q.label_it,
            label_en: q.label_en,
            required: q.required,
            options: q
                .options
                .into_iter()
                .map(|o| d::Choice { key: o.key, label_it: o.label_it, label_en: o.label_en })
                .collect(),
            max_chars,
            min: q.min,
            max: q.max,
            max_bytes,
        }
    }

    fn finish<T: Validate>(self, value: Option<T>) -> Result<T, ValidationErrors> {
        match value {
            Some(value) if self.errors.is_empty() => {
                value.validate().map_err(|e| api_errors("", e))?;
                Ok(value)
            }
            _ => Err(api_errors("", ValidationErrors(self.errors))),
        }
    }
}

const MAX_EUR: i64 = 1_000_000_000_000;

impl TalentInput {
    /// The talent `id` of `user`, validated; errors name fields in API spelling.
    pub fn into_domain(self, talent: d::TalentId, user: Option<d::UserId>) -> Result<d::Talent, ValidationErrors> {
        let mut c = Conv::default();
        let residence = c.place("residence", self.residence.as_ref());
        let country_of_origin = match c.country("countryOfOrigin", &self.country_of_origin) {
            Some(code) => code.to_string(),
            None => self.country_of_origin,
        };
        let skills = self
            .skills
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let skill =
                    d::SkillId::new(s.skill.as_str()).map_err(|e| c.fail(format!("skills[{i}].skill"), e.message));
                let years = c.int(&format!("skills[{i}].years"), s.years.into(), 0, 50);
                Some(d::TalentSkill { skill: skill.ok()?, years })
            })
            .collect();
        let talent = d::Talent {
            id: talent,
            user_id: user,
            languages: c.levels("languages", &self.languages),
            experience_years: c.int("experienceYears", self.experience_years.into(), 0, 60),
            display_name: self.display_name,
            headline: self.headline,
            bio: self.bio,
            contact_email: self.contact_email,
            country_of_origin,
            residence,
            field_of_study: self.field_of_study,
            education: self.education.into_iter().map(crate::Education::into_domain).collect(),
            check_ins: vec![],
            skills,
            available_from: self.available_from.map(|d| d.0),
            willing_to_relocate: self.willing_to_relocate,
            open_to_remote: self.open_to_remote,
            needs_work_permit: self.needs_work_permit,
            sectors: self.sectors,
            seeking: self.seeking,
            demo: false,
        };
        c.finish(Some(talent))
    }
}

impl StartupInput {
    pub fn into_domain(self, startup: d::StartupId, user: Option<d::UserId>) -> Result<d::Startup, ValidationErrors> {
        let mut c = Conv::default();
        let seat = c.place("seat", self.seat.as_ref());
        let value = d::Startup {
            id: startup,
            user_id: user,
            team_size: c.int("teamSize", self.team_size.into(), 1, 10_000),
            funding_raised_eur: c.int("fundingRaisedEur", self.funding_raised_eur, 0, MAX_EUR),
            name: self.name,
            description: self.description,
            sectors: self.sectors,
            stage: self.stage,
            legal_form: self.legal_form,
            founded_on: self.founded_on.map(|d| d.0),
            seat,
            willing_to_relocate: self.willing_to_relocate,
            founders: d::FoundersProfile {
                female_led: self.founders.female_led,
                under_35: self.founders.under35,
                university_spinoff: self.founders.university_spinoff,
            },
            contact_email: self.contact_email,
            website: self.website,
            demo: false,
        };
        c.finish(Some(value))
    }
}

impl OrganisationInput {
    pub fn into_domain(self, organisation: d::OrganisationId) -> Result<d::Organisation, ValidationErrors> {
        let mut c = Conv::default();
        let value = c.comune("comune", &self.comune).map(|comune| d::Organisation {
            id: organisation,
            name: self.name,
            kind: self.kind,
            description: self.description,
            comune,
            website: self.website,
            sectors: self.sectors,
            demo: false,
        });
        c.finish(value)
    }
}

impl OfferInput {
    /// Offer `id` of `employer`; `status` is the server's (open when new, else as it was)
    /// and a missing `postedOn` is `today`.
    pub fn into_domain(
        self,
        offer: d::OfferId,
        employer: d::Employer,
        status: d::Status,
        today: NaiveDate,
    ) -> Result<d::Offer, ValidationErrors> {
        let mut c = Conv::default();
        let comune = c.comune("comune", &self.comune);
        let text_language = c.language("textLanguage", &self.text_language);
        let required_skills = c.skills("requiredSkills", &self.required_skills);
        let nice_to_have_skills = c.skills("niceToHaveSkills", &self.nice_to_have_skills);
        let languages = c.levels("languages", &self.languages);
        let min_experience_years = c.int("minExperienceYears", self.min_experience_years.into(), 0, 60);
        let salary = i64::from(i32::MAX);
        let salary_min_eur = c.opt_int("salaryMinEur", self.salary_min_eur.map(i64::from), 0, salary);
        let salary_max_eur = c.opt_int("salaryMaxEur", self.salary_max_eur.map(i64::from), 0, salary);
        let (organisation_id, startup_id) = employer.fields();
        let value = comune.zip(text_language).map(|(comune, text_language)| d::Offer {
            id: offer,
            organisation_id,
            startup_id,
            kind: self.kind,
            title: self.title,
            description: self.description,
            text_language,
            required_skills,
            nice_to_have_skills,
            languages,
            comune,
            remote: self.remote,
            contract: self.contract,
            min_experience_years,
            salary_min_eur,
            salary_max_eur,
            posted_on: self.posted_on.map_or(today, |d| d.0),
            starts_on: self.starts_on.map(|d| d.0),
            deadline: self.deadline.map(|d| d.0),
            sponsors_work_permit: self.sponsors_work_permit,
            sectors: self.sectors,
            status,
            demo: false,
        });
        c.finish(value)
    }
}

impl EligibilityRuleInput {
    fn into_domain(self, c: &mut Conv, field: &str) -> d::EligibilityRule {
        use d::EligibilityRule as R;
        let months =
            |c: &mut Conv, r: AgeRule, name: &str| c.int(&format!("{field}.{name}.months"), r.months.into(), 0, 1200);
        match self {
            Self::StageIn(r) => R::StageIn { stages: r.stages },
            Self::SectorIn(r) => R::SectorIn { sectors: r.sectors },
            Self::MaxAgeMonths(r) => R::MaxAgeMonths { months: months(c, r, "maxAgeMonths") },
            Self::MinAgeMonths(r) => R::MinAgeMonths { months: months(c, r, "minAgeMonths") },
            Self::SeatInMetroArea(r) => R::SeatInMetroArea { allow_relocation: r.allow_relocation },
            Self::TeamSize(r) => R::TeamSize {
                min: c.opt_int(&format!("{field}.teamSize.min"), r.min.map(i64::from), 1, 10_000),
                max: c.opt_int(&format!("{field}.teamSize.max"), r.max.map(i64::from), 1, 10_000),
            },
            Self::FundingRaised(r) => R::FundingRaised {
                min_eur: c.opt_int(&format!("{field}.fundingRaised.minEur"), r.min_eur, 0, MAX_EUR),
                max_eur: c.opt_int(&format!("{field}.fundingRaised.maxEur"), r.max_eur, 0, MAX_EUR),
            },
            Self::LegalFormIn(r) => {
                R::LegalFormIn { forms: r.forms, incorporation_by_deadline: r.incorporation_by_deadline }
            }
            Self::Founders(r) => {
                R::Founders { female_led: r.female_led, under_35: r.under35, university_spinoff: r.university_spinoff }
            }
        }
    }
}

impl ProgrammeInput {
    pub fn into_domain(
        self,
        programme: d::ProgrammeId,
        organisation: d::OrganisationId,
        status: d::Status,
    ) -> Result<d::Programme, ValidationErrors> {
        let mut c = Conv::default();
        let comune = c.comune("comune", &self.comune);
        let languages: Vec<_> =
            self.languages.iter().enumerate().filter_map(|(i, l)| c.language(&format!("languages[{i}]"), l)).collect();
        let eligibility = self
            .eligibility
            .into_iter()
            .enumerate()
            .map(|(i, r)| r.into_domain(&mut c, &format!("eligibility[{i}]")))
            .collect();
        let capacity = c.int("capacity", self.capacity.into(), 1, 10_000);
        let form = self.form.into_iter().enumerate().map(|(i, q)| c.question(&format!("form[{i}]"), q)).collect();
        let value = comune.map(|comune| d::Programme {
            id: programme,
            organisation_id: organisation,
            title: self.title,
            description: self.description,
            model: self.model,
            phases: self.phases,
            sectors: self.sectors,
            eligibility,
            comune,
            cohort_start: self.cohort_start.0,
            cohort_end: self.cohort_end.0,
            application_deadline: self.application_deadline.0,
            capacity,
            languages,
            status,
            demo: false,
            review: d::ReviewSetup::default(),
            form,
        });
        c.finish(value)
    }
}

fn level(l: &d::LanguageSkill) -> LanguageLevel {
    LanguageLevel { language: l.language.as_str().to_owned(), level: l.level }
}

fn version(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn date(d: NaiveDate) -> Date {
    Date(d)
}

impl From<&d::Place> for PlaceInput {
    fn from(p: &d::Place) -> Self {
        match p {
            d::Place::Metro(c) => Self { comune: Some(c.as_str().to_owned()), city: None, country: None },
            d::Place::Elsewhere { city, country } => {
                Self { comune: None, city: Some(city.clone()), country: Some(country.to_string()) }
            }
        }
    }
}

impl From<&d::Place> for PlaceView {
    fn from(p: &d::Place) -> Self {
        let country = p.country();
        Self {
            comune: p.comune().map(|c| c.as_str().to_owned()),
            city: p.city().to_owned(),
            country: country.code.to_owned(),
            country_name_it: country.it.to_owned(),
            country_name_en: country.en.to_owned(),
            in_metro_area: p.in_metro(),
        }
    }
}

/// What an editor sends back for a place it read: the comune, or the city and the country.
impl From<&PlaceView> for PlaceInput {
    fn from(p: &PlaceView) -> Self {
        match &p.comune {
            Some(c) => Self { comune: Some(c.clone()), city: None, country: None },
            None => Self { comune: None, city: Some(p.city.clone()), country: Some(p.country.clone()) },
        }
    }
}

impl From<&d::Talent> for TalentInput {
    fn from(t: &d::Talent) -> Self {
        Self {
            display_name: t.display_name.clone(),
            headline: t.headline.clone(),
            bio: t.bio.clone(),
            contact_email: t.contact_email.clone(),
            country_of_origin: t.country_of_origin.clone(),
            residence: t.residence.as_ref().map(PlaceInput::from),
            field_of_study: t.field_of_study.clone(),
            education: t.education.iter().map(crate::Education::from).collect(),
            skills: t
                .skills
                .iter()
                .map(|s| TalentSkill { skill: s.skill.as_str().to_owned(), years: s.years.into() })
                .collect(),
            languages: t.languages.iter().map(level).collect(),
            experience_years: t.experience_years.into(),
            available_from: t.available_from.map(date),
            willing_to_relocate: t.willing_to_relocate,
            open_to_remote: t.open_to_remote,
            needs_work_permit: t.needs_work_permit,
            sectors: t.sectors.clone(),
            seeking: t.seeking.clone(),
        }
    }
}

impl TalentView {
    /// `contact`: whether this viewer may see the contact details.
    pub fn of(t: &d::Talent, v: u64, contact: bool) -> Self {
        let i = TalentInput::from(t);
        Self {
            id: id(t.id),
            version: version(v),
            display_name: i.display_name,
            headline: i.headline,
            bio: i.bio,
            contact_email: contact.then_some(i.contact_email),
            country_of_origin: i.country_of_origin,
            residence: t.residence.as_ref().map(PlaceView::from),
            field_of_study: i.field_of_study,
            education: i.education,
            skills: i.skills,
            languages: i.languages,
            experience_years: i.experience_years,
            available_from: i.available_from,
            willing_to_relocate: i.willing_to_relocate,
            open_to_remote: i.open_to_remote,
            needs_work_permit: i.needs_work_permit,
            sectors: i.sectors,
            seeking: i.seeking,
        }
    }
}

impl From<&d::Startup> for StartupInput {
    fn from(s: &d::Startup) -> Self {
        Self {
            name: s.name.clone(),
            description: s.description.clone(),
            sectors: s.sectors.clone(),
            stage: s.stage,
            legal_form: s.legal_form,
            founded_on: s.founded_on.map(date),
            seat: s.seat.as_ref().map(PlaceInput::from),
            willing_to_relocate: s.willing_to_relocate,
            team_size: s.team_size.into(),
            funding_raised_eur: i64::try_from(s.funding_raised_eur).unwrap_or(i64::MAX),
            founders: Founders {
                female_led: s.founders.female_led,
                under35: s.founders.under_35,
                university_spinoff: s.founders.university_spinoff,
            },
            contact_email: s.contact_email.clone(),
            website: s.website.clone(),
        }
    }
}

impl StartupView {
    pub fn of(s: &d::Startup, v: u64, contact: bool) -> Self {
        let i = StartupInput::from(s);
        Self {
            id: id(s.id),
            version: version(v),
            name: i.name,
            description: i.description,
            sectors: i.sectors,
            stage: i.stage,
            legal_form: i.legal_form,
            founded_on: i.founded_on,
            seat: s.seat.as_ref().map(PlaceView::from),
            willing_to_relocate: i.willing_to_relocate,
            team_size: i.team_size,
            funding_raised_eur: i.funding_raised_eur,
            founders: i.founders,
            contact_email: contact.then_some(i.contact_email),
            website: i.website,
        }
    }
}

impl From<&d::Organisation> for OrganisationInput {
    fn from(o: &d::Organisation) -> Self {
        Self {
            name: o.name.clone(),
            kind: o.kind,
            description: o.description.clone(),
            comune: o.comune.as_str().to_owned(),
            website: o.website.clone(),
            sectors: o.sectors.clone(),
        }
    }
}

impl OrganisationView {
    pub fn of(o: &d::Organisation, v: u64) -> Self {
        let i = OrganisationInput::from(o);
        Self {
            id: id(o.id),
            version: version(v),
            name: i.name,
            kind: i.kind,
            description: i.description,
            comune: i.comune,
            website: i.website,
            sectors: i.sectors,
        }
    }
}

fn salary(v: Option<u32>) -> Option<i32> {
    v.map(|v| i32::try_from(v).unwrap_or(i32::MAX))
}

impl From<&d::Offer> for OfferInput {
    fn from(o: &d::Offer) -> Self {
        Self {
            kind: o.kind,
            title: o.title.clone(),
            description: o.description.clone(),
            text_language: o.text_language.as_str().to_owned(),
            required_skills: o.required_skills.iter().map(|s| s.as_str().to_owned()).collect(),
            nice_to_have_skills: o.nice_to_have_skills.iter().map(|s| s.as_str().to_owned()).collect(),
            languages: o.languages.iter().map(level).collect(),
            comune: o.comune.as_str().to_owned(),
            remote: o.remote,
            contract: o.contract,
            min_experience_years: o.min_experience_years.into(),
            salary_min_eur: salary(o.salary_min_eur),
            salary_max_eur: salary(o.salary_max_eur),
            posted_on: Some(date(o.posted_on)),
            starts_on: o.starts_on.map(date),
            deadline: o.deadline.map(date),
            sponsors_work_permit: o.sponsors_work_permit,
            sectors: o.sectors.clone(),
        }
    }
}

impl EmployerView {
    /// Kind and id; the name is the application service's to fill in (it reads the employer).
    pub fn of(employer: d::Employer) -> Self {
        let kind = match employer {
            d::Employer::Organisation(_) => EmployerKind::Organisation,
            d::Employer::Startup(_) => EmployerKind::Startup,
        };
        Self { kind, id: id(employer.as_uuid()), name: String::new() }
    }
}

impl OfferView {
    /// Why it takes no application on `day`, if it does not: the rule `apply` applies.
    pub fn not_open_on(&self, day: NaiveDate) -> Option<d::NotOpen> {
        d::NotOpen::of(self.status, self.deadline.map(|d| d.0), day)
    }

    pub fn of(o: &d::Offer, v: u64) -> Self {
        let i = OfferInput::from(o);
        Self {
            id: id(o.id),
            version: version(v),
            organisation_id: o.organisation_id.map(id),
            startup_id: o.startup_id.map(id),
            employer: o.employer().map(EmployerView::of).unwrap_or_default(),
            from_startup: o.from_startup(),
            kind: i.kind,
            title: i.title,
            description: i.description,
            text_language: i.text_language,
            required_skills: i.required_skills,
            nice_to_have_skills: i.nice_to_have_skills,
            languages: i.languages,
            comune: i.comune,
            remote: i.remote,
            contract: i.contract,
            min_experience_years: i.min_experience_years,
            salary_min_eur: i.salary_min_eur,
            salary_max_eur: i.salary_max_eur,
            posted_on: date(o.posted_on),
            starts_on: i.starts_on,
            deadline: i.deadline,
            sponsors_work_permit: i.sponsors_work_permit,
            sectors: i.sectors,
            status: o.status,
        }
    }
}

fn small(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn eur(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl From<&d::EligibilityRule> for EligibilityRuleInput {
    fn from(r: &d::EligibilityRule) -> Self {
        use d::EligibilityRule as R;
        match r {
            R::StageIn { stages } => Self::StageIn(StageRule { stages: stages.clone() }),
            R::SectorIn { sectors } => Self::SectorIn(SectorRule { sectors: sectors.clone() }),
            R::MaxAgeMonths { months } => Self::MaxAgeMonths(AgeRule { months: small(*months) }),
            R::MinAgeMonths { months } => Self::MinAgeMonths(AgeRule { months: small(*months) }),
            R::SeatInMetroArea { allow_relocation } => {
                Self::SeatInMetroArea(SeatRule { allow_relocation: *allow_relocation })
            }
            R::TeamSize { min, max } => {
                Self::TeamSize(TeamSizeRule { min: min.map(i32::from), max: max.map(i32::from) })
            }
            R::FundingRaised { min_eur, max_eur } => {
                Self::FundingRaised(FundingRule { min_eur: min_eur.map(eur), max_eur: max_eur.map(eur) })
            }
            R::LegalFormIn { forms, incorporation_by_deadline } => Self::LegalFormIn(LegalFormRule {
                forms: forms.clone(),
                incorporation_by_deadline: *incorporation_by_deadline,
            }),
            R::Founders { female_led, under_35, university_spinoff } => Self::Founders(FoundersRule {
                female_led: *female_led,
                under35: *under_35,
                university_spinoff: *university_spinoff,
            }),
        }
    }
}

impl From<EligibilityRuleInput> for EligibilityRule {
    fn from(r: EligibilityRuleInput) -> Self {
        use EligibilityRuleInput as I;
        let mut out = Self::default();
        match r {
            I::StageIn(r) => out.stage_in = Some(r),
            I::SectorIn(r) => out.sector_in = Some(r),
            I::MaxAgeMonths(r) => out.max_age_months = Some(r),
            I::MinAgeMonths(r) => out.min_age_months = Some(r),
            I::SeatInMetroArea(r) => out.seat_in_metro_area = Some(r),
            I::TeamSize(r) => out.team_size = Some(r),
            I::FundingRaised(r) => out.funding_raised = Some(r),
            I::LegalFormIn(r) => out.legal_form_in = Some(r),
            I::Founders(r) => out.founders = Some(r),
        }
        out
    }
}

impl EligibilityRule {
    /// The rule as an input again (for clients that edit a programme they read); `None` if
    /// no member is set.
    pub fn to_input(&self) -> Option<EligibilityRuleInput> {
        use EligibilityRuleInput as I;
        let r = self.clone();
        r.stage_in
            .map(I::StageIn)
            .or(r.sector_in.map(I::SectorIn))
            .or(r.max_age_months.map(I::MaxAgeMonths))
            .or(r.min_age_months.map(I::MinAgeMonths))
            .or(r.seat_in_metro_area.map(I::SeatInMetroArea))
            .or(r.team_size.map(I::TeamSize))
            .or(r.funding_raised.map(I::FundingRaised))
            .or(r.legal_form_in.map(I::LegalFormIn))
            .or(r.founders.map(I::Founders))
    }
}

impl From<&d::Programme> for ProgrammeInput {
    fn from(p: &d::Programme) -> Self {
        Self {
            title: p.title.clone(),
            description: p.description.clone(),
            model: p.model,
            phases: p.phases.clone(),
            sectors: p.sectors.clone(),
            eligibility: p.eligibility.iter().map(EligibilityRuleInput::from).collect(),
            comune: p.comune.as_str().to_owned(),
            cohort_start: date(p.cohort_start),
            cohort_end: date(p.cohort_end),
            application_deadline: date(p.application_deadline),
            capacity: small(p.capacity),
            languages: p.languages.iter().map(|l| l.as_str().to_owned()).collect(),
            form: p.form.iter().map(crate::form::Question::from).collect(),
        }
    }
}

impl ProgrammeView {
    /// Why it takes no application on `day`, if it does not: the rule `apply` applies.
    pub fn not_open_on(&self, day: NaiveDate) -> Option<d::NotOpen> {
        d::NotOpen::of(self.status, Some(self.application_deadline.0), day)
    }

    /// `accepted`: the programme's accepted applications, for viewers who may see them.
    pub fn of(p: &d::Programme, v: u64, accepted: Option<u32>) -> Self {
        let i = ProgrammeInput::from(p);
        Self {
            id: id(p.id),
            version: version(v),
            organisation_id: id(p.organisation_id),
            title: i.title,
            description: i.description,
            model: i.model,
            phases: i.phases,
            sectors: i.sectors,
            eligibility: i.eligibility.into_iter().map(EligibilityRule::from).collect(),
            comune: i.comune,
            cohort_start: i.cohort_start,
            cohort_end: i.cohort_end,
            application_deadline: i.application_deadline,
            capacity: i.capacity,
            accepted: accepted.map(small),
            languages: i.languages,
            status: p.status,
            form: i.form,
        }
    }
}

fn party_of_applicant(a: d::Applicant) -> Party {
    match a {
        d::Applicant::Talent(t) => Party { kind: d::EntityKind::Talent, id: id(t) },
        d::Applicant::Startup(s) => Party { kind: d::EntityKind::Startup, id: id(s) },
    }
}

fn party_of_target(t: d::ApplicationTarget) -> Party {
    match t {
        d::ApplicationTarget::Offer(o) => Party { kind: d::EntityKind::Offer, id: id(o) },
        d::ApplicationTarget::Programme(p) => Party { kind: d::EntityKind::Programme, id: id(p) },
    }
}

impl ApplicationView {
    pub fn of(a: &d::Application, v: u64) -> Self {
        Self {
            id: id(a.id),
            version: version(v),
            applicant: party_of_applicant(a.applicant),
            target: party_of_target(a.target),
            stage: a.stage,
            history: a.history.iter().map(|h| StageChange { stage: h.stage, at: DateTime(h.at) }).collect(),
            motivation: a.motivation.clone(),
            score: a.score.map(i32::from),
            rubric: a
                .rubric
                .iter()
                .map(|r| RubricLine {
                    criterion: r.criterion.clone(),
                    points: r.points.into(),
                    max_points: r.max_points.into(),
                })
                .collect(),
            conditions: a
                .conditions
                .iter()
                .map(|c| Condition { rule: c.rule.clone(), it: c.it.clone(), en: c.en.clone() })
                .collect(),
            answers: a.answers.iter().map(crate::form::AnswerView::from).collect(),
            hire: a.hire.as_ref().map(crate::HireView::from),
        }
    }
}

impl ConsentView {
    pub fn of(c: &d::Consent, v: u64) -> Self {
        Self { id: id(c.id), version: version(v), purpose: c.purpose, granted: c.granted, at: DateTime(c.at) }
    }
}

impl From<&d::User> for UserView {
    fn from(u: &d::User) -> Self {
        Self {
            id: id(u.id),
            email: u.email.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            organisation_id: u.organisation_id.map(id),
            locale: u.locale,
        }
    }
}

impl EntityView {
    /// `contact`: whether the viewer may see contact details (talents, startups);
    /// `accepted`: a programme's accepted applications, for viewers who may see them.
    pub fn of(entity: &d::Entity, v: u64, contact: bool, accepted: Option<u32>) -> Self {
        match entity {
            d::Entity::Talent(t) => Self::Talent(TalentView::of(t, v, contact)),
            d::Entity::Startup(s) => Self::Startup(StartupView::of(s, v, contact)),
            d::Entity::Organisation(o) => Self::Organisation(OrganisationView::of(o, v)),
            d::Entity::Offer(o) => Self::Offer(OfferView::of(o, v)),
            d::Entity::Programme(p) => Self::Programme(ProgrammeView::of(p, v, accepted)),
            d::Entity::Application(a) => Self::Application(ApplicationView::of(a, v)),
            d::Entity::Consent(c) => Self::Consent(ConsentView::of(c, v)),
            d::Entity::User(u) => Self::User(UserView::from(u)),
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Self::Talent(v) => &v.id,
            Self::Startup(v) => &v.id,
            Self::Organisation(v) => &v.id,
            Self::Offer(v) => &v.id,
            Self::Programme(v) => &v.id,
            Self::Application(v) => &v.id,
            Self::Consent(v) => &v.id,
            Self::User(v) => &v.id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_are_open_until_their_deadline_and_never_once_closed() {
        let offers: Vec<d::Offer> = serde_json::from_str(include_str!("../../../data/demo/offers.json")).unwrap();
        let open = offers.iter().find(|o| o.deadline.is_some() && o.status == d::Status::Open).unwrap();
        let mut o = OfferView::of(open, 1);
        let deadline = o.deadline.unwrap().0;
        assert_eq!(o.not_open_on(deadline), None);
        assert_eq!(o.not_open_on(deadline.succ_opt().unwrap()), Some(d::NotOpen::DeadlinePassed(deadline)));
        o.status = d::Status::Closed;
        assert_eq!(o.not_open_on(NaiveDate::MIN), Some(d::NotOpen::Closed));

        let programmes: Vec<d::Programme> =
            serde_json::from_str(include_str!("../../../data/demo/programmes.json")).unwrap();
        let mut p = ProgrammeView::of(programmes.iter().find(|p| p.status == d::Status::Open).unwrap(), 1, None);
        let deadline = p.application_deadline.0;
        assert_eq!(p.not_open_on(deadline), None);
        assert!(p.not_open_on(deadline.succ_opt().unwrap()).is_some());
        p.status = d::Status::Closed;
        assert_eq!(p.not_open_on(NaiveDate::MIN), Some(d::NotOpen::Closed));
    }

    #[test]
    fn paths_are_spelled_as_the_api_spells_them() {
        assert_eq!(api_path("offer", "salary_min_eur"), "offer.salaryMinEur");
        assert_eq!(api_path("", "nice_to_have_skills[0]"), "niceToHaveSkills[0]");
        assert_eq!(api_path("profile.talent", "languages[2].level"), "profile.talent.languages[2].level");
        assert_eq!(api_path("programme", ""), "programme");
    }

    fn talent(residence: PlaceInput, origin: &str) -> Result<d::Talent, ValidationErrors> {
        let talents: Vec<d::Talent> = serde_json::from_str(include_str!("../../../data/demo/talents.json")).unwrap();
        let mut input = TalentInput::from(&talents[0]);
        input.residence = Some(residence);
        input.country_of_origin = origin.to_owned();
        input.into_domain(talents[0].id, None)
    }

    fn place(comune: Option<&str>, city: Option<&str>, country: Option<&str>) -> PlaceInput {
        PlaceInput { comune: comune.map(Into::into), city: city.map(Into::into), country: country.map(Into::into) }
    }

    #[test]
    fn places_take_a_comune_or_a_city_with_a_country_named_in_either_language() {
        let t = talent(place(None, Some("Pune"), Some("India")), "Germania").unwrap();
        assert_eq!(t.country_of_origin, "DE");
        let home = t.residence.unwrap();
        assert_eq!((home.city(), home.country().code), ("Pune", "IN"));
        let view = PlaceView::from(&home);
        assert_eq!((view.country_name_it.as_str(), view.country_name_en.as_str()), ("India", "India"));
        assert_eq!(PlaceInput::from(&view), place(None, Some("Pune"), Some("IN")));

        let t = talent(place(Some("settimo-torinese"), None, Some("")), "IT").unwrap();
        assert_eq!(PlaceView::from(&t.residence.unwrap()).city, "Settimo Torinese");
        // A comune of the area typed as a city of Italy is that comune.
        let t = talent(place(None, Some("Nichelino"), Some("Italia")), "IT").unwrap();
        assert_eq!(t.residence.unwrap().comune().map(d::ComuneId::as_str), Some("nichelino"));
        assert_eq!(talent(place(None, None, None), "IT").unwrap().residence, None);
    }

    #[test]
    fn a_bad_place_is_refused_naming_its_field() {
        let errors = |p: PlaceInput, origin: &str| -> Vec<String> {
            talent(p, origin).unwrap_err().0.into_iter().map(|e| e.to_string()).collect()
        };
        assert_eq!(
            errors(place(None, Some("Poseidonia"), Some("Atlantide")), "IT"),
            ["residence.country: unknown country 'Atlantide'"]
        );
        assert_eq!(errors(place(None, Some("Lyon"), None), "IT"), ["residence.country: is required with a city"]);
        assert_eq!(errors(place(None, None, Some("FR")), "IT"), ["residence.city: is required with a country"]);
        assert_eq!(
            errors(place(Some("milano"), None, None), "IT"),
            ["residence.comune: 'milano' is not a comune of the Torino metropolitan area"]
        );
        assert_eq!(
            errors(place(Some("torino"), Some("Lyon"), Some("FR")), "IT"),
            ["residence: give either a comune or a city and a country, not both"]
        );
        assert_eq!(
            errors(place(None, Some("Lyon"), Some("FR")), "Narnia"),
            ["countryOfOrigin: unknown country 'Narnia'"]
        );
    }
}
