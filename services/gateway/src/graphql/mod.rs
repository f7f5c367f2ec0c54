//! The GraphQL API: one async-graphql schema, the only public door. Errors carry a code from
//! the shared table in `extensions.code` (and `extensions.field` for bad input) and never
//! internal detail.

mod gap;
mod mine;
mod mutation;
pub mod nesting;
mod open_data;
pub mod operations;
mod query;
mod reference;
mod retention;
mod selection;
mod subscription;
mod titles;
pub mod types;
mod welcome;

use crate::auth::JwtKeys;
use crate::skills::SkillCatalog;
use async_graphql::{Error, ErrorExtensions, Schema};
use crocevia_kit::ErrorCode;
use crocevia_profiles::{Actor, AppApi, AppError, ProfilesError};
use std::sync::Arc;

pub use subscription::SubscriptionRoot;

// Every query, merged from the files that resolve them.
#[derive(async_graphql::MergedObject, Debug, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    query::CoreQuery,
    mine::MineQuery,
    gap::GapQuery,
    reference::ReferenceQuery,
    open_data::OpenDataQuery,
    selection::SelectionQuery,
    welcome::WelcomeQuery,
    retention::RetentionQuery,
);

// Every mutation, merged the same way.
#[derive(async_graphql::MergedObject, Debug, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    mutation::CoreMutation,
    selection::SelectionMutation,
    welcome::WelcomeMutation,
    retention::RetentionMutation,
);

pub type ApiSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// What resolvers reach. Everything about people goes through `app`, the application
/// boundary; the rest is reference data and open data.
#[derive(Clone, Debug)]
pub struct Services {
    pub app: Arc<dyn AppApi>,
    /// For `myMatchesChanged`: its list changes (in another process, fed from the matches
    /// topic).
    pub matching: Option<Arc<dyn crocevia_matching::MatchingApi>>,
    /// For `savedSearchResults`, which runs again once search has indexed a change: the
    /// commits of search in this process, or those its members announce on the topic.
    pub indexed: Option<tokio::sync::broadcast::Sender<crocevia_search::service::Committed>>,
    pub keys: Arc<JwtKeys>,
    /// The skills taxonomy, for the skills picker (search need not run in this process).
    pub skills: Arc<SkillCatalog>,
    /// The open data (reads the insights tables; their consumer may run elsewhere).
    pub insights: Option<crocevia_insights::InsightsService>,
}

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub depth: usize,
    pub complexity: usize,
    pub introspection: bool,
}

