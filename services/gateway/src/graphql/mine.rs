//! The viewer's own talent or startup profile, their organisation's postings, and how a
//! profile scores against one offer or programme right now.

use super::query::uuid;
use super::types::PairMatch;
use super::{app, app_error, signed_in};
use async_graphql::{Context, ID, Object, Result};
use crocevia_api::{DraftView, PostingView, ProfileView};

#[derive(Debug, Default)]
pub struct MineQuery;

#[Object]
impl MineQuery {
    /// My talent or startup profile, as `entity` shows it to me; null until I save one, and
    /// for organisation members and administrators.
    async fn my_profile(&self, ctx: &Context<'_>) -> Result<Option<ProfileView>> {
        app(ctx)?.my_profile(signed_in(ctx)?).await.map_err(app_error)
    }

    /// My profile scored now against one target (an open offer for a talent, an open
    /// programme for a startup), whether or not it is in my list: the score, the hard
    /// constraints that exclude it and, for a startup, the eligibility verdict.
    async fn my_match_with(&self, ctx: &Context<'_>, target: ID) -> Result<PairMatch> {
        let target = uuid("target", &target)?;
        let pair = app(ctx)?.my_match_with(signed_in(ctx)?, target).await.map_err(app_error)?;
        Ok(PairMatch::from(&pair))
    }

    /// My startup's saved draft for a programme's form, if any.
    async fn my_application_draft(&self, ctx: &Context<'_>, programme: ID) -> Result<Option<DraftView>> {
        let programme = uuid("programme", &programme)?;
        app(ctx)?.my_draft(signed_in(ctx)?, programme).await.map_err(app_error)
    }

    /// My organisation's offers and programmes, open and closed, newest first.
    async fn my_postings(&self, ctx: &Context<'_>) -> Result<Vec<PostingView>> {
        app(ctx)?.my_postings(signed_in(ctx)?).await.map_err(app_error)
    }

    /// How an application's applicant scores against its offer or programme now, with the
    /// explanation and (for programmes) the eligibility verdict; for the organisation that
    /// received it.
    async fn application_match(&self, ctx: &Context<'_>, id: ID) -> Result<PairMatch> {
        let id = uuid("id", &id)?;
        let pair = app(ctx)?.application_match(signed_in(ctx)?, id).await.map_err(app_error)?;
        Ok(PairMatch::from(&pair))
    }
}
