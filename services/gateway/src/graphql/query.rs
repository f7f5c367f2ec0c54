//! Queries.

use super::types::{EligibilityGql, KindGql, MatchGql, SearchInput, SearchResultsGql, UserGql};
use super::{Services, Viewer, error, field_error, is_admin, me, profiles_error, require};
use async_graphql::{Context, ID, Object, Result};
use crocevia_domain::{Entity, EntityKind, Role, User};
use crocevia_kit::ErrorCode;
use crocevia_matching::Side;

/// The first queries; the others are merged beside them in [`super::QueryRoot`].
#[derive(Debug, Default)]
pub struct CoreQuery;

#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "EntityKind")]
pub enum EntityKindGql {
    User,
    Consent,
    Organisation,
    Talent,
    Startup,
    Programme,
    Offer,
    Application,
}

impl From<EntityKind> for EntityKindGql {
    fn from(k: EntityKind) -> Self {
        match k {
            EntityKind::User => Self::User,
            EntityKind::Consent => Self::Consent,
            EntityKind::Organisation => Self::Organisation,
            EntityKind::Talent => Self::Talent,
            EntityKind::Startup => Self::Startup,
            EntityKind::Programme => Self::Programme,
            EntityKind::Offer => Self::Offer,
            EntityKind::Application => Self::Application,
        }
    }
}

/// The entity kind behind a matching side.
pub fn kind_of(side: Side) -> EntityKind {
    match side {
        Side::Talent => EntityKind::Talent,
        Side::Offer => EntityKind::Offer,
        Side::Startup => EntityKind::Startup,
        Side::Programme => EntityKind::Programme,
    }
}

impl From<EntityKindGql> for EntityKind {
    fn from(k: EntityKindGql) -> Self {
        match k {
            EntityKindGql::User => Self::User,
            EntityKindGql::Consent => Self::Consent,
            EntityKindGql::Organisation => Self::Organisation,
            EntityKindGql::Talent => Self::Talent,
            EntityKindGql::Startup => Self::Startup,
            EntityKindGql::Programme => Self::Programme,
            EntityKindGql::Offer => Self::Offer,
            EntityKindGql::Application => Self::Application,
        }
    }
}

#[derive(async_graphql::SimpleObject, Debug)]
pub struct EntityView {
    pub id: ID,
    pub kind: EntityKindGql,
    pub version: i64,
    pub data: async_graphql::Json<serde_json::Value>,
}

/// An application to an offer or a programme.
// `targetTitle` and `applicantName` are resolved (read from profiles) only when selected.
#[derive(async_graphql::SimpleObject, Debug)]
#[graphql(complex)]
pub struct ApplicationView {
    pub id: ID,
    pub applicant_id: ID,
    pub target_id: ID,
    pub stage: String,
    pub score: Option<i32>,
    #[graphql(skip)]
    pub(crate) applicant: (EntityKind, uuid::Uuid),
    #[graphql(skip)]
    pub(crate) target: (EntityKind, uuid::Uuid),
}

impl From<&crocevia_domain::Application> for ApplicationView {
    fn from(a: &crocevia_domain::Application) -> Self {
        let applicant = match a.applicant {
            crocevia_domain::Applicant::Talent(t) => (EntityKind::Talent, t.as_uuid()),
            crocevia_domain::Applicant::Startup(s) => (EntityKind::Startup, s.as_uuid()),
        };
        let target = match a.target {
            crocevia_domain::ApplicationTarget::Offer(o) => (EntityKind::Offer, o.as_uuid()),
            crocevia_domain::ApplicationTarget::Programme(p) => (EntityKind::Programme, p.as_uuid()),
        };
        Self {
            id: ID(a.id.to_string()),
            applicant_id: ID(applicant.1.to_string()),
            target_id: ID(target.1.to_string()),
            stage: format!("{:?}", a.stage).to_uppercase(),
            score: a.score.map(i32::from),
            applicant,
            target,
        }
    }
}

#[derive(async_graphql::SimpleObject, Debug)]
pub struct StageCount {
    pub stage: String,
    pub count: i64,
}

#[derive(async_graphql::SimpleObject, Debug)]
pub struct SavedSearchView {
    pub id: ID,
    pub name: String,
}

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

#[Object]
impl CoreQuery {
    /// The account behind the bearer token.
    async fn me(&self, ctx: &Context<'_>) -> Result<UserGql> {
        let claims = require(ctx.data::<Viewer>()?)?;
        Ok((&me(ctx.data::<Services>()?, claims).await?).into())
    }

