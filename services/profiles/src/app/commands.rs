//! Commands: each one is one transaction ([`Work`](crate::service::Work)) that checks its
//! rules against what it reads inside that transaction, and every update carries the version
//! it read, so a concurrent change is a CONFLICT, never a silent overwrite.

use super::queries::{ends, profile_kind};
use super::{Actor, App, AppError, owns, visible_kinds};
use crate::accounts::{Accounts, Credentials, check_password, hash_password};
use crate::saved;
use crate::service::{Work, WriteOutcome};
use chrono::Utc;
use crocevia_api::{
    AnswerInput, ApplicationView, ConsentView, MyData, OfferInput, OrganisationInput, ProfileInput, ProgrammeInput,
    SavedSearchData, StartupView, TalentView, UserView, api_errors, api_path,
};
use crocevia_domain::{
    Applicant, Application, ApplicationId, ApplicationStage, ApplicationTarget, EligibilityCondition, Entity,
    EntityKind, Locale, NotOpen, OfferId, OrganisationId, ProgrammeId, Role, StageChange, StartupId, Status, TalentId,
    User, UserId, ValidationErrors,
};
use crocevia_matching::eligibility::{self, Verdict};
use crocevia_search::SearchRequest;
use uuid::Uuid;

/// A self-registration.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct NewAccount {
    pub email: String,
    pub password: String,
    pub display_name: String,
    pub role: Role,
    pub locale: Locale,
}

impl std::fmt::Debug for NewAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAccount")
            .field("email", &self.email)
            .field("role", &self.role)
            .field("locale", &self.locale)
            .finish_non_exhaustive()
    }
}

/// One rubric line as a client sends it (wide integers: the range is checked here).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RubricLine {
    pub criterion: String,
    pub points: i64,
    pub max_points: i64,
}

const CORRELATION: &str = "app";

/// A client's input that did not convert or validate, its fields named in the API's spelling
/// under `arg` (e.g. `offer.salaryMinEur`).
/// A new password for `user`, checked by the sign-up policy (the error on `newPassword`), then
/// hashed.
pub(super) async fn new_password_hash(new: String, user: &User) -> Result<String, AppError> {
    check_password(&new, &[&user.email, &user.display_name]).map_err(|e| match e {
        crate::accounts::AccountError::BadInput { message, .. } => AppError::invalid("newPassword", message),
        other => other.into(),
    })?;
    Ok(hash_password(new).await?)
}

pub(super) fn invalid_input(arg: &str, errors: ValidationErrors) -> AppError {
    let errors = api_errors(arg, errors);
    AppError::Invalid { field: errors.first_field().unwrap_or(arg).to_owned(), message: errors.to_string() }
}

/// A store refusal of an input (a skill that does not exist) named in the API's spelling.
pub(super) fn in_api_spelling(arg: &str, error: AppError) -> AppError {
    match error {
        AppError::Invalid { field, message } => AppError::Invalid { field: api_path(arg, &field), message },
        other => other,
    }
}

/// An offer or a programme as an organisation member posts it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum PostingInput {
    Offer(OfferInput),
    Programme(ProgrammeInput),
}

fn refused(field: &str, message: impl Into<String>) -> AppError {
    AppError::Refused { field: field.to_owned(), message: message.into(), reasons: vec![] }
}

fn not_open_message(what: &str, not_open: NotOpen) -> String {
    match not_open {
        NotOpen::Closed => format!("this {what} is closed"),
        NotOpen::DeadlinePassed(deadline) => format!("this {what}'s application deadline ({deadline}) has passed"),
    }
}

fn conditions(reasons: &[eligibility::Reason]) -> Vec<EligibilityCondition> {
    reasons.iter().map(|r| EligibilityCondition { rule: r.rule.clone(), it: r.it.clone(), en: r.en.clone() }).collect()
}

