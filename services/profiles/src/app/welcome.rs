//! The welcome path, decided here for every door: which accepted application has a checklist
//! and for which route, who reads it (the applicant, with their ticks, and the organisation
//! that accepted them, without), who ticks (the applicant alone), and who edits the
//! checklist (administrators, each edit a new version).

use super::{Actor, App, AppError};
use crate::welcome as store;
use crocevia_api::{WelcomeChecklistInput, WelcomeChecklistView, WelcomeDocumentView, WelcomeTickData, wire};
use crocevia_domain::welcome::{WelcomeChecklist, WelcomeRoute};
use crocevia_domain::{Applicant, Application, ApplicationStage, ApplicationTarget, Entity, EntityKind, Talent, place};
use uuid::Uuid;

/// Whether the talent studied at an Italian institution (a degree finished or expected): they
/// hold a study permit to convert, rather than entering with a Blue Card.
fn graduated_in_italy(talent: &Talent) -> bool {
    talent.education.iter().any(|e| e.institution.in_italy())
}

/// Whether citizens of `code` need a permit to live and work in Italy. An unknown code is
/// not assumed to: a checklist shows only on what the profile says.
fn needs_permit(code: &str) -> bool {
    place::countries::by_code(code).is_some_and(|c| !c.free_movement())
}

impl App {
    /// The checklist served now: the newest version an administrator saved, else the
    /// built-in reference checklist; with when it was saved (none for the reference).
    async fn current_welcome(&self) -> Result<(WelcomeChecklist, Option<chrono::DateTime<chrono::Utc>>), AppError> {
        match store::latest(self.profiles.db()).await? {
            Some(saved) => {
                let checklist = WelcomeChecklist::parse(&saved.document).map_err(|e| {
                    AppError::Other(anyhow::anyhow!("stored welcome checklist {} does not read: {e}", saved.version))
                })?;
                Ok((checklist, Some(saved.saved_at)))
            }
            None => {
                let checklist = WelcomeChecklist::reference()
                    .map_err(|e| AppError::Other(anyhow::anyhow!("the reference welcome checklist: {e}")))?;
                Ok((checklist, None))
            }
        }
    }

    /// The route of an application's welcome path, if it has one: accepted, and a talent
    /// whose country of origin is outside the EU/EEA and Switzerland (by the offer: research
    /// positions the research permit, other jobs the Blue Card or a study permit's
    /// conversion), or a startup whose seat is outside them (the Startup Visa).
    async fn welcome_route(&self, application: &Application) -> Result<Option<WelcomeRoute>, AppError> {
        if application.stage != ApplicationStage::Accepted {
            return Ok(None);
        }
        match (application.applicant, application.target) {
            (Applicant::Talent(talent), ApplicationTarget::Offer(offer)) => {
                let Entity::Talent(talent) = self.profiles.get(EntityKind::Talent, talent.as_uuid()).await?.entity
                else {
                    return Ok(None);
                };
                if !needs_permit(&talent.country_of_origin) {
                    return Ok(None);
                }
                let Entity::Offer(offer) = self.profiles.get(EntityKind::Offer, offer.as_uuid()).await?.entity else {
                    return Ok(None);
                };
                Ok(Some(WelcomeRoute::for_offer(offer.kind, graduated_in_italy(&talent))))
            }
            (Applicant::Startup(startup), ApplicationTarget::Programme(_)) => {
                let Entity::Startup(startup) = self.profiles.get(EntityKind::Startup, startup.as_uuid()).await?.entity
                else {
                    return Ok(None);
                };
                // An unknown seat is not assumed to be abroad.
                let abroad = startup.seat.as_ref().is_some_and(|seat| !seat.country().free_movement());
                Ok(abroad.then_some(WelcomeRoute::StartupVisa))
            }
            _ => Ok(None),
        }
    }

    /// The welcome checklist of an application, for its two parties only: the applicant
    /// (with the steps they ticked) and the organisation that accepted them (the same steps,
    /// no tick state: ticks are the applicant's own business). Null when the application has
    /// none (not accepted, or nobody needs a permit). Anyone else, administrators included,
    /// is FORBIDDEN: it tells where a person stands with their permit.
    pub async fn welcome_checklist(
        &self,
        actor: &Actor,
        application: Uuid,
    ) -> Result<Option<WelcomeChecklistView>, AppError> {
        actor.require()?;
        let (found, _, relation) = self.application(actor, application).await?;
        if !relation.applicant && !relation.organisation {
            return Err(AppError::forbidden("the welcome path is the applicant's and their organisation's"));
        }
        let Some(route) = self.welcome_route(&found).await? else { return Ok(None) };
        let (checklist, _) = self.current_welcome().await?;
        let ticked =
            if relation.applicant { Some(store::ticked(self.profiles.db(), application).await?) } else { None };
        Ok(Some(WelcomeChecklistView::of(wire::id(application), route, &checklist, ticked.as_deref())))
    }

