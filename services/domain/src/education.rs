//! Education and retention: where a talent studied, and whether they stay in the area a year
//! after graduating or being hired (Talenti a Torino: "trattenere i talenti locali").
//!
//! Institutions, degree levels and fields are closed lists with stable keys, because the open
//! data counts graduates by them and a free text would both split groups below k and carry
//! names. A talent who studied elsewhere says so ("other in Italy", "abroad") and may name the
//! institution, which stays on the profile and never reaches the open data.

use crate::ids::ApplicationId;
use crate::validation::Validator;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// A closed list with stable keys and bilingual names. A variant's key must be its name in
/// snake case (serde's, and GraphQL's in upper case): a test checks it.
macro_rules! keyed_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $key:literal, $it:literal, $en:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
        pub enum $name { $($variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// Stable key used in events, stored rows and the open data.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key,)+ }
            }

            /// `[italian, english]` name.
            pub fn labels(self) -> [&'static str; 2] {
                match self { $($name::$variant => [$it, $en],)+ }
            }

            pub fn from_key(key: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.key() == key)
            }
        }
    };
}

keyed_enum! {
    /// Where a talent studied: the universities, academies and ITS Academies of Torino and
    /// Piemonte the plan works with, or elsewhere.
    Institution {
        Polito => "polito", "Politecnico di Torino", "Politecnico di Torino";
        Unito => "unito", "Università degli Studi di Torino", "University of Turin";
        Upo => "upo", "Università del Piemonte Orientale", "University of Eastern Piedmont";
        Unisg => "unisg", "Università di Scienze Gastronomiche (Pollenzo)", "University of Gastronomic Sciences (Pollenzo)";
        ItsIct => "its_ict", "ITS Academy ICT Piemonte", "ITS Academy ICT Piemonte";
        ItsAerospace => "its_aerospace", "ITS Academy Aerospazio Piemonte", "ITS Academy Aerospace Piemonte";
        ItsMobility => "its_mobility", "ITS Academy Mobilità Sostenibile (Meccatronica)", "ITS Academy Sustainable Mobility (Mechatronics)";
        ItsBiotech => "its_biotech", "ITS Academy Biotecnologie e Nuove Scienze della Vita", "ITS Academy Biotechnology and Life Sciences";
        ItsAgrifood => "its_agrifood", "ITS Academy Agroalimentare per il Piemonte", "ITS Academy Agrifood Piemonte";
        ItsEnergy => "its_energy", "ITS Academy Energia Piemonte", "ITS Academy Energy Piemonte";
        ItsTourism => "its_tourism", "ITS Academy Turismo e Attività Culturali Piemonte", "ITS Academy Tourism and Culture Piemonte";
        ItsOther => "its_other", "Altra ITS Academy", "Another ITS Academy";
        Albertina => "albertina", "Accademia Albertina di Belle Arti", "Albertina Academy of Fine Arts";
        Conservatorio => "conservatorio", "Conservatorio Giuseppe Verdi di Torino", "Giuseppe Verdi Conservatory of Turin";
        Iaad => "iaad", "IAAD Istituto d'Arte Applicata e Design", "IAAD Institute of Applied Art and Design";
        IedTorino => "ied_torino", "IED Torino", "IED Turin";
        EscpTurin => "escp_turin", "ESCP Business School (campus di Torino)", "ESCP Business School (Turin campus)";
        OtherItaly => "other_italy", "Altra istituzione in Italia", "Another institution in Italy";
        Abroad => "abroad", "Istituzione all'estero", "An institution abroad";
    }
}

impl Institution {
    /// Whether a degree from here is an Italian one (what converting a study permit needs).
    pub fn in_italy(self) -> bool {
        self != Institution::Abroad
    }

    /// Whether the profile must name the institution (the list does not).
    pub fn needs_name(self) -> bool {
        matches!(self, Institution::ItsOther | Institution::OtherItaly | Institution::Abroad)
    }
}

keyed_enum! {
    /// The level of a degree, as the Italian system names it (EQF level in the comment).
    DegreeLevel {
        ItsDiploma => "its_diploma", "Diploma ITS Academy", "ITS Academy diploma";
        Bachelor => "bachelor", "Laurea triennale", "Bachelor's degree";
        Master => "master", "Laurea magistrale", "Master's degree";
        SingleCycle => "single_cycle", "Laurea magistrale a ciclo unico", "Single-cycle master's degree";
        AfamDiploma => "afam_diploma", "Diploma accademico AFAM", "AFAM academic diploma";
        UniversityMaster => "university_master", "Master universitario", "University master course";
        Phd => "phd", "Dottorato di ricerca", "PhD";
        Other => "other", "Altro titolo", "Another qualification";
    }
}