    /// Bilingual search. Talent profiles are visible to organisation members only.
    async fn search(&self, ctx: &Context<'_>, input: SearchInput) -> Result<SearchResultsGql> {
        let services = ctx.data::<Services>()?;
        let viewer = ctx.data::<Viewer>()?;
        let may_see_talents = viewer.0.as_ref().is_some_and(|c| matches!(c.role, Role::Organisation | Role::Admin));
        if !may_see_talents && input.kinds.contains(&KindGql::Talent) {
            return Err(error(ErrorCode::Forbidden, "talent profiles are searchable by organisation members only"));
        }
        let mut request = input.into_request();
        if request.kinds.is_empty() {
            // "Everything" means everything this viewer may see.
            request.kinds = crocevia_search::DocKind::ALL
                .into_iter()
                .filter(|k| may_see_talents || *k != crocevia_search::DocKind::Talent)
                .collect();
        }
        let search = services
            .search
            .as_ref()
            .ok_or_else(|| error(ErrorCode::Unavailable, "search is not running in this process"))?;
        Ok(search.search(request).await.map_err(super::search_error)?.into())
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
        let side = matching.side_of(id).await.map_err(super::matching_error)?.ok_or_else(|| {
            error(ErrorCode::NotFound, "no talent, offer, startup or programme open to matching has this id")
        })?;
        let kind = kind_of(side);
        if !is_admin(claims) {
            let user = me(services, claims).await?;
            let entity = services.profiles.get(kind, id).await.map_err(profiles_error)?.entity;
            if !owns(&user, &entity) {
                return Err(error(ErrorCode::Forbidden, "these matches belong to someone else"));
            }
        }
        let counterpart = kind_of(side.counterpart());
        let list = matching.matches(id).await.map_err(super::matching_error)?;
        Ok(list.iter().enumerate().map(|(i, e)| MatchGql::from_entry(i, e, counterpart)).collect())
    }

    /// One entity by id, as JSON, without the fields the viewer may not see (contact
    /// details reach only organisations the talent applied to or consented to).
    async fn entity(&self, ctx: &Context<'_>, kind: EntityKindGql, id: ID) -> Result<EntityView> {
        let services = ctx.data::<Services>()?;
        let viewer = ctx.data::<Viewer>()?;
        let user = match &viewer.0 {
            Some(claims) => Some(me(services, claims).await?),
            None => None,
        };
        let id = uuid("id", &id)?;
        let (data, version) = super::entities::view(services, user.as_ref(), kind.into(), id).await?;
        Ok(EntityView { id: ID(id.to_string()), kind, version: version as i64, data: async_graphql::Json(data) })
    }

    /// Applications I made, or, for organisation members, applications to my organisation.
    async fn my_applications(&self, ctx: &Context<'_>) -> Result<Vec<ApplicationView>> {
        let services = ctx.data::<Services>()?;
        let user = me(services, require(ctx.data::<Viewer>()?)?).await?;
        Ok(super::entities::applications_of_viewer(services, &user).await?.iter().map(ApplicationView::from).collect())
    }

    /// My organisation's applicants by stage.
    async fn dashboard(&self, ctx: &Context<'_>) -> Result<Vec<StageCount>> {
        let services = ctx.data::<Services>()?;
        let user = me(services, require(ctx.data::<Viewer>()?)?).await?;
        if user.role != Role::Organisation {
            return Err(error(ErrorCode::Forbidden, "the dashboard is for organisation members"));
        }
        let mut counts: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
        for a in super::entities::applications_of_viewer(services, &user).await? {
            *counts.entry(format!("{:?}", a.stage).to_uppercase()).or_default() += 1;
        }
        Ok(counts.into_iter().map(|(stage, count)| StageCount { stage, count }).collect())
    }

    /// My saved searches.
    async fn my_saved_searches(&self, ctx: &Context<'_>) -> Result<Vec<SavedSearchView>> {
        let services = ctx.data::<Services>()?;
        let claims = require(ctx.data::<Viewer>()?)?;
        let user = claims.user_id().ok_or_else(|| error(ErrorCode::Unauthenticated, "the token names no user"))?;
        Ok(crate::saved::of_user(services.profiles.db(), user.as_uuid())
            .await?
            .into_iter()
            .map(|s| SavedSearchView { id: ID(s.id.to_string()), name: s.name })
            .collect())
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
        let found = matching.eligibility(startup_id, programme_id).await.map_err(super::matching_error)?;
        let found = found.ok_or_else(|| error(ErrorCode::NotFound, "no such startup or open programme"))?;
        Ok(EligibilityGql::new(&found.verdict, &found.fit))
    }
}
