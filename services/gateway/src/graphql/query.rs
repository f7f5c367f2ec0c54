//! Queries.

use super::types::{EligibilityGql, MatchGql, SearchInput, SearchResultsGql};
use super::{actor, app, app_error, field_error, signed_in};
use async_graphql::{Context, ID, Object, Result};
use crocevia_api::EntityView;
use crocevia_api::UserView;
use crocevia_domain::{ApplicationStage, EntityKind};

/// The first queries; the others are merged beside them in [`super::QueryRoot`].
#[derive(Debug, Default)]
pub struct CoreQuery;

pub use crocevia_profiles::app::kind_of;

/// An application to an offer or a programme.
// `targetTitle` and `applicantName` are resolved (read from profiles) only when selected.
#[derive(async_graphql::SimpleObject, Debug)]
#[graphql(complex)]
pub struct ApplicationView {
    pub id: ID,
    pub applicant_id: ID,
    pub target_id: ID,
    pub stage: ApplicationStage,
    pub score: Option<i32>,
    /// The answers to the programme's form.
    pub answers: Vec<crocevia_api::AnswerView>,
    /// The hire, once a talent's application to an offer is accepted.
    pub hire: Option<crocevia_api::HireView>,
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
            stage: a.stage,
            score: a.score.map(i32::from),
            answers: a.answers.iter().map(crocevia_api::AnswerView::from).collect(),
            hire: a.hire.as_ref().map(crocevia_api::HireView::from),
            applicant,
            target,
        }
    }
}

#[derive(async_graphql::SimpleObject, Debug)]
pub struct StageCount {
    pub stage: ApplicationStage,
    pub count: i64,
}

#[derive(async_graphql::SimpleObject, Debug)]
pub struct SavedSearchView {
    pub id: ID,
    pub name: String,
}

pub fn uuid(field: &str, id: &ID) -> Result<uuid::Uuid> {
    uuid::Uuid::parse_str(id).map_err(|_| field_error(field, format!("{:?} is not an id", id.as_str())))
}

#[Object]
impl CoreQuery {
    /// The account behind the bearer token.
    async fn me(&self, ctx: &Context<'_>) -> Result<UserView> {
        Ok(UserView::from(signed_in(ctx)?.require().map_err(app_error)?))
    }

    /// Bilingual search. Talent profiles are visible to organisation members only; with no
    /// kinds, every kind the viewer may see.
    async fn search(&self, ctx: &Context<'_>, input: SearchInput) -> Result<SearchResultsGql> {
        let results = app(ctx)?.search(actor(ctx)?, input.into_request()).await.map_err(search_input_error)?;
        Ok(results.into())
    }

    /// The ranked matches of my talent or startup profile, or of my organisation's offer or
    /// programme, each with its explanation.
    async fn matches(&self, ctx: &Context<'_>, subject: ID) -> Result<Vec<MatchGql>> {
        let id = uuid("subject", &subject)?;
        let (side, list) = app(ctx)?.matches(actor(ctx)?, id).await.map_err(app_error)?;
        let counterpart = kind_of(side.counterpart());
        Ok(list.iter().enumerate().map(|(i, e)| MatchGql::from_entry(i, e, counterpart)).collect())
    }

    /// One entity by id (ask for `__typename`), as the viewer may see it: contact details
    /// reach only organisations the talent or startup applied to or consented to; a
    /// programme's `accepted` count only its organisation.
    async fn entity(&self, ctx: &Context<'_>, kind: EntityKind, id: ID) -> Result<EntityView> {
        let id = uuid("id", &id)?;
        app(ctx)?.entity(actor(ctx)?, kind, id).await.map_err(app_error)
    }

    /// Applications I made, or, for organisation members, applications to my organisation.
    async fn my_applications(&self, ctx: &Context<'_>) -> Result<Vec<ApplicationView>> {
        let list = app(ctx)?.applications(signed_in(ctx)?).await.map_err(app_error)?;
        Ok(list.iter().map(ApplicationView::from).collect())
    }

    /// My organisation's applicants by stage.
    async fn dashboard(&self, ctx: &Context<'_>) -> Result<Vec<StageCount>> {
        let actor = signed_in(ctx)?;
        if actor.organisation().is_none() {
            return Err(app_error(crocevia_profiles::AppError::forbidden("the dashboard is for organisation members")));
        }
        // In pipeline order, the stages that have applications.
        let mut counts: std::collections::BTreeMap<u8, (ApplicationStage, i64)> = std::collections::BTreeMap::new();
        for a in app(ctx)?.applications(actor).await.map_err(app_error)? {
            counts.entry(a.stage as u8).or_insert((a.stage, 0)).1 += 1;
        }
        Ok(counts.into_values().map(|(stage, count)| StageCount { stage, count }).collect())
    }

    /// My saved searches.
    async fn my_saved_searches(&self, ctx: &Context<'_>) -> Result<Vec<SavedSearchView>> {
        let list = app(ctx)?.saved_searches(signed_in(ctx)?).await.map_err(app_error)?;
        Ok(list.into_iter().map(|s| SavedSearchView { id: ID(s.id.to_string()), name: s.name }).collect())
    }

    /// A startup's eligibility for a programme, with the reasons: for the startup, the
    /// programme's organisation and administrators.
    async fn eligibility(&self, ctx: &Context<'_>, startup: ID, programme: ID) -> Result<EligibilityGql> {
        let (startup, programme) = (uuid("startup", &startup)?, uuid("programme", &programme)?);
        let found = app(ctx)?.eligibility(actor(ctx)?, startup, programme).await.map_err(app_error)?;
        Ok(EligibilityGql::new(&found.verdict, &found.fit))
    }
}

/// A search error: bad input names the field inside `input`.
pub fn search_input_error(e: crocevia_profiles::AppError) -> async_graphql::Error {
    match e {
        crocevia_profiles::AppError::Invalid { field, message } => field_error(&format!("input.{field}"), message),
        other => app_error(other),
    }
}