impl App {
    /// One entity written as one transaction, refused if it is no longer at `expected`.
    async fn write(&self, entity: Entity, expected: Option<u64>) -> Result<WriteOutcome, AppError> {
        let mut work = self.profiles.work().await?;
        let outcome = work.upsert(entity, expected, CORRELATION).await?;
        work.commit().await?;
        Ok(outcome)
    }

    /// For the operator's own tools (`crocevia add-user`), which act with no actor: creates
    /// an account of any role, the user and its credentials in one transaction.
    pub async fn provision_account(&self, user: User, password: String) -> Result<User, AppError> {
        check_password(&password, &[&user.email, &user.display_name])?;
        Ok(self.create_account(user, password).await?.0)
    }

    /// Hashes first (slow, off the transaction), then writes the user and its credentials
    /// in one transaction.
    async fn create_account(&self, user: User, password: String) -> Result<(User, Credentials), AppError> {
        let hash = hash_password(password).await?;
        let mut work = self.profiles.work().await?;
        Accounts::create_in(work.txn(), &user.email, hash, user.id.as_uuid()).await?;
        work.upsert(Entity::User(user.clone()), Some(0), "register").await?;
        work.commit().await?;
        Ok((user.clone(), Credentials { user_id: user.id.as_uuid(), generation: 0 }))
    }

