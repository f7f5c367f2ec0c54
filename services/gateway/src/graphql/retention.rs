//! Retention and consent: a talent's 12-month check-ins and their consents. The rules are the
//! application boundary's (`crocevia_profiles::app::retention` and `consents`); these
//! resolvers only map arguments.

use super::mutation::Saved;
use super::{app, app_error, signed_in};
use async_graphql::{Context, Object, Result};
use crocevia_api::{CheckInAnswer, CheckInView, ConsentPurpose, ConsentView};

#[derive(Debug, Default)]
pub struct RetentionQuery;

#[Object]
impl RetentionQuery {
    /// My check-ins (talents): the answered ones, and, once I consented to be asked
    /// (`RETENTION_CHECK_IN`), those open today: a year after a graduation or a hire, for six
    /// months.
    async fn my_check_ins(&self, ctx: &Context<'_>) -> Result<Vec<CheckInView>> {
        app(ctx)?.my_check_ins(signed_in(ctx)?).await.map_err(app_error)
    }

    /// My consents, the newest answer for each purpose.
    async fn my_consents(&self, ctx: &Context<'_>) -> Result<Vec<ConsentView>> {
        app(ctx)?.my_consents(signed_in(ctx)?).await.map_err(app_error)
    }
}

#[derive(Debug, Default)]
pub struct RetentionMutation;

#[Object]
impl RetentionMutation {
    /// Answers one of my open check-ins: do I still live, and work, in the metropolitan area.
    async fn answer_check_in(&self, ctx: &Context<'_>, answer: CheckInAnswer) -> Result<Saved> {
        Ok(app(ctx)?.answer_check_in(signed_in(ctx)?, answer).await.map_err(app_error)?.into())
    }

    /// Gives or withdraws my consent to a purpose.
    async fn set_consent(&self, ctx: &Context<'_>, purpose: ConsentPurpose, granted: bool) -> Result<Saved> {
        Ok(app(ctx)?.set_consent(signed_in(ctx)?, purpose, granted).await.map_err(app_error)?.into())
    }
}
