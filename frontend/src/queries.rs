//! The queries that read entities into the shared views of `crocevia-api`.
//!
//! A view deserializes only when every one of its fields was selected, so each fragment
//! selects them all (the test below holds them to the views). The fragments are macros so
//! the queries are put together at compile time.

use crocevia_api::EntityKind;
use serde::Serialize;

macro_rules! talent {
    () => {
        "... on Talent { id version displayName headline bio contactEmail countryOfOrigin residence fieldOfStudy
        skills { skill years } languages { language level } experienceYears availableFrom willingToRelocate
        openToRemote needsWorkPermit sectors seeking }"
    };
}

macro_rules! startup {
    () => {
        "... on Startup { id version name description sectors stage legalForm foundedOn seat willingToRelocate
        teamSize fundingRaisedEur founders { femaleLed under35 universitySpinoff } contactEmail website }"
    };
}

macro_rules! organisation {
    () => {
        "... on Organisation { id version name kind description comune website sectors }"
    };
}

macro_rules! offer {
    () => {
        "... on Offer { id version organisationId kind title description textLanguage requiredSkills
        niceToHaveSkills languages { language level } comune remote contract minExperienceYears salaryMinEur
        salaryMaxEur postedOn startsOn deadline sponsorsWorkPermit sectors status }"
    };
}

macro_rules! programme {
    () => {
        "... on Programme { id version organisationId title description model phases sectors
        eligibility { stageIn { stages } sectorIn { sectors } maxAgeMonths { months } minAgeMonths { months }
            seatInMetroArea { allowRelocation } teamSize { min max } fundingRaised { minEur maxEur }
            legalFormIn { forms incorporationByDeadline } founders { femaleLed under35 universitySpinoff } }
        comune cohortStart cohortEnd applicationDeadline capacity accepted languages status }"
    };
}

/// My talent or startup profile, a `crocevia_api::ProfileView` (or null).
pub const MY_PROFILE: &str = concat!("query { myProfile { __typename ", talent!(), " ", startup!(), " } }");

/// My organisation's offers and programmes, `crocevia_api::PostingView`s.
pub const MY_POSTINGS: &str = concat!("query { myPostings { __typename ", offer!(), " ", programme!(), " } }");

/// An offer, a programme or an organisation, the kinds the pages open, as a
/// `crocevia_api::EntityView`.
pub const ENTITY: &str = concat!(
    "query($kind: EntityKind!, $id: ID!) { entity(kind: $kind, id: $id) { __typename ",
    organisation!(),
    " ",
    offer!(),
    " ",
    programme!(),
    " } }"
);

/// The variables of [`ENTITY`].
#[derive(Debug, Serialize)]
pub struct EntityVariables {
    #[serde(with = "crocevia_api::wire::enumeration")]
    pub kind: EntityKind,
    pub id: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crocevia_api::{OfferView, OrganisationView, ProgrammeView, StartupView, TalentView};
    use crocevia_domain as d;
    use serde_json::Value;
    use std::collections::BTreeMap;

    /// A selection set as a tree: field name to its own selection (empty for a leaf).
    /// `... on Type { }` becomes the field `Type`; arguments and variables are left out.
    #[derive(Debug, Default)]
    struct Selection(BTreeMap<String, Selection>);

    fn parse(text: &str) -> Selection {
        let mut depth = 0;
        let bare: String = text
            .chars()
            .filter(|c| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => return depth == 0,
                }
                false
            })
            .collect();
        let spaced = bare.replace('{', " { ").replace('}', " } ");
        let mut tokens = spaced.split_whitespace().filter(|t| !matches!(*t, "..." | "on")).peekable();
        fn level<'a>(tokens: &mut std::iter::Peekable<impl Iterator<Item = &'a str>>) -> Selection {
            let mut out = Selection::default();
            while let Some(token) = tokens.next() {
                match token {
                    "}" => break,
                    name => {
                        let inner = if tokens.peek() == Some(&"{") {
                            tokens.next();
                            level(tokens)
                        } else {
                            Selection::default()
                        };
                        out.0.insert(name.to_owned(), inner);
                    }
                }
            }
            out
        }
        level(&mut tokens)
    }

    /// Every field of `value` (a serialized view) is selected, nested ones too.
    fn covers(selection: &Selection, value: &Value, path: &str) {
        let Value::Object(fields) = value else { return };
        for (name, inner) in fields {
            let Some(sub) = selection.0.get(name) else { panic!("{path}.{name} is not selected") };
            match inner {
                Value::Array(items) => items.iter().for_each(|i| covers(sub, i, &format!("{path}.{name}"))),
                other => covers(sub, other, &format!("{path}.{name}")),
            }
        }
    }

    fn demo<T: serde::de::DeserializeOwned>(json: &str) -> Vec<T> {
        serde_json::from_str(json).unwrap()
    }

    fn check<V: serde::Serialize>(query: &Selection, root: &str, typename: &str, views: Vec<V>) {
        let fragment = &query.0[root].0[typename];
        assert!(!views.is_empty());
        for v in views {
            covers(fragment, &serde_json::to_value(v).unwrap(), typename);
        }
    }

    #[test]
    fn every_field_of_the_views_is_selected() {
        let profile = parse(MY_PROFILE).0.remove("query").unwrap();
        let talents = demo::<d::Talent>(include_str!("../../data/demo/talents.json"));
        check(&profile, "myProfile", "Talent", talents.iter().map(|t| TalentView::of(t, 1, true)).collect());
        let startups = demo::<d::Startup>(include_str!("../../data/demo/startups.json"));
        check(&profile, "myProfile", "Startup", startups.iter().map(|s| StartupView::of(s, 1, true)).collect());

        let offers = demo::<d::Offer>(include_str!("../../data/demo/offers.json"));
        let programmes = demo::<d::Programme>(include_str!("../../data/demo/programmes.json"));
        let postings = parse(MY_POSTINGS).0.remove("query").unwrap();
        check(&postings, "myPostings", "Offer", offers.iter().map(|o| OfferView::of(o, 1)).collect());
        let with_accepted = || programmes.iter().map(|p| ProgrammeView::of(p, 1, Some(0))).collect();
        check(&postings, "myPostings", "Programme", with_accepted());

        let entity = parse(ENTITY).0.remove("query").unwrap();
        let organisations = demo::<d::Organisation>(include_str!("../../data/demo/organisations.json"));
        check(&entity, "entity", "Organisation", organisations.iter().map(|o| OrganisationView::of(o, 1)).collect());
        check(&entity, "entity", "Offer", offers.iter().map(|o| OfferView::of(o, 1)).collect());
        check(&entity, "entity", "Programme", with_accepted());
    }
}