    /// Logs in, within the per-account and per-address budgets of failed attempts (see
    /// [`super::throttle`]): past either, TOO_MANY_REQUESTS with the time to wait, whatever
    /// the password.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        address: Option<std::net::IpAddr>,
    ) -> Result<(User, Credentials), AppError> {
        if let Err(retry_after) = self.throttle.check(email, address) {
            tracing::warn!(client = ?address, "login refused: too many failed attempts");
            return Err(AppError::TooManyRequests { retry_after });
        }
        let credentials = match self.accounts.login(email.trim(), password).await {
            Ok(credentials) => credentials,
            Err(crate::accounts::AccountError::WrongCredentials) => {
                self.throttle.failed(email, address);
                return Err(crate::accounts::AccountError::WrongCredentials.into());
            }
            Err(e) => return Err(e.into()),
        };
        self.throttle.succeeded(email);
        match self.profiles.get(EntityKind::User, credentials.user_id).await?.entity {
            Entity::User(user) => Ok((user, credentials)),
            _ => Err(AppError::Other(anyhow::anyhow!("credentials point at a non-user"))),
        }
    }

    /// Adds a member to an organisation (administrators only).
    pub async fn create_member(
        &self,
        actor: &Actor,
        organisation: Uuid,
        email: &str,
        password: String,
        display_name: &str,
    ) -> Result<User, AppError> {
        actor.require()?;
        if !actor.is_admin() {
            return Err(AppError::forbidden("only administrators add organisation members"));
        }
        check_password(&password, &[email, display_name])?;
        let org = OrganisationId::from_uuid(organisation);
        let user = User {
            id: UserId::from_uuid(Uuid::now_v7()),
            email: email.trim().to_lowercase(),
            display_name: display_name.trim().to_owned(),
            role: Role::Organisation,
            organisation_id: Some(org),
            locale: Locale::default(),
        };
        Ok(self.create_account(user, password).await?.0)
    }

    /// Creates an organisation (administrators only).
    pub async fn create_organisation(
        &self,
        actor: &Actor,
        organisation: OrganisationInput,
    ) -> Result<WriteOutcome, AppError> {
        actor.require()?;
        if !actor.is_admin() {
            return Err(AppError::forbidden("only administrators create organisations"));
        }
        let id = OrganisationId::from_uuid(Uuid::now_v7());
        let organisation = organisation.into_domain(id).map_err(|e| invalid_input("organisation", e))?;
        self.write(Entity::Organisation(organisation), Some(0)).await.map_err(|e| in_api_spelling("organisation", e))
    }

    /// Sets a new password after checking the current one; every earlier token stops working
    /// and the returned generation is the new token's.
    pub async fn change_password(&self, actor: &Actor, current: &str, new: String) -> Result<Credentials, AppError> {
        let user = actor.require()?;
        if !self.accounts.verify_user(user.id.as_uuid(), current).await? {
            return Err(AppError::invalid("currentPassword", "is not your current password"));
        }
        let hash = new_password_hash(new, user).await?;
        let work = self.profiles.work().await?;
        let generation = Accounts::renew_in(work.txn(), user.id.as_uuid(), Some(hash)).await?;
        work.commit().await?;
        tracing::info!(user_id = %user.id, "password changed; earlier tokens revoked");
        Ok(Credentials { user_id: user.id.as_uuid(), generation })
    }

    /// Ends every session of the actor: all tokens issued so far stop working.
    pub async fn log_out_everywhere(&self, actor: &Actor) -> Result<Credentials, AppError> {
        let user = actor.require()?;
        let work = self.profiles.work().await?;
        let generation = Accounts::renew_in(work.txn(), user.id.as_uuid(), None).await?;
        work.commit().await?;
        tracing::info!(user_id = %user.id, "logged out everywhere");
        Ok(Credentials { user_id: user.id.as_uuid(), generation })
    }

    /// Creates or updates my talent or startup profile (the kind my role has).
    /// `expected_version`, when given, refuses to overwrite a profile changed since it was read.
    pub async fn save_profile(
        &self,
        actor: &Actor,
        profile: ProfileInput,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError> {
        let mut expected = expected_version;
        let user = actor.require()?;
        let kind =
            profile_kind(user.role).ok_or_else(|| AppError::forbidden("only talents and startups have a profile"))?;
        let existing = self.own_profile(actor).await?.map(|(_, id)| id);
        let id = existing.unwrap_or_else(Uuid::now_v7);
        let owner = Some(user.id);
        let (arg, entity) = match (kind, profile) {
            (EntityKind::Talent, ProfileInput::Talent(t)) => {
                let arg = "profile.talent";
                let mut talent = t.into_domain(TalentId::from_uuid(id), owner).map_err(|e| invalid_input(arg, e))?;
                // The check-in answers are not the profile form's: a save keeps them, and
                // writes over the version it kept them from, so an answer given meanwhile is
                // a conflict to retry, never lost.
                if existing.is_some() {
                    let stored = self.profiles.get(EntityKind::Talent, id).await?;
                    if let Entity::Talent(current) = stored.entity {
                        talent.check_ins = current.check_ins;
                        expected = expected.or(Some(stored.version));
                    }
                }
                (arg, Entity::Talent(talent))
            }
            (EntityKind::Startup, ProfileInput::Startup(s)) => {
                let arg = "profile.startup";
                (
                    arg,
                    Entity::Startup(s.into_domain(StartupId::from_uuid(id), owner).map_err(|e| invalid_input(arg, e))?),
                )
            }
            (kind, _) => {
                return Err(AppError::invalid("profile", format!("a {kind} account saves a {kind} profile")));
            }
        };
        self.write(entity, expected).await.map_err(|e| in_api_spelling(arg, e))
    }

    /// Creates (`id` = None) or updates an offer of the actor's employer (their organisation,
    /// or their startup: jobs and internships only) or a programme of their organisation.
    /// Only organisations that run programmes (not companies) post programmes. A new posting
    /// is open; an update keeps its status (closing is [`App::close_posting`]).
    pub async fn save_posting(
        &self,
        actor: &Actor,
        id: Option<Uuid>,
        posting: PostingInput,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError> {
        let user = actor.require()?;
        let employer = actor.employer().ok_or_else(|| match user.role {
            Role::Startup => AppError::forbidden("save your startup profile first: offers are posted in its name"),
            _ => AppError::forbidden("only members of an organisation and startups post offers"),
        })?;
        if matches!(posting, PostingInput::Programme(_)) && actor.organisation().is_none() {
            return Err(AppError::forbidden(
                "only organisations post programmes; a startup posts jobs and internships",
            ));
        }
        let kind = match posting {
            PostingInput::Offer(_) => EntityKind::Offer,
            PostingInput::Programme(_) => EntityKind::Programme,
        };
        let mut work = self.profiles.work().await?;
        // An update keeps what the posting's own input does not carry: its status and, for a
        // programme, its review panel (set by `set_review_panel`).
        let (id, status, review) = match id {
            Some(id) => {
                let current = work.get(kind, id).await?;
                if !owns(actor, &current.entity) {
                    return Err(AppError::forbidden("this belongs to another organisation or startup"));
                }
                match current.entity {
                    Entity::Offer(o) => (id, o.status, None),
                    Entity::Programme(p) => (id, p.status, Some(p.review)),
                    _ => (id, Status::Open, None),
                }
            }
            None => (Uuid::now_v7(), Status::Open, None),
        };
        let (arg, entity) = match posting {
            PostingInput::Offer(offer) => {
                let today = Utc::now().date_naive();
                let offer = offer.into_domain(OfferId::from_uuid(id), employer, status, today);
                ("offer", Entity::Offer(offer.map_err(|e| invalid_input("offer", e))?))
            }
            PostingInput::Programme(programme) => {
                let Some(org) = actor.organisation() else {
                    return Err(AppError::forbidden("only organisations post programmes"));
                };
                let Entity::Organisation(organisation) =
                    work.get(EntityKind::Organisation, org.as_uuid()).await?.entity
                else {
                    return Err(AppError::Other(anyhow::anyhow!("organisation {org} names another kind")));
                };
                if !organisation.kind.runs_programmes() {
                    return Err(AppError::forbidden(format!(
                        "a {} does not run AcceleraTO programmes (incubators, accelerators, universities, public bodies and foundations do)",
                        organisation.kind.key()
                    )));
                }
                let mut programme = programme
                    .into_domain(ProgrammeId::from_uuid(id), org, status)
                    .map_err(|e| invalid_input("programme", e))?;
                programme.review = review.unwrap_or_default();
                ("programme", Entity::Programme(programme))
            }
        };
        let outcome =
            work.upsert(entity, expected_version, CORRELATION).await.map_err(|e| in_api_spelling(arg, e.into()))?;
        work.commit().await?;
        Ok(outcome)
    }

    /// Closes an offer of the actor's employer or a programme of their organisation.
    pub async fn close_posting(
        &self,
        actor: &Actor,
        kind: EntityKind,
        id: Uuid,
        expected_version: Option<u64>,
    ) -> Result<WriteOutcome, AppError> {
        actor.require()?;
        let mut work = self.profiles.work().await?;
        let current = work.get(kind, id).await?;
        if !owns(actor, &current.entity) || actor.employer().is_none() {
            return Err(AppError::forbidden("this belongs to another organisation or startup"));
        }
        let entity = match current.entity {
            Entity::Offer(mut o) => {
                o.status = Status::Closed;
                Entity::Offer(o)
            }
            Entity::Programme(mut p) => {
                p.status = Status::Closed;
                Entity::Programme(p)
            }
            _ => return Err(AppError::not_found("no such offer or programme")),
        };
        let outcome = work.upsert(entity, Some(expected_version.unwrap_or(current.version)), CORRELATION).await?;
        work.commit().await?;
        Ok(outcome)
    }

    /// Applies the actor's talent profile to an offer, or their startup to a programme.
    /// Refused: a closed or expired target, a second application while the first is open,
    /// and a programme whose verdict is NOT_ELIGIBLE (with every reason). An "eligible if"
    /// verdict is accepted and its conditions are recorded on the application.
    pub async fn apply(&self, actor: &Actor, target: Uuid, motivation: String) -> Result<WriteOutcome, AppError> {
        self.submit_application(actor, target, motivation, None).await
    }

    /// [`App::apply`] with the answers to the programme's form: given here, or else those of
    /// the startup's saved draft (and its motivation, when none is given). Every answer is
    /// checked against the form, every required question must be answered (errors under
    /// `answers.<key>`), and the draft is gone once the application is in.
    pub async fn submit_application(
        &self,
        actor: &Actor,
        target: Uuid,
        mut motivation: String,
        answers: Option<Vec<AnswerInput>>,
    ) -> Result<WriteOutcome, AppError> {
        let user = actor.require()?;
        let kind = match user.role {
            Role::Talent | Role::Startup => profile_kind(user.role),
            _ => None,
        }
        .ok_or_else(|| AppError::forbidden("talents apply to offers and startups to programmes"))?;
        let (_, profile) = self
            .own_profile(actor)
            .await?
            .ok_or_else(|| refused("target", format!("create your {} profile first", kind.as_str())))?;
        let mut work = self.profiles.work().await?;
        // Holds the applicant's row (PostgreSQL) so two applications of one person take turns.
        let applicant = work.lock(kind, profile).await?;
        let today = Utc::now().date_naive();
        let mut given = Vec::new();
        let (application_target, applicant_ref, conditions) = match applicant.entity {
            Entity::Talent(_) => {
                if answers.as_ref().is_some_and(|a| !a.is_empty()) {
                    return Err(AppError::invalid("answers", "offers have no application form"));
                }
                let Entity::Offer(offer) = work.get(EntityKind::Offer, target).await?.entity else {
                    return Err(AppError::not_found("no offer has this id"));
                };
                if let Some(not_open) = offer.not_open_on(today) {
                    return Err(refused("target", not_open_message("offer", not_open)));
                }
                (
                    ApplicationTarget::Offer(OfferId::from_uuid(target)),
                    Applicant::Talent(TalentId::from_uuid(profile)),
                    vec![],
                )
            }
            Entity::Startup(startup) => {
                let Entity::Programme(programme) = work.get(EntityKind::Programme, target).await?.entity else {
                    return Err(AppError::not_found("no programme has this id"));
                };
                if let Some(not_open) = programme.not_open_on(today) {
                    return Err(refused("target", not_open_message("programme", not_open)));
                }
                let draft = crate::drafts::get(work.txn(), profile, target).await?;
                given = match (answers, &draft) {
                    (Some(inputs), _) => {
                        super::forms::answers_of(self, work.txn(), user, &programme.form, inputs).await?
                    }
                    (None, Some(draft)) => draft.answers()?,
                    (None, None) => vec![],
                };
                if motivation.trim().is_empty()
                    && let Some(draft) = &draft
                {
                    motivation = draft.motivation.clone();
                }
                super::forms::check(&programme.form, &given, true)?;
                let conditions = match eligibility::evaluate(&programme, &startup) {
                    Verdict::Eligible => vec![],
                    Verdict::EligibleIf(reasons) => conditions(&reasons),
                    Verdict::NotEligible(reasons) => {
                        let reasons = conditions(&reasons);
                        let summary = reasons.iter().map(|r| r.en.as_str()).collect::<Vec<_>>().join("; ");
                        return Err(AppError::Refused {
                            field: "target".into(),
                            message: format!("your startup is not eligible for this programme: {summary}"),
                            reasons: reasons.into_iter().map(|r| format!("{}: {} / {}", r.rule, r.en, r.it)).collect(),
                        });
                    }
                };
                (
                    ApplicationTarget::Programme(ProgrammeId::from_uuid(target)),
                    Applicant::Startup(StartupId::from_uuid(profile)),
                    conditions,
                )
            }
            _ => return Err(AppError::Other(anyhow::anyhow!("profile {profile} is not a talent or startup"))),
        };
        if self.open_application(&work, profile, target).await? {
            return Err(refused("target", "you have already applied; withdraw that application to apply again"));
        }
        let now = Utc::now();
        let application = Application {
            id: ApplicationId::from_uuid(Uuid::now_v7()),
            applicant: applicant_ref,
            target: application_target,
            stage: ApplicationStage::Submitted,
            history: vec![StageChange { stage: ApplicationStage::Submitted, at: now }],
            motivation,
            score: None,
            rubric: vec![],
            conditions,
            answers: given,
            hire: None,
        };
        crate::drafts::delete(work.txn(), profile, target).await?;
        crate::files::attach(work.txn(), &super::files::files_of(&application.answers), application.id.as_uuid())
            .await?;
        let outcome = work.upsert(Entity::Application(application), Some(0), CORRELATION).await?;
        work.commit().await?;
        Ok(outcome)
    }

    /// Whether `applicant` has an application to `target` that is not withdrawn.
    async fn open_application(&self, work: &Work<'_>, applicant: Uuid, target: Uuid) -> Result<bool, AppError> {
        for (kind, id, field) in work.inbound(applicant, 10_000).await? {
            if kind != EntityKind::Application.as_str() || field != "applicant" {
                continue;
            }
            if let Some(stored) = work.find(EntityKind::Application, id).await?
                && let Entity::Application(a) = stored.entity
                && ends(&a).1.1 == target
                && a.stage != ApplicationStage::Withdrawn
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Saves a search the actor may run (its kinds are checked now and again at every run).
    pub async fn save_search(&self, actor: &Actor, name: &str, request: SearchRequest) -> Result<Uuid, AppError> {
        let user = actor.require()?;
        visible_kinds(actor, &request.kinds)?;
        request.plan()?;
        let value = serde_json::to_value(&request).map_err(|e| AppError::Other(anyhow::anyhow!("{e}")))?;
        Ok(saved::insert(self.profiles.db(), user.id.as_uuid(), name, value).await?)
    }

    /// Everything Crocevia holds about the actor (GDPR Art. 15/20). A read that fails fails
    /// the export: a partial copy presented as complete would mislead.
    pub async fn export(&self, actor: &Actor) -> Result<MyData, AppError> {
        let user = actor.require()?;
        let db = self.profiles.db();
        let (mut talent, mut startup) = (None, None);
        let own = self.own_profile(actor).await?;
        if let Some((kind, id)) = own {
            let stored = self.profiles.get(kind, id).await?;
            match &stored.entity {
                Entity::Talent(t) => talent = Some(TalentView::of(t, stored.version, true)),
                Entity::Startup(s) => startup = Some(StartupView::of(s, stored.version, true)),
                _ => {}
            }
        }
        let mut applications = Vec::new();
        if user.role != Role::Organisation {
            // Only the applications they made: those to their startup's offers are the
            // applicants' data.
            for (application, version) in self.stored_applications(actor).await? {
                if own.is_some_and(|(_, id)| ends(&application).0.1 == id) {
                    applications.push(ApplicationView::of(&application, version));
                }
            }
        }
        let mut consents = Vec::new();
        for id in self.pointing(db, user.id.as_uuid(), EntityKind::Consent, "user_id").await? {
            let stored = self.profiles.get(EntityKind::Consent, id).await?;
            if let Entity::Consent(c) = &stored.entity {
                consents.push(ConsentView::of(c, stored.version));
            }
        }
        let mut saved_searches = Vec::new();
        for s in saved::of_user(db, user.id.as_uuid()).await? {
            let request: SearchRequest = serde_json::from_value(s.request)
                .map_err(|e| AppError::Other(anyhow::anyhow!("saved search {} does not decode: {e}", s.id)))?;
            let kinds = request.kinds.iter().map(|k| k.as_str().to_uppercase()).collect();
            saved_searches.push(SavedSearchData {
                id: crocevia_api::wire::id(s.id),
                name: s.name,
                text: request.text,
                kinds,
                filters: request.filters,
            });
        }
        Ok(MyData {
            user: UserView::from(user),
            talent,
            startup,
            applications,
            consents,
            saved_searches,
            welcome_ticks: self.my_welcome_ticks(actor).await?,
            exported_at: crocevia_api::DateTime(Utc::now()),
        })
    }

    /// Erases the actor (GDPR Art. 17) in ONE transaction: their applications, profile,
    /// consents, saved searches, credentials and account, each deletion with its erasure
    /// event in the outbox. It either happens whole or not at all, so a failure leaves the
    /// account able to retry; search and matching follow from the durable events. Returns how
    /// many entities were erased.
    pub async fn erase(&self, actor: &Actor) -> Result<u64, AppError> {
        let user = actor.require()?.clone();
        let reason = "erasure_request";
        let mut work = self.profiles.work().await?;
        let mut erased = 0;
        let me = user.id.as_uuid();
        // What to delete is read inside the transaction, so a write that lands just before
        // (a new application) is erased too, and one that comes after finds no account.
        let refs = work.inbound(me, 100_000).await?;
        let mut profiles = Vec::new();
        let mut consents = Vec::new();
        for (kind, id, field) in refs {
            match (kind.as_str(), field.as_str()) {
                ("talent", "user_id") => profiles.push((EntityKind::Talent, id)),
                ("startup", "user_id") => profiles.push((EntityKind::Startup, id)),
                ("consent", "user_id") => consents.push(id),
                _ => {}
            }
        }
        for (kind, profile) in &profiles {
            for (from_kind, id, field) in work.inbound(*profile, 100_000).await? {
                if from_kind == EntityKind::Application.as_str() && field == "applicant" {
                    crate::reviews::forget_application(work.txn(), id).await?;
                    work.delete(EntityKind::Application, id, reason, "erase").await?;
                    erased += 1;
                }
                // A startup's offers go with it, and the applications to them: a posting
                // nobody stands behind any more takes no one's application.
                if from_kind == EntityKind::Offer.as_str() && field == "startup_id" {
                    for (to_kind, application, to_field) in work.inbound(id, 100_000).await? {
                        if to_kind == EntityKind::Application.as_str() && to_field == "target" {
                            crate::reviews::forget_application(work.txn(), application).await?;
                            work.delete(EntityKind::Application, application, reason, "erase").await?;
                            erased += 1;
                        }
                    }
                    work.delete(EntityKind::Offer, id, reason, "erase").await?;
                    erased += 1;
                }
            }
            work.delete(*kind, *profile, reason, "erase").await?;
            erased += 1;
        }
        for id in consents {
            work.delete(EntityKind::Consent, id, reason, "erase").await?;
            erased += 1;
        }
        saved::delete_of_user(work.txn(), me).await?;
        // Conflicts she declared, or that name her startup, and applications assigned to her
        // by name. Reviews she gave stay with the organisation that asked for them.
        let people: Vec<Uuid> = std::iter::once(me).chain(profiles.iter().map(|(_, id)| *id)).collect();
        crate::reviews::forget_person(work.txn(), &people).await?;
        crate::decisions::forget_person(work.txn(), &people).await?;
        crate::drafts::forget(work.txn(), &people).await?;
        crate::files::forget(work.txn(), &people).await?;
        crate::welcome::forget(work.txn(), &people).await?;
        // Crypto-shredding: with her keys gone, every earlier event of hers on any log or
        // topic is unreadable (an imported profile she claimed was sealed under its own id).
        let subjects: Vec<Uuid> = std::iter::once(me).chain(profiles.iter().map(|(_, id)| *id)).collect();
        crate::keys::forget(work.txn(), &subjects).await?;
        Accounts::delete_in(work.txn(), me).await?;
        // Her links and the messages waiting for her carry her address.
        crate::tokens::forget_in(work.txn(), &user.email, None).await?;
        crate::mail::forget_in(work.txn(), &user.email).await?;
        work.delete(EntityKind::User, me, reason, "erase").await?;
        work.commit().await?;
        // The erasure is durable now; emptying the WAL only keeps its old frames (her rows
        // before the delete) from lingering on disk, so it runs beside the answer. Readers
        // busy past its retries defer it to the next checkpoint (at the latest, at shutdown):
        // no reason to fail the erasure.
        let db = self.profiles.db().clone();
        tokio::spawn(async move {
            if let Err(e) = crocevia_kit::db::checkpoint(&db).await {
                tracing::warn!(error = %e, "WAL checkpoint after an erasure deferred");
            }
        });
        tracing::info!(user_id = %user.id, erased = erased + 1, "erased on request");
        Ok(erased + 1)
    }
}
