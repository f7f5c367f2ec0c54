//! Records in the domain's JSON form (the demo data, import files, events) as the inputs a
//! client sends for them: what a script that loads such files through the API needs.

use crate::inputs::{OfferInput, OrganisationInput, ProfileInput, ProgrammeInput, StartupInput, TalentInput};
use crocevia_domain::{self as d, EntityKind};
use serde_json::Value;

/// A record's fields decoded as `T`; a record without an `id` gets a placeholder, since
/// the input leaves it out anyway.
fn decode<T: serde::de::DeserializeOwned>(mut record: Value) -> Result<T, String> {
    if let Some(object) = record.as_object_mut() {
        object.entry("id").or_insert_with(|| Value::String(uuid::Uuid::nil().to_string()));
    }
    serde_json::from_value(record).map_err(|e| e.to_string())
}

fn encode(input: impl serde::Serialize) -> Result<Value, String> {
    serde_json::to_value(input).map_err(|e| e.to_string())
}

/// The GraphQL input (as JSON variables) for one domain record of `kind`: a talent or startup
/// becomes a `ProfileInput`, an offer an `OfferInput`, a programme a `ProgrammeInput`, an
/// organisation an `OrganisationInput`. Other kinds have no input.
pub fn input_of(kind: EntityKind, record: Value) -> Result<Value, String> {
    match kind {
        EntityKind::Talent => encode(ProfileInput::Talent(TalentInput::from(&decode::<d::Talent>(record)?))),
        EntityKind::Startup => encode(ProfileInput::Startup(StartupInput::from(&decode::<d::Startup>(record)?))),
        EntityKind::Offer => encode(OfferInput::from(&decode::<d::Offer>(record)?)),
        EntityKind::Programme => encode(ProgrammeInput::from(&decode::<d::Programme>(record)?)),
        EntityKind::Organisation => encode(OrganisationInput::from(&decode::<d::Organisation>(record)?)),
        other => Err(format!("a {other} is not written through an input")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_domain_record_becomes_the_input_a_client_sends() {
        let offer = json!({
            "organisation_id": uuid::Uuid::nil(), "kind": "phd_position", "title": "PhD in robotics",
            "text_language": "en", "comune": "torino", "remote": "on_site", "contract": "phd_scholarship",
            "posted_on": "2027-01-02", "salary_min_eur": 20000, "languages": [{ "language": "en", "level": "native" }]
        });
        let input = input_of(EntityKind::Offer, offer).unwrap();
        assert_eq!(input["kind"], "PHD_POSITION");
        assert_eq!(input["salaryMinEur"], 20000);
        assert_eq!(input["postedOn"], "2027-01-02");
        assert_eq!(input["languages"][0]["level"], "NATIVE");
        let back: OfferInput = serde_json::from_value(input).unwrap();
        assert_eq!(back.contract, d::ContractType::PhdScholarship);
        assert!(input_of(EntityKind::User, json!({})).is_err());
    }
}
