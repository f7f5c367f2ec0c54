//! What a person reads instead of an id: the title of an offer or programme, the name of a
//! startup, the display name of a talent. Resolved per field, so a list whose titles are
//! not asked for reads nothing more.

use super::query::ApplicationView;
use super::types::MatchGql;
use super::{Services, app_error};
use async_graphql::{ComplexObject, Context, Result};
use crocevia_domain::EntityKind;
use uuid::Uuid;

/// The title of `kind` `id`, or an empty string when it is gone: a list may still name an
/// entity erased a moment ago, and one missing title must not void the whole list.
pub async fn title(services: &Services, kind: EntityKind, id: Uuid) -> Result<String> {
    services.app.title(kind, id).await.map_err(app_error)
}

#[ComplexObject]
impl MatchGql {
    /// The counterpart's title (offer, programme), name (startup) or display name (talent).
    async fn title(&self, ctx: &Context<'_>) -> Result<String> {
        title(ctx.data::<Services>()?, self.counterpart.0, self.counterpart.1).await
    }

    /// Whether the counterpart is an offer an AcceleraTO startup posted (false for anything
    /// else, and for an offer gone since the list was made).
    #[allow(clippy::wrong_self_convention, reason = "a GraphQL field (fromStartup), not a conversion")]
    async fn from_startup(&self, ctx: &Context<'_>) -> Result<bool> {
        if self.counterpart.0 != EntityKind::Offer {
            return Ok(false);
        }
        let services = ctx.data::<Services>()?;
        match services.app.entity(super::actor(ctx)?, EntityKind::Offer, self.counterpart.1).await {
            Ok(crocevia_api::EntityView::Offer(offer)) => Ok(offer.from_startup),
            Ok(_) | Err(crocevia_profiles::AppError::NotFound(_)) => Ok(false),
            Err(e) => Err(app_error(e)),
        }
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
