//! The anonymous projection of an entity: only the dimensions the open data counts by. Names,
//! texts, contacts, dates of birth and ids of people never enter it, so they cannot leave
//! through this path whatever a query asks.

use crocevia_domain::{ApplicationTarget, CheckInAbout, Entity, EntityKind, Sector, Status};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The key a profile without a value for a dimension counts under, so every member of a
/// population is in some row and no small group hides in `total - sum(rows)`.
pub const NOT_STATED: &str = "not_stated";
/// The comune key of a residence or seat outside the metropolitan area.
pub const OUTSIDE_METRO: &str = "outside_metro";

/// The kinds that can have a fact (an application only when it is to a programme): the
/// tables a rebuild from the database reads.
pub const COUNTED: [EntityKind; 5] =
    [EntityKind::Offer, EntityKind::Talent, EntityKind::Startup, EntityKind::Programme, EntityKind::Application];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fact {
    Offer {
        sectors: Vec<String>,
        offer_kind: String,
        comune: String,
        month: String,
        /// The required skills of an open offer (none once it closes): skills demand. Facts
        /// stored before it existed read as none until the entity changes or a rebuild.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        demands: Vec<String>,
    },
    Talent {
        sectors: Vec<String>,
        country: String,
        languages: Vec<String>,
        comune: String,
        /// The talent's skills (taxonomy ids): skills supply.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        skills: Vec<String>,
        /// The answered 12-month check-ins after a graduation: retention of graduates.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        graduates: Vec<Graduate>,
    },
    /// A talent's accepted application to an offer, as its hire recorded it.
    Hire {
        sectors: Vec<String>,
        origin: String,
        month: String,
    },
    Startup {
        sectors: Vec<String>,
        stage: String,
        comune: String,
    },
    Programme {
        model: String,
        sectors: Vec<String>,
    },
    Application {
        programme: Uuid,
        stage: String,
    },
}

/// The serde key of a unit enum (`ProgrammeModel::VentureBuilding` -> `venture_building`).
fn key_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => NOT_STATED.to_owned(),
    }
}

fn sectors(list: &[Sector]) -> Vec<String> {
    if list.is_empty() {
        return vec![NOT_STATED.to_owned()];
    }
    list.iter().map(|s| s.key().to_owned()).collect()
}

/// A graduate's answer a year on, counted by institution and ISCED-F broad field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Graduate {
    pub institution: String,
    pub field: String,
    /// Still lives or works in the metropolitan area.
    pub stayed: bool,
}

impl Fact {
    /// The fact of an entity the open data counts; `None` for kinds it does not (users,
    /// consents, organisations, applications to offers that did not end in a hire).
    pub fn of(entity: &Entity) -> Option<Fact> {
        Some(match entity {
            Entity::Offer(o) => Fact::Offer {
                sectors: sectors(&o.sectors),
                offer_kind: o.kind.key().to_owned(),
                comune: o.comune.as_str().to_owned(),
                month: o.posted_on.format("%Y-%m").to_string(),
                demands: if o.status == Status::Open {
                    o.required_skills.iter().map(|s| s.as_str().to_owned()).collect()
                } else {
                    Vec::new()
                },
            },
            Entity::Talent(t) => {
                let mut languages: Vec<String> = t.languages.iter().map(|l| l.language.as_str().to_owned()).collect();
                if languages.is_empty() {
                    languages.push(NOT_STATED.to_owned());
                }
                Fact::Talent {
                    sectors: sectors(&t.sectors),
                    country: t.country_of_origin.clone(),
                    languages,
                    comune: t
                        .residence
                        .as_ref()
                        .and_then(crocevia_domain::Place::comune)
                        .map_or(OUTSIDE_METRO.to_owned(), |c| c.as_str().to_owned()),
                    skills: t.skills.iter().map(|s| s.skill.as_str().to_owned()).collect(),
                    graduates: t
                        .check_ins
                        .iter()
                        .filter_map(|c| match &c.about {
                            CheckInAbout::Graduation { institution, field, .. } => Some(Graduate {
                                institution: institution.key().to_owned(),
                                field: field.key().to_owned(),
                                stayed: c.stayed(),
                            }),
                            CheckInAbout::Hire { .. } => None,
                        })
                        .collect(),
                }
            }
            Entity::Startup(s) => Fact::Startup {
                sectors: sectors(&s.sectors),
                stage: s.stage.key().to_owned(),
                comune: s.seat_comune().map_or(OUTSIDE_METRO.to_owned(), |c| c.as_str().to_owned()),
            },
            Entity::Programme(p) => Fact::Programme { model: key_of(&p.model), sectors: sectors(&p.sectors) },
            Entity::Application(a) => match a.target {
                ApplicationTarget::Programme(p) => {
                    Fact::Application { programme: p.as_uuid(), stage: key_of(&a.stage) }
                }
                ApplicationTarget::Offer(_) => match &a.hire {
                    Some(h) => Fact::Hire {
                        sectors: sectors(&h.sectors),
                        origin: h.origin.clone(),
                        month: h.hired_on.format("%Y-%m").to_string(),
                    },
                    None => return None,
                },
            },
            _ => return None,
        })
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Fact::Offer { .. } => "offer",
            Fact::Talent { .. } => "talent",
            Fact::Startup { .. } => "startup",
            Fact::Programme { .. } => "programme",
            Fact::Application { .. } => "application",
            Fact::Hire { .. } => "hire",
        }
    }
}
