//! The public REST API (`/api/v1/*`): search, matches and eligibility, through the same
//! application boundary as GraphQL, with the same bearer tokens. Errors are RFC 9457
//! problem details (`application/problem+json`) carrying the shared error code and, for bad
//! input, the field at fault; internal details stay in the logs.

use crate::GatewayState;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use crocevia_kit::ErrorCode;
use crocevia_matching::MatchingError;
use crocevia_profiles::{Actor, App, AppError};
use crocevia_search::{SearchError, SearchRequest, SearchResults};
use serde::Serialize;

/// An RFC 9457 problem (boxed: errors stay one pointer wide on the happy path).
#[derive(Debug)]
pub(crate) struct ApiError(Box<Problem>);

/// `type`, `title`, `status` and `detail`, plus the shared `code` and the `field` at fault.
#[derive(Debug, Serialize)]
struct Problem {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'static str,
    status: u16,
    detail: String,
    code: ErrorCode,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    reasons: Vec<String>,
    #[serde(rename = "currentVersion", skip_serializing_if = "Option::is_none")]
    current_version: Option<u64>,
}

fn title(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::BadUserInput => "Bad input",
        ErrorCode::Unauthenticated => "Not signed in",
        ErrorCode::Forbidden => "Not allowed",
        ErrorCode::NotFound => "Not found",
        ErrorCode::Conflict => "Conflict",
        ErrorCode::Unavailable => "Temporarily unavailable",
        ErrorCode::Internal => "Internal error",
    }
}

impl ApiError {
    pub(crate) fn new(code: ErrorCode, field: Option<&str>, message: impl Into<String>) -> Self {
        Self(Box::new(Problem {
            kind: "about:blank",
            title: title(code),
            status: code.http_status(),
            detail: message.into(),
            code,
            field: field.map(str::to_owned),
            reasons: vec![],
            current_version: None,
        }))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self.0).unwrap_or_default();
        (status, [(axum::http::header::CONTENT_TYPE, "application/problem+json")], body).into_response()
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let mut out = Self::new(e.code(), e.field(), e.public_message());
        match e {
            AppError::Refused { reasons, .. } => out.0.reasons = reasons,
            AppError::Conflict { current, .. } => out.0.current_version = current,
            _ => {}
        }
        out
    }
}

impl From<MatchingError> for ApiError {
    fn from(e: MatchingError) -> Self {
        AppError::from(e).into()
    }
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> Self {
        AppError::from(e).into()
    }
}

pub(crate) type ApiResult<T> = Result<Json<T>, ApiError>;

pub(crate) fn uuid(field: &str, s: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(s)
        .map_err(|_| ApiError::new(ErrorCode::BadUserInput, Some(field), format!("{s:?} is not an id")))
}

fn app(state: &GatewayState) -> Result<&App, ApiError> {
    state
        .app
        .as_ref()
        .ok_or_else(|| ApiError::new(ErrorCode::Unavailable, None, "this process does not serve the public API"))
}

/// The actor of a REST request, from its bearer token exactly as for GraphQL.
async fn actor(state: &GatewayState, headers: &HeaderMap) -> Result<Actor, ApiError> {
    let (Some(app), Some(api)) = (state.app.as_ref(), state.api.as_ref()) else {
        return Err(ApiError::new(ErrorCode::Unavailable, None, "this process does not serve the public API"));
    };
    crate::resolve_actor(app, &api.keys, headers).await.map_err(|(code, message)| ApiError::new(code, None, message))
}

/// `POST /api/v1/search`: the same search and visibility as GraphQL `search`.
pub(crate) async fn search(
    State(state): State<GatewayState>,
    headers: HeaderMap,
    body: Result<Json<SearchRequest>, JsonRejection>,
) -> ApiResult<SearchResults> {
    let actor = actor(&state, &headers).await?;
    let Json(request) =
        body.map_err(|rejection| ApiError::new(ErrorCode::BadUserInput, None, rejection.body_text()))?;
    Ok(Json(app(&state)?.search(&actor, request).await?))
}

/// `GET /api/v1/matches/{id}`: the ranked matches of one of the caller's own profiles,
/// offers or programmes, each with its explanation.
pub(crate) async fn matches(
    State(state): State<GatewayState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<serde_json::Value> {
    let actor = actor(&state, &headers).await?;
    let id = uuid("id", &id)?;
    let (side, list) = app(&state)?.matches(&actor, id).await?;
    Ok(Json(serde_json::json!({ "subject": id, "side": side, "matches": list })))
}

/// `GET /api/v1/eligibility/{startup}/{programme}`: the verdict with its reasons, and the
/// fit, for the startup, the programme's organisation and administrators.
pub(crate) async fn eligibility(
    State(state): State<GatewayState>,
    headers: HeaderMap,
    Path((startup, programme)): Path<(String, String)>,
) -> ApiResult<serde_json::Value> {
    let actor = actor(&state, &headers).await?;
    let (startup, programme) = (uuid("startup", &startup)?, uuid("programme", &programme)?);
    let found = app(&state)?.eligibility(&actor, startup, programme).await?;
    Ok(Json(serde_json::json!({
        "startup": startup, "programme": programme, "eligibility": found.verdict, "fit": found.fit
    })))
}
