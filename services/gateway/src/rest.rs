//! JSON over HTTP: search, matches and eligibility. Errors carry the shared error code and,
//! for bad input, the field at fault; internal details stay in the logs.

use crate::GatewayState;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use crocevia_kit::ErrorCode;
use crocevia_matching::{MatchingApi, MatchingError};
use crocevia_search::{SearchError, SearchRequest, SearchResults};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub(crate) struct ApiError {
    code: ErrorCode,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    message: String,
}

impl ApiError {
    pub(crate) fn new(code: ErrorCode, field: Option<&str>, message: impl Into<String>) -> Self {
        Self { code, field: field.map(str::to_owned), message: message.into() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self)).into_response()
    }
}

impl From<MatchingError> for ApiError {
    fn from(e: MatchingError) -> Self {
        match e {
            MatchingError::BadRequest { field, message } => Self::new(ErrorCode::BadUserInput, Some(&field), message),
            MatchingError::NotFound(message) => Self::new(ErrorCode::NotFound, None, message),
            MatchingError::Unavailable(reason) => {
                tracing::warn!(%reason, "matching unavailable");
                Self::new(ErrorCode::Unavailable, None, "matching is unavailable; try again")
            }
            MatchingError::Other(e) => {
                tracing::error!(error = format!("{e:#}"), "matching failed");
                Self::new(ErrorCode::Internal, None, "matching failed; try again")
            }
        }
    }
}

pub(crate) type ApiResult<T> = Result<Json<T>, ApiError>;

/// `POST /api/v1/search`.
pub(crate) async fn search(
    State(state): State<GatewayState>,
    body: Result<Json<SearchRequest>, JsonRejection>,
) -> ApiResult<SearchResults> {
    let Json(request) =
        body.map_err(|rejection| ApiError::new(ErrorCode::BadUserInput, None, rejection.body_text()))?;
    let search = state
        .search
        .as_ref()
        .ok_or_else(|| ApiError::new(ErrorCode::Unavailable, None, "this process does not run the search service"))?;
    match search.search(request).await {
        Ok(results) => Ok(Json(results)),
        Err(SearchError::BadRequest { field, message }) => {
            Err(ApiError::new(ErrorCode::BadUserInput, Some(&field), message))
        }
        Err(SearchError::Unavailable(reason)) => {
            tracing::warn!(%reason, "search unavailable");
            Err(ApiError::new(ErrorCode::Unavailable, None, "search is unavailable; try again"))
        }
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "search failed");
            Err(ApiError::new(e.code(), None, "the search failed; try again"))
        }
    }
}

pub(crate) fn uuid(field: &str, s: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(s)
        .map_err(|_| ApiError::new(ErrorCode::BadUserInput, Some(field), format!("{s:?} is not an id")))
}

pub(crate) fn matching(state: &GatewayState) -> Result<&dyn MatchingApi, ApiError> {
    state
        .matching
        .as_deref()
        .ok_or_else(|| ApiError::new(ErrorCode::Unavailable, None, "this process does not run the matching service"))
}

/// `GET /api/v1/matches/{id}`: the ranked matches of a talent, offer, startup or programme,
/// each with its explanation.
pub(crate) async fn matches(State(state): State<GatewayState>, Path(id): Path<String>) -> ApiResult<serde_json::Value> {
    let id = uuid("id", &id)?;
    let matching = matching(&state)?;
    let side = matching.side_of(id).await?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            Some("id"),
            format!("{id} is not a talent, offer, startup or programme open to matching"),
        )
    })?;
    Ok(Json(serde_json::json!({ "subject": id, "side": side, "matches": matching.matches(id).await? })))
}

/// `GET /api/v1/eligibility/{startup}/{programme}`: the verdict with its reasons, and the fit.
pub(crate) async fn eligibility(
    State(state): State<GatewayState>,
    Path((startup, programme)): Path<(String, String)>,
) -> ApiResult<serde_json::Value> {
    let (startup, programme) = (uuid("startup", &startup)?, uuid("programme", &programme)?);
    let found = matching(&state)?
        .eligibility(startup, programme)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, None, "no such startup or open programme"))?;
    Ok(Json(serde_json::json!({
        "startup": startup, "programme": programme, "eligibility": found.verdict, "fit": found.fit
    })))
}
