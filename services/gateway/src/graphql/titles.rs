//! What a person reads instead of an id: the title of an offer or programme, the name of a
//! startup, the display name of a talent. Resolved per field, so a list whose titles are
//! not asked for reads nothing more.

use super::query::ApplicationView;
use super::types::MatchGql;
use super::{Services, profiles_error};
use async_graphql::{ComplexObject, Context, Result};
use crocevia_domain::{Entity, EntityKind};
use crocevia_profiles::ProfilesError;
use uuid::Uuid;

/// The human name of an entity.
pub fn title_of(entity: &Entity) -> String {
    match entity {
        Entity::Offer(o) => o.title.clone(),
        Entity::Programme(p) => p.title.clone(),
        Entity::Startup(s) => s.name.clone(),
        Entity::Talent(t) => t.display_name.clone(),
        Entity::Organisation(o) => o.name.clone(),
        Entity::User(u) => u.display_name.clone(),
        Entity::Consent(_) | Entity::Application(_) => String::new(),
    }
}

/// The title of `kind` `id`, or an empty string when it is gone: a list may still name an
/// entity erased a moment ago, and one missing title must not void the whole list.
pub async fn title(services: &Services, kind: EntityKind, id: Uuid) -> Result<String> {
    match services.app.profiles().get(kind, id).await {
        Ok(stored) => Ok(title_of(&stored.entity)),
        Err(ProfilesError::NotFound { .. }) => Ok(String::new()),
        Err(e) => Err(profiles_error(e)),
    }
}

#[ComplexObject]
impl MatchGql {
    /// The counterpart's title (offer, programme), name (startup) or display name (talent).
    async fn title(&self, ctx: &Context<'_>) -> Result<String> {
        title(ctx.data::<Services>()?, self.counterpart.0, self.counterpart.1).await
    }
}

#[ComplexObject]
impl ApplicationView {
    /// The title of the offer or programme applied to.
    async fn target_title(&self, ctx: &Context<'_>) -> Result<String> {
        title(ctx.data::<Services>()?, self.target.0, self.target.1).await
    }

    /// The talent's display name or the startup's name.
    async fn applicant_name(&self, ctx: &Context<'_>) -> Result<String> {
        title(ctx.data::<Services>()?, self.applicant.0, self.applicant.1).await
    }
}
