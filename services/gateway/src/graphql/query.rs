//! Queries.

use super::types::{EligibilityGql, KindGql, MatchGql, SearchInput, SearchResultsGql, UserGql};
use super::{Services, Viewer, error, field_error, internal, is_admin, me, profiles_error, require};
use async_graphql::{Context, ID, Object, Result};
use crocevia_domain::{Entity, EntityKind, Role, User};
use crocevia_kit::ErrorCode;
use crocevia_matching::Side;
use crocevia_search::SearchError;

#[derive(Debug, Default)]
pub struct QueryRoot;

fn uuid(field: &str, id: &ID) -> Result<uuid::Uuid> {
    uuid::Uuid::parse_str(id).map_err(|_| field_error(field, format!("{:?} is not an id", id.as_str())))
}

/// Whether `user` may see the matches of `entity`: their own talent or startup profile, or
/// an offer or programme of their organisation.
fn owns(user: &User, entity: &Entity) -> bool {
    match entity {
        Entity::Talent(t) => t.user_id == Some(user.id),
        Entity::Startup(s) => s.user_id == Some(user.id),
        Entity::Offer(o) => user.role == Role::Organisation && user.organisation_id == Some(o.organisation_id),
        Entity::Programme(p) => user.role == Role::Organisation && user.organisation_id == Some(p.organisation_id),
        _ => false,
    }
}

#[Object(name = "Query")]
impl QueryRoot {
    /// The account behind the bearer token.
    async fn me(&self, ctx: &Context<'_>) -> Result<UserGql> {
        let claims = require(ctx.data::<Viewer>()?)?;
        Ok((&me(ctx.data::<Services>()?, claims).await?).into())
    }

    /// Bilingual search. Talent profiles are visible to organisation members only.
    async fn search(&self, ctx: &Context<'_>, input: SearchInput) -> Result<SearchResultsGql> {
        let services = ctx.data::<Services>()?;
        let viewer = ctx.data::<Viewer>()?;
        if input.kinds.is_empty() || input.kinds.contains(&KindGql::Talent) {
            let may_see_talents = viewer.0.as_ref().is_some_and(|c| matches!(c.role, Role::Organisation | Role::Admin));
            if !may_see_talents && input.kinds.contains(&KindGql::Talent) {
                return Err(error(ErrorCode::Forbidden, "talent profiles are searchable by organisation members only"));
            }
        }
        let mut request = input.into_request();
        if request.kinds.is_empty() {
            let may_see_talents = viewer.0.as_ref().is_some_and(|c| matches!(c.role, Role::Organisation | Role::Admin));
            request.kinds = crocevia_search::DocKind::ALL
                .into_iter()
                .filter(|k| may_see_talents || *k != crocevia_search::DocKind::Talent)
                .collect();
        }
        let search = services
            .search
            .as_ref()
            .ok_or_else(|| error(ErrorCode::Unavailable, "search is not running in this process"))?;
        match search.search(request).await {
            Ok(results) => Ok(results.into()),
            Err(SearchError::BadRequest { field, message }) => Err(field_error(&format!("input.{field}"), message)),
            Err(e) => Err(internal(e)),
        }
    }

    /// The ranked matches of my talent or startup profile, or of my organisation's offer or
    /// programme, each with its explanation.
    async fn matches(&self, ctx: &Context<'_>, subject: ID) -> Result<Vec<MatchGql>> {
        let services = ctx.data::<Services>()?;
        let claims = require(ctx.data::<Viewer>()?)?;
        let id = uuid("subject", &subject)?;
        let matching = services
            .matching
            .as_ref()
            .ok_or_else(|| error(ErrorCode::Unavailable, "matching is not running in this process"))?;
        let side = matching.side_of(id).ok_or_else(|| {
            error(ErrorCode::NotFound, "no talent, offer, startup or programme open to matching has this id")
        })?;
        let kind = match side {
            Side::Talent => EntityKind::Talent,
            Side::Offer => EntityKind::Offer,
            Side::Startup => EntityKind::Startup,
            Side::Programme => EntityKind::Programme,
        };
        if !is_admin(claims) {
            let user = me(services, claims).await?;
            let entity = services.profiles.get(kind, id).await.map_err(profiles_error)?.entity;
            if !owns(&user, &entity) {
                return Err(error(ErrorCode::Forbidden, "these matches belong to someone else"));
            }
        }
        Ok(matching.matches(id).iter().enumerate().map(|(i, e)| MatchGql::from_entry(i, e)).collect())
    }

    /// My startup's eligibility for a programme, with the reasons.
    async fn eligibility(&self, ctx: &Context<'_>, startup: ID, programme: ID) -> Result<EligibilityGql> {
        let services = ctx.data::<Services>()?;
        let claims = require(ctx.data::<Viewer>()?)?;
        let (startup_id, programme_id) = (uuid("startup", &startup)?, uuid("programme", &programme)?);
        if !is_admin(claims) {
            let user = me(services, claims).await?;
            let entity = services.profiles.get(EntityKind::Startup, startup_id).await.map_err(profiles_error)?.entity;
            if !owns(&user, &entity) {
                return Err(error(ErrorCode::Forbidden, "this startup belongs to someone else"));
            }
        }
        let matching = services
            .matching
            .as_ref()
            .ok_or_else(|| error(ErrorCode::Unavailable, "matching is not running in this process"))?;
        let (verdict, fit) = matching
            .eligibility(startup_id, programme_id)
            .ok_or_else(|| error(ErrorCode::NotFound, "no such startup or open programme"))?;
        Ok(EligibilityGql::new(&verdict, &fit))
    }
}