keyed_enum! {
    /// The broad fields of education of ISCED-F 2013 (UNESCO), the classification Eurostat
    /// and ISTAT publish graduates by, so the city can set these figures beside theirs.
    StudyField {
        Education => "education", "Scienze della formazione", "Education";
        ArtsHumanities => "arts_humanities", "Arti e discipline umanistiche", "Arts and humanities";
        SocialSciences => "social_sciences", "Scienze sociali, giornalismo e informazione", "Social sciences, journalism and information";
        BusinessLaw => "business_law", "Economia, amministrazione e diritto", "Business, administration and law";
        NaturalSciences => "natural_sciences", "Scienze naturali, matematica e statistica", "Natural sciences, mathematics and statistics";
        Ict => "ict", "Tecnologie dell'informazione e della comunicazione", "Information and communication technologies";
        Engineering => "engineering", "Ingegneria, manifattura e costruzioni", "Engineering, manufacturing and construction";
        Agriculture => "agriculture", "Agricoltura, silvicoltura, pesca e veterinaria", "Agriculture, forestry, fisheries and veterinary";
        HealthWelfare => "health_welfare", "Sanità e assistenza sociale", "Health and welfare";
        Services => "services", "Servizi", "Services";
    }
}

/// One degree of a talent (finished, or expected on `graduated_on`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Education {
    pub institution: Institution,
    /// The institution's name when the list does not name it (other, abroad).
    #[serde(default)]
    pub institution_name: Option<String>,
    pub level: DegreeLevel,
    pub field: StudyField,
    /// The course as the talent names it ("Ingegneria informatica").
    #[serde(default)]
    pub course: String,
    /// The graduation day, or the expected one when in the future.
    pub graduated_on: NaiveDate,
}

impl Education {
    pub(crate) fn check(&self, v: &mut Validator, field: &str) {
        match &self.institution_name {
            Some(name) => v.name(&format!("{field}.institution_name"), name),
            None => v.check(
                !self.institution.needs_name(),
                format!("{field}.institution_name"),
                "is required when the institution is not in the list",
            ),
        }
        if !self.course.is_empty() {
            v.name(&format!("{field}.course"), &self.course);
        }
    }

    /// Whether the degree is finished by `day`.
    pub fn graduated_by(&self, day: NaiveDate) -> bool {
        self.graduated_on <= day
    }
}

/// How long after graduating or being hired the platform asks whether the talent stayed.
pub const CHECK_IN_AFTER_MONTHS: u32 = 12;

/// The day a check-in about something that happened on `on` falls due.
pub fn check_in_due(on: NaiveDate) -> NaiveDate {
    on.checked_add_months(Months::new(CHECK_IN_AFTER_MONTHS)).unwrap_or(NaiveDate::MAX)
}

/// What a check-in asks about: a graduation (with what it is counted under) or a hire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CheckInAbout {
    Graduation { institution: Institution, level: DegreeLevel, field: StudyField, graduated_on: NaiveDate },
    Hire { application: ApplicationId, hired_on: NaiveDate },
}

impl CheckInAbout {
    /// The day the graduation or hire happened.
    pub fn on(&self) -> NaiveDate {
        match self {
            CheckInAbout::Graduation { graduated_on, .. } => *graduated_on,
            CheckInAbout::Hire { hired_on, .. } => *hired_on,
        }
    }

    pub fn due_on(&self) -> NaiveDate {
        check_in_due(self.on())
    }

    /// The check-in of a talent's degree.
    pub fn of_graduation(e: &Education) -> Self {
        CheckInAbout::Graduation {
            institution: e.institution,
            level: e.level,
            field: e.field,
            graduated_on: e.graduated_on,
        }
    }
}

/// A talent's answer, a year on: do they still live, and work, in the metropolitan area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckIn {
    pub about: CheckInAbout,
    pub answered_on: NaiveDate,
    pub lives_in_area: bool,
    pub works_in_area: bool,
}

impl CheckIn {
    /// Whether the talent stayed: lives or works in the metropolitan area (a graduate who
    /// commutes from Asti to a job in Torino counts as kept, as one who lives here and
    /// studies on).
    pub fn stayed(&self) -> bool {
        self.lives_in_area || self.works_in_area
    }
}

/// A hire, recorded on an application when it is accepted: what the open data counts hires by
/// (the offer's sectors and place, the talent's origin), kept as it was that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hire {
    pub hired_on: NaiveDate,
    /// The talent's country of origin (ISO 3166-1 alpha-2).
    pub origin: String,
    #[serde(default)]
    pub sectors: Vec<crate::Sector>,
    /// Whether the employer is a startup (otherwise an organisation).
    #[serde(default)]
    pub by_startup: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_are_unique() {
        let mut keys: Vec<&str> = Institution::ALL.iter().map(|i| i.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Institution::ALL.len());
        for i in Institution::ALL {
            assert_eq!(Institution::from_key(i.key()), Some(*i));
            assert_eq!(serde_json::to_value(i).ok(), Some(serde_json::Value::String(i.key().to_owned())));
        }
        for f in StudyField::ALL {
            assert_eq!(serde_json::to_value(f).ok(), Some(serde_json::Value::String(f.key().to_owned())));
        }
        for l in DegreeLevel::ALL {
            assert_eq!(serde_json::to_value(l).ok(), Some(serde_json::Value::String(l.key().to_owned())));
        }
    }

    #[test]
    fn a_check_in_falls_due_a_year_on_even_from_the_29th_of_february() {
        let leap = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap_or_default();
        assert_eq!(check_in_due(leap), NaiveDate::from_ymd_opt(2025, 2, 28).unwrap_or_default());
    }
}
