//! Mutations.

use super::types::{AuthPayload, LocaleGql, RoleGql};
use super::{Services, error, field_error, internal, profiles_error};
use crate::accounts::{AccountError, check_password};
use async_graphql::{Context, InputObject, Object, Result};
use crocevia_domain::{Entity, Role, User, UserId};
use crocevia_kit::ErrorCode;

#[derive(Debug, Default)]
pub struct MutationRoot;

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