    /// Ticks a step of my welcome checklist done (or not): the applicant's alone. A step
    /// not in the checklist is refused on `step`. Answers the checklist with my ticks.
    pub async fn tick_welcome_step(
        &self,
        actor: &Actor,
        application: Uuid,
        step: String,
        done: bool,
    ) -> Result<WelcomeChecklistView, AppError> {
        actor.require()?;
        let (found, _, relation) = self.application(actor, application).await?;
        if !relation.applicant {
            return Err(AppError::forbidden("only the applicant ticks the steps of their welcome path"));
        }
        let Some(route) = self.welcome_route(&found).await? else {
            return Err(AppError::invalid(
                "application",
                "this application has no welcome path: it shows once an application from outside the EU is accepted",
            ));
        };
        let (checklist, _) = self.current_welcome().await?;
        if !checklist.steps_for(route).any(|s| s.id == step) {
            return Err(AppError::invalid("step", format!("{step:?} is not a step of this welcome path")));
        }
        let applicant = match found.applicant {
            Applicant::Talent(t) => t.as_uuid(),
            Applicant::Startup(s) => s.as_uuid(),
        };
        store::set(self.profiles.db(), application, applicant, &step, done).await?;
        let ticked = store::ticked(self.profiles.db(), application).await?;
        Ok(WelcomeChecklistView::of(wire::id(application), route, &checklist, Some(&ticked)))
    }

    /// The whole checklist as served now, for an administrator to edit.
    pub async fn welcome_document(&self, actor: &Actor) -> Result<WelcomeDocumentView, AppError> {
        require_admin(actor)?;
        let (checklist, saved_at) = self.current_welcome().await?;
        Ok(WelcomeDocumentView::of(&checklist, saved_at.map(crocevia_api::DateTime)))
    }

    /// Saves a new version of the checklist (administrators only): every step in both
    /// languages with an https source, a check date and known routes, and a version greater
    /// than the current one; errors name the field (`document.steps[3].source`). From now on it is
    /// the one served; ticks of a step it no longer has are simply not shown.
    pub async fn update_welcome_checklist(
        &self,
        actor: &Actor,
        document: WelcomeChecklistInput,
    ) -> Result<WelcomeDocumentView, AppError> {
        let admin = require_admin(actor)?.id;
        // Fields are named under the argument, as every input's are (`document.steps[3].source`).
        let checklist = document.into_domain().map_err(|errors| {
            let errors = crocevia_api::api_errors("document", errors);
            AppError::Invalid {
                field: errors.first_field().unwrap_or("document").to_owned(),
                message: errors.to_string(),
            }
        })?;
        let (current, _) = self.current_welcome().await?;
        if !checklist.supersedes(&current) {
            return Err(AppError::invalid(
                "document.version",
                format!("must be greater than the current version {}", current.version),
            ));
        }
        let saved =
            store::save(self.profiles.db(), &checklist.version, checklist.to_value()).await.map_err(|e| {
                match e.sql_err() {
                    Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => AppError::Conflict {
                        message: format!("version {} was saved meanwhile", checklist.version),
                        current: None,
                    },
                    _ => AppError::from(e),
                }
            })?;
        tracing::info!(user_id = %admin, version = %checklist.version, "welcome checklist saved");
        Ok(WelcomeDocumentView::of(&checklist, Some(crocevia_api::DateTime(saved))))
    }

    /// The steps I ticked, for my data export.
    pub(super) async fn my_welcome_ticks(&self, actor: &Actor) -> Result<Vec<WelcomeTickData>, AppError> {
        let Some((_, profile)) = self.own_profile(actor).await? else { return Ok(Vec::new()) };
        let ticks = store::of_applicants(self.profiles.db(), &[profile]).await?;
        Ok(ticks
            .into_iter()
            .map(|t| WelcomeTickData {
                application_id: wire::id(t.application_id),
                step: t.step_id,
                ticked_at: crocevia_api::DateTime(t.ticked_at),
            })
            .collect())
    }
}

fn require_admin(actor: &Actor) -> Result<&crocevia_domain::User, AppError> {
    let user = actor.require()?;
    if !actor.is_admin() {
        return Err(AppError::forbidden("only administrators edit the welcome checklist"));
    }
    Ok(user)
}
