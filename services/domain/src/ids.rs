//! Newtype ids: a `TalentId` can never be passed where an `OfferId` is expected.
//!
//! Entity ids are UUIDs (the services mint v7 ones, time-ordered); taxonomy ids are slugs.

use crate::validation::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = FieldError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s)
                    .map(Self)
                    .map_err(|_| FieldError::new("id", format!("{s:?} is not a UUID")))
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
    };
}

uuid_id!(
    /// A talent: student, graduate, researcher or professional.
    TalentId
);
uuid_id!(
    /// A startup or SME.
    StartupId
);
uuid_id!(
    /// A university, incubator, accelerator, company or public body.
    OrganisationId
);
uuid_id!(
    /// An AcceleraTO accelerator programme.
    ProgrammeId
);
uuid_id!(
    /// A job, internship, PhD position or fellowship.
    OfferId
);
uuid_id!(
    /// An application of a talent to an offer or of a startup to a programme.
    ApplicationId
);
uuid_id!(
    /// A user account.
    UserId
);
uuid_id!(
    /// A consent given or withdrawn by a user.
    ConsentId
);

/// A slug id: lowercase ASCII letters, digits and dashes, 1 to 64 characters.
fn check_slug(kind: &str, s: &str) -> Result<(), FieldError> {
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(kind, format!("{s:?} is not a slug (lowercase letters, digits and dashes, at most 64)")))
    }
}

/// A concept of the skills taxonomy, such as `rust` or `machine-learning`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SkillId(String);

impl SkillId {
    pub fn new(s: impl Into<String>) -> Result<Self, FieldError> {
        let s = s.into();
        check_slug("skill", &s)?;
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SkillId {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl From<SkillId> for String {
    fn from(id: SkillId) -> String {
        id.0
    }
}

impl fmt::Display for SkillId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_and_print() {
        let id: TalentId = "0190f1d2-7c4e-7b8a-9c1d-2e3f4a5b6c7d".parse().unwrap();
        assert_eq!(id.to_string(), "0190f1d2-7c4e-7b8a-9c1d-2e3f4a5b6c7d");
        assert!("nope".parse::<OfferId>().is_err());
    }

    #[test]
    fn skill_ids_are_slugs() {
        assert!(SkillId::new("machine-learning").is_ok());
        assert!(SkillId::new("Machine Learning").is_err());
        assert!(SkillId::new("").is_err());
        assert!(serde_json::from_str::<SkillId>("\"C++\"").is_err());
    }
}
