//! Mutations.

use super::entities::{self, Saved};
use super::types::{AuthPayload, LocaleGql, RoleGql};
use super::{Services, Viewer, error, field_error, internal, is_admin, profiles_error, require};
use crate::accounts::{AccountError, check_password};
use async_graphql::{Context, InputObject, Object, Result};
use async_graphql::{Enum, ID, Json};
use crocevia_domain::{ApplicationStage, Entity, EntityKind, OrganisationId, Role, User, UserId};
use crocevia_kit::ErrorCode;

#[derive(Debug, Default)]
pub struct MutationRoot;

type UserGqlOut = super::types::UserGql;

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

fn account_error(e: AccountError) -> async_graphql::Error {
    match e {
        AccountError::BadInput { field, message } => field_error(field, message),
        AccountError::Taken => error(ErrorCode::Conflict, "an account with this e-mail exists"),
        AccountError::WrongCredentials => error(ErrorCode::Unauthenticated, "wrong e-mail or password"),
        AccountError::Other(e) => internal(e),
    }
}

#[Object(name = "Mutation")]
impl MutationRoot {
    /// Creates an account (a talent or a startup) and logs it in.
    async fn register(&self, ctx: &Context<'_>, input: RegisterInput) -> Result<AuthPayload> {
        let services = ctx.data::<Services>()?;
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
        check_password(&input.password).map_err(account_error)?;
        if services.accounts.exists(&input.email).await.map_err(account_error)? {
            return Err(error(ErrorCode::Conflict, "an account with this e-mail exists"));
        }
        let user = User {
            id: UserId::from_uuid(uuid::Uuid::now_v7()),
            email: input.email.trim().to_lowercase(),
            display_name: input.display_name.trim().to_owned(),
            role,
            organisation_id: None,
            locale: input.locale.into(),
        };
        services.profiles.upsert(Entity::User(user.clone()), Some(0), "register").await.map_err(profiles_error)?;
        if let Err(e) = services.accounts.create(&user.email, &input.password, user.id.as_uuid()).await {
            // Keep nothing half-made: the user entity goes if its credentials cannot be stored.
            let _ = services
                .profiles
                .delete(crocevia_domain::EntityKind::User, user.id.as_uuid(), "deleted", "register")
                .await;
            return Err(account_error(e));
        }
        let token = services.keys.issue(user.id, role).map_err(internal)?;
        Ok(AuthPayload { token, user: (&user).into() })
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
        let services = ctx.data::<Services>()?;
        let claims = require(ctx.data::<Viewer>()?)?;
        entities::forbidden_unless(is_admin(claims), "only administrators add organisation members")?;
        check_password(&password).map_err(account_error)?;
        let org = OrganisationId::from_uuid(entities::uuid("organisationId", &organisation_id)?);
        let user = User {
            id: UserId::from_uuid(uuid::Uuid::now_v7()),
            email: email.trim().to_lowercase(),
            display_name,
            role: Role::Organisation,
            organisation_id: Some(org),
            locale: Default::default(),
        };
        if services.accounts.exists(&user.email).await.map_err(account_error)? {
            return Err(error(ErrorCode::Conflict, "an account with this e-mail exists"));
        }
        services.profiles.upsert(Entity::User(user.clone()), Some(0), "graphql").await.map_err(profiles_error)?;
        services.accounts.create(&user.email, &password, user.id.as_uuid()).await.map_err(account_error)?;
        Ok((&user).into())
    }

    /// Creates or updates my talent or startup profile (the fields of the profile, as JSON;
    /// errors name the field, e.g. `profile.languages[0].level`).
    async fn save_profile(&self, ctx: &Context<'_>, profile: Json<serde_json::Value>) -> Result<Saved> {
        entities::save_profile(ctx.data::<Services>()?, require(ctx.data::<Viewer>()?)?, profile).await
    }

    /// Posts an offer of my organisation.
    async fn post_offer(&self, ctx: &Context<'_>, offer: Json<serde_json::Value>) -> Result<Saved> {
        entities::save_posting(
            ctx.data::<Services>()?,
            require(ctx.data::<Viewer>()?)?,
            EntityKind::Offer,
            None,
            offer,
            None,
        )
        .await
    }

    /// Updates an offer of my organisation; `expectedVersion` refuses to overwrite a newer one.
    async fn update_offer(
        &self,
        ctx: &Context<'_>,
        id: ID,
        offer: Json<serde_json::Value>,
        expected_version: Option<i64>,
    ) -> Result<Saved> {
        let expected = expected_version.map(|v| u64::try_from(v).unwrap_or(0));
        entities::save_posting(
            ctx.data::<Services>()?,
            require(ctx.data::<Viewer>()?)?,
            EntityKind::Offer,
            Some(&id),
            offer,
            expected,
        )
        .await
    }

