//! Mutations: each maps its input to one command of the application boundary and its result
//! back; no rule is decided here.

use super::query::uuid;
use super::types::{AuthPayload, RegistrationSent};
use super::{Services, actor, app, app_error, field_error, internal, signed_in};
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use crocevia_api::{
    AnswerInput, DraftView, MyData, OfferInput, OrganisationInput, ProfileInput, ProgrammeInput, UserView,
};
use crocevia_domain::{ApplicationStage, EntityKind, Locale, Role, User};
use crocevia_profiles::WriteOutcome;
use crocevia_profiles::accounts::Credentials;
use crocevia_profiles::app::{DecisionNote, NewAccount, PostingInput, RubricLine};

#[derive(Debug, Default)]
pub struct CoreMutation;

#[derive(SimpleObject, Debug)]
pub struct Saved {
    pub id: ID,
    pub version: i64,
    pub created: bool,
}

impl From<WriteOutcome> for Saved {
    fn from(o: WriteOutcome) -> Self {
        Self { id: ID(o.id.to_string()), version: o.version as i64, created: o.created }
    }
}

/// A version a client read (GraphQL `Int`), as the store counts them.
pub(super) fn version(field: &str, v: Option<i64>) -> Result<Option<u64>> {
    v.map(|v| u64::try_from(v).map_err(|_| field_error(field, "must not be negative"))).transpose()
}

#[derive(InputObject, Debug)]
pub struct RubricInput {
    pub criterion: String,
    pub points: i32,
    pub max_points: i32,
}

#[derive(InputObject, Debug)]
pub struct RegisterInput {
    pub email: String,
    /// 10 to 200 characters.
    pub password: String,
    pub display_name: String,
    /// TALENT or STARTUP; organisation members are invited by an administrator.
    pub role: Role,
    #[graphql(default_with = "Locale::It")]
    pub locale: Locale,
}

fn token(services: &Services, user: &User, credentials: Credentials) -> Result<AuthPayload> {
    let token = services.keys.issue(user.id, user.role, credentials.generation).map_err(internal)?;
    Ok(AuthPayload { token, user: UserView::from(user) })
}

#[Object]
impl CoreMutation {
    /// Starts a sign-up (a talent or a startup): a link to confirm the address is e-mailed,
    /// and `confirmEmail` with its token creates the account and logs it in. The answer is
    /// the same whether or not the address already has an account (its owner is told
    /// instead), so sign-up does not reveal who is registered.
    async fn register(&self, ctx: &Context<'_>, input: RegisterInput) -> Result<RegistrationSent> {
        let role = match input.role {
            Role::Talent => Role::Talent,
            Role::Startup => Role::Startup,
            Role::Organisation | Role::Admin => {
                return Err(field_error(
                    "role",
                    "organisation members and administrators are invited, not self-registered",
                ));
            }
        };
        let account = NewAccount {
            email: input.email,
            password: input.password,
            display_name: input.display_name,
            role,
            locale: input.locale,
        };
        let sent = app(ctx)?.register(account).await.map_err(app_error)?;
        Ok(RegistrationSent {
            email: sent.email,
            link_valid_hours: i32::try_from(sent.link_valid_hours).unwrap_or(i32::MAX),
        })
    }

    /// Opens the link of a sign-up e-mail: creates the account and logs it in. A link works
    /// once and for a limited time; a used or expired one is a BAD_USER_INPUT on `token`.
    async fn confirm_email(&self, ctx: &Context<'_>, token: String) -> Result<AuthPayload> {
        let (user, credentials) = app(ctx)?.confirm_email(token).await.map_err(app_error)?;
        self::token(ctx.data::<Services>()?, &user, credentials)
    }

    /// E-mails a password-reset link if the address has an account. Returns true either way,
    /// so the answer does not reveal who is registered.
    async fn request_password_reset(&self, ctx: &Context<'_>, email: String) -> Result<bool> {
        app(ctx)?.request_password_reset(email).await.map_err(app_error)?;
        Ok(true)
    }

    /// Sets a new password with the token of a reset e-mail, ends every other session and
    /// logs in. The link works once, for an hour.
    async fn reset_password(&self, ctx: &Context<'_>, token: String, new_password: String) -> Result<AuthPayload> {
        let (user, credentials) = app(ctx)?.reset_password(token, new_password).await.map_err(app_error)?;
        self::token(ctx.data::<Services>()?, &user, credentials)
    }

