//! Education, the 12-month check-ins and hires in the API's spelling (Talenti a Torino).

use crate::wire::{self, Date, Id};
use crocevia_domain::{self as d, DegreeLevel, Institution, StudyField};
use serde::{Deserialize, Serialize};

/// A degree, finished or expected on `graduatedOn`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject, async_graphql::InputObject))]
#[cfg_attr(feature = "graphql", graphql(input_name = "EducationInput"))]
#[serde(rename_all = "camelCase")]
pub struct Education {
    #[serde(with = "wire::enumeration")]
    pub institution: Institution,
    /// Required when the institution is not in the list (another in Italy, abroad).
    #[serde(default)]
    pub institution_name: Option<String>,
    #[serde(with = "wire::enumeration")]
    pub level: DegreeLevel,
    /// The broad field of ISCED-F 2013.
    #[serde(with = "wire::enumeration")]
    pub field: StudyField,
    /// The course as the talent names it ("Ingegneria informatica").
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub course: String,
    pub graduated_on: Date,
}

impl From<&d::Education> for Education {
    fn from(e: &d::Education) -> Self {
        Self {
            institution: e.institution,
            institution_name: e.institution_name.clone(),
            level: e.level,
            field: e.field,
            course: e.course.clone(),
            graduated_on: Date(e.graduated_on),
        }
    }
}

impl Education {
    pub fn into_domain(self) -> d::Education {
        d::Education {
            institution: self.institution,
            institution_name: self.institution_name.filter(|n| !n.trim().is_empty()),
            level: self.level,
            field: self.field,
            course: self.course,
            graduated_on: self.graduated_on.0,
        }
    }
}

/// What a check-in is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CheckInKind {
    Graduation,
    Hire,
}

/// A check-in due, or answered: a year after a graduation or a hire, whether the talent still
/// lives and works in the metropolitan area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "CheckIn"))]
#[serde(rename_all = "camelCase")]
pub struct CheckInView {
    pub kind: CheckInKind,
    /// The day of the graduation or hire.
    pub on: Date,
    pub due_on: Date,
    /// For a graduation: the institution.
    #[serde(default, with = "wire::optional_enumeration")]
    pub institution: Option<Institution>,
    /// For a hire: the application, and the offer's title and employer.
    #[serde(default)]
    pub application: Option<Id>,
    #[serde(default)]
    pub offer_title: Option<String>,
    #[serde(default)]
    pub employer_name: Option<String>,
    /// Set once answered.
    #[serde(default)]
    pub answered_on: Option<Date>,
    #[serde(default)]
    pub lives_in_area: Option<bool>,
    #[serde(default)]
    pub works_in_area: Option<bool>,
}

/// The answer to a check-in. `graduatedOn` names a graduation (with `institution`), or
/// `application` a hire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
#[serde(rename_all = "camelCase")]
pub struct CheckInAnswer {
    pub kind: CheckInKind,
    #[serde(default, with = "wire::optional_enumeration")]
    pub institution: Option<Institution>,
    #[serde(default)]
    pub graduated_on: Option<Date>,
    #[serde(default)]
    pub application: Option<Id>,
    pub lives_in_area: bool,
    pub works_in_area: bool,
}

/// The hire an accepted application recorded, as the applicant and the employer see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "Hire"))]
#[serde(rename_all = "camelCase")]
pub struct HireView {
    pub hired_on: Date,
    /// When the 12-month check-in falls due.
    pub check_in_due_on: Date,
}

impl From<&d::Hire> for HireView {
    fn from(h: &d::Hire) -> Self {
        Self { hired_on: Date(h.hired_on), check_in_due_on: Date(d::education::check_in_due(h.hired_on)) }
    }
}