    async fn close_offer(&self, ctx: &Context<'_>, id: ID) -> Result<Saved> {
        entities::close_posting(ctx.data::<Services>()?, require(ctx.data::<Viewer>()?)?, EntityKind::Offer, &id).await
    }

    /// Posts an AcceleraTO programme of my organisation; contradicting eligibility rules are
    /// refused naming the rule.
    async fn post_programme(&self, ctx: &Context<'_>, programme: Json<serde_json::Value>) -> Result<Saved> {
        entities::save_posting(
            ctx.data::<Services>()?,
            require(ctx.data::<Viewer>()?)?,
            EntityKind::Programme,
            None,
            programme,
            None,
        )
        .await
    }

    async fn update_programme(
        &self,
        ctx: &Context<'_>,
        id: ID,
        programme: Json<serde_json::Value>,
        expected_version: Option<i64>,
    ) -> Result<Saved> {
        let expected = expected_version.map(|v| u64::try_from(v).unwrap_or(0));
        entities::save_posting(
            ctx.data::<Services>()?,
            require(ctx.data::<Viewer>()?)?,
            EntityKind::Programme,
            Some(&id),
            programme,
            expected,
        )
        .await
    }

    async fn close_programme(&self, ctx: &Context<'_>, id: ID) -> Result<Saved> {
        entities::close_posting(ctx.data::<Services>()?, require(ctx.data::<Viewer>()?)?, EntityKind::Programme, &id)
            .await
    }

    /// Applies my talent profile to an offer, or my startup to a programme.
    async fn apply(&self, ctx: &Context<'_>, target: ID, #[graphql(default)] motivation: String) -> Result<Saved> {
        entities::apply(ctx.data::<Services>()?, require(ctx.data::<Viewer>()?)?, &target, motivation).await
    }

    /// Moves an application to a later stage (its organisation), or withdraws it (its applicant).
    async fn move_application(&self, ctx: &Context<'_>, id: ID, stage: StageGql) -> Result<Saved> {
        entities::move_application(ctx.data::<Services>()?, require(ctx.data::<Viewer>()?)?, &id, stage.into()).await
    }

    /// Scores an application with the organisation's rubric; its score becomes the rubric's
    /// total, 0 to 100.
    async fn score_application(&self, ctx: &Context<'_>, id: ID, rubric: Vec<RubricInput>) -> Result<Saved> {
        let rubric = rubric.into_iter().map(|r| (r.criterion, r.points, r.max_points)).collect();
        entities::score_application(ctx.data::<Services>()?, require(ctx.data::<Viewer>()?)?, &id, rubric).await
    }

    /// Saves a search; `savedSearchResults` then streams its new results.
    async fn save_search(&self, ctx: &Context<'_>, name: String, input: super::types::SearchInput) -> Result<ID> {
        let services = ctx.data::<Services>()?;
        let claims = require(ctx.data::<Viewer>()?)?;
        let user = claims.user_id().ok_or_else(|| error(ErrorCode::Unauthenticated, "the token names no user"))?;
        let request = input.into_request();
        request.plan().map_err(|e| match e {
            crocevia_search::SearchError::BadRequest { field, message } => {
                field_error(&format!("input.{field}"), message)
            }
            other => internal(other),
        })?;
        Ok(ID(crate::saved::save(services.profiles.db(), user.as_uuid(), &name, &request).await?.to_string()))
    }

    /// Everything Crocevia holds about me, as JSON.
    async fn export_my_data(&self, ctx: &Context<'_>) -> Result<Json<serde_json::Value>> {
        let services = ctx.data::<Services>()?;
        let user = super::me(services, require(ctx.data::<Viewer>()?)?).await?;
        Ok(Json(entities::export(services, &user).await?))
    }

    /// Erases my account and everything attached to it; `confirm` must be true. Returns how
    /// many entities were erased.
    async fn erase_my_data(&self, ctx: &Context<'_>, confirm: bool) -> Result<i64> {
        if !confirm {
            return Err(field_error("confirm", "must be true to erase your data"));
        }
        let services = ctx.data::<Services>()?;
        let user = super::me(services, require(ctx.data::<Viewer>()?)?).await?;
        Ok(entities::erase(services, &user).await? as i64)
    }

    /// Exchanges an e-mail and password for a bearer token.
    async fn login(&self, ctx: &Context<'_>, email: String, password: String) -> Result<AuthPayload> {
        let services = ctx.data::<Services>()?;
        let user_id = services.accounts.login(email.trim(), &password).await.map_err(account_error)?;
        let user = match services
            .profiles
            .get(crocevia_domain::EntityKind::User, user_id)
            .await
            .map_err(profiles_error)?
            .entity
        {
            Entity::User(u) => u,
            _ => return Err(internal("credentials point at a non-user")),
        };
        let token = services.keys.issue(user.id, user.role).map_err(internal)?;
        Ok(AuthPayload { token, user: (&user).into() })
    }
}
