//! The viewer's own talent or startup profile, and how it scores against one offer or
//! programme right now.

use super::entities::{application_for, own_profile, pointing, uuid, view};
use super::query::{EntityKindGql, EntityView};
use super::types::PairMatch;
use super::{Services, Viewer, error, internal, me, profiles_error, require};
use async_graphql::{Context, ID, Object, Result};
use crocevia_domain::{Applicant, ApplicationTarget, Entity, EntityKind, Role};
use crocevia_kit::ErrorCode;
use crocevia_matching::MatchingError;

#[derive(Debug, Default)]
pub struct MineQuery;

/// The profile kind of a role, if it has one.
fn profile_kind(role: Role) -> Option<EntityKind> {
    match role {
        Role::Talent => Some(EntityKind::Talent),
        Role::Startup => Some(EntityKind::Startup),
        Role::Organisation | Role::Admin => None,
    }
}

#[Object]
impl MineQuery {
    /// My talent or startup profile, as `entity` shows it to me; null until I save one, and
    /// for organisation members and administrators.
    async fn my_profile(&self, ctx: &Context<'_>) -> Result<Option<EntityView>> {
        let services = ctx.data::<Services>()?;
        let user = me(services, require(ctx.data::<Viewer>()?)?).await?;
        let Some(kind) = profile_kind(user.role) else { return Ok(None) };
        let Some(id) = own_profile(services, &user, kind).await? else { return Ok(None) };
        let (data, version) = view(services, Some(&user), kind, id).await?;
        Ok(Some(EntityView {
            id: ID(id.to_string()),
            kind: EntityKindGql::from(kind),
            version: version as i64,
            data: async_graphql::Json(data),
        }))
    }

    /// My profile scored now against one target (an open offer for a talent, an open
    /// programme for a startup), whether or not it is in my list: the score, the hard
    /// constraints that exclude it and, for a startup, the eligibility verdict.
    async fn my_match_with(&self, ctx: &Context<'_>, target: ID) -> Result<PairMatch> {
        let services = ctx.data::<Services>()?;
        let user = me(services, require(ctx.data::<Viewer>()?)?).await?;
        let target = uuid("target", &target)?;
        let kind = profile_kind(user.role)
            .ok_or_else(|| error(ErrorCode::Forbidden, "only talents and startups have a profile to match"))?;
        let matching = services
            .matching
            .as_ref()
            .ok_or_else(|| error(ErrorCode::Unavailable, "matching is not running in this process"))?;
        let profile = own_profile(services, &user, kind)
            .await?
            .ok_or_else(|| error(ErrorCode::BadUserInput, format!("create your {} profile first", kind.as_str())))?;
        // The profile as stored now: one saved a moment ago scores before matching hears of it.
        let entity = services.profiles.get(kind, profile).await.map_err(profiles_error)?.entity;
        match matching.pair(entity, target).await {
            Ok(pair) => Ok(PairMatch::from(&pair)),
            Err(MatchingError::NotFound(_)) => {
                Err(error(ErrorCode::NotFound, "no offer or programme open to matching has this id"))
            }
            Err(e) => Err(super::matching_error(e)),
        }
    }

    /// My organisation's offers and programmes, open and closed, newest first.
    async fn my_postings(&self, ctx: &Context<'_>) -> Result<Vec<EntityView>> {
        let services = ctx.data::<Services>()?;
        let user = me(services, require(ctx.data::<Viewer>()?)?).await?;
        let (Role::Organisation, Some(org)) = (user.role, user.organisation_id) else {
            return Err(error(ErrorCode::Forbidden, "postings belong to organisation members"));
        };
        let mut ids = Vec::new();
        for kind in [EntityKind::Offer, EntityKind::Programme] {
            ids.extend(
                pointing(services, org.as_uuid(), kind, "organisation_id").await?.into_iter().map(|id| (kind, id)),
            );
        }
        // v7 ids grow with time.
        ids.sort_unstable_by_key(|(_, id)| std::cmp::Reverse(*id));
        let mut out = Vec::with_capacity(ids.len());
        for (kind, id) in ids {
            let (data, version) = view(services, Some(&user), kind, id).await?;
            out.push(EntityView {
                id: ID(id.to_string()),
                kind: EntityKindGql::from(kind),
                version: version as i64,
                data: async_graphql::Json(data),
            });
        }
        Ok(out)
    }

    /// How an application's applicant scores against its offer or programme now, with the
    /// explanation and (for programmes) the eligibility verdict; for the organisation that
    /// received it.
    async fn application_match(&self, ctx: &Context<'_>, id: ID) -> Result<PairMatch> {
        let services = ctx.data::<Services>()?;
        let user = me(services, require(ctx.data::<Viewer>()?)?).await?;
        let (application, is_organisation, _) = application_for(services, &user, &id).await?;
        if !is_organisation && user.role != Role::Admin {
            return Err(error(ErrorCode::Forbidden, "only the organisation that received it sees this"));
        }
        let (kind, applicant) = match application.applicant {
            Applicant::Talent(t) => (EntityKind::Talent, t.as_uuid()),
            Applicant::Startup(s) => (EntityKind::Startup, s.as_uuid()),
        };
        let target = match application.target {
            ApplicationTarget::Offer(o) => o.as_uuid(),
            ApplicationTarget::Programme(p) => p.as_uuid(),
        };
        let matching = services
            .matching
            .as_ref()
            .ok_or_else(|| error(ErrorCode::Unavailable, "matching is not running in this process"))?;
        let entity: Entity = services.profiles.get(kind, applicant).await.map_err(profiles_error)?.entity;
        match matching.pair(entity, target).await {
            Ok(pair) => Ok(PairMatch::from(&pair)),
            Err(MatchingError::NotFound(_)) => Err(error(ErrorCode::NotFound, "the offer or programme is closed")),
            Err(e @ MatchingError::Unavailable(_)) => Err(super::matching_error(e)),
            Err(e) => Err(internal(e)),
        }
    }
}