    /// Exchanges an e-mail and password for a bearer token.
    async fn login(&self, ctx: &Context<'_>, email: String, password: String) -> Result<AuthPayload> {
        let address = ctx.data_opt::<super::ClientAddress>().map(|a| a.0);
        let (user, credentials) = app(ctx)?.login(&email, &password, address).await.map_err(app_error)?;
        token(ctx.data::<Services>()?, &user, credentials)
    }

    /// Sets a new password (the current one is required). Every other session ends: the
    /// tokens issued before stop working; the answer carries a new one.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> Result<AuthPayload> {
        let actor = signed_in(ctx)?;
        let credentials = app(ctx)?.change_password(actor, &current_password, new_password).await.map_err(app_error)?;
        let user = actor.require().map_err(app_error)?;
        token(ctx.data::<Services>()?, user, credentials)
    }

    /// Ends every session of mine, this one included: every token issued so far stops
    /// working. Returns true.
    async fn log_out_everywhere(&self, ctx: &Context<'_>) -> Result<bool> {
        app(ctx)?.log_out_everywhere(signed_in(ctx)?).await.map_err(app_error)?;
        Ok(true)
    }

    /// Creates an organisation (administrators only).
    async fn create_organisation(&self, ctx: &Context<'_>, organisation: OrganisationInput) -> Result<Saved> {
        Ok(app(ctx)?.create_organisation(actor(ctx)?, organisation).await.map_err(app_error)?.into())
    }

    /// Adds a member to an organisation (administrators only).
    async fn create_member(
        &self,
        ctx: &Context<'_>,
        organisation_id: ID,
        email: String,
        password: String,
        display_name: String,
    ) -> Result<UserView> {
        let org = uuid("organisationId", &organisation_id)?;
        let user =
            app(ctx)?.create_member(signed_in(ctx)?, org, &email, password, &display_name).await.map_err(app_error)?;
        Ok(UserView::from(&user))
    }

    /// Creates or updates my profile: `{talent: ...}` for a talent account, `{startup: ...}`
    /// for a startup's. Errors name the field, e.g. `profile.talent.languages[0].level`.
    /// `expectedVersion` refuses to overwrite a profile changed since I read it.
    async fn save_profile(
        &self,
        ctx: &Context<'_>,
        profile: ProfileInput,
        expected_version: Option<i64>,
    ) -> Result<Saved> {
        let expected = version("expectedVersion", expected_version)?;
        Ok(app(ctx)?.save_profile(signed_in(ctx)?, profile, expected).await.map_err(app_error)?.into())
    }

    /// Posts an offer of my organisation.
    async fn post_offer(&self, ctx: &Context<'_>, offer: OfferInput) -> Result<Saved> {
        let saved = app(ctx)?.save_posting(signed_in(ctx)?, None, PostingInput::Offer(offer), None).await;
        Ok(saved.map_err(app_error)?.into())
    }

    /// Updates an offer of my organisation; `expectedVersion` (the version I read) refuses
    /// to overwrite a newer one with CONFLICT.
    async fn update_offer(
        &self,
        ctx: &Context<'_>,
        id: ID,
        offer: OfferInput,
        expected_version: Option<i64>,
    ) -> Result<Saved> {
        let (id, expected) = (uuid("id", &id)?, version("expectedVersion", expected_version)?);
        let saved = app(ctx)?.save_posting(signed_in(ctx)?, Some(id), PostingInput::Offer(offer), expected).await;
        Ok(saved.map_err(app_error)?.into())
    }

    async fn close_offer(&self, ctx: &Context<'_>, id: ID, expected_version: Option<i64>) -> Result<Saved> {
        let (id, expected) = (uuid("id", &id)?, version("expectedVersion", expected_version)?);
        Ok(app(ctx)?.close_posting(signed_in(ctx)?, EntityKind::Offer, id, expected).await.map_err(app_error)?.into())
    }

    /// Posts an AcceleraTO programme of my organisation (incubators, accelerators,
    /// universities and public bodies; not companies); contradicting eligibility rules are
    /// refused naming the rule.
    async fn post_programme(&self, ctx: &Context<'_>, programme: ProgrammeInput) -> Result<Saved> {
        let saved = app(ctx)?.save_posting(signed_in(ctx)?, None, PostingInput::Programme(programme), None).await;
        Ok(saved.map_err(app_error)?.into())
    }

    async fn update_programme(
        &self,
        ctx: &Context<'_>,
        id: ID,
        programme: ProgrammeInput,
        expected_version: Option<i64>,
    ) -> Result<Saved> {
        let (id, expected) = (uuid("id", &id)?, version("expectedVersion", expected_version)?);
        let posting = PostingInput::Programme(programme);
        let saved = app(ctx)?.save_posting(signed_in(ctx)?, Some(id), posting, expected).await;
        Ok(saved.map_err(app_error)?.into())
    }

    async fn close_programme(&self, ctx: &Context<'_>, id: ID, expected_version: Option<i64>) -> Result<Saved> {
        let (id, expected) = (uuid("id", &id)?, version("expectedVersion", expected_version)?);
        let saved = app(ctx)?.close_posting(signed_in(ctx)?, EntityKind::Programme, id, expected).await;
        Ok(saved.map_err(app_error)?.into())
    }

    /// Applies my talent profile to an open offer, or my startup to an open programme it is
    /// eligible for (an "eligible if" verdict is recorded with its conditions). A closed or
    /// expired target, a second application and a NOT_ELIGIBLE verdict are refused with
    /// `extensions.reasons`.
    ///
    /// For a programme with a form, `answers` answers it (errors under `answers.<key>`); left
    /// out, the answers and motivation of my saved draft (`saveApplicationDraft`) are used.
    async fn apply(
        &self,
        ctx: &Context<'_>,
        target: ID,
        #[graphql(default)] motivation: String,
        answers: Option<Vec<AnswerInput>>,
    ) -> Result<Saved> {
        let target = uuid("target", &target)?;
        let submitted = app(ctx)?.submit_application(signed_in(ctx)?, target, motivation, answers).await;
        Ok(submitted.map_err(app_error)?.into())
    }

    /// Saves my startup's answers to a programme's form as a draft, checked as far as they go
    /// (required questions are asked for when I apply). The deadline closes it.
    async fn save_application_draft(
        &self,
        ctx: &Context<'_>,
        programme: ID,
        #[graphql(default)] motivation: String,
        #[graphql(default)] answers: Vec<AnswerInput>,
    ) -> Result<DraftView> {
        let programme = uuid("programme", &programme)?;
        app(ctx)?.save_draft(signed_in(ctx)?, programme, motivation, answers).await.map_err(app_error)
    }

    /// Moves an application to a later stage, waitlists or rejects it (its organisation), or
    /// withdraws it (its applicant). The move is recorded with the ranking its maker saw
    /// last for the offer or programme; `againstRanking` marks a decision that departs from
    /// it, and then `reason` is required.
    async fn move_application(
        &self,
        ctx: &Context<'_>,
        id: ID,
        stage: ApplicationStage,
        expected_version: Option<i64>,
        #[graphql(default)] reason: String,
        #[graphql(default)] against_ranking: bool,
    ) -> Result<Saved> {
        let (id, expected) = (uuid("id", &id)?, version("expectedVersion", expected_version)?);
        let note = DecisionNote { reason, against_ranking };
        let moved = app(ctx)?.decide(signed_in(ctx)?, id, stage, expected, note).await;
        Ok(moved.map_err(app_error)?.into())
    }

    /// Scores an application with the organisation's rubric; its score becomes the rubric's
    /// total, 0 to 100.
    async fn score_application(
        &self,
        ctx: &Context<'_>,
        id: ID,
        rubric: Vec<RubricInput>,
        expected_version: Option<i64>,
    ) -> Result<Saved> {
        let (id, expected) = (uuid("id", &id)?, version("expectedVersion", expected_version)?);
        let rubric = rubric
            .into_iter()
            .map(|r| RubricLine { criterion: r.criterion, points: r.points.into(), max_points: r.max_points.into() })
            .collect();
        let scored = app(ctx)?.score_application(signed_in(ctx)?, id, rubric, expected).await;
        Ok(scored.map_err(app_error)?.into())
    }

    /// Saves a search; `savedSearchResults` then streams its new results.
    async fn save_search(&self, ctx: &Context<'_>, name: String, input: super::types::SearchInput) -> Result<ID> {
        let id = app(ctx)?
            .save_search(signed_in(ctx)?, &name, input.into_request())
            .await
            .map_err(super::query::search_input_error)?;
        Ok(ID(id.to_string()))
    }

    /// Everything Crocevia holds about me (GDPR Art. 15 and 20).
    async fn export_my_data(&self, ctx: &Context<'_>) -> Result<MyData> {
        app(ctx)?.export(signed_in(ctx)?).await.map_err(app_error)
    }

    /// Erases my account and everything attached to it, in one transaction; `confirm` must
    /// be true. Returns how many entities were erased.
    async fn erase_my_data(&self, ctx: &Context<'_>, confirm: bool) -> Result<i64> {
        if !confirm {
            return Err(field_error("confirm", "must be true to erase your data"));
        }
        Ok(app(ctx)?.erase(signed_in(ctx)?).await.map_err(app_error)? as i64)
    }
}