pub fn schema(services: Services, limits: Limits) -> ApiSchema {
    let mut builder = Schema::build(QueryRoot::default(), MutationRoot::default(), SubscriptionRoot)
        .data(services)
        .extension(nesting::NestingLimit)
        .extension(operations::OperationMetrics)
        .limit_depth(limits.depth)
        .limit_complexity(limits.complexity);
    if !limits.introspection {
        // No schema to read, and no "Did you mean ...?" either: suggestions would spell the
        // hidden schema out field by field.
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder.finish()
}

/// Depth and complexity that admit the standard introspection query (graphql-js
/// `getIntrospectionQuery()`, whose type references nest about 13 levels deep).
const INTROSPECTION_DEPTH: usize = 32;
const INTROSPECTION_COMPLEXITY: usize = 2_000;

/// The schema for introspection-only operations (see [`is_introspection`]); `None` when
/// introspection is off.
pub fn introspection_schema(services: Services, limits: Limits) -> Option<ApiSchema> {
    limits.introspection.then(|| {
        schema(
            services,
            Limits {
                depth: limits.depth.max(INTROSPECTION_DEPTH),
                complexity: limits.complexity.max(INTROSPECTION_COMPLEXITY),
                introspection: true,
            },
        )
    })
}

/// Whether every operation of `query` selects only introspection fields (`__schema`,
/// `__type`, `__typename`) at its root. Such a query reads the schema, never data, so a
/// looser depth limit costs nothing; anything else (a fragment at the root included) is
/// treated as an ordinary query.
pub fn is_introspection(query: &str) -> bool {
    use async_graphql::parser::types::{DocumentOperations, Selection};
    if (!query.contains("__schema") && !query.contains("__type")) || nesting::too_deep(query, nesting::MAX_NESTING) {
        return false;
    }
    let Ok(document) = async_graphql::parser::parse_query(query) else { return false };
    let introspective = |op: &async_graphql::parser::types::OperationDefinition| {
        !op.selection_set.node.items.is_empty()
            && op.selection_set.node.items.iter().all(|item| match &item.node {
                Selection::Field(field) => {
                    matches!(field.node.name.node.as_str(), "__schema" | "__type" | "__typename")
                }
                _ => false,
            })
    };
    match &document.operations {
        DocumentOperations::Single(op) => introspective(&op.node),
        DocumentOperations::Multiple(ops) => ops.values().all(|op| introspective(&op.node)),
    }
}

/// The longest `extensions.retryAfter` of a response's errors, in seconds.
pub fn retry_after(response: &async_graphql::BatchResponse) -> Option<u64> {
    let responses: Vec<&async_graphql::Response> = match response {
        async_graphql::BatchResponse::Single(r) => vec![r],
        async_graphql::BatchResponse::Batch(rs) => rs.iter().collect(),
    };
    responses
        .iter()
        .flat_map(|r| &r.errors)
        .filter_map(|e| e.extensions.as_ref()?.get("retryAfter"))
        .filter_map(|v| match v {
            async_graphql::Value::Number(n) => n.as_u64(),
            _ => None,
        })
        .max()
}

/// The code an error carries, or `None` for the parse and validation errors async-graphql
/// reports without one (which [`with_codes`] reports as BAD_USER_INPUT).
pub(crate) fn code_of(e: &async_graphql::ServerError) -> Option<&str> {
    match e.extensions.as_ref().and_then(|x| x.get("code")) {
        Some(async_graphql::Value::String(code)) => Some(code.as_str()),
        _ => None,
    }
}

/// The code of an error without one.
pub(crate) const UNCODED: ErrorCode = ErrorCode::BadUserInput;

/// Gives every error a code: parse and validation errors (which async-graphql reports
/// without one) are BAD_USER_INPUT, so clients can branch on `extensions.code` alone.
pub fn with_codes(response: async_graphql::BatchResponse) -> async_graphql::BatchResponse {
    let fix = |mut r: async_graphql::Response| {
        for e in &mut r.errors {
            let coded = e.extensions.as_ref().is_some_and(|x| x.get("code").is_some());
            if !coded {
                let field = argument_of(&e.message);
                let extensions = e.extensions.get_or_insert_with(Default::default);
                extensions.set("code", UNCODED.as_str());
                if let Some(field) = field {
                    extensions.set("field", field);
                }
            }
        }
        r
    };
    match response {
        async_graphql::BatchResponse::Single(r) => async_graphql::BatchResponse::Single(fix(r)),
        async_graphql::BatchResponse::Batch(rs) => {
            async_graphql::BatchResponse::Batch(rs.into_iter().map(fix).collect())
        }
    }
}

/// The argument a parse or validation error of async-graphql names (`Invalid value for
/// argument "offer.remote", ...`), so typed inputs name the bad field like the rules do.
fn argument_of(message: &str) -> Option<String> {
    let rest = &message[message.find("argument \"")? + "argument \"".len()..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// The SDL of the schema, as committed in `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(QueryRoot::default(), MutationRoot::default(), SubscriptionRoot).finish().sdl()
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

/// The application's verdict as a GraphQL error: the shared code, the field at fault, the
/// reasons of a refusal and the current version of a conflict.
pub fn app_error(e: AppError) -> Error {
    let code = e.code();
    let field = e.field().map(str::to_owned);
    let (reasons, current) = match &e {
        AppError::Refused { reasons, .. } => (reasons.clone(), None),
        AppError::Conflict { current, .. } => (vec![], *current),
        _ => (vec![], None),
    };
    let retry_after = match &e {
        AppError::TooManyRequests { retry_after } => Some(retry_after.as_secs().max(1)),
        _ => None,
    };
    Error::new(e.public_message()).extend_with(move |_, x| {
        x.set("code", code.as_str());
        if let Some(field) = &field {
            x.set("field", field.clone());
        }
        if !reasons.is_empty() {
            x.set("reasons", reasons.clone());
        }
        if let Some(current) = current {
            x.set("currentVersion", current as i64);
        }
        if let Some(seconds) = retry_after {
            x.set("retryAfter", seconds);
        }
    })
}

pub fn profiles_error(e: ProfilesError) -> Error {
    app_error(e.into())
}

/// The address the request came from (the TCP peer), for the login budget per address.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub std::net::IpAddr);

/// The actor of this request, resolved by the HTTP handler or at `connection_init`.
pub fn actor<'a>(ctx: &async_graphql::Context<'a>) -> Result<&'a Actor, Error> {
    ctx.data::<Actor>()
}

/// The signed-in actor, or UNAUTHENTICATED.
pub fn signed_in<'a>(ctx: &async_graphql::Context<'a>) -> Result<&'a Actor, Error> {
    let actor = actor(ctx)?;
    actor.require().map_err(app_error)?;
    Ok(actor)
}

pub fn app<'a>(ctx: &async_graphql::Context<'a>) -> Result<&'a dyn AppApi, Error> {
    Ok(ctx.data::<Services>()?.app.as_ref())
}
