//! Organisations that post offers and programmes.

use crate::ids::OrganisationId;
use crate::place::ComuneId;
use crate::sector::Sector;
use crate::validation::{MAX_TEXT_CHARS, Validate, ValidationErrors, Validator};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum OrganisationKind {
    University,
    Incubator,
    Accelerator,
    Company,
    PublicBody,
    Foundation,
}

impl OrganisationKind {
    pub fn key(self) -> &'static str {
        match self {
            Self::University => "university",
            Self::Incubator => "incubator",
            Self::Accelerator => "accelerator",
            Self::Company => "company",
            Self::PublicBody => "public_body",
            Self::Foundation => "foundation",
        }
    }

    /// Who may run AcceleraTO programmes.
    pub fn runs_programmes(self) -> bool {
        !matches!(self, Self::Company)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub id: OrganisationId,
    pub name: String,
    pub kind: OrganisationKind,
    #[serde(default)]
    pub description: String,
    /// Organisations stay in the metro area (not a [`crate::Place`]): they are the plan's
    /// partners, administrators register them, and their offers and programmes are here.
    pub comune: ComuneId,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub sectors: Vec<Sector>,
    /// Marks the Torino demo data set.
    #[serde(default)]
    pub demo: bool,
}

impl Validate for Organisation {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut v = Validator::new();
        v.name("name", &self.name);
        v.text("description", &self.description, MAX_TEXT_CHARS, false);
        if let Some(url) = &self.website {
            v.name("website", url);
            v.check(
                url.starts_with("https://") || url.starts_with("http://"),
                "website",
                "must start with https:// or http://",
            );
        }
        v.list_len("sectors", &self.sectors);
        v.unique("sectors", &self.sectors);
        v.finish()
    }
}
