//! Mutations: each maps its input to one command of the application boundary and its result
//! back; no rule is decided here.

use super::query::uuid;
use super::types::{AuthPayload, LocaleGql, RoleGql};
use super::{Services, actor, app, app_error, field_error, internal, signed_in};
use async_graphql::{Context, Enum, ID, InputObject, Json, Object, Result, SimpleObject};
use crocevia_domain::{ApplicationStage, EntityKind, Role, User};
use crocevia_profiles::WriteOutcome;
use crocevia_profiles::accounts::Credentials;
use crocevia_profiles::app::{NewAccount, RubricLine};

#[derive(Debug, Default)]
pub struct MutationRoot;

type UserGqlOut = super::types::UserGql;

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
fn version(field: &str, v: Option<i64>) -> Result<Option<u64>> {
    v.map(|v| u64::try_from(v).map_err(|_| field_error(field, "must not be negative"))).transpose()
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "ApplicationStage")]
pub enum StageGql {
    Submitted,
    Screening,
    Interview,
    Offered,
    Accepted,
    Rejected,
    Withdrawn,
}

impl From<StageGql> for ApplicationStage {
    fn from(s: StageGql) -> Self {
        match s {
            StageGql::Submitted => Self::Submitted,
            StageGql::Screening => Self::Screening,
            StageGql::Interview => Self::Interview,
            StageGql::Offered => Self::Offered,
            StageGql::Accepted => Self::Accepted,
            StageGql::Rejected => Self::Rejected,
            StageGql::Withdrawn => Self::Withdrawn,
        }
    }
}

impl From<ApplicationStage> for StageGql {
    fn from(s: ApplicationStage) -> Self {
        match s {
            ApplicationStage::Submitted => Self::Submitted,
            ApplicationStage::Screening => Self::Screening,
            ApplicationStage::Interview => Self::Interview,
            ApplicationStage::Offered => Self::Offered,
            ApplicationStage::Accepted => Self::Accepted,
            ApplicationStage::Rejected => Self::Rejected,
            ApplicationStage::Withdrawn => Self::Withdrawn,
        }
    }
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
    pub role: RoleGql,
    #[graphql(default_with = "LocaleGql::It")]
    pub locale: LocaleGql,
}

fn token(services: &Services, user: &User, credentials: Credentials) -> Result<AuthPayload> {
    let token = services.keys.issue(user.id, user.role, credentials.generation).map_err(internal)?;
    Ok(AuthPayload { token, user: user.into() })
}

