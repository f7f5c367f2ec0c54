//! User accounts and consents. Credentials live in the gateway, never here.

use crate::ids::{ConsentId, OrganisationId, UserId};
use crate::validation::{Validate, ValidationErrors, Validator};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum Role {
    Talent,
    Startup,
    Organisation,
    Admin,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum Locale {
    #[default]
    It,
    En,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// Set for members of an organisation.
    #[serde(default)]
    pub organisation_id: Option<OrganisationId>,
    #[serde(default)]
    pub locale: Locale,
}

impl Validate for User {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut v = Validator::new();
        v.email("email", &self.email);
        v.name("display_name", &self.display_name);
        v.check(
            (self.role == Role::Organisation) == self.organisation_id.is_some(),
            "organisation_id",
            "is required for organisation members and only for them",
        );
        v.finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum ConsentPurpose {
    /// Being matched and ranked for offers and programmes.
    Matching,
    /// Sharing contact details with organisations one did not apply to.
    ContactSharing,
    /// Counting in anonymous open-data aggregates.
    OpenData,
    /// Being asked, 12 months after graduating or being hired, whether one still lives and
    /// works in the metropolitan area.
    RetentionCheckIn,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    pub id: ConsentId,
    pub user_id: UserId,
    pub purpose: ConsentPurpose,
    pub granted: bool,
    pub at: DateTime<Utc>,
}

impl Validate for Consent {
    fn validate(&self) -> Result<(), ValidationErrors> {
        Ok(())
    }
}
