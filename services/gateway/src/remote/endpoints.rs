//! The internal endpoints of a process that runs search or matching, for the gateway's
//! [`RemoteSearch`](super::RemoteSearch) and [`RemoteMatching`](super::RemoteMatching).
//!
//! They answer without any notion of an actor (the gateway's application layer has decided
//! what may be asked), so they never face the public: a process that serves the public API
//! (`serve all`, `serve gateway`) does not mount them at all, and a `serve search` or
//! `serve matching` process answers them only to a caller presenting the service credential
//! (`gateway.service_token`, as `Authorization: Bearer ...`), refusing everything when it has
//! none configured.

use super::wire::{self, PairRequest, SideAnswer};
use crate::GatewayState;
use crate::rest::{ApiError, ApiResult, uuid};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use crocevia_kit::ErrorCode;
use crocevia_matching::{Eligibility, Entry, MatchingApi, PairView};
use crocevia_search::{SearchApi, SearchRequest, SearchResults};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;

/// The credential internal callers must present.
#[derive(Debug, Clone)]
pub struct ServiceCredential(pub Arc<SecretString>);

impl ServiceCredential {
    /// Compares in time independent of where the first difference is.
    fn accepts(&self, presented: &str) -> bool {
        let expected = self.0.expose_secret().as_bytes();
        let presented = presented.as_bytes();
        let mut diff = u8::from(expected.len() != presented.len());
        for (i, e) in expected.iter().enumerate() {
            diff |= e ^ presented.get(i).copied().unwrap_or(0);
        }
        diff == 0
    }
}

pub fn routes(state: &GatewayState) -> Router<GatewayState> {
    Router::new()
        .route(&format!("/{}", wire::SEARCH), post(search))
        .route(&format!("/{}/{{id}}", wire::MATCHES), get(matches))
        .route(&format!("/{}/{{id}}", wire::SIDE), get(side))
        .route(&format!("/{}/{{startup}}/{{programme}}", wire::ELIGIBILITY), get(eligibility))
        .route(&format!("/{}", wire::PAIR), post(pair))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard))
}

/// Refuses a call without the service credential (401), or to a process that has none.
async fn guard(State(state): State<GatewayState>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let credential = state.internal.as_ref().and_then(|i| i.credential.as_ref());
    match (credential, presented) {
        (Some(credential), Some(presented)) if credential.accepts(presented.trim()) => next.run(request).await,
        (None, _) => {
            tracing::warn!(path = %request.uri().path(), "internal call refused: no gateway.service_token is configured");
            ApiError::new(ErrorCode::Unauthenticated, None, "internal endpoint: the service credential is required")
                .into_response()
        }
        _ => {
            tracing::warn!(path = %request.uri().path(), "internal call refused: missing or wrong service credential");
            ApiError::new(ErrorCode::Unauthenticated, None, "internal endpoint: the service credential is required")
                .into_response()
        }
    }
}

/// The matching service of this process, if it runs one itself.
fn local(state: &GatewayState) -> Result<&dyn MatchingApi, ApiError> {
    match state.matching.as_deref() {
        Some(matching) if !matching.is_remote() => Ok(matching),
        _ => Err(ApiError::new(ErrorCode::Unavailable, None, "this process does not run the matching service")),
    }
}

/// `POST /internal/v1/search`: runs the request as given (the caller narrowed it).
async fn search(
    State(state): State<GatewayState>,
    body: Result<Json<SearchRequest>, JsonRejection>,
) -> ApiResult<SearchResults> {
    let Json(request) =
        body.map_err(|rejection| ApiError::new(ErrorCode::BadUserInput, None, rejection.body_text()))?;
    let search: &dyn SearchApi = state
        .search
        .as_deref()
        .ok_or_else(|| ApiError::new(ErrorCode::Unavailable, None, "this process does not run the search service"))?;
    Ok(Json(search.search(request).await.map_err(ApiError::from)?))
}

async fn matches(State(state): State<GatewayState>, Path(id): Path<String>) -> ApiResult<Vec<Entry>> {
    let id = uuid("id", &id)?;
    Ok(Json(local(&state)?.matches(id).await?))
}

async fn side(State(state): State<GatewayState>, Path(id): Path<String>) -> ApiResult<SideAnswer> {
    let id = uuid("id", &id)?;
    Ok(Json(SideAnswer { side: local(&state)?.side_of(id).await? }))
}

async fn eligibility(
    State(state): State<GatewayState>,
    Path((startup, programme)): Path<(String, String)>,
) -> ApiResult<Option<Eligibility>> {
    let (startup, programme) = (uuid("startup", &startup)?, uuid("programme", &programme)?);
    Ok(Json(local(&state)?.eligibility(startup, programme).await?))
}

async fn pair(
    State(state): State<GatewayState>,
    body: Result<Json<PairRequest>, JsonRejection>,
) -> ApiResult<PairView> {
    let Json(request) =
        body.map_err(|rejection| ApiError::new(ErrorCode::BadUserInput, None, rejection.body_text()))?;
    Ok(Json(local(&state)?.pair(request.subject, request.target).await?))
}
