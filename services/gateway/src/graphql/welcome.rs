//! The welcome path of an accepted international talent or startup: its checklist, the
//! applicant's ticks, and the administrator's edit of the checklist. Every rule is the
//! application boundary's (`crocevia_profiles::app::welcome`); these resolvers only map
//! arguments.

use super::query::uuid;
use super::{app, app_error, signed_in};
use async_graphql::{Context, ID, Object, Result};
use crocevia_api::{WelcomeChecklistInput, WelcomeChecklistView, WelcomeDocumentView};

#[derive(Debug, Default)]
pub struct WelcomeQuery;

#[Object]
impl WelcomeQuery {
    /// The welcome checklist of an accepted application whose talent comes from outside the
    /// EU/EEA and Switzerland (or whose startup is based outside them): the permit route of
    /// the case and the steps after it, in Italian and English, each with its official
    /// source and the day it was checked. The applicant reads their own ticks; the
    /// organisation that accepted them reads the steps without; nobody else reads it. Null
    /// when the application has none.
    async fn welcome_checklist(&self, ctx: &Context<'_>, application: ID) -> Result<Option<WelcomeChecklistView>> {
        let application = uuid("application", &application)?;
        app(ctx)?.welcome_checklist(signed_in(ctx)?, application).await.map_err(app_error)
    }

    /// The whole welcome checklist as served now, with its version (administrators).
    async fn welcome_checklist_document(&self, ctx: &Context<'_>) -> Result<WelcomeDocumentView> {
        app(ctx)?.welcome_document(signed_in(ctx)?).await.map_err(app_error)
    }
}

#[derive(Debug, Default)]
pub struct WelcomeMutation;

#[Object]
impl WelcomeMutation {
    /// Ticks a step of my welcome checklist done (`done: false` unticks it); only I see my
    /// ticks. Answers my checklist.
    async fn tick_welcome_step(
        &self,
        ctx: &Context<'_>,
        application: ID,
        step: String,
        done: bool,
    ) -> Result<WelcomeChecklistView> {
        let application = uuid("application", &application)?;
        app(ctx)?.tick_welcome_step(signed_in(ctx)?, application, step, done).await.map_err(app_error)
    }

    /// Saves a new version of the welcome checklist (administrators): every step in Italian
    /// and English, with an https source, the day it was checked and known routes, and a
    /// version greater than the current one. Errors name the field (`document.steps[3].source`).
    async fn update_welcome_checklist(
        &self,
        ctx: &Context<'_>,
        document: WelcomeChecklistInput,
    ) -> Result<WelcomeDocumentView> {
        app(ctx)?.update_welcome_checklist(signed_in(ctx)?, document).await.map_err(app_error)
    }
}
