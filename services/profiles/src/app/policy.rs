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

/// Whether `actor` owns `entity`: their own talent or startup profile, or an offer or
/// programme of their organisation.
pub fn owns(actor: &Actor, entity: &Entity) -> bool {
    let Some(user) = actor.user() else { return false };
    match entity {
        Entity::Talent(t) => t.user_id == Some(user.id),
        Entity::Startup(s) => s.user_id == Some(user.id),
        Entity::Offer(o) => actor.organisation() == Some(o.organisation_id),
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
        )
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
