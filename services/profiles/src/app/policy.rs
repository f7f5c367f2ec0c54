//! The rules that need no database: who owns what, who may see talents, which search kinds
//! an actor may ask for. Everything that decides on a person's data calls these.

use super::{Actor, AppError};
use crocevia_domain::{Entity, Role};
use crocevia_search::DocKind;

/// Talent profiles (people) are visible to organisation members and administrators only;
/// anonymous visitors, talents and startups never see another person's profile.
pub fn sees_talents(actor: &Actor) -> bool {
    matches!(actor.role(), Some(Role::Organisation | Role::Admin))
}

/// The kinds a search of `actor` runs over: the requested ones, or every kind the actor may
/// see when none is named. Asking for a kind one may not see is FORBIDDEN, never silently
/// narrowed, so a client knows why talents are missing.
pub fn visible_kinds(actor: &Actor, requested: &[DocKind]) -> Result<Vec<DocKind>, AppError> {
    let allowed = |k: &DocKind| *k != DocKind::Talent || sees_talents(actor);
    if let Some(kind) = requested.iter().find(|k| !allowed(k)) {
        return Err(AppError::forbidden(format!(
            "{} profiles are searchable by organisation members only",
            kind.as_str()
        )));
    }
    if requested.is_empty() {
        return Ok(DocKind::ALL.into_iter().filter(allowed).collect());
    }
    Ok(requested.to_vec())
}

/// Whether `actor` owns `entity`: their own talent or startup profile, an offer of the
/// employer they act for (their organisation, or their startup), or a programme of their
/// organisation. Everything a poster may do with an offer (edit, close, see its ranked
/// candidates and its applications, move them) is decided here.
pub fn owns(actor: &Actor, entity: &Entity) -> bool {
    let Some(user) = actor.user() else { return false };
    match entity {
        Entity::Talent(t) => t.user_id == Some(user.id),
        Entity::Startup(s) => s.user_id == Some(user.id),
        Entity::Offer(o) => actor.employer().is_some_and(|mine| o.employer() == Some(mine)),
        // A reviewer on its panel does not own a programme while its first round is blind:
        // every door that shows its applicants stays closed to them (see `app::selection`).
        Entity::Programme(p) => actor.organisation() == Some(p.organisation_id) && !p.review.is_blind_for(user.id),
        Entity::User(u) => u.id == user.id,
        Entity::Consent(c) => c.user_id == user.id,
        Entity::Organisation(o) => actor.organisation() == Some(o.id),
        Entity::Application(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crocevia_domain::{User, UserId};

    fn actor(role: Role) -> Actor {
        let id = UserId::from_uuid(uuid::Uuid::now_v7());
        let session = crate::app::Session { user: id, generation: 0 };
        Actor::User(
            User {
                id,
                email: "a@example.org".into(),
                display_name: "A".into(),
                role,
                organisation_id: (role == Role::Organisation)
                    .then(|| crocevia_domain::OrganisationId::from_uuid(uuid::Uuid::now_v7())),
                locale: Default::default(),
            },
            session,
            (role == Role::Startup).then(|| crocevia_domain::StartupId::from_uuid(uuid::Uuid::now_v7())),
        )
    }

    fn offer_of(employer: Option<crocevia_domain::Employer>) -> Entity {
        let (organisation_id, startup_id) = employer.map(|e| e.fields()).unwrap_or_default();
        let json = serde_json::json!({
            "id": uuid::Uuid::now_v7(), "kind": "internship", "title": "Stage", "text_language": "it",
            "comune": "torino", "remote": "on_site", "contract": "internship", "posted_on": "2027-01-01",
        });
        let mut offer: crocevia_domain::Offer = serde_json::from_value(json).unwrap();
        offer.organisation_id = organisation_id;
        offer.startup_id = startup_id;
        Entity::Offer(offer)
    }

    #[test]
    fn an_offer_belongs_to_its_employer_only() {
        let (startup, other_startup) = (actor(Role::Startup), actor(Role::Startup));
        let (member, talent) = (actor(Role::Organisation), actor(Role::Talent));
        let of_startup = offer_of(startup.employer());
        let of_org = offer_of(member.employer());
        assert!(owns(&startup, &of_startup));
        for other in [&other_startup, &member, &talent, &Actor::Anonymous] {
            assert!(!owns(other, &of_startup), "{other:?}");
        }
        assert!(owns(&member, &of_org));
        assert!(!owns(&startup, &of_org));
        // A startup account whose profile is not saved yet acts for no startup.
        let Actor::User(user, session, _) = actor(Role::Startup) else { unreachable!() };
        let unsaved = Actor::User(user, session, None);
        assert!(!owns(&unsaved, &offer_of(None)));
        // The startup id of another role's account never counts.
        let Actor::User(user, session, _) = actor(Role::Talent) else { unreachable!() };
        let posing = Actor::User(user, session, startup.startup());
        assert!(!owns(&posing, &of_startup));
    }

    #[test]
    fn only_organisations_and_admins_search_talents() {
        for (who, sees) in [
            (Actor::Anonymous, false),
            (actor(Role::Talent), false),
            (actor(Role::Startup), false),
            (actor(Role::Organisation), true),
            (actor(Role::Admin), true),
        ] {
            let all = visible_kinds(&who, &[]).unwrap();
            assert_eq!(all.contains(&DocKind::Talent), sees, "{who:?}");
            assert_eq!(visible_kinds(&who, &[DocKind::Talent]).is_ok(), sees, "{who:?}");
            assert_eq!(visible_kinds(&who, &[DocKind::Offer]).unwrap(), vec![DocKind::Offer]);
        }
    }
}
