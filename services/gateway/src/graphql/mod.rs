//! The GraphQL API: one async-graphql schema, the only public door. Errors carry a code from
//! the shared table in `extensions.code` (and `extensions.field` for bad input) and never
//! internal detail.

mod entities;
mod mine;
mod mutation;
mod open_data;
mod query;
mod reference;
mod service_errors;
mod subscription;
mod titles;
pub mod types;

use crate::accounts::Accounts;
use crate::auth::{Claims, JwtKeys};
use crate::skills::SkillCatalog;
use async_graphql::{Error, ErrorExtensions, Schema};
use crocevia_domain::{Entity, EntityKind, Role, User};
use crocevia_kit::ErrorCode;
use crocevia_matching::MatchingApi;
use crocevia_profiles::{Profiles, ProfilesError};
use crocevia_search::SearchApi;
use std::sync::Arc;

pub use mutation::MutationRoot;
pub use service_errors::{matching_error, search_error};
pub use subscription::SubscriptionRoot;

// Every query, merged from the files that resolve them.
#[derive(async_graphql::MergedObject, Debug, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(query::CoreQuery, mine::MineQuery, reference::ReferenceQuery, open_data::OpenDataQuery);

pub type ApiSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// What resolvers reach.
#[derive(Clone, Debug)]
pub struct Services {
    pub profiles: Profiles,
    pub search: Option<Arc<dyn SearchApi>>,
    /// In-process or a client of a matching process (see [`crate::remote`]).
    pub matching: Option<Arc<dyn MatchingApi>>,
    pub accounts: Accounts,
    pub keys: Arc<JwtKeys>,
    /// The skills taxonomy, for the skills picker (search need not run in this process).
    pub skills: Arc<SkillCatalog>,
    /// The open data (reads the insights tables; their consumer may run elsewhere).
    pub insights: Option<crocevia_insights::InsightsService>,
}

/// Who is asking, from a verified token; `None` for anonymous requests.
#[derive(Debug, Clone)]
pub struct Viewer(pub Option<Claims>);

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub depth: usize,
    pub complexity: usize,
    pub introspection: bool,
}

pub fn schema(services: Services, limits: Limits) -> ApiSchema {
    let mut builder = Schema::build(QueryRoot::default(), MutationRoot, SubscriptionRoot)
        .data(services)
        .limit_depth(limits.depth)
        .limit_complexity(limits.complexity);
    if !limits.introspection {
        builder = builder.disable_introspection();
    }
    builder.finish()
}

/// The SDL of the schema, as committed in `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(QueryRoot::default(), MutationRoot, SubscriptionRoot).finish().sdl()
}

pub fn error(code: ErrorCode, message: impl Into<String>) -> Error {
    Error::new(message).extend_with(|_, e| e.set("code", code.as_str()))
}

pub fn field_error(field: &str, message: impl Into<String>) -> Error {
    let field = field.to_owned();
    Error::new(message).extend_with(move |_, e| {
        e.set("code", ErrorCode::BadUserInput.as_str());
        e.set("field", field.clone());
    })
}

/// Logs the detail and tells the client only that something failed.
pub fn internal(e: impl std::fmt::Display) -> Error {
    tracing::error!(error = %format!("{e:#}"), "graphql resolver failed");
    error(ErrorCode::Internal, "internal error")
}

pub fn profiles_error(e: ProfilesError) -> Error {
    match &e {
        ProfilesError::Invalid { errors, .. } => {
            field_error(errors.first_field().unwrap_or("input"), errors.to_string())
        }
        ProfilesError::NotFound { .. } => error(ErrorCode::NotFound, e.to_string()),
        ProfilesError::Conflict(m) => error(ErrorCode::Conflict, m.clone()),
        ProfilesError::Other(_) => internal(e),
    }
}

pub fn require(viewer: &Viewer) -> Result<&Claims, Error> {
    viewer.0.as_ref().ok_or_else(|| error(ErrorCode::Unauthenticated, "log in first"))
}

pub async fn me(services: &Services, claims: &Claims) -> Result<User, Error> {
    let id = claims.user_id().ok_or_else(|| error(ErrorCode::Unauthenticated, "the token names no user"))?;
    match services.profiles.get(EntityKind::User, id.as_uuid()).await {
        Ok(stored) => match stored.entity {
            Entity::User(user) => Ok(user),
            _ => Err(internal("user id names another kind")),
        },
        Err(ProfilesError::NotFound { .. }) => Err(error(ErrorCode::Unauthenticated, "this account no longer exists")),
        Err(e) => Err(profiles_error(e)),
    }
}

pub fn is_admin(claims: &Claims) -> bool {
    claims.role == Role::Admin
}