#[Object(name = "Mutation")]
impl MutationRoot {
    /// Creates an account (a talent or a startup) and logs it in.
    async fn register(&self, ctx: &Context<'_>, input: RegisterInput) -> Result<AuthPayload> {
        let role = match input.role {
            RoleGql::Talent => Role::Talent,
            RoleGql::Startup => Role::Startup,
            RoleGql::Organisation | RoleGql::Admin => {
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
            locale: input.locale.into(),
        };
        let (user, credentials) = app(ctx)?.register(account).await.map_err(app_error)?;
        token(ctx.data::<Services>()?, &user, credentials)
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

    /// Creates an organisation (administrators only): its fields as JSON.
    async fn create_organisation(&self, ctx: &Context<'_>, organisation: Json<serde_json::Value>) -> Result<Saved> {
        Ok(app(ctx)?.create_organisation(actor(ctx)?, organisation.0).await.map_err(app_error)?.into())
    }

    /// Adds a member to an organisation (administrators only).
    async fn create_member(
        &self,
        ctx: &Context<'_>,
        organisation_id: ID,
        email: String,
        password: String,
        display_name: String,
    ) -> Result<UserGqlOut> {
        let org = uuid("organisationId", &organisation_id)?;
        let user =
            app(ctx)?.create_member(signed_in(ctx)?, org, &email, password, &display_name).await.map_err(app_error)?;
        Ok((&user).into())
    }

    /// Creates or updates my talent or startup profile (the fields of the profile, as JSON;
    /// errors name the field, e.g. `profile.languages[0].level`). `expectedVersion` refuses
    /// to overwrite a profile changed since I read it.
    async fn save_profile(
        &self,
        ctx: &Context<'_>,
        profile: Json<serde_json::Value>,
        expected_version: Option<i64>,
    ) -> Result<Saved> {
        let expected = version("expectedVersion", expected_version)?;
        Ok(app(ctx)?.save_profile(signed_in(ctx)?, profile.0, expected).await.map_err(app_error)?.into())
    }

    /// Posts an offer of my organisation.
    async fn post_offer(&self, ctx: &Context<'_>, offer: Json<serde_json::Value>) -> Result<Saved> {
        let app_ = app(ctx)?;
        Ok(app_.save_posting(signed_in(ctx)?, EntityKind::Offer, None, offer.0, None).await.map_err(app_error)?.into())
    }

    /// Updates an offer of my organisation; `expectedVersion` (the version I read) refuses
    /// to overwrite a newer one with CONFLICT.
    async fn update_offer(
        &self,
        ctx: &Context<'_>,
        id: ID,
        offer: Json<serde_json::Value>,
        expected_version: Option<i64>,
    ) -> Result<Saved> {
        let (id, expected) = (uuid("id", &id)?, version("expectedVersion", expected_version)?);
        let saved = app(ctx)?.save_posting(signed_in(ctx)?, EntityKind::Offer, Some(id), offer.0, expected).await;
        Ok(saved.map_err(app_error)?.into())
    }

    async fn close_offer(&self, ctx: &Context<'_>, id: ID, expected_version: Option<i64>) -> Result<Saved> {
        let (id, expected) = (uuid("id", &id)?, version("expectedVersion", expected_version)?);
        Ok(app(ctx)?.close_posting(signed_in(ctx)?, EntityKind::Offer, id, expected).await.map_err(app_error)?.into())
    }

    /// Posts an AcceleraTO programme of my organisation (incubators, accelerators,
    /// universities and public bodies; not companies); contradicting eligibility rules are
    /// refused naming the rule.
    async fn post_programme(&self, ctx: &Context<'_>, programme: Json<serde_json::Value>) -> Result<Saved> {
        let saved = app(ctx)?.save_posting(signed_in(ctx)?, EntityKind::Programme, None, programme.0, None).await;
        Ok(saved.map_err(app_error)?.into())
    }

    async fn update_programme(
        &self,
        ctx: &Context<'_>,
        id: ID,
        programme: Json<serde_json::Value>,
        expected_version: Option<i64>,
    ) -> Result<Saved> {
        let (id, expected) = (uuid("id", &id)?, version("expectedVersion", expected_version)?);
        let saved =
            app(ctx)?.save_posting(signed_in(ctx)?, EntityKind::Programme, Some(id), programme.0, expected).await;
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
    async fn apply(&self, ctx: &Context<'_>, target: ID, #[graphql(default)] motivation: String) -> Result<Saved> {
        let target = uuid("target", &target)?;
        Ok(app(ctx)?.apply(signed_in(ctx)?, target, motivation).await.map_err(app_error)?.into())
    }

    /// Moves an application to a later stage (its organisation), or withdraws it (its applicant).
    async fn move_application(
        &self,
        ctx: &Context<'_>,
        id: ID,
        stage: StageGql,
        expected_version: Option<i64>,
    ) -> Result<Saved> {
        let (id, expected) = (uuid("id", &id)?, version("expectedVersion", expected_version)?);
        let moved = app(ctx)?.move_application(signed_in(ctx)?, id, stage.into(), expected).await;
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

    /// Everything Crocevia holds about me, as JSON.
    async fn export_my_data(&self, ctx: &Context<'_>) -> Result<Json<serde_json::Value>> {
        Ok(Json(app(ctx)?.export(signed_in(ctx)?).await.map_err(app_error)?))
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
