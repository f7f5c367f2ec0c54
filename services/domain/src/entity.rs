//! One enum over every kind of entity, for code that handles them uniformly (events, import).

use crate::validation::{Validate, ValidationErrors};
use crate::{
    Applicant, Application, ApplicationTarget, Consent, Offer, Organisation, Programme, SkillId, Startup, Talent, User,
};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum EntityKind {
    User,
    Consent,
    Organisation,
    Talent,
    Startup,
    Programme,
    Offer,
    Application,
}

impl EntityKind {
    /// Import order: every kind comes after the kinds it refers to.
    pub const ALL: [EntityKind; 8] = [
        EntityKind::Organisation,
        EntityKind::User,
        EntityKind::Consent,
        EntityKind::Talent,
        EntityKind::Startup,
        EntityKind::Programme,
        EntityKind::Offer,
        EntityKind::Application,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Consent => "consent",
            Self::Organisation => "organisation",
            Self::Talent => "talent",
            Self::Startup => "startup",
            Self::Programme => "programme",
            Self::Offer => "offer",
            Self::Application => "application",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reference from one entity to another, checked before a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    Entity { field: &'static str, kind: EntityKind, id: Uuid },
    Skill { field: String, id: SkillId },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum Entity {
    User(User),
    Consent(Consent),
    Organisation(Organisation),
    Talent(Talent),
    Startup(Startup),
    Programme(Programme),
    Offer(Offer),
    Application(Application),
}

impl Entity {
    pub fn kind(&self) -> EntityKind {
        match self {
            Self::User(_) => EntityKind::User,
            Self::Consent(_) => EntityKind::Consent,
            Self::Organisation(_) => EntityKind::Organisation,
            Self::Talent(_) => EntityKind::Talent,
            Self::Startup(_) => EntityKind::Startup,
            Self::Programme(_) => EntityKind::Programme,
            Self::Offer(_) => EntityKind::Offer,
            Self::Application(_) => EntityKind::Application,
        }
    }

    pub fn id(&self) -> Uuid {
        match self {
            Self::User(e) => e.id.as_uuid(),
            Self::Consent(e) => e.id.as_uuid(),
            Self::Organisation(e) => e.id.as_uuid(),
            Self::Talent(e) => e.id.as_uuid(),
            Self::Startup(e) => e.id.as_uuid(),
            Self::Programme(e) => e.id.as_uuid(),
            Self::Offer(e) => e.id.as_uuid(),
            Self::Application(e) => e.id.as_uuid(),
        }
    }

    /// The entities and skill concepts this one refers to, which must exist.
    pub fn references(&self) -> Vec<Reference> {
        let entity = |field, kind, id| Reference::Entity { field, kind, id };
        let skills = |field: &str, ids: &mut dyn Iterator<Item = &SkillId>| -> Vec<Reference> {
            ids.enumerate().map(|(i, id)| Reference::Skill { field: format!("{field}[{i}]"), id: id.clone() }).collect()
        };
        match self {
            Self::User(u) => u
                .organisation_id
                .map(|o| entity("organisation_id", EntityKind::Organisation, o.as_uuid()))
                .into_iter()
                .collect(),
            Self::Consent(c) => vec![entity("user_id", EntityKind::User, c.user_id.as_uuid())],
            Self::Organisation(_) => vec![],
            Self::Talent(t) => {
                let mut refs = skills("skills", &mut t.skills.iter().map(|s| &s.skill));
                refs.extend(t.user_id.map(|u| entity("user_id", EntityKind::User, u.as_uuid())));
                refs
            }
            Self::Startup(s) => {
                s.user_id.map(|u| entity("user_id", EntityKind::User, u.as_uuid())).into_iter().collect()
            }
            Self::Programme(p) => {
                vec![entity("organisation_id", EntityKind::Organisation, p.organisation_id.as_uuid())]
            }
            Self::Offer(o) => {
                let mut refs: Vec<Reference> = o
                    .organisation_id
                    .map(|id| entity("organisation_id", EntityKind::Organisation, id.as_uuid()))
                    .into_iter()
                    .chain(o.startup_id.map(|id| entity("startup_id", EntityKind::Startup, id.as_uuid())))
                    .collect();
                refs.extend(skills("required_skills", &mut o.required_skills.iter()));
                refs.extend(skills("nice_to_have_skills", &mut o.nice_to_have_skills.iter()));
                refs
            }
            Self::Application(a) => {
                let applicant = match a.applicant {
                    Applicant::Talent(t) => entity("applicant", EntityKind::Talent, t.as_uuid()),
                    Applicant::Startup(s) => entity("applicant", EntityKind::Startup, s.as_uuid()),
                };
                let target = match a.target {
                    ApplicationTarget::Offer(o) => entity("target", EntityKind::Offer, o.as_uuid()),
                    ApplicationTarget::Programme(p) => entity("target", EntityKind::Programme, p.as_uuid()),
                };
                vec![applicant, target]
            }
        }
    }
}

impl Validate for Entity {
    fn validate(&self) -> Result<(), ValidationErrors> {
        match self {
            Self::User(e) => e.validate(),
            Self::Consent(e) => e.validate(),
            Self::Organisation(e) => e.validate(),
            Self::Talent(e) => e.validate(),
            Self::Startup(e) => e.validate(),
            Self::Programme(e) => e.validate(),
            Self::Offer(e) => e.validate(),
            Self::Application(e) => e.validate(),
        }
    }
}
